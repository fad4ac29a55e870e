/// Why a response could not be read; each case is counted separately in the report.
enum ResponseError: Error, Sendable {
    case malformedStatusLine
    case malformedHeader
    case badContentLength
    case badChunk
    case lineTooLong
}

/// An incremental HTTP/1.1 response parser for the load generator: it is fed the
/// bytes as they arrive, split anywhere, and says when one whole response (head
/// and body) has been seen. It keeps only what it needs (status, framing, whether
/// the connection stays open) and never stores the body, so a long list page costs
/// a counter decrement per read, not a copy.
struct HTTPResponseReader {
    /// Result of feeding bytes.
    enum Progress {
        /// The response is not finished; everything given was consumed.
        case needMore
        /// The response ended after `consumed` bytes of the input.
        case complete(consumed: Int)
        /// The bytes are not a valid response; the connection must be dropped.
        case failed(ResponseError)
    }

    private enum State {
        case statusLine
        case headerLine
        case body(remaining: Int)
        /// RFC 9112 §6.3 rule 8: no Content-Length, not chunked → body ends at close.
        case untilClose
        case chunkSize
        case chunkData(remaining: Int)
        /// The CRLF that closes each chunk's data (RFC 9112 §7.1).
        case chunkDataEnd
        case trailer
        case done
    }

    /// Longest status, header or chunk-size line we accept, CRLF excluded.
    private static let maxLineBytes = 16 * 1024

    private var state: State = .statusLine
    /// Bytes of a line split across reads; empty when lines arrive whole.
    private var partialLine: [UInt8] = []
    /// Status code of the response being read (0 until the status line is seen).
    private(set) var status = 0
    private var contentLength: Int? = nil
    private var chunked = false
    private var closeToken = false
    private var keepAliveToken = false
    private var http10 = false
    /// True when the request was HEAD: the response has no body whatever it says.
    private var headRequest = false

    init() { partialLine.reserveCapacity(256) }

    /// Prepares for the response to the next request on the same connection.
    mutating func reset(headRequest: Bool) {
        state = .statusLine
        partialLine.removeAll(keepingCapacity: true)
        status = 0
        contentLength = nil
        chunked = false
        closeToken = false
        keepAliveToken = false
        http10 = false
        self.headRequest = headRequest
    }

    /// Whether the connection may carry another request after this response.
    /// RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive";
    /// a body delimited by close obviously ends the connection.
    var keepAlive: Bool {
        if closeToken { return false }
        if case .untilClose = state { return false }
        return http10 ? keepAliveToken : true
    }

    /// Whether the response has begun (a response cut short before any byte is a
    /// plain close; one cut short mid-way is an error worth reporting differently).
    var started: Bool {
        if case .statusLine = state { return !partialLine.isEmpty }
        return true
    }

    /// Called when the peer closed: true if that close completes the response.
    mutating func finishAtEOF() -> Bool {
        if case .untilClose = state { state = .done; return true }
        return false
    }

    /// Consumes bytes; stops at the end of the response (pipelining is not used, so
    /// any byte after it would be a server bug the caller reports).
    mutating func feed(_ input: UnsafeBufferPointer<UInt8>) -> Progress {
        var i = 0
        let n = input.count
        while i < n {
            switch state {
            case .body(let remaining):
                let take = Swift.min(remaining, n - i)
                i += take
                if take == remaining { state = .done; return .complete(consumed: i) }
                state = .body(remaining: remaining - take)
            case .chunkData(let remaining):
                let take = Swift.min(remaining, n - i)
                i += take
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .untilClose:
                return .needMore
            case .done:
                return .complete(consumed: i)
            case .statusLine, .headerLine, .chunkSize, .chunkDataEnd, .trailer:
                // Find the LF; lines arriving whole are parsed in place, without a copy.
                var lf = i
                while lf < n && input[lf] != 0x0A { lf += 1 }
                if lf == n {
                    if partialLine.count + (n - i) > Self.maxLineBytes { return .failed(.lineTooLong) }
                    partialLine.append(contentsOf: UnsafeBufferPointer(rebasing: input[i..<n]))
                    return .needMore
                }
                let error: ResponseError?
                if partialLine.isEmpty {
                    error = line(UnsafeBufferPointer(rebasing: input[i..<lf]))
                } else {
                    partialLine.append(contentsOf: UnsafeBufferPointer(rebasing: input[i..<lf]))
                    if partialLine.count > Self.maxLineBytes { return .failed(.lineTooLong) }
                    let whole = partialLine
                    partialLine.removeAll(keepingCapacity: true)
                    error = whole.withUnsafeBufferPointer { line($0) }
                }
                i = lf + 1
                if let error { return .failed(error) }
                if case .done = state { return .complete(consumed: i) }
            }
        }
        if case .done = state { return .complete(consumed: i) }
        return .needMore
    }

    /// Handles one line (LF removed) in the current line state.
    private mutating func line(_ raw: UnsafeBufferPointer<UInt8>) -> ResponseError? {
        // RFC 9112 §2.2: a recipient may accept a bare LF as line terminator; drop the CR.
        let text = raw.last == 0x0D ? UnsafeBufferPointer(rebasing: raw[0..<(raw.count - 1)]) : raw
        switch state {
        case .statusLine:
            // A client may skip empty lines before a response (RFC 9112 §2.2 robustness).
            if text.isEmpty { return nil }
            return statusLine(text)
        case .headerLine:
            if text.isEmpty { endOfHead(); return nil }
            return header(text)
        case .chunkSize:
            return chunkSize(text)
        case .chunkDataEnd:
            guard text.isEmpty else { return .badChunk }
            state = .chunkSize
            return nil
        case .trailer:
            if text.isEmpty { state = .done }
            return nil
        default:
            return nil
        }
    }

    /// RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
    private mutating func statusLine(_ text: UnsafeBufferPointer<UInt8>) -> ResponseError? {
        // "HTTP/1.x" is 8 bytes, then SP, then exactly three digits.
        guard text.count >= 12,
              text[0] == 0x48, text[1] == 0x54, text[2] == 0x54, text[3] == 0x50, text[4] == 0x2F,
              text[5] == 0x31, text[6] == 0x2E, text[8] == 0x20
        else { return .malformedStatusLine }
        http10 = text[7] == 0x30
        var code = 0
        for k in 9..<12 {
            let d = Int(text[k]) - 0x30
            guard d >= 0 && d <= 9 else { return .malformedStatusLine }
            code = code * 10 + d
        }
        guard code >= 100, text.count == 12 || text[12] == 0x20 else { return .malformedStatusLine }
        status = code
        state = .headerLine
        return nil
    }

    /// One field line: only the three fields that decide framing and persistence matter.
    private mutating func header(_ text: UnsafeBufferPointer<UInt8>) -> ResponseError? {
        var colon = 0
        while colon < text.count && text[colon] != 0x3A { colon += 1 }
        guard colon > 0, colon < text.count else { return .malformedHeader }
        let name = UnsafeBufferPointer(rebasing: text[0..<colon])
        var start = colon + 1
        var end = text.count
        while start < end && (text[start] == 0x20 || text[start] == 0x09) { start += 1 }
        while end > start && (text[end - 1] == 0x20 || text[end - 1] == 0x09) { end -= 1 }
        let value = UnsafeBufferPointer(rebasing: text[start..<end])
        if Self.equalsLowercase(name, "content-length") {
            // RFC 9110 §8.6: 1*DIGIT; differing repeated values are an error (RFC 9112 §6.3).
            guard !value.isEmpty, value.count <= 15 else { return .badContentLength }
            var length = 0
            for byte in value {
                let d = Int(byte) - 0x30
                guard d >= 0 && d <= 9 else { return .badContentLength }
                length = length * 10 + d
            }
            if let existing = contentLength, existing != length { return .badContentLength }
            contentLength = length
        } else if Self.equalsLowercase(name, "transfer-encoding") {
            // RFC 9112 §6.3 rule 4: chunked must be the final coding to frame the body.
            chunked = Self.lastToken(value, is: "chunked")
        } else if Self.equalsLowercase(name, "connection") {
            forEachToken(value) { token in
                if Self.equalsLowercase(token, "close") { closeToken = true }
                if Self.equalsLowercase(token, "keep-alive") { keepAliveToken = true }
            }
        }
        return nil
    }

    /// Chooses how the body ends, per RFC 9112 §6.3.
    private mutating func endOfHead() {
        if status < 200 {
            // 1xx interim responses (§15.2 of RFC 9110) are followed by the real one.
            reset(headRequest: headRequest)
            return
        }
        // Rule 1: HEAD responses, 204 and 304 never have a body.
        if headRequest || status == 204 || status == 304 { state = .done; return }
        // Rule 4 before 5: Transfer-Encoding overrides Content-Length.
        if chunked { state = .chunkSize; return }
        if let length = contentLength {
            state = length == 0 ? .done : .body(remaining: length)
            return
        }
        state = .untilClose
    }

    /// RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF; size 0 starts the trailer section.
    private mutating func chunkSize(_ text: UnsafeBufferPointer<UInt8>) -> ResponseError? {
        var size = 0
        var digits = 0
        for byte in text {
            let d: Int
            switch byte {
            case 0x30...0x39: d = Int(byte) - 0x30
            case 0x41...0x46: d = Int(byte) - 0x41 + 10
            case 0x61...0x66: d = Int(byte) - 0x61 + 10
            case 0x3B, 0x20, 0x09: d = -1 // extension or BWS follows
            default: return .badChunk
            }
            if d < 0 { break }
            digits += 1
            guard digits <= 15 else { return .badChunk }
            size = size << 4 | d
        }
        guard digits > 0 else { return .badChunk }
        state = size == 0 ? .trailer : .chunkData(remaining: size)
        return nil
    }

    /// ASCII case-insensitive comparison against a lowercase literal.
    private static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        guard bytes.count == lower.utf8CodeUnitCount else { return false }
        let l = lower.utf8Start
        for k in 0..<bytes.count {
            var b = bytes[k]
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            if b != l[k] { return false }
        }
        return true
    }

    /// Calls `body` with each comma-separated token of a field value, trimmed.
    private func forEachToken(_ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count && value[end] != 0x2C { end += 1 }
            var a = start, b = end
            while a < b && (value[a] == 0x20 || value[a] == 0x09) { a += 1 }
            while b > a && (value[b - 1] == 0x20 || value[b - 1] == 0x09) { b -= 1 }
            if a < b { body(UnsafeBufferPointer(rebasing: value[a..<b])) }
            start = end + 1
        }
    }

    /// Whether the last comma-separated token equals `lower` (case-insensitive).
    private static func lastToken(_ value: UnsafeBufferPointer<UInt8>, is lower: StaticString) -> Bool {
        var end = value.count
        while end > 0 && (value[end - 1] == 0x20 || value[end - 1] == 0x09) { end -= 1 }
        var start = end
        while start > 0 && value[start - 1] != 0x2C && value[start - 1] != 0x20 && value[start - 1] != 0x09 {
            start -= 1
        }
        return equalsLowercase(UnsafeBufferPointer(rebasing: value[start..<end]), lower)
    }
}
