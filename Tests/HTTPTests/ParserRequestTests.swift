import Testing
@testable import HTTP

/// Well-formed requests: what the parser hands on, however the bytes arrive.
@Suite struct ParserRequestTests {
    @Test func simpleGet() throws {
        let events = verifyParse(bytes(
            "GET /api/v1/products?stars=4 HTTP/1.1\r\nHost: ocop.example\r\nAccept: */*\r\nUser-Agent: t\r\n"
                + "X-Request-Id: 7\r\nAccept-Language: vi\r\n\r\n"))
        #expect(events.count == 1)
        let request = try #require(events.first?.request)
        #expect(request.method == "GET")
        #expect(request.target == "/api/v1/products?stars=4")
        #expect(request.version == .http1_1)
        #expect(request.headers == ["Host: ocop.example", "Accept: */*", "User-Agent: t",
                                    "X-Request-Id: 7", "Accept-Language: vi"])
        #expect(request.body.isEmpty)
        #expect(request.keepAlive)
    }

    @Test func postWithContentLength() throws {
        let body = bytes("{\"name\":\"Hợp tác xã Mộc Châu\"}")
        let events = verifyParse(bytes(
            "POST /api/v1/producers HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.count)\r\n\r\n") + body)
        #expect(events.count == 1)
        let request = try #require(events.first?.request)
        #expect(request.method == "POST")
        #expect(request.body == body)
    }

    @Test func exactBodyAndNextRequestStayApart() throws {
        let events = verifyParse(bytes(
            "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(events.count == 2)
        #expect(events.first?.request?.body == bytes("hello"))
        #expect(events.last?.request?.target == "/b")
    }

    @Test func chunkedWithExtensionsAndTrailers() throws {
        let events = verifyParse(bytes(
            "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "6 ; q=\"a \\\"b\\\" ;c\" ; flag\r\n world\r\n"
                + "000A\r\n, 0123456!\r\n"
                + "0\r\nX-Checksum: abc\r\nX-Other:  x \r\n\r\n"))
        #expect(events.count == 1)
        let request = try #require(events.first?.request)
        #expect(request.body == bytes("hello world, 0123456!"))
        // Trailers are validated, then dropped; the head's fields stay as sent.
        #expect(request.headers == ["Host: a", "Transfer-Encoding: chunked"])
    }

    @Test func chunkedWithoutTrailersAndUpperCaseCoding() throws {
        let events = verifyParse(bytes(
            "PUT /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
        #expect(events.first?.request?.body == bytes("abc"))
    }

    @Test func pipelinedRequestsInOneBuffer() throws {
        let events = verifyParse(bytes(
            "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
                + "DELETE /4 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
        #expect(events.map { $0.request?.target } == ["/1", "/2", "/3", "/4"])
        #expect(events.map { $0.request?.body } == [[], bytes("abc"), bytes("hi"), []])
        #expect(events.map { $0.request?.keepAlive } == [true, true, true, false])
    }

    @Test func consumedStopsAtTheEndOfEachPipelinedRequest() {
        let first = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
        let input = bytes(first + "GET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HT")
        var parser = RequestParser()
        input.withUnsafeBytes { buffer in
            let (consumed, result) = parser.parse(buffer)
            #expect(consumed == first.utf8.count)
            guard case .request = result else { Issue.record("expected a request"); return }
            let (consumed2, result2) = parser.parse(UnsafeRawBufferPointer(rebasing: buffer[consumed...]))
            #expect(consumed2 == first.utf8.count)
            guard case .request = result2 else { Issue.record("expected a request"); return }
            // The partial third request line stays unconsumed, to be re-offered.
            let (consumed3, result3) = parser.parse(UnsafeRawBufferPointer(rebasing: buffer[(consumed + consumed2)...]))
            #expect(consumed3 == 0)
            guard case .needMore = result3 else { Issue.record("expected needMore"); return }
        }
    }

    @Test func http10AndKeepAlive() throws {
        let events = verifyParse(bytes(
            "GET /a HTTP/1.0\r\n\r\n"
                + "GET /b HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"
                + "POST /c HTTP/1.0\r\nContent-Length: 2\r\n\r\nok"
                + "GET /d HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, close\r\n\r\n"))
        #expect(events.map { $0.request?.version } == [.http1_0, .http1_0, .http1_0, .http1_1])
        #expect(events.map { $0.request?.keepAlive } == [false, true, false, false])
        #expect(events[2].request?.body == bytes("ok"))
    }

    @Test func laterHTTP1MinorIsServedAs11() throws {
        let events = verifyParse(bytes("GET / HTTP/1.2\r\nHost: a\r\n\r\n"))
        #expect(events.first?.request?.version == .http1_1)
    }

    @Test func leadingEmptyLinesAreIgnored() throws {
        let events = verifyParse(bytes(
            "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(events.map { $0.request?.target } == ["/", "/next"])
    }

    @Test func targetForms() throws {
        let events = verifyParse(bytes(
            "GET http://ocop.example/api/v1/fairs?x=1 HTTP/1.1\r\nHost: ocop.example\r\n\r\n"
                + "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET HTTPS://ocop.example HTTP/1.1\r\nHost: ocop.example\r\n\r\n"
                + "GET /t/%C4%90%C3%A0?q=b%C3%A1nh&x=%20 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "PURGE /cache HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(events.map { $0.request?.target } == [
            "http://ocop.example/api/v1/fairs?x=1", "*", "HTTPS://ocop.example",
            "/t/%C4%90%C3%A0?q=b%C3%A1nh&x=%20", "/cache",
        ])
        #expect(events.map { $0.request?.method } == ["GET", "OPTIONS", "GET", "GET", "PURGE"])
    }

    @Test func everyURICharacterAndRawUTF8PassInATarget() throws {
        // unreserved, sub-delims, ":@/?", escapes of either case, "[]" sent raw in a query, and
        // the UTF-8 bytes curl sends for Vietnamese typed into a URL.
        let targets = ["/a-b._~!$&'()*+,;=:@/x?y=/?:@", "/%41%c3%a1?q=%E1%BA%A1", "/p?a[]=1&b[0]=2",
                       "/t/Đà?q=bánh+chưng"]
        let events = verifyParse(bytes(targets.map { "GET \($0) HTTP/1.1\r\nHost: a\r\n\r\n" }.joined()))
        #expect(events.map { $0.request?.target } == targets)
    }

    @Test func everyWellFormedAuthorityIsAccepted() throws {
        let hosts = ["ocop.example", "ocop.example:8080", "127.0.0.1:80", "[::1]", "[::1]:8080",
                     "[2001:db8::7]", "xn--qung-ninh-m0a.vn", "a:", "qu%E1%BA%A3ng.vn", ""]
        let events = verifyParse(bytes(hosts.map { "GET http://\($0.isEmpty ? "x" : $0)/ HTTP/1.1\r\nHost: \($0)\r\n\r\n" }.joined()))
        #expect(events.compactMap { $0.request?.headers } == hosts.map { ["Host: \($0)"] })
    }

    @Test func fieldValuesAreTrimmedAndKeepObsText() throws {
        let events = verifyParse(bytes(
            "GET / HTTP/1.1\r\nhost: [::1]:8080\r\nX-Place: \t Đà Nẵng \t\r\nX-Empty:\r\nX-Tab: a\tb\r\n"
                + "x-dup: 1\r\nX-Dup: 2\r\n\r\n"))
        let request = try #require(events.first?.request)
        #expect(request.headers == ["host: [::1]:8080", "X-Place: Đà Nẵng", "X-Empty: ", "X-Tab: a\tb",
                                    "x-dup: 1", "X-Dup: 2"])
    }

    @Test func namesAndValuesKeepTheirExactSpelling() throws {
        // Common names are shared static strings: only exact matches may be reused.
        let events = verifyParse(bytes(
            "GET / HTTP/1.1\r\nHOST: a\r\nContent-type: application/JSON\r\nCONNECTION: Keep-alive\r\n"
                + "Accept: */*\r\nAccept-Language: vi\r\nX-Request-Id: gzip\r\n\r\n"))
        let request = try #require(events.first?.request)
        #expect(request.headers == ["HOST: a", "Content-type: application/JSON", "CONNECTION: Keep-alive",
                                    "Accept: */*", "Accept-Language: vi", "X-Request-Id: gzip"])
        #expect(request.keepAlive)
    }

    @Test func identicalContentLengthsAreOneValue() throws {
        let events = verifyParse(bytes(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc"
                + "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2 , 2\r\n\r\nde"
                + "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"
                + "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0004\r\n\r\nfghi"))
        #expect(events.map { $0.request?.body } == [bytes("abc"), bytes("de"), [], bytes("fghi")])
    }

    @Test func failureIsSticky() {
        var parser = RequestParser()
        let bad = bytes("GET / HTTP/1.1\r\nHost : a\r\n\r\n")
        let good = bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        let first = bad.withUnsafeBytes { parser.parse($0) }
        let second = good.withUnsafeBytes { parser.parse($0) }
        guard case .failure(let e1) = first.result, case .failure(let e2) = second.result else {
            Issue.record("expected failures")
            return
        }
        #expect(e1 == e2)
        #expect(e1.status == .badRequest)
        #expect(second.consumed == 0)
    }
}
