import Testing
@testable import HTTP

/// One malformed input and the status it must be refused with.
struct RejectionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: String
    let status: Int
    /// The parser's reason text, so each case proves the rule it names fired (not another one).
    let reason: String

    init(_ name: String, _ input: String, _ status: Int, _ reason: String) {
        self.name = name
        self.input = input
        self.status = status
        self.reason = reason
    }

    var testDescription: String { name }
}

private let head = "POST / HTTP/1.1\r\nHost: a\r\n"

/// Framing rules (RFC 9112 §6, §7.1): each must refuse the request, however the bytes arrive.
private let framingCases: [RejectionCase] = [
    .init("CL and TE together", head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "Content-Length and Transfer-Encoding together"),
    .init("TE and CL together", head + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400, "Content-Length and Transfer-Encoding together"),
    .init("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "Transfer-Encoding in an HTTP/1.0 request"),
    .init("chunked then gzip", head + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400, "the final transfer coding must be chunked, without parameters"),
    .init("gzip alone", head + "Transfer-Encoding: gzip\r\n\r\n", 400, "the final transfer coding must be chunked, without parameters"),
    .init("chunked twice in a list", head + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400, "chunked applied more than once"),
    .init("chunked twice in two fields", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "chunked applied more than once"),
    .init("chunked then gzip in two fields", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "the final transfer coding must be chunked, without parameters"),
    .init("chunked with a parameter", head + "Transfer-Encoding: chunked;x=1\r\n\r\n", 400, "the final transfer coding must be chunked, without parameters"),
    .init("empty TE", head + "Transfer-Encoding: \r\n\r\n", 400, "the final transfer coding must be chunked, without parameters"),
    .init("invalid TE token", head + "Transfer-Encoding: chun\"ked\r\n\r\n", 400, "invalid Transfer-Encoding"),
    .init("gzip then chunked", head + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501, "unsupported transfer coding"),
    .init("deflate then chunked", head + "Transfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n", 501, "unsupported transfer coding"),
    .init("identity then chunked", head + "Transfer-Encoding: identity, chunked\r\n\r\n", 501, "unsupported transfer coding"),
    .init("unknown then chunked", head + "Transfer-Encoding: x-custom;p=1, chunked\r\n\r\n", 501, "unsupported transfer coding"),
    .init("differing CL fields", head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400, "differing Content-Length values"),
    .init("differing CL list", head + "Content-Length: 5, 6\r\n\r\nhello", 400, "differing Content-Length values"),
    .init("CL with empty member", head + "Content-Length: 5,\r\n\r\nhello", 400, "empty Content-Length"),
    .init("CL with plus sign", head + "Content-Length: +5\r\n\r\nhello", 400, "invalid Content-Length"),
    .init("CL with inner space", head + "Content-Length: 5 5\r\n\r\nhello", 400, "invalid Content-Length"),
    .init("negative CL", head + "Content-Length: -5\r\n\r\nhello", 400, "invalid Content-Length"),
    .init("hex CL", head + "Content-Length: 0x5\r\n\r\nhello", 400, "invalid Content-Length"),
    .init("empty CL", head + "Content-Length:\r\n\r\n", 400, "empty Content-Length"),
    .init("overflowing CL", head + "Content-Length: 99999999999999999999999\r\n\r\n", 400, "Content-Length overflows"),
    .init("huge CL", head + "Content-Length: 10000000000\r\n\r\n", 413, "Content-Length exceeds the body limit"),
    .init("chunk size zz", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk size"),
    .init("empty chunk size", head + "Transfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk size"),
    .init("negative chunk size", head + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk size"),
    .init("chunk size overflow", head + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nx\r\n0\r\n\r\n", 400, "chunk size overflows"),
    .init("whitespace after chunk size", head + "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"),
    .init("chunk size with garbage", head + "Transfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"),
    .init("empty chunk extension", head + "Transfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"),
    .init("chunk extension without value", head + "Transfer-Encoding: chunked\r\n\r\n5;a=\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk extension"),
    .init("unterminated quoted extension", head + "Transfer-Encoding: chunked\r\n\r\n5;a=\"x\r\nhello\r\n0\r\n\r\n", 400, "invalid quoted chunk extension"),
    .init("missing CRLF after chunk data", head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n", 400, "chunk data not followed by CRLF"),
    .init("short chunk data", head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhell\r\n0\r\n\r\n", 400, "chunk data not followed by CRLF"),
    .init("bare LF after chunk data", head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", 400, "chunk data not followed by CRLF"),
    .init("bare LF after chunk size", head + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400, "bare LF"),
    .init("bare LF after last chunk", head + "Transfer-Encoding: chunked\r\n\r\n0\n\r\n", 400, "bare LF"),
    .init("obs-fold in trailer", head + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n 2\r\n\r\n", 400, "obsolete line folding"),
    .init("invalid trailer", head + "Transfer-Encoding: chunked\r\n\r\n0\r\nnot a field\r\n\r\n", 400, "invalid field name"),
]

/// Head syntax (RFC 9112 §2-§5, RFC 9110 §5).
private let headCases: [RejectionCase] = [
    .init("obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", 400, "obsolete line folding"),
    .init("obs-fold with tab", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\t2\r\n\r\n", 400, "obsolete line folding"),
    .init("whitespace before first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400, "obsolete line folding"),
    .init("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "whitespace before colon"),
    .init("tab before colon", "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding\t: chunked\r\n\r\n", 400, "whitespace before colon"),
    .init("bare LF after request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400, "bare LF"),
    .init("bare LF after field", "GET / HTTP/1.1\r\nHost: a\n\r\n", 400, "bare LF"),
    .init("bare LF ending head", "GET / HTTP/1.1\r\nHost: a\r\n\n", 400, "bare LF"),
    .init("bare LF before request", "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bare LF"),
    .init("bare CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400, "bare CR"),
    .init("bare CR in name", "GET / HTTP/1.1\r\nHost: a\r\nX\r: b\r\n\r\n", 400, "bare CR"),
    .init("bare CR in request line", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bare CR"),
    .init("bare CR ending a line", "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", 400, "bare CR"),
    .init("NUL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{0}b\r\n\r\n", 400, "invalid byte in field value"),
    .init("DEL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{7F}b\r\n\r\n", 400, "invalid byte in field value"),
    .init("escape in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{1B}b\r\n\r\n", 400, "invalid byte in field value"),
    .init("empty field name", "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", 400, "invalid field name"),
    .init("non-token field name", "GET / HTTP/1.1\r\nHost: a\r\nX(y): b\r\n\r\n", 400, "invalid field name"),
    .init("field without colon", "GET / HTTP/1.1\r\nHost: a\r\nJustText\r\n\r\n", 400, "invalid field name"),
    .init("missing Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400, "missing Host"),
    .init("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "more than one Host"),
    .init("two Host fields in 1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", 400, "more than one Host"),
    .init("Host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid Host"),
    .init("Host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "invalid Host"),
    .init("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "HTTP version not supported"),
    .init("HTTP/3", "GET / HTTP/3\r\nHost: a\r\n\r\n", 505, "HTTP version not supported"),
    .init("HTTP/0.9", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505, "HTTP version not supported"),
    .init("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "HTTP version not supported"),
    .init("lower-case http", "GET / http/1.1\r\nHost: a\r\n\r\n", 400, "invalid HTTP version"),
    .init("HTTP/1 without minor", "GET / HTTP/1\r\nHost: a\r\n\r\n", 400, "invalid HTTP version"),
    .init("two-digit major", "GET / HTTP/11.1\r\nHost: a\r\n\r\n", 400, "invalid HTTP version"),
    .init("garbage version", "GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400, "invalid HTTP version"),
    .init("trailing space after version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400, "invalid HTTP version"),
    .init("missing version", "GET /\r\nHost: a\r\n\r\n", 400, "the request line lacks its HTTP version"),
    .init("double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "empty request-target"),
    .init("tab separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid method"),
    .init("empty method", " / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid method"),
    .init("non-token method", "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid method"),
    // No line end needed to refuse what cannot begin a method: a TLS ClientHello on the plain port.
    .init("TLS handshake", "\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{FC}\u{03}\u{03}", 400, "invalid method"),
    .init("NUL first", "\u{0}GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid method"),
    .init("space in target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid HTTP version"),
    .init("DEL in target", "GET /a\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid request-target"),
    .init("fragment in origin-form", "GET /healthz#top HTTP/1.1\r\nHost: a\r\n\r\n", 400, "a request-target has no fragment (#)"),
    .init("fragment in absolute-form", "GET http://a/x?q=1#f HTTP/1.1\r\nHost: a\r\n\r\n", 400, "a request-target has no fragment (#)"),
    .init("lone % in the path", "GET /healthz% HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid percent-encoding in the request-target"),
    .init("non-hex escape in the path", "GET /api/v1/producers/%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid percent-encoding in the request-target"),
    .init("one hex digit after %", "GET /a%4 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid percent-encoding in the request-target"),
    .init("non-hex escape in the query", "GET /a?q=%g1 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid percent-encoding in the request-target"),
    .init("bad escape in an absolute-form authority", "GET http://x%zz/healthz HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid percent-encoding in the request-target"),
    .init("backslash in target", "GET /api\\v1/producers/1 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid character in the request-target"),
    .init("quote in query", "GET /healthz?a=\"b\" HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid character in the request-target"),
    .init("brace in query", "GET /healthz?a={ HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid character in the request-target"),
    .init("angle bracket in path", "GET /<x> HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid character in the request-target"),
    .init("pipe, caret, backtick", "GET /a|b^c`d HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid character in the request-target"),
    .init("asterisk for GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400, "asterisk-form is only for OPTIONS"),
    .init("authority-form for GET", "GET ocop.example:80 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid request-target"),
    .init("absolute-form ftp", "GET ftp://ocop.example/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid request-target"),
    .init("absolute-form without host", "GET http:// HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid request-target"),
    .init("absolute-form with an empty host", "GET http:///healthz HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid request-target: empty host"),
    .init("absolute-form with userinfo", "GET http://user:pw@a/x HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid request-target: userinfo (@) is not allowed"),
    .init("absolute-form with a bad port", "GET http://a:8o/x HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid request-target: invalid port"),
    .init("absolute-form with an unclosed IP literal", "GET http://[::1/x HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid request-target: unclosed IP literal"),
    .init("Host with a non-numeric port", "GET / HTTP/1.1\r\nHost: a:abc\r\n\r\n", 400, "invalid Host: invalid port"),
    .init("Host with a negative port", "GET / HTTP/1.1\r\nHost: a:-1\r\n\r\n", 400, "invalid Host: invalid port"),
    .init("Host with two ports", "GET / HTTP/1.1\r\nHost: a:80:80\r\n\r\n", 400, "invalid Host: invalid port"),
    .init("Host with an unclosed IP literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400, "invalid Host: unclosed IP literal"),
    .init("Host with a bare IPv6 address", "GET / HTTP/1.1\r\nHost: ::1\r\n\r\n", 400, "invalid Host: invalid port"),
    .init("Host with a lone %", "GET / HTTP/1.1\r\nHost: x%zz\r\n\r\n", 400, "invalid Host: invalid percent-encoding"),
    .init("Host with a cut escape", "GET / HTTP/1.1\r\nHost: x%4\r\n\r\n", 400, "invalid Host: invalid percent-encoding"),
    .init("CONNECT", "CONNECT ocop.example:443 HTTP/1.1\r\nHost: ocop.example:443\r\n\r\n", 501, "CONNECT is not supported"),
    .init("unsupported expectation", "POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417, "unsupported expectation"),
    .init("too many empty lines", String(repeating: "\r\n", count: 17) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "too many empty lines before the request"),
]

@Suite struct ParserErrorTests {
    @Test(arguments: framingCases)
    func framingRule(_ rule: RejectionCase) throws {
        try expectRejection(rule)
    }

    @Test(arguments: headCases)
    func headRule(_ rule: RejectionCase) throws {
        try expectRejection(rule)
    }

    /// A refusal of what a well-formed head asks (413, 417) keeps that head for the answer; a
    /// refusal of a malformed one keeps nothing, and a request parsed after a kept head is clean.
    @Test func aRefusedWellFormedHeadIsKeptForItsAnswer() {
        func refused(_ raw: String, maxBody: Int = 10) -> (HTTPStatus?, HTTPRequest?) {
            var limits = HTTPLimits()
            limits.maxBodyBytes = maxBody
            var parser = RequestParser(limits: limits)
            let result = Array(raw.utf8).withUnsafeBytes { parser.parse($0).result }
            guard case .failure(let error) = result else { return (nil, parser.refusedHead) }
            return (error.status, parser.refusedHead)
        }
        let (tooLarge, head) = refused("POST /up HTTP/1.1\r\nHost: a\r\nOrigin: https://d.example\r\nContent-Length: 11\r\n\r\n")
        #expect(tooLarge == .contentTooLarge)
        #expect(head?.target == "/up" && head?.headers["Origin"] == "https://d.example")
        let (chunked, chunkedHead) = refused("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n")
        #expect(chunked == .contentTooLarge && chunkedHead?.target == "/c")
        let (expectation, expectingHead) = refused("POST /e HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n")
        #expect(expectation == .expectationFailed && expectingHead?.target == "/e")
        for malformed in ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                          "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n",
                          "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"] {
            let (status, kept) = refused(malformed)
            #expect(status == .badRequest && kept == nil, "\(malformed)")
        }
    }

    /// Valid requests before the bad one are still delivered, so an error is tied to its own request.
    @Test func errorAfterGoodRequests() throws {
        let events = verifyParse(bytes(
            "GET /ok HTTP/1.1\r\nHost: a\r\n\r\nPOST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx"))
        #expect(events.count == 2)
        #expect(events.first?.request?.target == "/ok")
        #expect(events.last?.failure?.status == .badRequest)
    }

    /// A smuggling attempt: a lenient parser would see two requests, we see one refused.
    @Test func smugglingAttemptIsOneFailure() throws {
        let events = verifyParse(bytes(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\nG"))
        #expect(events.count == 1)
        #expect(events.first?.failure?.status == .badRequest)
    }

    /// Values and targets are checked eight bytes at a time; a bad byte must be found at any offset.
    @Test func badByteIsFoundAtEveryOffset() {
        for offset in 0..<24 {
            for bad: UInt8 in [0x00, 0x0D, 0x1F, 0x7F] {
                var value = Array(repeating: UInt8(ascii: "v"), count: 24)
                value[offset] = bad
                let field = bytes("GET / HTTP/1.1\r\nHost: a\r\nX: w") + value + bytes("w\r\n\r\n")
                #expect(feed([field[...]]).events.first?.failure?.status == .badRequest, "value, byte \(bad) at \(offset)")
                var target = Array(repeating: UInt8(ascii: "t"), count: 24)
                target[offset] = bad
                let line = bytes("GET /") + target + bytes(" HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(feed([line[...]]).events.first?.failure?.status == .badRequest, "target, byte \(bad) at \(offset)")
            }
            // HTAB and obs-text are legal inside a value wherever they fall.
            var value = Array(repeating: UInt8(ascii: "v"), count: 24)
            value[offset] = offset.isMultiple(of: 2) ? 0x09 : 0xC3
            let field = bytes("GET / HTTP/1.1\r\nHost: a\r\nX: w") + value + bytes("w\r\n\r\n")
            #expect(feed([field[...]]).events.first?.request != nil, "legal byte at \(offset)")
        }
    }

    /// Raw UTF-8 passes (`ParserRequestTests`); bytes that are not UTF-8 would each be read as
    /// U+FFFD, so two different targets would reach the router as one path: a 400 instead.
    @Test(arguments: [[0xFF], [0xC0, 0xAF], [0xE1, 0xBA], [0xED, 0xA0, 0x80], [0xC3, 0xA1, 0x80]] as [[UInt8]])
    func aTargetThatIsNotUTF8IsRefused(_ bad: [UInt8]) throws {
        let events = verifyParse(bytes("GET /heal") + bad + bytes("thz?q=\u{1EA1} HTTP/1.1\r\nHost: a\r\n\r\n"))
        let failure = try #require(events.first?.failure, "\(events)")
        #expect(failure.status == .badRequest)
        #expect(failure.reason == "the request-target is not UTF-8")
        // A version we do not speak is still answered as such first.
        let http2 = verifyParse(bytes("GET /heal") + bad + bytes(" HTTP/2.0\r\nHost: a\r\n\r\n"))
        #expect(http2.first?.failure?.status == .httpVersionNotSupported)
    }

    private func expectRejection(_ rule: RejectionCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let events = verifyParse(bytes(rule.input), sourceLocation: sourceLocation)
        #expect(events.count == 1, "\(events)", sourceLocation: sourceLocation)
        let failure = try #require(events.last?.failure, "\(events)", sourceLocation: sourceLocation)
        #expect(failure.status.code == rule.status, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure.reason == rule.reason, sourceLocation: sourceLocation)
    }
}
