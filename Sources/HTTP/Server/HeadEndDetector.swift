/// Notices where a request head ends in a byte stream, so the connection can
/// swap the header timer for the body timer while a body is still arriving.
/// The parser only says "need more"; this tiny scanner tells head from body.
///
/// The head ends at the first empty line (RFC 9112 §2.1). Empty lines before
/// the request line are ignored (RFC 9112 §2.2 lets a server skip them), and a
/// bare LF counts as a line end, as lenient parsers accept it (RFC 9112 §2.2).
struct HeadEndDetector: Sendable {
    private enum State: Sendable {
        /// Only CR/LF seen so far: still before the request line.
        case leading
        /// Inside a line.
        case inLine
        /// Just after a line end.
        case atLineStart
        /// After a line end and a CR: a following LF ends the head.
        case atLineStartCR
        /// The head ended.
        case done
    }

    private var state = State.leading

    /// Whether the end of the head has been seen.
    var headEnded: Bool {
        if case .done = state { return true }
        return false
    }

    /// Forgets everything: a new request starts.
    mutating func reset() { state = .leading }

    /// Scans more bytes of the current request; returns `headEnded`.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes {
            switch state {
            case .done:
                return true
            case .leading:
                if byte != 13 && byte != 10 { state = .inLine }
            case .inLine:
                if byte == 10 { state = .atLineStart }
            case .atLineStart:
                if byte == 10 { state = .done } else if byte == 13 { state = .atLineStartCR } else { state = .inLine }
            case .atLineStartCR:
                state = byte == 10 ? .done : .inLine
            }
        }
        return headEnded
    }
}
