/// What the overview is asked: only the day. Every window is fixed relative to it, so the
/// dashboard's first screen needs no other choice.
public struct OverviewReportQuery: Sendable, Equatable {
    /// Certificates whose last valid day is within this many days after `asOf` count as expiring.
    public static let expiringWithinDays = ProductReportQuery.defaultWithinDays
    /// The expiring certificates listed in JSON (the count is always complete; CSV lists all).
    public static let expiringListed = 10
    /// Sales are summed over this many days ending on `asOf`.
    public static let salesDays = SalesReportQuery.defaultDays

    /// The calendar day (Asia/Ho_Chi_Minh) the overview describes.
    public let asOf: CivilDate

    public init(asOf: CivilDate) { self.asOf = asOf }

    /// 1 January of `asOf`'s year: the fairs window is the year so far.
    public var yearStart: CivilDate { CivilDate(year: asOf.year, month: 1, day: 1) ?? asOf }
    /// First day of the sales window (`salesDays` days, `asOf` included).
    public var salesFrom: CivilDate { asOf.adding(days: -(Self.salesDays - 1)) }
}

/// A dashboard's first screen on one day, assembled from the other reports' store functions
/// (products, fairs, e-commerce, sales) so every figure equals what the detailed report says.
public struct OverviewReport: Sendable, Equatable {
    public let query: OverviewReportQuery
    /// Products certified on `asOf`, by stars, group and producer kind (the products report's figures).
    public let certified: CertifiedProducts
    /// Registered producers of every kind, and how many hold certified products.
    public let producers: [ProducerKindOverview]
    /// Certificates valid on `asOf` that run out within `expiringWithinDays`, soonest first (all of them).
    public let expiring: [ExpiringCertificate]
    public let pointsOfSale: PointOfSaleCounts
    /// Fairs with a day in 1 January … `asOf`; takings on those days only.
    public let fairs: FairTotals
    /// Certified products on `asOf` (every platform's denominator) and each platform's coverage.
    public let ecommerce: (certified: Int, platforms: [PlatformCoverage])
    /// Point-of-sale sales of `salesFrom … asOf`.
    public let sales: SalesFigures

    public init(query: OverviewReportQuery, certified: CertifiedProducts, producers: [ProducerKindOverview],
                expiring: [ExpiringCertificate], pointsOfSale: PointOfSaleCounts, fairs: FairTotals,
                ecommerce: (certified: Int, platforms: [PlatformCoverage]), sales: SalesFigures) {
        self.query = query
        self.certified = certified
        self.producers = producers
        self.expiring = expiring
        self.pointsOfSale = pointsOfSale
        self.fairs = fairs
        self.ecommerce = ecommerce
        self.sales = sales
    }

    /// The last day of the expiring window.
    public var expiringThrough: CivilDate { query.asOf.adding(days: OverviewReportQuery.expiringWithinDays) }

    public static func == (a: OverviewReport, b: OverviewReport) -> Bool {
        a.query == b.query && a.certified == b.certified && a.producers == b.producers && a.expiring == b.expiring
            && a.pointsOfSale == b.pointsOfSale && a.fairs == b.fairs && a.ecommerce.certified == b.ecommerce.certified
            && a.ecommerce.platforms == b.ecommerce.platforms && a.sales == b.sales
    }
}

/// Producers of one kind: registered, and holding at least one certified product on `asOf`.
public struct ProducerKindOverview: Sendable, Equatable {
    public let kind: ProducerKind
    public let registered: Int
    public let certifiedProducers: Int
    public let certifiedProducts: Int

    public init(kind: ProducerKind, registered: Int, certifiedProducers: Int, certifiedProducts: Int) {
        self.kind = kind
        self.registered = registered
        self.certifiedProducers = certifiedProducers
        self.certifiedProducts = certifiedProducts
    }
}

/// Points of sale open on `asOf` (no opening date: counted) and how many meet the checklist
/// (OCOP sign, shelves, price list) as recorded now: the registry keeps no history of it.
public struct PointOfSaleCounts: Sendable, Equatable {
    public let total: Int
    public let compliant: Int

    public init(total: Int, compliant: Int) {
        self.total = total
        self.compliant = compliant
    }

    /// `compliant / total`, one decimal.
    public var compliantSharePercent: String? { ReportNumbers.percent(compliant, of: total) }
}
