/// What the products report is asked: the day it describes and the two windows it looks through.
/// Built only through the validating initialiser, so a report can never run on an empty or
/// inverted period.
public struct ProductReportQuery: Sendable, Equatable {
    /// Days after `asOf` within which a certificate counts as expiring soon, unless asked otherwise.
    public static let defaultWithinDays = 90
    /// Ten years is longer than any certificate runs; more is a typo.
    public static let withinDaysRange = 1...3650
    /// The expiry statistics look back this many months from `asOf` unless a period is given.
    public static let defaultPeriodMonths = 6

    /// The calendar day (Asia/Ho_Chi_Minh) the report describes: everything decided, revoked or
    /// evaluated after it is left out, so a report for a past day reads as it would have then.
    public let asOf: CivilDate
    /// Certificates whose last valid day falls in `asOf … asOf + withinDays` are listed as expiring.
    public let withinDays: Int
    /// First day of the period for the expiry statistics (inclusive).
    public let from: CivilDate
    /// Last day of the period for the expiry statistics (inclusive); never after `asOf`.
    public let to: CivilDate

    /// Fills the defaults (90 days; the last six months up to `asOf`, or the six months before `to`)
    /// and checks every rule at once; errors name the API's query parameters.
    public init(asOf: CivilDate, withinDays: Int? = nil, from: CivilDate? = nil, to: CivilDate? = nil) throws(DomainError) {
        let within = withinDays ?? Self.defaultWithinDays
        let end = to ?? asOf
        let start = from ?? end.adding(months: -Self.defaultPeriodMonths)
        var errors: [FieldError] = []
        if !Self.withinDaysRange.contains(within) {
            let range = Self.withinDaysRange
            errors.append(FieldError("within_days", "must be an integer from \(range.lowerBound) to \(range.upperBound)"))
        }
        if end > asOf {
            // A certificate cannot be reported as expired on a day the report has not reached.
            errors.append(FieldError("to", "must not be after as_of (\(asOf))"))
        }
        if start > end { errors.append(FieldError("from", "must not be after to (\(end))")) }
        if !errors.isEmpty { throw .invalid(errors) }
        self.asOf = asOf
        self.withinDays = within
        self.from = start
        self.to = end
    }

    /// The last day of the expiring window.
    public var expiringThrough: CivilDate { asOf.adding(days: withinDays) }
}
