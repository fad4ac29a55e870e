/// How a product list is ordered. Each order has an index, so keyset paging is cheap.
public enum ProductSort: String, CaseIterable, Sendable {
    case id = "id"
    case idDescending = "-id"
    /// Vietnamese collation (`name_key`): "Ấn" after "Ân" after "An", "Đ" after "D".
    case name = "name"
    case nameDescending = "-name"

    var keyset: Keyset {
        switch self {
        case .id: Keyset(sort: rawValue, column: nil, descending: false)
        case .idDescending: Keyset(sort: rawValue, column: nil, descending: true)
        case .name: Keyset(sort: rawValue, column: .sortKey("p.name_key"), descending: false)
        case .nameDescending: Keyset(sort: rawValue, column: .sortKey("p.name_key"), descending: true)
        }
    }
}

/// Filters and paging for `GET /api/v1/products`. Certification filters are about the
/// product's current certificate as it stands on `today` (Asia/Ho_Chi_Minh calendar day).
public struct ProductQuery: Sendable {
    /// Exactly these stars, held by a certificate valid today.
    public var stars: StarRating?
    /// At least these stars, held by a certificate valid today.
    public var starsMin: StarRating?
    /// A group code.
    public var group: String?
    /// A sub-group code.
    public var subgroup: String?
    /// Products of this producer.
    public var producerID: Int64?
    /// The derived status on `today`.
    public var status: ProductStatus?
    /// Of the producer.
    public var district: String?
    /// Of the producer.
    public var commune: String?
    /// The current certificate's `expires_on` is before this day.
    public var expiresBefore: CivilDate?
    /// Free text over code, name, producer name and description; diacritic- and case-insensitive, đ → d.
    public var text: String?
    /// The order of the list.
    public var sort: ProductSort = .id
    /// Items per page.
    public var limit: PageSize = .default
    /// Where the previous page ended.
    public var cursor: Cursor?
    /// The day status and stars are computed for.
    public var today: CivilDate

    /// No filters, for `today`.
    public init(today: CivilDate) { self.today = today }
}
