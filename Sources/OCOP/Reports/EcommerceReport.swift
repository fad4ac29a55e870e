/// What the e-commerce report is asked: the day, and how much of the to-do list to return.
public struct EcommerceReportQuery: Sendable, Equatable {
    /// Unlisted products returned unless asked otherwise; the count is always complete.
    public static let defaultUnlistedLimit = 100
    public static let unlistedLimitRange = 1...PageSize.maximum

    /// The calendar day (Asia/Ho_Chi_Minh) the report describes: certificates and listing states
    /// are read as they stood that day, so a past day's report stays what it was.
    public let asOf: CivilDate
    /// At most this many unlisted products are returned; nil returns them all (CSV export).
    public let unlistedLimit: Int?

    public init(asOf: CivilDate, unlistedLimit: Int? = EcommerceReportQuery.defaultUnlistedLimit) throws(DomainError) {
        if let unlistedLimit, !Self.unlistedLimitRange.contains(unlistedLimit) {
            let range = Self.unlistedLimitRange
            throw .invalid("limit", "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        self.asOf = asOf
        self.unlistedLimit = unlistedLimit
    }
}

/// E-commerce coverage on a day: per platform, how many certified OCOP products have an active
/// listing, and which certified products are listed nowhere.
///
/// Certified means what the products report means (`ProductReportStore.validOn`): a 3–5-star
/// certificate valid on `asOf`. Active means the listing's history says `active` on `asOf`.
public struct EcommerceReport: Sendable, Equatable {
    public let asOf: CivilDate
    /// Products holding a valid 3–5-star certificate on `asOf`: every platform's denominator.
    public let certifiedProducts: Int
    /// Every platform in id order (the seeded ones first).
    public let platforms: [PlatformCoverage]
    /// Certified products with no active listing anywhere on `asOf`.
    public let unlisted: UnlistedProducts
}

/// One platform's coverage on a day.
public struct PlatformCoverage: Sendable, Equatable {
    public let platformID: Int64
    public let code: String
    public let name: String
    public let kind: PlatformKind
    /// Certified products with an active listing here.
    public let listedProducts: Int
    /// All certified products (the same for every platform).
    public let certifiedProducts: Int
    /// Of `listedProducts`, listings accepting non-cash payment.
    public let nonCashListings: Int
    /// Active listings here of any product, certified or not.
    public let activeListings: Int

    /// `listedProducts / certifiedProducts`, one decimal: 108 of 393 → "27.5".
    public var sharePercent: String? { ReportNumbers.percent(listedProducts, of: certifiedProducts) }
    /// `nonCashListings / listedProducts`, one decimal.
    public var nonCashSharePercent: String? { ReportNumbers.percent(nonCashListings, of: listedProducts) }
}

/// The office's to-do list: certified products to get listed.
public struct UnlistedProducts: Sendable, Equatable {
    /// How many there are in all.
    public let count: Int
    /// The first of them in Vietnamese name order (all of them when the query has no limit).
    public let products: [UnlistedProduct]
}

/// A certified product with no active listing.
public struct UnlistedProduct: Sendable, Equatable {
    public let productID: Int64
    public let code: String
    public let name: String
    public let producerID: Int64
    public let producerName: String
    /// Stars of its certificate valid on `asOf`.
    public let stars: StarRating
    /// That certificate's last valid day.
    public let expiresOn: CivilDate
}
