/// How the body of a request is delimited (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
}

/// What the head's framing-relevant fields said, collected field by field as
/// they are parsed so the head is never rescanned, then judged once at its end.
/// Every rule here exists because two parsers that disagree on where a body
/// ends let an attacker smuggle a second request past one of them.
struct FramingFacts {
    private var hostCount = 0
    private var contentLength: Int?
    private var hasTransferEncoding = false
    private var chunkedCount = 0
    private var lastCodingIsChunked = false
    private var hasOtherCoding = false
    private var expectsContinue = false
    private var hasUnsupportedExpectation = false

    /// Records one field line whose name is `[nameStart, nameEnd)` and trimmed value `[valueStart, valueEnd)`.
    mutating func note(_ b: UnsafeRawBufferPointer, name nameStart: Int, _ nameEnd: Int,
                       value valueStart: Int, _ valueEnd: Int,
                       version: HTTPVersion) throws(HTTPParseError) {
        // Cheap filter on length first: most fields are none of these.
        switch nameEnd - nameStart {
        case 4 where b.equalsLowercase(nameStart, nameEnd, "host"):
            try noteHost(b, valueStart, valueEnd)
        case 6 where b.equalsLowercase(nameStart, nameEnd, "expect"):
            noteExpect(b, valueStart, valueEnd)
        case 14 where b.equalsLowercase(nameStart, nameEnd, "content-length"):
            try noteContentLength(b, valueStart, valueEnd)
        case 17 where b.equalsLowercase(nameStart, nameEnd, "transfer-encoding"):
            // RFC 9112 §6.1: Transfer-Encoding was added in 1.1; a 1.0 message carrying it
            // must be treated as having faulty framing, since a 1.0 hop may not have honoured it.
            guard version == .http1_1 else { throw .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
            try noteTransferEncoding(b, valueStart, valueEnd)
        default:
            break
        }
    }

    /// Judges the whole head: returns the body framing and whether the client awaits `100 Continue`.
    func decide(version: HTTPVersion, maxBodyBytes: Int) throws(HTTPParseError) -> (framing: BodyFraming, expectsContinue: Bool) {
        // RFC 9112 §3.2: a 1.1 request without Host is rejected with 400.
        if version == .http1_1 && hostCount == 0 { throw .badRequest("missing Host") }
        let framing: BodyFraming
        if hasTransferEncoding {
            // RFC 9112 §6.1 / §6.3 ¶3: both together is the classic smuggling vector; reject.
            if contentLength != nil { throw .badRequest("Content-Length and Transfer-Encoding together") }
            // RFC 9112 §6.3 ¶4: when chunked is not the final coding the length cannot be
            // determined reliably: 400 and close.
            if !lastCodingIsChunked { throw .badRequest("the final transfer coding must be chunked, without parameters") }
            // RFC 9112 §6.1: a transfer coding we do not implement is a 501.
            if hasOtherCoding { throw .notImplemented("unsupported transfer coding") }
            framing = .chunked
        } else if let length = contentLength {
            framing = length == 0 ? .none : .length(length)
        } else {
            // RFC 9112 §6.3 ¶7: a request with neither has no body.
            framing = .none
        }
        // RFC 9110 §10.1.1: only 100-continue is defined; a 1.0 server must ignore Expect.
        let expectsContinue = version == .http1_1 && expectsContinue
        if version == .http1_1 && hasUnsupportedExpectation {
            throw HTTPParseError(status: .expectationFailed, reason: "unsupported expectation")
        }
        // Checked on the declared length, before any body byte is read (RFC 9110 §15.5.14).
        if case .length(let length) = framing, length > maxBodyBytes {
            throw .contentTooLarge("Content-Length exceeds the body limit")
        }
        return (framing, expectsContinue && framing != .none)
    }

    private mutating func noteHost(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) {
        hostCount += 1
        // RFC 9112 §3.2: more than one Host field line, or an invalid value, is a 400.
        if hostCount > 1 { throw .badRequest("more than one Host") }
        for i in start..<end where !ByteClass.isHost(b[i]) {
            throw .badRequest("invalid Host")
        }
        if start < end, let problem = Authority.problem(b, start, end, allowsEmptyHost: true) {
            throw .badRequest("invalid Host: \(problem)")
        }
    }

    private mutating func noteExpect(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) {
        Self.forEachListMember(b, start, end) { s, e in
            // RFC 9110 §10.1.1: the expectation is matched case-insensitively.
            if b.equalsLowercase(s, e, "100-continue") {
                expectsContinue = true
            } else {
                hasUnsupportedExpectation = true
            }
        }
    }

    private mutating func noteContentLength(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) {
        var sawMember = false
        var failure: HTTPParseError?
        // RFC 9110 §8.6: a list of identical values (from combined duplicate fields) may be
        // accepted as that one value; differing values are unrecoverable framing errors.
        Self.forEachListMember(b, start, end, keepEmpty: true) { s, e in
            guard failure == nil else { return }
            sawMember = true
            switch Self.parseLength(b, s, e) {
            case .failure(let error):
                failure = error
            case .success(let value):
                if let previous = contentLength, previous != value {
                    failure = .badRequest("differing Content-Length values")
                }
                contentLength = value
            }
        }
        if let failure { throw failure }
        if !sawMember { throw .badRequest("empty Content-Length") }
    }

    /// Content-Length = 1*DIGIT (RFC 9110 §8.6): no sign, no inner space, no overflow.
    private static func parseLength(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Result<Int, HTTPParseError> {
        guard start < end else { return .failure(.badRequest("empty Content-Length")) }
        var value = 0
        for i in start..<end {
            let byte = b[i]
            guard byte >= 0x30 && byte <= 0x39 else { return .failure(.badRequest("invalid Content-Length")) }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(byte &- 0x30))
            if o1 || o2 { return .failure(.badRequest("Content-Length overflows")) }
            value = sum
        }
        return .success(value)
    }

    private mutating func noteTransferEncoding(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) {
        hasTransferEncoding = true
        var failure: HTTPParseError?
        Self.forEachListMember(b, start, end) { s, e in
            guard failure == nil else { return }
            // transfer-coding = token *( OWS ";" OWS transfer-parameter ) (RFC 9110 §10.1.4).
            var nameEnd = s
            while nameEnd < e, ByteClass.isToken(b[nameEnd]) { nameEnd += 1 }
            let hasParameters = nameEnd < e
            if nameEnd == s || (hasParameters && !Self.startsParameters(b, nameEnd, e)) {
                failure = .badRequest("invalid Transfer-Encoding")
                return
            }
            if !hasParameters && b.equalsLowercase(s, nameEnd, "chunked") {
                chunkedCount += 1
                lastCodingIsChunked = true
                // RFC 9112 §6.1: a sender must not apply chunked more than once.
                if chunkedCount > 1 { failure = .badRequest("chunked applied more than once") }
            } else {
                hasOtherCoding = true
                lastCodingIsChunked = false
            }
        }
        if let failure { throw failure }
    }

    /// Whether `[start, end)` after a coding name is OWS ";" ... (parameters we never interpret).
    private static func startsParameters(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end, ByteClass.isWhitespace(b[i]) { i += 1 }
        return i < end && b[i] == ByteClass.semicolon
    }

    /// Calls `body` with each OWS-trimmed member of a comma-separated list (RFC 9110 §5.6.1),
    /// skipping empty members unless `keepEmpty`. Quoted strings are not special-cased: none of
    /// the fields read here allow commas inside a member.
    private static func forEachListMember(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, keepEmpty: Bool = false,
                                   _ body: (Int, Int) -> Void) {
        var memberStart = start
        var i = start
        while i <= end {
            if i == end || b[i] == ByteClass.comma {
                let (s, e) = b.trimmingWhitespace(memberStart, i)
                if s < e || keepEmpty { body(s, e) }
                memberStart = i + 1
            }
            i += 1
        }
    }
}
