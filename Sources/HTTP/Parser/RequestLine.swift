/// A parsed request line: `method SP request-target SP HTTP-version` (RFC 9112 §3).
struct RequestLine {
    let method: HTTPMethod
    let target: String
    let version: HTTPVersion

    /// Parses the line `[start, end)` (CRLF excluded) of `b`.
    static func parse(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) -> RequestLine {
        // method = token (RFC 9110 §9.1, tchar §5.6.2); methods are case-sensitive.
        var i = start
        while i < end, ByteClass.isToken(b[i]) { i += 1 }
        // RFC 9112 §3: exactly one SP between the parts. Accepting other whitespace
        // would let a lenient hop and a strict one split the line differently.
        guard i > start, i < end, b[i] == ByteClass.space else { throw .badRequest("invalid method") }
        let methodEnd = i

        // request-target (RFC 9112 §3.2): URI characters (`ByteClass.isTarget`) up to the SP;
        // obs-text bytes pass through if they are UTF-8 (checked below).
        i += 1
        let targetStart = i
        var bits: UInt8 = 0
        while i < end, ByteClass.isTarget(b[i]) {
            bits |= b[i]
            guard b[i] == 0x25 else {
                i += 1
                continue
            }
            // In the path as in the query: a path that cannot be decoded cannot name a resource.
            guard ByteClass.isPercentEscape(b, at: i, end: end) else {
                throw .badRequest("invalid percent-encoding in the request-target")
            }
            i += 3
        }
        guard i > targetStart else { throw .badRequest("empty request-target") }
        guard i < end, b[i] == ByteClass.space else {
            if i < end, b[i] == 0x23 {
                // A client strips the fragment before sending; one that sends it would have a
                // lenient hop and us disagree on the path, so it is refused rather than routed.
                throw .badRequest("a request-target has no fragment (#)")
            }
            if i < end, b[i] == ByteClass.cr { throw .badRequest("bare CR") }
            if i == end { throw .badRequest("the request line lacks its HTTP version") }
            throw .badRequest(i < end && b[i] > ByteClass.space && b[i] != 0x7F
                ? "invalid character in the request-target" : "invalid request-target")
        }
        let targetEnd = i

        // Version before the target's checks, so an HTTP/2 preface (`PRI * HTTP/2.0`) or any
        // other version we do not speak gets its 505 whatever the target holds.
        let version = try parseVersion(b, i + 1, end)

        // Raw UTF-8 is read as the text it spells (curl sends Vietnamese typed into a URL that
        // way); bytes that are not UTF-8 spell nothing: decoding would turn each into U+FFFD,
        // so different targets would reach the router as one path a proxy sees as several.
        if bits & 0x80 != 0,
           String(validating: UnsafeRawBufferPointer(rebasing: b[targetStart..<targetEnd]), as: UTF8.self) == nil {
            throw .badRequest("the request-target is not UTF-8")
        }

        // RFC 9112 §3.2.3: authority-form is only for CONNECT, which we do not tunnel.
        if b.equalsExactly(start, methodEnd, "CONNECT") {
            throw .notImplemented("CONNECT is not supported")
        }
        let isOptions = b.equalsExactly(start, methodEnd, "OPTIONS")
        try checkForm(b, targetStart, targetEnd, isOptions: isOptions)

        return RequestLine(method: makeMethod(b, start, methodEnd),
                           target: b.string(targetStart, targetEnd),
                           version: version)
    }

    /// HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
    private static func parseVersion(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) -> HTTPVersion {
        let length = end - start
        guard length >= 6, b.equalsExactly(start, start + 5, "HTTP/"), isDigit(b[start + 5]) else {
            throw .badRequest("invalid HTTP version")
        }
        let major = b[start + 5]
        if length == 6 {
            // `HTTP/2`, `HTTP/3`: a later major version spelled without a minor.
            guard major != 0x31 else { throw .badRequest("invalid HTTP version") }
            throw HTTPParseError(status: .httpVersionNotSupported, reason: "HTTP version not supported")
        }
        guard length == 8, b[start + 6] == 0x2E, isDigit(b[start + 7]) else {
            throw .badRequest("invalid HTTP version")
        }
        // RFC 9110 §2.5: only the major version changes the message syntax we speak.
        guard major == 0x31 else {
            throw HTTPParseError(status: .httpVersionNotSupported, reason: "HTTP version not supported")
        }
        // A higher 1.x minor is served as 1.1, the highest minor we implement (RFC 9110 §2.5).
        return b[start + 7] == 0x30 ? .http1_0 : .http1_1
    }

    /// The four request-target forms (RFC 9112 §3.2).
    private static func checkForm(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, isOptions: Bool) throws(HTTPParseError) {
        switch b[start] {
        case 0x2F: // origin-form (§3.2.1): absolute-path [ "?" query ]
            return
        case 0x2A where end - start == 1: // asterisk-form (§3.2.4): only for a server-wide OPTIONS
            guard isOptions else { throw .badRequest("asterisk-form is only for OPTIONS") }
        default: // absolute-form (§3.2.2): servers must accept it; we serve only http(s) URIs
            let isHTTP = end - start > 7 && b.equalsLowercase(start, start + 7, "http://")
            let isHTTPS = end - start > 8 && b.equalsLowercase(start, start + 8, "https://")
            guard isHTTP || isHTTPS else { throw .badRequest("invalid request-target") }
            // The authority runs to the path, query or end; an http(s) URI must name a host
            // (RFC 9110 §4.2.1) and carries no userinfo (§4.2.4).
            let authorityStart = start + (isHTTP ? 7 : 8)
            var authorityEnd = authorityStart
            while authorityEnd < end, b[authorityEnd] != 0x2F, b[authorityEnd] != 0x3F { authorityEnd += 1 }
            if let problem = Authority.problem(b, authorityStart, authorityEnd, allowsEmptyHost: false) {
                throw .badRequest("invalid request-target: \(problem)")
            }
        }
    }

    /// Common methods reuse their static instance; others get a new token.
    private static func makeMethod(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> HTTPMethod {
        switch end - start {
        case 3:
            if b.equalsExactly(start, end, "GET") { return .get }
            if b.equalsExactly(start, end, "PUT") { return .put }
        case 4:
            if b.equalsExactly(start, end, "POST") { return .post }
            if b.equalsExactly(start, end, "HEAD") { return .head }
        case 5:
            if b.equalsExactly(start, end, "PATCH") { return .patch }
        case 6:
            if b.equalsExactly(start, end, "DELETE") { return .delete }
        case 7:
            if b.equalsExactly(start, end, "OPTIONS") { return .options }
        default:
            break
        }
        return HTTPMethod(b.string(start, end))
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

extension UnsafeRawBufferPointer {
    /// Whether `self[start..<end]` equals `literal` byte for byte (methods and the HTTP-name are case-sensitive).
    @inline(__always)
    func equalsExactly(_ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let count = end - start
        guard count == literal.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawPointer(literal.utf8Start)
        // Eight bytes per compare: these run for every method and common field name.
        var i = 0
        while count - i >= 8 {
            if loadUnaligned(fromByteOffset: start + i, as: UInt64.self)
                != expected.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < count {
            if self[start + i] != expected.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }
}
