/// How a producer list is ordered. Each order has an index, so keyset paging is cheap.
public enum ProducerSort: String, CaseIterable, Sendable {
    case id = "id"
    case idDescending = "-id"
    case name = "name"
    case nameDescending = "-name"

    var keyset: Keyset {
        switch self {
        case .id: Keyset(sort: rawValue, column: nil, descending: false)
        case .idDescending: Keyset(sort: rawValue, column: nil, descending: true)
        case .name: Keyset(sort: rawValue, column: .sortKey("name_key"), descending: false)
        case .nameDescending: Keyset(sort: rawValue, column: .sortKey("name_key"), descending: true)
        }
    }
}

/// Filters and paging for `GET /api/v1/producers`.
public struct ProducerQuery: Sendable {
    public var kind: ProducerKind?
    public var district: String?
    public var commune: String?
    /// Free text, matched diacritic- and case-insensitively against name, representative and place.
    public var text: String?
    public var sort: ProducerSort = .id
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}
