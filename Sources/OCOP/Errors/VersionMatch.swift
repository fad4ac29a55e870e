/// What a client's preconditions ask of an item's current version (RFC 9110 §13.1): with
/// `If-Match`, that it be one of the versions listed, or (`*`) that the item exist; with
/// `If-None-Match`, that it be none of them, or (`*`) that there be no item. A write whose
/// preconditions fail is a 412 and changes nothing.
///
/// Lists are kept whole because a client may send several tags (`If-Match: W/"4", W/"5"`)
/// and any one of them matching is enough. `nil` where a `VersionMatch?` is taken means the
/// request had neither field: the write is unconditional.
public struct VersionMatch: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// The tags one field lists.
    public enum Tags: Sendable, Equatable {
        /// `*`: any current version.
        case any
        /// The versions named by the tags.
        case oneOf([Int64])

        public func matches(_ version: Int64) -> Bool {
            switch self {
            case .any: return true
            case .oneOf(let versions): return versions.contains(version)
            }
        }
    }

    /// `If-Match`, when sent.
    public var ifMatch: Tags?
    /// `If-None-Match`, when sent.
    public var ifNoneMatch: Tags?

    public init(ifMatch: Tags? = nil, ifNoneMatch: Tags? = nil) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
    }

    /// `If-Match: *`.
    public static let any = VersionMatch(ifMatch: .any)

    /// `If-Match` listing `versions`.
    public static func oneOf(_ versions: [Int64]) -> VersionMatch { VersionMatch(ifMatch: .oneOf(versions)) }

    public init(integerLiteral version: Int64) {
        self.init(ifMatch: .oneOf([version]))
    }

    /// Whether an item now at `version` meets these preconditions (RFC 9110 §13.2.2: If-Match,
    /// then If-None-Match).
    public func admits(_ version: Int64) -> Bool {
        if let ifMatch, !ifMatch.matches(version) { return false }
        if let ifNoneMatch, ifNoneMatch.matches(version) { return false }
        return true
    }

    /// Throws `staleVersion` unless `expected` (nil: no precondition) admits `current`, saying
    /// which of the two fields refused it.
    public static func require(_ expected: VersionMatch?, current: Int64) throws(DomainError) {
        guard let expected, !expected.admits(current) else { return }
        if let ifMatch = expected.ifMatch, !ifMatch.matches(current) { throw DomainError.staleVersion(current: current) }
        throw DomainError.staleVersion(current: current, excludedByIfNoneMatch: true)
    }
}
