#if canImport(Glibc)
import Glibc
#endif

/// A proleptic Gregorian calendar day, as days since 1970-01-01, for the seeding dates
/// (rounds held and decisions taken some months ago). The bench links no Foundation.
struct CalendarDay: Comparable {
    /// Days since 1970-01-01.
    let days: Int

    /// Today in Asia/Ho_Chi_Minh (UTC+7, no DST): the server's "today" for certificates.
    static func todayInVietnam() -> CalendarDay {
        CalendarDay(days: (Int(time(nil)) + 7 * 3600) / 86_400)
    }

    /// `n` days later (earlier when negative).
    func adding(days n: Int) -> CalendarDay { CalendarDay(days: days + n) }

    /// Year, month and day (H. Hinnant's `civil_from_days`, valid far beyond any bench date).
    var civil: (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `YYYY-MM-DD`, the API's date format.
    var iso: String {
        let (y, m, d) = civil
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(y)-\(two(m))-\(two(d))"
    }

    static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.days < b.days }
}
