/// What the sales report groups by (`?group_by=`).
public enum SalesGrouping: String, CaseIterable, Sendable {
    case pointOfSale = "point_of_sale"
    case product
    case day
    case payment
}

/// Revenue figures of a set of sales, all exact integers.
public struct SalesFigures: Sendable, Equatable {
    /// Σ amount in đồng (for a product: its lines' amounts).
    public var revenueVND: Int64
    /// Σ quantity.
    public var units: Int64
    /// Sales counted (a sale with two lines of one product counts once for it).
    public var sales: Int64
    /// The part of `revenueVND` paid by card, bank transfer or e-wallet.
    public var nonCashVND: Int64

    public init(revenueVND: Int64 = 0, units: Int64 = 0, sales: Int64 = 0, nonCashVND: Int64 = 0) {
        self.revenueVND = revenueVND
        self.units = units
        self.sales = sales
        self.nonCashVND = nonCashVND
    }

    public static let zero = SalesFigures()

    /// The non-cash share of revenue in percent with one decimal ("62.5"), rounded half up;
    /// nil when there is no revenue (no share of nothing).
    public var nonCashSharePercent: String? { SalesFigures.percent(nonCashVND, of: revenueVND) }

    /// `part` of `whole` in percent with one decimal, in 128-bit integers: revenue may be anything
    /// up to Int64.max, and part × 1000 must not trap on the way (no binary floating point for money).
    public static func percent(_ part: Int64, of whole: Int64) -> String? {
        guard whole > 0, part >= 0, part <= whole else { return nil }
        let tenths = (Int128(part) * 1000 + Int128(whole) / 2) / Int128(whole)
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// What one group of the sales report is about.
public enum SalesGroupKey: Sendable, Equatable {
    case pointOfSale(id: Int64, code: String, name: String)
    case product(id: Int64, code: String, name: String)
    /// A calendar day in Asia/Ho_Chi_Minh.
    case day(CivilDate)
    case payment(PaymentMethod)
}

/// One line of the sales report.
public struct SalesGroup: Sendable, Equatable {
    public let key: SalesGroupKey
    public let figures: SalesFigures

    public init(key: SalesGroupKey, figures: SalesFigures) {
        self.key = key
        self.figures = figures
    }
}

/// The sales report: the period's totals and one line per group.
public struct SalesReport: Sendable, Equatable {
    public let query: SalesReportQuery
    public let total: SalesFigures
    public let groups: [SalesGroup]
}

/// What the sales report is asked. Built only through the validating initialiser, so a report
/// never runs on an inverted or unbounded period.
public struct SalesReportQuery: Sendable, Equatable {
    /// Without `from`, the report covers this many days up to `to`.
    public static let defaultDays = 30
    /// Longest period: a leap year. Bounds the work of one request (and the zero-filled days).
    public static let maximumDays = 366

    /// First and last calendar day (Asia/Ho_Chi_Minh), inclusive.
    public let from: CivilDate
    public let to: CivilDate
    public let groupBy: SalesGrouping
    /// One point of sale only; nil: all.
    public let pointOfSaleID: Int64?

    /// Fills the defaults (`to` = today, `from` = 29 days before `to`, groups by point of sale)
    /// and checks every rule at once; errors name the API's query parameters.
    public init(today: CivilDate, from: CivilDate? = nil, to: CivilDate? = nil, groupBy: SalesGrouping? = nil,
                pointOfSaleID: Int64? = nil) throws(DomainError) {
        let end = to ?? today
        let start = from ?? end.adding(days: -(Self.defaultDays - 1))
        var errors: [FieldError] = []
        if start > end {
            errors.append(FieldError("from", "must not be after to (\(end))"))
        } else if start.days(until: end) >= Self.maximumDays {
            errors.append(FieldError("from", "must be at most \(Self.maximumDays) days before to, both included (\(end))"))
        }
        if !errors.isEmpty { throw .invalid(errors) }
        self.from = start
        self.to = end
        self.groupBy = groupBy ?? .pointOfSale
        self.pointOfSaleID = pointOfSaleID
    }

    /// Every day of the period, in order.
    public var days: [CivilDate] { (0...from.days(until: to)).map { from.adding(days: $0) } }
}
