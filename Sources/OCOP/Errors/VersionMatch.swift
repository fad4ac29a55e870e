/// What a client's `If-Match` asks of an item's current version (RFC 9110 §13.1.1): that it
/// be one of the versions the client lists, or (`*`) that the item exist at all.
///
/// A list is kept whole because a client may send several tags (`If-Match: W/"4", W/"5"`)
/// and any one of them matching is enough. `nil` where a `VersionMatch?` is taken means the
/// request had no `If-Match`: the write is unconditional.
public enum VersionMatch: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// `If-Match: *`.
    case any
    /// The versions named by the tags.
    case oneOf([Int64])

    public init(integerLiteral version: Int64) {
        self = .oneOf([version])
    }

    /// Whether an item now at `version` meets this precondition.
    public func admits(_ version: Int64) -> Bool {
        switch self {
        case .any: return true
        case .oneOf(let versions): return versions.contains(version)
        }
    }

    /// Throws `staleVersion` unless `expected` (nil: no precondition) admits `current`.
    public static func require(_ expected: VersionMatch?, current: Int64) throws(DomainError) {
        if let expected, !expected.admits(current) { throw DomainError.staleVersion(current: current) }
    }
}
