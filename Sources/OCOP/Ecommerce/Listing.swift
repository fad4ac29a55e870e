/// Whether a listing is up.
public enum ListingStatus: String, CaseIterable, Sendable {
    /// Buyers can order it: the only status coverage counts.
    case active
    /// Temporarily down (out of stock, seasonal).
    case paused
    /// Taken down; the record stays for the history of coverage.
    case removed
}

/// The fields of a listing a client writes.
public struct ListingFields: Sendable, Equatable {
    /// The product listed; fixed once the listing exists.
    public var productID: Int64
    /// Where it is listed; fixed once the listing exists.
    public var platformID: Int64
    public var url: String?
    public var priceVND: Int64?
    public var status: ListingStatus
    public var acceptsNonCash: Bool
    /// The day it went up; starts its history. Not after today.
    public var listedOn: CivilDate

    public init(productID: Int64, platformID: Int64, url: String? = nil, priceVND: Int64? = nil,
                status: ListingStatus = .active, acceptsNonCash: Bool = false, listedOn: CivilDate) {
        self.productID = productID
        self.platformID = platformID
        self.url = url
        self.priceVND = priceVND
        self.status = status
        self.acceptsNonCash = acceptsNonCash
        self.listedOn = listedOn
    }

    /// The state this write asks for.
    public var state: ListingState { ListingState(status: status, acceptsNonCash: acceptsNonCash) }

    /// Rules that need no database; `today` bounds `listed_on` (a listing cannot go up tomorrow).
    public func validate(today: CivilDate, stored: ListingFields? = nil) -> [FieldError] {
        var errors: [FieldError] = []
        if productID <= 0 { errors.append(FieldError("product_id", "must be a positive id")) }
        if platformID <= 0 { errors.append(FieldError("platform_id", "must be a positive id")) }
        if let url, !ProductFields.acceptsURL(url, stored: stored?.url.map { [$0] } ?? []) {
            errors.append(FieldError("url", ProductFields.webURLRule))
        }
        if let priceVND, !(0...ProductFields.maximumPriceVND).contains(priceVND) {
            errors.append(FieldError("price_vnd", "must be an integer number of đồng from 0 to \(ProductFields.maximumPriceVND)"))
        }
        if listedOn > today { errors.append(FieldError("listed_on", "must not be after today (\(today))")) }
        return errors
    }
}

/// A product's listing on one platform, with the dated history of its state.
public struct Listing: Sendable, Equatable {
    public let id: Int64
    public var fields: ListingFields
    /// Every state since `listed_on`; its latest entry is `fields.status`/`acceptsNonCash`.
    public var history: ListingHistory
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64

    public init(id: Int64, fields: ListingFields, history: ListingHistory, createdAt: Timestamp, updatedAt: Timestamp,
                version: Int64) {
        self.id = id
        self.fields = fields
        self.history = history
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}

/// Filters and paging for `GET /api/v1/listings` (id order).
public struct ListingQuery: Sendable {
    public var productID: Int64?
    public var platformID: Int64?
    /// The current status.
    public var status: ListingStatus?
    public var acceptsNonCash: Bool?
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}
