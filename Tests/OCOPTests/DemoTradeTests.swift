import OCOP
import SQLite
import Testing

/// The demo's year of trade promotion, read back through the fair and e-commerce reports on the
/// days `DemoDataTests` uses: fairs of every kind with takings only on their days, the platforms'
/// coverage where the article puts it, and a listing history with pauses and removals.
@Suite struct DemoTradeTests {
    func loaded(_ day: String) throws -> (Database, CivilDate) {
        let database = try makeDatabase()
        let now = try DemoDataTests.instant(day)
        try DemoData.load(into: database, now: now)
        return (database, CivilDate.today(at: now))
    }

    @Test(arguments: DemoDataTests.days) func aYearOfFairsOfEveryKind(day: String) throws {
        let (database, today) = try loaded(day)
        let report = try database.read { db in
            try FairReportStore.report(db, try FairReportQuery(today: today, from: today.adding(days: -365), to: today))
        }
        for kind in report.byKind { #expect(kind.totals.fairs > 0, "\(kind.kind)") }
        #expect(report.totals.fairs >= 20)
        #expect(report.totals.inProvince > 0 && report.totals.inProvince < report.totals.fairs)
        #expect(report.totals.visitors > 100_000)
        #expect(report.totals.localRevenueVND > 0 && report.totals.localRevenueVND < report.totals.revenueVND)
        #expect(report.fairs.contains { $0.startsOn <= today && $0.endsOn >= today }, "one fair runs today")
        #expect(!report.topProducts.isEmpty)
        try database.read { db in
            // Takings only on a fair's days, never after today; one fair is planned and has none.
            #expect(try db.scalarInt("""
                SELECT count(*) FROM fair_sales s JOIN fairs f ON f.id = s.fair_id
                WHERE s.day < f.starts_on OR s.day > f.ends_on OR s.day > ?
                """, [.text(today.description)]) == 0)
            #expect(try db.scalarInt("SELECT count(*) FROM fairs WHERE starts_on > ?", [.text(today.description)]) == 1)
            let outside = try db.scalarInt("SELECT count(*) FROM fair_booths WHERE is_local = 0") ?? 0
            #expect(outside > 0)
        }
    }

    @Test(arguments: DemoDataTests.days) func listingsCoverTheCertifiedProductsAsTheArticleSays(day: String) throws {
        let (database, today) = try loaded(day)
        let report = try database.read { db in try EcommerceReportStore.report(db, try EcommerceReportQuery(asOf: today)) }
        let share = Dictionary(uniqueKeysWithValues: report.platforms.map {
            ($0.code, Double($0.listedProducts) / Double(max($0.certifiedProducts, 1)))
        })
        #expect(report.certifiedProducts > 100)
        #expect((0.93...1.0).contains(share["province_ocop"] ?? 0), "\(share)")
        #expect((0.30...0.50).contains(share["voso"] ?? 0), "\(share)")
        #expect((0.15...0.40).contains(share["postmart"] ?? 0), "\(share)")
        #expect(report.unlisted.count > 0)
        try database.read { db in
            for status in ["paused", "removed"] {
                let count = try db.scalarInt("SELECT count(*) FROM listing_history WHERE status = ?", [.text(status)]) ?? 0
                #expect(count > 0, "\(status)")
            }
        }
    }
}
