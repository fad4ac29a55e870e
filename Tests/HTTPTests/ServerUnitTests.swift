import Glibc
import Testing
@testable import HTTP

/// Pieces of the server that need no sockets: head detection, Date
/// formatting, response serialization, the outbound buffer.
@Suite struct ServerUnitTests {
    func scanAll(_ text: String, split: Int? = nil) -> Bool {
        var detector = HeadEndDetector()
        let bytes = Array(text.utf8)
        let cut = split ?? bytes.count
        var ended = bytes[..<cut].withUnsafeBytes { detector.scan($0) }
        ended = bytes[cut...].withUnsafeBytes { detector.scan($0) } || ended
        return ended
    }

    @Test func headEndIsFoundAtEverySplit() {
        let head = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel"
        for split in 0...head.utf8.count { #expect(scanAll(head, split: split)) }
        #expect(scanAll("GET / HTTP/1.1\nHost: a\n\n"))
        #expect(!scanAll("GET / HTTP/1.1\r\nHost: a\r\n"))
        // Empty lines before the request line are not the end of a head (RFC 9112 §2.2).
        #expect(!scanAll("\r\n\r\nGET / HTTP/1.1\r\n"))
    }

    @Test func imfFixdateMatchesKnownInstants() {
        #expect(String(decoding: HTTPDateCache.imfFixdate(epochSeconds: 784_111_777), as: UTF8.self)
                == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(String(decoding: HTTPDateCache.imfFixdate(epochSeconds: 0), as: UTF8.self)
                == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(String(decoding: HTTPDateCache.imfFixdate(epochSeconds: 951_782_400), as: UTF8.self)
                == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(String(decoding: HTTPDateCache.imfFixdate(epochSeconds: 1_735_689_599), as: UTF8.self)
                == "Tue, 31 Dec 2024 23:59:59 GMT")
    }

    @Test func imfFixdateAgreesWithGmtimeOverManyDays() {
        var t = -86_400 * 400
        while t < 4_000_000_000 {
            var seconds = time_t(t)
            var parts = tm()
            gmtime_r(&seconds, &parts)
            var text = [CChar](repeating: 0, count: 64)
            let n = strftime(&text, 64, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            let expected = String(decoding: text[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(String(decoding: HTTPDateCache.imfFixdate(epochSeconds: t), as: UTF8.self) == expected)
            t += 7_777_777
        }
    }

    func serialize(_ response: HTTPResponse, head: Bool = false,
                   connection: ResponseSerializer.ConnectionField = .omitted) -> String {
        var out = OutboundBuffer()
        ResponseSerializer.write(response, isHead: head, connection: connection,
                                 dateLine: Array("Date: D\r\n".utf8), into: &out)
        var fds: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        defer { close(fds[0]); close(fds[1]) }
        _ = try? out.write(to: fds[0])
        var bytes = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fds[1], &bytes, bytes.count, Int32(MSG_DONTWAIT))
        return String(decoding: bytes[0..<max(0, n)], as: UTF8.self)
    }

    @Test func serializesStatusHeadersDateAndLength() {
        let text = serialize(HTTPResponse(status: .ok, headers: ["X-A": "1"], body: Array("hi".utf8)))
        #expect(text == "HTTP/1.1 200 OK\r\nX-A: 1\r\nDate: D\r\nContent-Length: 2\r\n\r\nhi")
    }

    @Test func responderFramingFieldsAreNotDuplicated() {
        let response = HTTPResponse(status: .ok, headers: [
            "Content-Length": "99", "Date": "Mon, 01 Jan 2024 00:00:00 GMT",
            "Connection": "keep-alive", "Transfer-Encoding": "chunked",
        ], body: Array("abc".utf8))
        let text = serialize(response, connection: .close)
        #expect(text == "HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
    }

    @Test func headKeepsLengthButSendsNoBody() {
        #expect(serialize(.text(.ok, "hello"), head: true)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: D\r\nContent-Length: 5\r\n\r\n")
        let given = HTTPResponse(status: .ok, headers: ["Content-Length": "42"])
        #expect(serialize(given, head: true) == "HTTP/1.1 200 OK\r\nContent-Length: 42\r\nDate: D\r\n\r\n")
    }

    @Test func noContentAndNotModifiedRules() {
        #expect(serialize(HTTPResponse(status: .noContent, headers: ["Content-Length": "0"]))
                == "HTTP/1.1 204 No Content\r\nDate: D\r\n\r\n")
        #expect(serialize(HTTPResponse(status: .notModified, headers: ["ETag": "W/\"1\""], body: [1, 2]))
                == "HTTP/1.1 304 Not Modified\r\nETag: W/\"1\"\r\nDate: D\r\n\r\n")
    }

    @Test func http10KeepAliveIsConfirmed() {
        #expect(serialize(HTTPResponse(status: .ok), connection: .keepAlive)
                == "HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func fieldsWithLineBreaksAreDropped() {
        let response = HTTPResponse(status: .ok, headers: ["X-Evil": "a\r\nSet-Cookie: x=1", "Bad Name": "v"])
        #expect(serialize(response) == "HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 0\r\n\r\n")
        var more = HTTPResponse(status: .ok)
        for (name, value) in [("X-Nul", "a\0b"), ("X-Lf", "a\nb"), ("X-Cr", "a\rb"), ("X:Colon", "v"),
                              ("", "v"), ("X-Ä", "v"), ("X-Tab\t", "v"), ("X-Ok", "caf\u{E9} \t ok")] {
            more.headers.add(name, value)
        }
        #expect(serialize(more) == "HTTP/1.1 200 OK\r\nX-Ok: caf\u{E9} \t ok\r\nDate: D\r\nContent-Length: 0\r\n\r\n")
    }

    /// The server's own fields are told apart by length, then by name in any case; a name of
    /// the same length as one of them (Content-Digest, Keep-Alive's twin X-Forwards) is the
    /// responder's.
    @Test func ownedFieldsAreFoundInAnyCaseAndOnlyThem() {
        let owned: [(String, ResponseSerializer.OwnedField)] = [
            ("Content-Length", .contentLength), ("CONTENT-LENGTH", .contentLength), ("date", .date),
            ("DaTe", .date), ("Connection", .hopByHop), ("keep-alive", .hopByHop),
            ("Transfer-Encoding", .hopByHop), ("transfer-encoding", .hopByHop),
            ("Content-Digest", .other), ("X-Forwards", .other), ("Data", .other), ("ETag", .other),
            ("Transfer-Encodinx", .other), ("Content-Type", .other), ("", .other),
        ]
        for (name, expected) in owned {
            #expect(ResponseSerializer.ownedField(name) == expected, "\(name)")
        }
    }

    @Test func outboundBufferSendsLargeBodiesAndResumesAfterBlocking() throws {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0, &fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        var out = OutboundBuffer()
        let body = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        out.append(Array("HEAD".utf8))
        out.appendBody(body)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var sawBlocked = false
        while !out.isEmpty || received.count < body.count + 4 {
            if !out.isEmpty, case .blocked = try out.write(to: fds[0]) { sawBlocked = true }
            let n = recv(fds[1], &chunk, chunk.count, Int32(MSG_DONTWAIT))
            if n > 0 { received += chunk[0..<n] }
        }
        #expect(sawBlocked)
        #expect(received == Array("HEAD".utf8) + body)
    }

    @Test func writeToAClosedPeerThrowsInsteadOfKillingTheProcess() {
        var fds: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0, &fds)
        close(fds[1])
        defer { close(fds[0]) }
        var out = OutboundBuffer()
        out.append([1, 2, 3])
        #expect(throws: SocketError.self) { try out.write(to: fds[0]) }
    }

    @Test func socketAddressParsesLiterals() throws {
        #expect(try SocketAddress(host: "127.0.0.1", port: 80).family == AF_INET)
        #expect(try SocketAddress(host: "localhost", port: 80).family == AF_INET)
        #expect(try SocketAddress(host: "::", port: 80).family == AF_INET6)
        #expect(try SocketAddress(host: "[::1]", port: 80).family == AF_INET6)
        #expect(throws: SocketError.self) { try SocketAddress(host: "example.com", port: 80) }
        #expect(throws: SocketError.self) { try SocketAddress(host: "127.0.0.1", port: 70_000) }
    }

    @Test func epollTimeoutRoundsUp() {
        let t = MonotonicInstant.now
        #expect(EventLoop.milliseconds(until: t, from: t) == 0)
        #expect(EventLoop.milliseconds(until: t + .microseconds(1), from: t) == 1)
        #expect(EventLoop.milliseconds(until: t + .milliseconds(250), from: t) == 250)
        #expect(EventLoop.milliseconds(until: t, from: t + .seconds(1)) == 0)
    }
}

/// The one decision between a responder's answer and the server giving up on the request.
@Suite struct ReplySlotTests {
    @Test func theFirstOfAnswerAndGivingUpWins() {
        let answered = ReplySlot()
        #expect(answered.answer() == .sent)
        // The deadline passes while the response travels to the loop: no 503, the response goes out.
        #expect(answered.abandon(.timedOut) == false)
        #expect(answered.abandon(.connectionClosed) == false)

        let timedOut = ReplySlot()
        #expect(timedOut.abandon(.timedOut))
        #expect(timedOut.answer() == .timedOut)
        #expect(timedOut.abandon(.connectionClosed) == false)   // closing after the 503 changes nothing

        let closed = ReplySlot()
        #expect(closed.abandon(.connectionClosed))
        #expect(closed.answer() == .connectionClosed)
    }
}
