/// A keyset position: the sort it belongs to and the last row's sort values.
/// Clients see it only as an opaque base64url string.
public struct Cursor: Sendable, Equatable {
    public let sort: String
    public let values: [String]

    public init(sort: String, values: [String]) {
        self.sort = sort
        self.values = values
    }

    /// Opaque text form. Fields are joined by U+001F, which never occurs in sort values (hex or digits).
    public var encoded: String {
        Base64URL.encode(Array(([sort] + values).joined(separator: "\u{1F}").utf8))
    }

    /// Decodes a client-supplied cursor; nil when it is not one of ours.
    public init?(encoded: String) {
        guard let bytes = Base64URL.decode(encoded), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty else { return nil }
        sort = parts[0]
        values = Array(parts.dropFirst())
    }
}

extension FieldError {
    /// A `cursor` this server did not give out, or gave out for another sort or list.
    public static let badCursor = FieldError("cursor", "is not a cursor this list gave out")
}

extension DomainError {
    public static let badCursor = DomainError.invalid([.badCursor])
}
