import OCOP
import Testing

/// Validity, notice and status on the exact days (DOMAIN.md "Certificate lifecycle").
@Suite struct CertificateTermsTests {
    func date(_ text: String) throws -> CivilDate { try #require(CivilDate(text)) }

    @Test func termsAreData() {
        #expect(CertificateTerms.standard.validityMonths == 36)
        #expect(CertificateTerms.standard.noticeDays == 30)
        #expect(CertificateStatus.noticeDays == CertificateTerms.standard.noticeDays)
    }

    @Test(arguments: [
        ("2024-12-13", "2027-12-13"),
        ("2024-02-29", "2027-02-28"),   // 29 February → 28 February
        ("2020-02-29", "2023-02-28"),
        ("2021-02-28", "2024-02-28"),   // ends in a leap year: still the 28th, not moved to the 29th
        ("2023-01-31", "2026-01-31"),
        ("2022-11-30", "2025-11-30"),
        ("2024-08-31", "2027-08-31"),
        ("2023-12-31", "2026-12-31"),   // across year ends
        ("2025-01-01", "2028-01-01"),
    ])
    func thirtySixMonths(decided: String, expires: String) throws {
        #expect(CertificateTerms.standard.expiresOn(decidedOn: try date(decided)) == (try date(expires)))
    }

    @Test func otherTermsClampToMonthEnds() throws {
        // The arithmetic is the data's: a hypothetical 13-month term from 31 January lands on the last of February.
        let terms = CertificateTerms(validityMonths: 13, noticeDays: 30, legalBasis: "test")
        #expect(terms.expiresOn(decidedOn: try date("2023-01-31")) == (try date("2024-02-29")))
        #expect(terms.expiresOn(decidedOn: try date("2022-01-31")) == (try date("2023-02-28")))
    }

    @Test func statusOnTheExactDays() throws {
        let expires = try date("2027-12-13")
        func status(_ offset: Int) -> CertificateStatus {
            CertificateStatus.on(expires.adding(days: offset), expiresOn: expires, renewed: false, revoked: false)
        }
        #expect(status(-400) == .active)
        #expect(status(-31) == .active)
        #expect(status(-30) == .expiring)
        #expect(status(-1) == .expiring)
        #expect(status(0) == .expiring)    // expires_on is the last valid day
        #expect(status(1) == .expired)
        #expect(status(1000) == .expired)
        #expect(status(-31).isValid && status(0).isValid && !status(1).isValid)
    }

    @Test func revokedAndRenewedWinOverTheCalendar() throws {
        let expires = try date("2027-12-13")
        for offset in [-100, -10, 0, 10] {
            let today = expires.adding(days: offset)
            #expect(CertificateStatus.on(today, expiresOn: expires, renewed: true, revoked: false) == .renewed)
            #expect(CertificateStatus.on(today, expiresOn: expires, renewed: false, revoked: true) == .revoked)
            #expect(CertificateStatus.on(today, expiresOn: expires, renewed: true, revoked: true) == .revoked)
        }
        #expect(!CertificateStatus.renewed.isValid && !CertificateStatus.revoked.isValid)
    }

    @Test func todayIsTheCalendarDayInVietnam() throws {
        // 16:59:59Z is 23:59:59 in Hà Nội; one second later it is the next day there.
        let before = try #require(Timestamp(rfc3339: "2027-11-12T16:59:59Z"))
        let after = try #require(Timestamp(rfc3339: "2027-11-12T17:00:00Z"))
        let expires = try date("2027-12-13")
        #expect(CertificateStatus.on(CivilDate.today(at: before), expiresOn: expires, renewed: false, revoked: false) == .active)
        #expect(CertificateStatus.on(CivilDate.today(at: after), expiresOn: expires, renewed: false, revoked: false) == .expiring)
    }
}
