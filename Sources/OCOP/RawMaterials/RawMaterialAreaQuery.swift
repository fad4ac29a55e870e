/// Filters and paging for `GET /api/v1/raw-material-areas`.
public struct RawMaterialAreaQuery: Sendable {
    public var kind: AreaKind?
    public var market: MarketScope?
    public var producerID: Int64?
    /// Areas holding at least one certification of this scheme (whatever its dates).
    public var scheme: CertificationScheme?
    public var district: String?
    public var commune: String?
    /// Free text over code, name and place, diacritic- and case-insensitive.
    public var text: String?
    public var sort: CodeSort = .id
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}
