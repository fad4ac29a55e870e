import OCOP

/// The days a request may name, in a body or in a query: `YYYY-MM-DD` of the years 1900–2999.
/// Reports derive days from the ones they are given (90 days or ten years on, six months back),
/// and those must stay four-digit years; no OCOP record is older than 1900. Bodies and queries
/// take the same years so that every stored day can be found by a filter: a fair once stored as
/// 0001-01-01 could be matched by no `from`.
enum Days {
    static let years = 1900...2999

    /// `years` as a pattern beside `format: date` (which says nothing of years); the month and
    /// day are checked by the calendar, which a pattern cannot do.
    static let pattern = "^(19[0-9]{2}|2[0-9]{3})-[0-9]{2}-[0-9]{2}$"

    /// What a field or parameter that is not such a day is told.
    static let rule = "must be a date YYYY-MM-DD of the years \(years.lowerBound) to \(years.upperBound)"

    /// The day `text` names, or nil when it is not a calendar day of `years`.
    static func parse<S: StringProtocol>(_ text: S) -> CivilDate? {
        guard let day = CivilDate(String(text)), years.contains(day.year) else { return nil }
        return day
    }
}

extension BodyReader {
    /// A required day (`Days`).
    mutating func requiredDay(_ key: String) -> CivilDate? {
        guard let text = requiredString(key, maxLength: 10) else { return nil }
        return day(key, text)
    }

    /// An optional day (`Days`): absent or null is nil.
    mutating func optionalDay(_ key: String) -> CivilDate? {
        guard let text = optionalString(key, maxLength: 10) else { return nil }
        return day(key, text)
    }

    private mutating func day(_ key: String, _ text: String) -> CivilDate? {
        guard let day = Days.parse(text) else {
            fail(key, Days.rule)
            return nil
        }
        return day
    }
}
