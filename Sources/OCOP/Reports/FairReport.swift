/// What the fair report is asked: a period and how many leaders to rank. Built only through the
/// validating initialiser, so a report never runs on an inverted period.
public struct FairReportQuery: Sendable, Equatable {
    /// Leaders ranked unless asked otherwise.
    public static let defaultTop = 10
    public static let topRange = 1...100
    /// Ten years is more than any report compares; a longer period is a typo.
    public static let maximumDays = 3660

    /// First day of the period (inclusive).
    public let from: CivilDate
    /// Last day of the period (inclusive).
    public let to: CivilDate
    /// How many producers and products the rankings hold.
    public let top: Int

    /// Without dates: the half year containing `today` (1 January–30 June or 1 July–31 December),
    /// which is how the province reports. Errors name the API's query parameters.
    public init(today: CivilDate, from: CivilDate? = nil, to: CivilDate? = nil, top: Int? = nil) throws(DomainError) {
        let half = FairReportQuery.halfYear(containing: today)
        let start = from ?? (to.map { FairReportQuery.halfYear(containing: $0).from } ?? half.from)
        let end = to ?? (from.map { FairReportQuery.halfYear(containing: $0).to } ?? half.to)
        let top = top ?? Self.defaultTop
        var errors: [FieldError] = []
        if start > end { errors.append(FieldError("from", "must not be after to (\(end))")) }
        else if start.days(until: end) >= Self.maximumDays {
            errors.append(FieldError("to", "must be within \(Self.maximumDays) days of from"))
        }
        if !Self.topRange.contains(top) {
            errors.append(FieldError("top", "must be an integer from \(Self.topRange.lowerBound) to \(Self.topRange.upperBound)"))
        }
        if !errors.isEmpty { throw .invalid(errors) }
        self.from = start
        self.to = end
        self.top = top
    }

    /// 1 January–30 June or 1 July–31 December of `day`'s year.
    public static func halfYear(containing day: CivilDate) -> (from: CivilDate, to: CivilDate) {
        let firstHalf = day.month <= 6
        guard let from = CivilDate(year: day.year, month: firstHalf ? 1 : 7, day: 1),
              let to = CivilDate(year: day.year, month: firstHalf ? 6 : 12, day: firstHalf ? 30 : 31) else {
            return (day, day)   // unreachable: the first and last days of a half year always exist
        }
        return (from, to)
    }
}

/// Trade-promotion figures for a period, computed from recorded fairs, booths and sales entries.
///
/// A fair belongs to the period when at least one of its days does. Its visitors count in full
/// (organisers count per fair, not per day); takings count by day, so a fair straddling two
/// periods splits its revenue exactly between them.
public struct FairReport: Sendable, Equatable {
    public let query: FairReportQuery
    public let totals: FairTotals
    /// Every kind of fair in `FairKind` order, zeros included.
    public let byKind: [FairKindTotals]
    /// The period's fairs, earliest first.
    public let fairs: [FairFigures]
    /// Our producers by takings at their booths, highest first.
    public let topProducers: [ProducerTakings]
    /// Products by revenue (`FairReportStore.topProducts` says what counts), then by units.
    public let topProducts: [ProductTakings]
}

/// The headline figures: what the half-year report states.
public struct FairTotals: Sendable, Equatable {
    public let fairs: Int
    /// Of those, fairs held in the home province.
    public let inProvince: Int
    public let visitors: Int64
    public let revenueVND: Int64
    /// Takings of local booths (`Exhibitor.isLocal`).
    public let localRevenueVND: Int64

    public init(fairs: Int, inProvince: Int, visitors: Int64, revenueVND: Int64, localRevenueVND: Int64) {
        self.fairs = fairs
        self.inProvince = inProvince
        self.visitors = visitors
        self.revenueVND = revenueVND
        self.localRevenueVND = localRevenueVND
    }

    /// Local takings as a percentage of all takings, one decimal: 12 of 25 billion → "48.0".
    public var localSharePercent: String? { ReportNumbers.percent(amount: localRevenueVND, of: revenueVND) }
}

/// The same figures for one kind of fair.
public struct FairKindTotals: Sendable, Equatable {
    public let kind: FairKind
    public let totals: FairTotals
}

/// One fair's figures in the period.
public struct FairFigures: Sendable, Equatable {
    public let fairID: Int64
    public let name: String
    public let kind: FairKind
    public let startsOn: CivilDate
    public let endsOn: CivilDate
    public let province: String
    public let visitors: Int64
    public let booths: Int
    public let localBooths: Int
    /// Takings on the fair's days within the period.
    public let revenueVND: Int64
    public let localRevenueVND: Int64
}

/// A producer of ours and its booths' takings in the period.
public struct ProducerTakings: Sendable, Equatable {
    public let producerID: Int64
    public let name: String
    public let kind: ProducerKind
    /// Fairs where it had takings in the period.
    public let fairs: Int
    public let revenueVND: Int64
}

/// A product's recorded sales lines in the period.
public struct ProductTakings: Sendable, Equatable {
    public let productID: Int64
    public let code: String
    public let name: String
    public let producerID: Int64
    public let units: Int64
    /// The lines' `revenue_vnd`, and the takings of each day whose only line this is and has
    /// none; lines without an amount beside others add units only.
    public let revenueVND: Int64
}

extension ReportNumbers {
    /// `part` of `whole` đồng as a percentage with one decimal, rounded half up, nil when `whole`
    /// is 0 or `part` is outside 0…`whole`. Amounts reach tens of billions, and `part × 1000`
    /// would overflow Int64 above 9.2 × 10¹⁵, so the product is taken 128 bits wide.
    public static func percent(amount part: Int64, of whole: Int64) -> String? {
        guard whole > 0, (0...whole).contains(part) else { return nil }
        let (high, low) = part.multipliedFullWidth(by: 1000)
        let (sum, carry) = low.addingReportingOverflow(UInt64(whole / 2))
        // The quotient is at most 1000: part ≤ whole.
        let (tenths, _) = whole.dividingFullWidth((high: high + (carry ? 1 : 0), low: sum))
        return "\(tenths / 10).\(tenths % 10)"
    }
}
