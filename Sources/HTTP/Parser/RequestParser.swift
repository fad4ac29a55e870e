#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An incremental HTTP/1.1 request parser (RFC 9112): a value with no I/O. The
/// connection feeds it its unconsumed input; it returns how much it consumed and
/// what it found. Limits and framing rules are enforced here, so that nothing
/// past it ever sees an ambiguous or oversized request.
public struct RequestParser: Sendable {
    /// Where the parser is within the current request.
    enum State {
        case requestLine
        case fields(RequestLine)
        case fixedBody(HTTPRequest, remaining: Int)
        case chunkSize(HTTPRequest)
        case chunkData(HTTPRequest, remaining: Int)
        case chunkDataEnd(HTTPRequest)
        case trailers(HTTPRequest)
        case failed(HTTPParseError)
    }

    /// What one state transition asks of the loop in `parse`.
    enum Step {
        case proceed
        case needMore
        case request(HTTPRequest)
    }

    /// Which kind of line `findLine` is looking for: decides the error when it is too long.
    enum LineKind {
        case requestLine, field, chunkSize

        var overLimit: HTTPParseError {
            switch self {
            case .requestLine: return HTTPParseError(status: .uriTooLong, reason: "request line too long")
            case .field: return .headersTooLarge("header section too large")
            case .chunkSize: return .badRequest("chunk size line too long")
            }
        }
    }

    /// Empty lines tolerated before a request line (RFC 9112 §2.2 asks for at least one).
    static let maxEmptyLines = 16
    /// Cap on one chunk-size line and on all chunk extensions of a request: extensions
    /// carry nothing we use, and unbounded ones are a known resource-exhaustion vector.
    static let maxChunkExtensionBytes = 4096
    /// Body bytes reserved up front, whatever Content-Length claims, so a head alone
    /// cannot make the server allocate the whole body limit. As much as a body holds before
    /// it counts in the server's budget for large bodies (`BodyBudget`).
    public static let initialBodyCapacity = 16 * 1024

    let limits: HTTPLimits
    var state = State.requestLine
    /// Bytes of the current, still unterminated line already searched for its LF.
    var lineScanned = 0
    var emptyLines = 0
    /// Bytes of the header section so far (field lines, trailer lines and final CRLF, with their CRLFs).
    var headerBytes = 0
    var headerCount = 0
    var extensionBytes = 0
    var framing = FramingFacts()
    var fields: [HTTPHeaders.Element] = []
    var body: [UInt8] = []
    /// The head asked for `100 Continue` and it has not been returned yet.
    var expectPending = false
    /// Whether the request in progress (or the one refused) is a HEAD, known from its method
    /// token even when the rest of its request line is bad or too long: the refusal must then
    /// carry no content (RFC 9110 §9.3.2).
    public private(set) var isHead = false

    /// Makes a parser enforcing `limits`.
    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Body bytes of the request in progress held so far.
    public var bodyBytesHeld: Int { body.count }

    /// Forgets the request in progress and frees its body: the connection answered it without
    /// reading the rest, and reads nothing more but to discard it.
    public mutating func abandonRequest() {
        self = RequestParser(limits: limits)
    }

    /// The whole length of the body being read, as its Content-Length announced it; nil for a
    /// chunked body (its length is known only at its end) and while no body is being read.
    public var announcedBodyLength: Int? {
        guard case .fixedBody(_, let remaining) = state else { return nil }
        return body.count + remaining
    }

    /// The head of the request whose body is being read (body empty), or nil while none is.
    public var headAwaitingBody: HTTPRequest? {
        switch state {
        case .fixedBody(let head, _), .chunkSize(let head), .chunkData(let head, _), .chunkDataEnd(let head),
             .trailers(let head):
            return head
        case .requestLine, .fields, .failed:
            return nil
        }
    }

    /// The head of the request the parser refused, when the refusal is of a well-formed head for
    /// what it asks rather than how it is framed: a body over the limit (413) or an expectation
    /// we do not meet (417). The application may then answer it as it answers every request
    /// from that caller (CORS, so a dashboard can read that its upload was too large). Never the
    /// head of a request refused as malformed: its fields are not to be trusted.
    public private(set) var refusedHead: HTTPRequest?

    /// The head an answer the engine gives by itself is for, when one was read whole and
    /// well-formed: the request whose body is being read (a body timeout, no room for it), or the
    /// one refused for what it asked (`refusedHead`). Nil for a malformed or unfinished head.
    public var headInProgress: HTTPRequest? { headAwaitingBody ?? refusedHead }

    /// True between requests with nothing partially parsed (for idle-timeout logic).
    public var isIdle: Bool {
        guard case .requestLine = state else { return false }
        return lineScanned == 0 && emptyLines == 0
    }

    /// Parses from `bytes`, the connection's unconsumed input. Returns how many bytes
    /// it consumed (the caller drops them) and the result. Bytes of an incomplete line
    /// stay unconsumed (re-offered next call, together with new bytes); the parser
    /// remembers how far it searched them, so byte-by-byte feeding stays linear.
    /// Complete head lines and body bytes are consumed as they arrive.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> (consumed: Int, result: ParseResult) {
        if case .failed(let error) = state { return (0, .failure(error)) }
        var index = 0
        do throws(HTTPParseError) {
            while true {
                switch try step(bytes, &index) {
                case .proceed:
                    continue
                case .needMore:
                    if expectPending {
                        expectPending = false
                        return (index, .expectContinue)
                    }
                    return (index, .needMore)
                case .request(let request):
                    return (index, .request(request))
                }
            }
        } catch {
            // A body over the limit, found in its chunks: the head was read and judged whole.
            if error.status == .contentTooLarge, refusedHead == nil { refusedHead = headAwaitingBody }
            state = .failed(error)
            return (index, .failure(error))
        }
    }

    /// Runs the current state once on the input from `index`, advancing `index` past what it consumed.
    private mutating func step(_ b: UnsafeRawBufferPointer, _ index: inout Int) throws(HTTPParseError) -> Step {
        switch state {
        case .requestLine:
            isHead = Self.startsWithHEAD(b, index)
            // A request line begins with its method, a token (RFC 9112 §3), or with the CR of an
            // empty line before it (a bare LF is `findLine`'s to refuse): a byte that can begin
            // neither (a TLS ClientHello on the plain port, binary junk) is refused at once, not
            // waited on until the header timeout, and before the line's end is looked for, so the
            // answer is the same however the bytes arrive.
            let first = index < b.count ? b[index] : ByteClass.cr
            if first != ByteClass.cr, first != ByteClass.lf, !ByteClass.isToken(first) {
                throw .badRequest("invalid method")
            }
            guard let end = try findLine(b, from: index, limit: limits.maxRequestLineBytes, .requestLine) else {
                return .needMore
            }
            let start = index
            index = end + 2
            if start == end {
                // RFC 9112 §2.2: ignore at least one empty line before a request line
                // (some clients send an extra CRLF after a body).
                emptyLines += 1
                if emptyLines > Self.maxEmptyLines { throw .badRequest("too many empty lines before the request") }
                return .proceed
            }
            let line = try RequestLine.parse(b, start, end)
            state = .fields(line)
            fields.reserveCapacity(16)
            return try readFields(b, &index, line)

        case .fields(let line):
            return try readFields(b, &index, line)

        case .fixedBody(let request, let remaining):
            return readFixedBody(b, &index, request, remaining)
        case .chunkSize(let request):
            return try readChunkSize(b, &index, request)
        case .chunkData(let request, let remaining):
            return readChunkData(b, &index, request, remaining)
        case .chunkDataEnd(let request):
            return try readChunkDataEnd(b, &index, request)
        case .trailers(let request):
            return try readTrailer(b, &index, request)
        case .failed(let error):
            throw error
        }
    }

    /// Reads every complete field line available, then the end of the head if it is there:
    /// the common case is a whole head in one read, parsed in this one loop.
    private mutating func readFields(_ b: UnsafeRawBufferPointer, _ index: inout Int,
                                     _ line: RequestLine) throws(HTTPParseError) -> Step {
        while true {
            guard let end = try findLine(b, from: index, limit: headerBudget, .field) else { return .needMore }
            let start = index
            index = end + 2
            headerBytes += end - start + 2
            if start == end { return try finishHead(line) }
            try parseField(b, start, end, version: line.version, keep: true)
        }
    }

    /// What a field or trailer line may still add without the header section exceeding its limit.
    var headerBudget: Int { limits.maxHeaderBytes - headerBytes - 2 }

    /// Finds the line starting at `start` and returns the index of its CR, or nil while
    /// its LF has not arrived. A line longer than `limit` (CRLF excluded) fails as soon as
    /// enough bytes are seen, without waiting for its end.
    mutating func findLine(_ b: UnsafeRawBufferPointer, from start: Int, limit: Int,
                           _ kind: LineKind) throws(HTTPParseError) -> Int? {
        let count = b.count
        // Search no further than the limit plus CRLF: past that the line is too long
        // whatever follows, and a large buffer is not scanned for nothing.
        let allowed = max(limit, 0)
        let window = count - start - 2 > allowed ? start + allowed + 2 : count
        // Resume where the previous call stopped: the caller re-offers the same line start.
        let resume = start + min(lineScanned, window - start)
        guard let base = b.baseAddress, resume < window,
              let hit = memchr(base + resume, Int32(ByteClass.lf), window - resume) else {
            if window < count { throw overLimit(kind, b, from: start, limit: limit) }
            lineScanned = count - start
            // A trailing CR may be half of the CRLF, so it does not count against the limit yet.
            let seen = lineScanned > 0 && b[count - 1] == ByteClass.cr ? lineScanned - 1 : lineScanned
            if seen > limit { throw overLimit(kind, b, from: start, limit: limit) }
            return nil
        }
        lineScanned = 0
        let lf = base.distance(to: UnsafeRawPointer(hit))
        let hasCR = lf > start && b[lf - 1] == ByteClass.cr
        let end = hasCR ? lf - 1 : lf
        // The limit is checked before the syntax, so a prefix that was already too long
        // reports the same error however the bytes were split.
        if end - start > limit { throw overLimit(kind, b, from: start, limit: limit) }
        // RFC 9112 §2.2: a bare LF is not accepted as a line terminator, so that every
        // parser on the path agrees on where lines (and so requests) end.
        guard hasCR else { throw .badRequest("bare LF") }
        // "\r\r\n": the first CR is bare (RFC 9112 §2.2); caught here so every line kind reports it alike.
        if end > start && b[end - 1] == ByteClass.cr { throw .badRequest("bare CR") }
        return end
    }

    /// The error for a `kind` line past `limit`. A request line whose first `limit` bytes are
    /// all method characters holds a method longer than any we implement: a 501 (RFC 9112 §3),
    /// not the 414 of a long target. Only the first `limit` bytes are looked at, so the answer
    /// is the same however the line was split into reads.
    private func overLimit(_ kind: LineKind, _ b: UnsafeRawBufferPointer, from start: Int, limit: Int) -> HTTPParseError {
        // Under a limit shorter than OPTIONS, a method we do implement could fill it.
        guard kind == .requestLine, limit >= 7 else { return kind.overLimit }
        let end = start + min(limit, b.count - start)
        for i in start..<end where !ByteClass.isToken(b[i]) { return kind.overLimit }
        return .methodTooLong
    }

    /// Validates one field line `[start, end)` (RFC 9112 §5) and, if `keep`, records it.
    mutating func parseField(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int,
                             version: HTTPVersion, keep: Bool) throws(HTTPParseError) {
        headerCount += 1
        if headerCount > limits.maxHeaderCount { throw .headersTooLarge("too many header fields") }
        // RFC 9112 §5.2: obs-fold (a line starting with SP/HTAB) is rejected; RFC 9112 §2.2
        // likewise for whitespace before the first field line. Folding is read differently
        // by different parsers.
        if ByteClass.isWhitespace(b[start]) { throw .badRequest("obsolete line folding") }
        // field-name = token (RFC 9110 §5.1)
        var colon = start
        while colon < end, ByteClass.isToken(b[colon]) { colon += 1 }
        guard colon < end, b[colon] == ByteClass.colon, colon > start else {
            // RFC 9112 §5.1: no whitespace is allowed between the field name and the colon;
            // it has been used to smuggle a Transfer-Encoding past lenient parsers.
            if colon < end, colon > start, ByteClass.isWhitespace(b[colon]) {
                var next = colon
                while next < end, ByteClass.isWhitespace(b[next]) { next += 1 }
                if next < end, b[next] == ByteClass.colon { throw .badRequest("whitespace before colon") }
            }
            if colon < end, b[colon] == ByteClass.cr { throw .badRequest("bare CR") }
            throw .badRequest("invalid field name")
        }
        // field-value with leading and trailing OWS stripped (RFC 9112 §5.1); no CTL
        // except HTAB (RFC 9110 §5.5: NUL, CR and LF must be rejected).
        let (valueStart, valueEnd) = b.trimmingWhitespace(colon + 1, end)
        if let bad = ByteClass.firstNonFieldValue(b, valueStart, valueEnd) {
            throw .badRequest(b[bad] == ByteClass.cr ? "bare CR" : "invalid byte in field value")
        }
        guard keep else { return }
        try framing.note(b, name: start, colon, value: valueStart, valueEnd, version: version)
        fields.append((name: CommonStrings.lookup(b, start, colon) ?? b.string(start, colon),
                       value: CommonStrings.lookup(b, valueStart, valueEnd) ?? b.string(valueStart, valueEnd)))
    }

    /// The head ended: judges framing, then either completes the request or starts its body.
    private mutating func finishHead(_ line: RequestLine) throws(HTTPParseError) -> Step {
        let request = HTTPRequest(method: line.method, target: line.target, version: line.version,
                                  headers: HTTPHeaders(fields), body: [])
        fields = []
        let (bodyFraming, expectsContinue): (BodyFraming, Bool)
        do throws(HTTPParseError) {
            (bodyFraming, expectsContinue) = try framing.decide(version: line.version, maxBodyBytes: limits.maxBodyBytes)
        } catch {
            if error.status == .contentTooLarge || error.status == .expectationFailed { refusedHead = request }
            throw error
        }
        switch bodyFraming {
        case .none:
            return .request(complete(request))
        case .length(let length):
            body.reserveCapacity(min(length, Self.initialBodyCapacity))
            state = .fixedBody(request, remaining: length)
        case .chunked:
            state = .chunkSize(request)
        }
        expectPending = expectsContinue
        return .proceed
    }

    /// Attaches the body to `request` and resets the parser for the next one.
    mutating func complete(_ request: HTTPRequest) -> HTTPRequest {
        var request = request
        request.body = body
        body = []
        state = .requestLine
        lineScanned = 0
        emptyLines = 0
        headerBytes = 0
        headerCount = 0
        extensionBytes = 0
        framing = FramingFacts()
        expectPending = false
        isHead = false
        refusedHead = nil
        return request
    }

    private static func startsWithHEAD(_ b: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        guard b.count - index >= 5 else { return false }
        return b[index] == UInt8(ascii: "H") && b[index + 1] == UInt8(ascii: "E") && b[index + 2] == UInt8(ascii: "A")
            && b[index + 3] == UInt8(ascii: "D") && b[index + 4] == UInt8(ascii: " ")
    }
}
