/// An HTTP request method (RFC 9110 §9). A struct, not an enum, because the
/// method token is extensible; the common ones are static members.
public struct HTTPMethod: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let post = HTTPMethod("POST")
    public static let put = HTTPMethod("PUT")
    public static let patch = HTTPMethod("PATCH")
    public static let delete = HTTPMethod("DELETE")
    public static let options = HTTPMethod("OPTIONS")
    public static let trace = HTTPMethod("TRACE")
    public static let connect = HTTPMethod("CONNECT")
    /// A GET with a body (the HTTP QUERY method draft; OpenAPI 3.2 operations). Safe, like GET.
    public static let query = HTTPMethod("QUERY")

    public var description: String { rawValue }

    /// Read-only by definition (RFC 9110 §9.2.1): abandoning one part-way changes nothing.
    public var isSafe: Bool { self == .get || self == .head || self == .options || self == .trace || self == .query }
}

/// The protocol version of a request line (RFC 9112 §2.3). Only 1.0 and 1.1 are served.
public enum HTTPVersion: Sendable, Equatable {
    case http1_0
    case http1_1

    public var text: String {
        switch self {
        case .http1_0: return "HTTP/1.0"
        case .http1_1: return "HTTP/1.1"
        }
    }
}
