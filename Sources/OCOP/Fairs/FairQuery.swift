/// How a fair list is ordered. Each order has an index, so keyset paging is cheap.
public enum FairSort: String, CaseIterable, Sendable {
    /// Newest first: what the office looks at.
    case startsOnDescending = "-starts_on"
    case startsOn = "starts_on"
    case id = "id"
    case idDescending = "-id"

    var keyset: Keyset {
        switch self {
        case .startsOnDescending: Keyset(sort: rawValue, column: .date("starts_on"), descending: true)
        case .startsOn: Keyset(sort: rawValue, column: .date("starts_on"), descending: false)
        case .id: Keyset(sort: rawValue, column: nil, descending: false)
        case .idDescending: Keyset(sort: rawValue, column: nil, descending: true)
        }
    }
}

/// Filters and paging for `GET /api/v1/fairs`.
public struct FairQuery: Sendable {
    public var kind: FairKind?
    /// Derived from the dates on `today`.
    public var status: FairStatus?
    /// Fairs with at least one day in `from … to` (either bound optional, both inclusive).
    public var from: CivilDate?
    public var to: CivilDate?
    public var district: String?
    public var province: String?
    /// Free text, matched diacritic- and case-insensitively against name, venue, place and organiser.
    public var text: String?
    public var sort: FairSort = .startsOnDescending
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}
