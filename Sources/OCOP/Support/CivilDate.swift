/// A calendar date without time zone (API dates are YYYY-MM-DD).
///
/// Proleptic Gregorian, astronomical year numbering. Any year within
/// ±`yearLimit` is representable so that arithmetic on a valid API date
/// (9999-12-31 + 36 months) never traps; only the text form is restricted to
/// the four-digit years 0001–9999.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year (astronomical: 0 is 1 BC).
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…28/29/30/31.
    public let day: Int

    /// The largest |year| a date may have (about ±1 billion years): far beyond
    /// any business question, small enough that day counts never overflow.
    public static let yearLimit = 999_999_999
    /// The largest |daysSinceEpoch|; every such count lands inside `yearLimit`.
    static let dayLimit = 365 * 999_999_999

    /// A validated date; nil for month 13, 30 February, 29 February 2023 and so on.
    public init?(year: Int, month: Int, day: Int) {
        guard abs(year) <= Self.yearLimit, (1...12).contains(month),
              day >= 1, day <= Self.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Strict `YYYY-MM-DD` (RFC 3339 full-date, years 0001–9999); nil otherwise.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ CivilDate.parse($0) }) else { return nil }
        self = parsed
    }

    /// Parses exactly ten bytes `YYYY-MM-DD` (shared with the RFC 3339 parser).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = Digits.value(bytes, 0, 4), let month = Digits.value(bytes, 5, 2),
              let day = Digits.value(bytes, 8, 2), year >= 1 else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// Unchecked construction for values the calendar arithmetic already made valid.
    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        precondition(abs(year) <= Self.yearLimit, "CivilDate out of range")
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`; years outside 0000–9999 use ISO 8601's expanded form (`+10002-02-28`).
    public var description: String {
        guard (0...9999).contains(year) else {
            // Rare: only arithmetic far past the API's range gets here.
            let sign = year < 0 ? "-" : "+"
            let digits = String(abs(year))
            let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            return sign + padded + String(description(ofYear: 0).dropFirst(4))  // "-MM-DD"
        }
        return description(ofYear: year)
    }

    /// The ten bytes `YYYY-MM-DD` for a four-digit `y` and this month and day,
    /// written straight into the string's storage (dates fill JSON lists).
    private func description(ofYear y: Int) -> String {
        String(unsafeUninitializedCapacity: 10) { out in
            Digits.write(y, width: 4, into: out, at: 0)
            out[4] = UInt8(ascii: "-")
            Digits.write(month, width: 2, into: out, at: 5)
            out[7] = UInt8(ascii: "-")
            Digits.write(day, width: 2, into: out, at: 8)
            return 10
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The same day of the month `months` later (or earlier), clamped to the
    /// month's end: certificates run "36 months from the decision" and a
    /// 29 February decision expires on 28 February (DOMAIN.md).
    public func adding(months: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + months
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12  // floor division
        let newMonth = total - newYear * 12 + 1
        return CivilDate(unchecked: newYear, newMonth, min(day, Self.daysInMonth(year: newYear, month: newMonth)))
    }

    /// The date `days` days later (or earlier).
    public func adding(days: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// `other` minus `self` in days (positive when `other` is later).
    public func days(until other: CivilDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// Days since 1970-01-01 (which is 0), proleptic Gregorian.
    ///
    /// Howard Hinnant's `days_from_civil`: shift the year to start in March so
    /// the leap day is last, then count whole 400-year eras (146 097 days each).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `daysSinceEpoch` days after 1970-01-01 (Hinnant's `civil_from_days`).
    /// Traps beyond ±`yearLimit` years, like integer overflow.
    public init(daysSinceEpoch: Int) {
        precondition(abs(daysSinceEpoch) <= Self.dayLimit, "CivilDate out of range")
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The calendar day at `instant` in a fixed UTC offset (Vietnam: +7 h, no DST).
    public static func today(at instant: Timestamp, utcOffsetSeconds: Int = 7 * 3600) -> CivilDate {
        let localMilliseconds = instant.millisecondsSinceEpoch + Int64(utcOffsetSeconds) * 1000
        return CivilDate(daysSinceEpoch: Int(Digits.floorDivide(localMilliseconds, 86_400_000)))
    }

    /// Gregorian leap rule: every 4th year, except centuries not divisible by 400.
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// 28…31 for a valid month.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Fixed-width ASCII decimal helpers shared by the date and time parsers.
enum Digits {
    /// The value of `count` ASCII digits at `offset`, or nil if any is not a digit.
    @inline(__always)
    static func value(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ count: Int) -> Int? {
        var result = 0
        for i in offset..<(offset + count) {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            result = result * 10 + Int(digit)
        }
        return result
    }

    /// Writes the last `width` decimal digits of `value` (≥ 0), zero-padded, at `offset`.
    @inline(__always)
    static func write(_ value: Int, width: Int, into out: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var rest = value
        for i in stride(from: offset + width - 1, through: offset, by: -1) {
            out[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }

    /// Division rounding toward negative infinity (instants before 1970 belong to earlier days).
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
