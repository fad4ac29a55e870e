import Foundation
import Glibc
import JSON

/// A response as a client sees it on the wire.
struct WireResponse {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every line of a header, in order (Vary may come on several).
    func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as JSON; a test that expects JSON fails when it is not.
    var json: JSONValue {
        get throws { try JSONValue.parse(body) }
    }
}

enum TestClientError: Error, CustomStringConvertible {
    case connect(Int32)
    case closed(String)
    case timeout
    case malformed(String)

    var description: String {
        switch self {
        case .connect(let e): return "connect failed: errno \(e)"
        case .closed(let s): return "connection closed: \(s)"
        case .timeout: return "timed out reading the response"
        case .malformed(let s): return "malformed response: \(s)"
        }
    }
}

/// A small blocking HTTP/1.1 client over a real TCP socket, as a terminal or
/// curl would talk to the server: keep-alive, raw bytes when a test needs them,
/// and a receive timeout so a test can never hang.
final class TestClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            // No close here: every stored property is set, so the throw runs `deinit`, which
            // closes it. Closing it twice closed whatever socket another test had opened under
            // the same number in between (seen once as EBADF in a parallel run).
            throw TestClientError.connect(errno)
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// GETs `target` until its `ETag` is `etag`, for at most 10 s, and returns that answer (or the
    /// last one). The calendar sweep (`CalendarSweep`) gives an item whose calendar-derived state
    /// moved at midnight its new version within a second or so, as a polling client sees it.
    func awaitETag(_ etag: String, at target: String, headers: [(String, String)] = []) throws -> WireResponse {
        let deadline = ContinuousClock.now + .seconds(10)
        var response = try request("GET", target, headers: headers)
        while response.header("ETag") != etag, ContinuousClock.now < deadline {
            usleep(20_000)
            response = try request("GET", target, headers: headers)
        }
        return response
    }

    /// Sends one request and reads its response.
    func request(_ method: String, _ target: String, headers: [(String, String)] = [], body: String? = nil,
                 contentType: String = "application/json") throws -> WireResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        var allHeaders = headers
        if let body {
            if !allHeaders.contains(where: { $0.0.lowercased() == "content-type" }) {
                allHeaders.append(("Content-Type", contentType))
            }
            allHeaders.append(("Content-Length", String(body.utf8.count)))
        }
        for (name, value) in allHeaders { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        send(Array(head.utf8) + Array((body ?? "").utf8))
        return try readResponse(method: method)
    }

    /// Reads one response; `method` tells whether a body follows (HEAD has none).
    func readResponse(method: String = "GET") throws -> WireResponse {
        let headEnd = try fill(until: { self.find([13, 10, 13, 10]) })
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TestClientError.malformed(headText) }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let response = WireResponse(status: status, headers: headers, body: [])
        if status < 200 { return response }   // 100 Continue: the caller reads again
        if method == "HEAD" || status == 204 || status == 304 { return response }
        if let length = response.header("Content-Length").flatMap(Int.init) {
            _ = try fill(until: { self.buffer.count >= length ? length : nil })
            let body = Array(buffer[..<length])
            buffer.removeFirst(length)
            return WireResponse(status: status, headers: headers, body: body)
        }
        // No length: the body runs until the server closes.
        while true {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            buffer += chunk[..<n]
        }
        defer { buffer.removeAll() }
        return WireResponse(status: status, headers: headers, body: buffer)
    }

    /// Ends what this client sends (a FIN); it may still read.
    func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// True when the server has closed the connection (reads EOF).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for i in 0...(buffer.count - pattern.count) where buffer[i] == pattern[0] {
            if Array(buffer[i..<(i + pattern.count)]) == pattern { return i }
        }
        return nil
    }

    private func fill(until done: () -> Int?) throws -> Int {
        while true {
            if let result = done() { return result }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { throw TestClientError.closed(String(decoding: buffer, as: UTF8.self)) }
            if n < 0 { throw errno == EAGAIN || errno == EWOULDBLOCK ? TestClientError.timeout : TestClientError.closed("errno \(errno)") }
            buffer += chunk[..<n]
        }
    }
}
