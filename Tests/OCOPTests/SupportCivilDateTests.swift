import Testing
@testable import OCOP

@Suite("CivilDate")
struct SupportCivilDateTests {
    private func date(_ text: String) throws -> CivilDate {
        try #require(CivilDate(text))
    }

    @Test func leapYears() {
        #expect(CivilDate.isLeapYear(2000))
        #expect(!CivilDate.isLeapYear(1900))
        #expect(CivilDate.isLeapYear(2024))
        #expect(!CivilDate.isLeapYear(2023))
        #expect(!CivilDate.isLeapYear(2100))
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
    }

    @Test func validatesMonthAndDay() {
        #expect(CivilDate(year: 2024, month: 0, day: 1) == nil)
        #expect(CivilDate(year: 2024, month: 13, day: 1) == nil)
        #expect(CivilDate(year: 2024, month: 4, day: 31) == nil)
        #expect(CivilDate(year: 2024, month: 4, day: 30) != nil)
        #expect(CivilDate(year: 2024, month: 1, day: 0) == nil)
        #expect(CivilDate(year: 2024, month: 12, day: 31) != nil)
        #expect(CivilDate(year: 2024, month: 12, day: 32) == nil)
    }

    @Test func parsesAndFormatsStrictYYYYMMDD() throws {
        let d = try date("2024-02-29")
        #expect((d.year, d.month, d.day) == (2024, 2, 29))
        #expect(d.description == "2024-02-29")
        #expect(try date("0001-01-01").description == "0001-01-01")
        #expect(try date("9999-12-31").description == "9999-12-31")
    }

    @Test(arguments: [
        "2024-2-29", "2024-02-9", "24-02-29", "2024/02/29", "2024-02-29 ", " 2024-02-29",
        "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "0000-01-01",
        "20240229", "2024-02-29T00:00:00Z", "", "２０２４-02-29", "+2024-02-29", "2024-0a-01",
    ])
    func rejectsMalformedDates(text: String) {
        #expect(CivilDate(text) == nil)
    }

    @Test func thirtySixMonthsClampsToMonthEnd() throws {
        // DOMAIN.md: expires_on = decided_on + 36 months; 29 Feb → 28 Feb.
        #expect(try date("2024-02-29").adding(months: 36) == date("2027-02-28"))
        #expect(try date("2024-02-29").adding(months: 48) == date("2028-02-29"))
        #expect(try date("2024-01-31").adding(months: 1) == date("2024-02-29"))
        #expect(try date("2023-01-31").adding(months: 1) == date("2023-02-28"))
        #expect(try date("2024-03-31").adding(months: 36) == date("2027-03-31"))
        #expect(try date("2024-05-31").adding(months: 37) == date("2027-06-30"))
        #expect(try date("2024-12-13").adding(months: 36) == date("2027-12-13"))
        #expect(try date("2024-11-30").adding(months: 2) == date("2025-01-30"))
        #expect(try date("2025-01-15").adding(months: -1) == date("2024-12-15"))
        #expect(try date("2024-03-31").adding(months: -1) == date("2024-02-29"))
        #expect(try date("2024-03-31").adding(months: -36) == date("2021-03-31"))
        #expect(try date("2024-06-15").adding(months: 0) == date("2024-06-15"))
        // The largest API date still has an expiry: arithmetic never traps near the edge.
        #expect(try date("9999-12-31").adding(months: 36).description == "+10002-12-31")
    }

    @Test func daysArithmetic() throws {
        #expect(try date("2024-12-31").adding(days: 1) == date("2025-01-01"))
        #expect(try date("2024-02-28").adding(days: 1) == date("2024-02-29"))
        #expect(try date("2023-02-28").adding(days: 1) == date("2023-03-01"))
        #expect(try date("2025-01-01").adding(days: -1) == date("2024-12-31"))
        #expect(try date("2024-01-01").days(until: date("2025-01-01")) == 366)
        #expect(try date("2025-01-01").days(until: date("2024-01-01")) == -366)
        #expect(try date("2024-12-13").days(until: date("2027-12-13")) == 1095)
        #expect(try date("2024-06-01").days(until: date("2024-06-01")) == 0)
    }

    @Test func knownEpochDays() throws {
        #expect(try date("1970-01-01").daysSinceEpoch == 0)
        #expect(try date("1970-01-02").daysSinceEpoch == 1)
        #expect(try date("1969-12-31").daysSinceEpoch == -1)
        #expect(try date("2000-03-01").daysSinceEpoch == 11_017)
        #expect(try date("2024-12-13").daysSinceEpoch == 20_070)
        #expect(try date("0001-01-01").daysSinceEpoch == -719_162)
        #expect(try date("9999-12-31").daysSinceEpoch == 2_932_896)
    }

    /// Every day from 0001-01-01 to 9999-12-31 round-trips, and consecutive
    /// counts give consecutive, valid calendar dates.
    @Test func daysSinceEpochRoundTripsOverTheWholeAPIRange() throws {
        var previous = CivilDate(daysSinceEpoch: -719_163)
        #expect(previous.description == "0000-12-31")
        for days in -719_162...2_932_896 {
            let d = CivilDate(daysSinceEpoch: days)
            guard d.daysSinceEpoch == days, previous < d,
                  CivilDate(year: d.year, month: d.month, day: d.day) == d else {
                Issue.record("day \(days) gave \(d)")
                return
            }
            let isNextDay = d.day == previous.day + 1 && d.month == previous.month && d.year == previous.year
            let isNextMonth = d.day == 1 && previous.day == CivilDate.daysInMonth(year: previous.year, month: previous.month)
            guard isNextDay || isNextMonth else {
                Issue.record("\(previous) → \(d) is not one day")
                return
            }
            previous = d
        }
        #expect(previous.description == "9999-12-31")
    }

    @Test func farDatesRoundTrip() {
        for days in [-CivilDate.dayLimit, -1_000_000_000, -146_097, 146_097, 1_000_000_000, CivilDate.dayLimit] {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CivilDate(daysSinceEpoch: -719_528).description == "0000-01-01")
        #expect(CivilDate(daysSinceEpoch: -719_529).description == "-0001-12-31")
    }

    @Test func orderIsChronological() throws {
        #expect(try date("2024-12-31") < date("2025-01-01"))
        #expect(try date("2024-02-29") < date("2024-03-01"))
        #expect(try date("2024-10-02") > date("2024-09-30"))
        #expect(try [date("2025-01-01"), date("2023-06-30"), date("2024-02-29")].sorted().map(\.description)
                == ["2023-06-30", "2024-02-29", "2025-01-01"])
    }

    @Test func todayInVietnamCrossesMidnightAt17hUTC() throws {
        let midnightInHanoi = try #require(Timestamp(rfc3339: "2024-12-31T17:00:00Z"))
        let justBefore = try #require(Timestamp(rfc3339: "2024-12-31T16:59:59.999Z"))
        #expect(CivilDate.today(at: midnightInHanoi) == (try date("2025-01-01")))
        #expect(CivilDate.today(at: justBefore) == (try date("2024-12-31")))
        #expect(CivilDate.today(at: try #require(Timestamp(rfc3339: "2024-12-31T16:59:59Z"))) == (try date("2024-12-31")))
        #expect(CivilDate.today(at: midnightInHanoi, utcOffsetSeconds: 0) == (try date("2024-12-31")))
        #expect(midnightInHanoi.civilDateUTC == (try date("2024-12-31")))
    }

    @Test func todayBeforeTheEpochRoundsDown() {
        // 1969-12-31T23:59:59.999Z is still 31 December, not 1 January 1970.
        #expect(CivilDate.today(at: Timestamp(millisecondsSinceEpoch: -1), utcOffsetSeconds: 0).description == "1969-12-31")
        #expect(CivilDate.today(at: Timestamp(millisecondsSinceEpoch: 0), utcOffsetSeconds: 0).description == "1970-01-01")
        #expect(CivilDate.today(at: Timestamp(millisecondsSinceEpoch: 0), utcOffsetSeconds: -1).description == "1969-12-31")
    }
}
