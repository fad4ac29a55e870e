/// Why a request could not be parsed; the connection answers `status` and closes.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 400, 413, 414, 417, 431, 501 or 505.
    public let status: HTTPStatus
    /// Short human text, e.g. "Content-Length and Transfer-Encoding together".
    public let reason: String

    /// Makes an error answering `status`, explained by `reason`.
    public init(status: HTTPStatus, reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status.code) \(reason)" }

    /// A request line past its limit that is all method: one longer than any we implement
    /// (RFC 9112 §3). Only the limit shows it, like a 414.
    public static let methodTooLong = HTTPParseError(status: .notImplemented,
                                                     reason: "method longer than any this server implements")

    /// Whether the input crossed a configured limit (413, 414, 431, or `methodTooLong`): under a
    /// looser limit the same bytes may parse, or fail for another reason found later.
    public var isLimit: Bool {
        [413, 414, 431].contains(status.code) || self == .methodTooLong
    }

    static func badRequest(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .badRequest, reason: reason)
    }

    static func contentTooLarge(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .contentTooLarge, reason: reason)
    }

    static func headersTooLarge(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .requestHeaderFieldsTooLarge, reason: reason)
    }

    static func notImplemented(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .notImplemented, reason: reason)
    }
}

/// What one call of `RequestParser.parse` produced.
public enum ParseResult: Sendable {
    /// Consumed what it could; feed more bytes.
    case needMore
    /// The head is complete, carries `Expect: 100-continue`, and the body is not complete yet:
    /// the server sends `100 Continue` and calls `parse` again when more bytes come.
    /// Returned at most once per request, and only when a body is expected.
    case expectContinue
    /// One complete request (body de-chunked); the parser is ready for the next (pipelining).
    case request(HTTPRequest)
    /// Fatal: the parser stays failed.
    case failure(HTTPParseError)
}
