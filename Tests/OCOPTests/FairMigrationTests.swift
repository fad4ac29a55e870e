import Foundation
@testable import OCOP
import SQLite
import Testing
import TestSupport

/// Migration 0011 reshapes the trade-promotion tables 0009 shipped, keeping what was recorded:
/// entries learn their booth's locality and producer, lines their entry's day, listing history
/// rows their end day, product and platform.
@Suite struct FairMigrationTests {
    typealias F = FairFixtures

    @Test func dataRecordedBeforeReadsTheSameAfter() throws {
        let path = Scratch.path("ocop-unit") + "/ocop.sqlite"
        let database = try Database(path: path)
        var shipped = Migrator()
        shipped.register("0001_core", Schema.createCore)
        shipped.register("0002_producers", Schema.createProducers)
        shipped.register("0003_products", Schema.createProducts)
        shipped.register("0006_quality_extra", Schema.createQualityExtra)
        shipped.register("0004_products_extra", Schema.addProductSearchPrefixes)
        shipped.register("0008_points_of_sale", Schema.createPointsOfSale)
        shipped.register("0009_trade_promotion", Schema.createTradePromotion)
        shipped.register("0010_stock_thresholds", Schema.createStockThresholds)
        // Today's stores write producers through 0012's search queue, so it is applied here too;
        // 0012 touches neither fairs nor listings.
        shipped.register("0012_cheaper_writes", Schema.cheaperWrites)
        // The fixtures below write through today's stores, whose inserts read 0014's table;
        // 0014 touches nothing this test carries over, so applying it early changes nothing.
        shipped.register("0014_ids_never_reused", Schema.retireDeletedIDs)
        // And the queue's column 0020 added, which today's producer inserts fill.
        shipped.register("0020_search_queue_new_rows", Schema.markNewRowsInSearchQueue)
        try database.migrate(shipped)
        // Rows as 0009's stores wrote them.
        let (fair, ours, outside, product) = try database.write { db in
            let producer = try F.producer(db)
            let product = try F.product(db, "QN-1", producer: producer)
            let fair = try F.fair(db)
            let now = Value.text(testNow.description)
            try db.run("INSERT INTO fair_booths (fair_id, producer_id, is_local, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
                       [.integer(fair.id), .integer(producer), now, now])
            let ours = db.lastInsertRowID
            try db.run("INSERT INTO fair_booth_products (booth_id, product_id, position) VALUES (?, ?, 1)", [.integer(ours), .integer(product)])
            try db.run("""
                INSERT INTO fair_booths (fair_id, exhibitor_name, province, is_local, created_at, updated_at)
                VALUES (?, 'HTX Chè Tân Cương', 'Thái Nguyên', 0, ?, ?)
                """, [.integer(fair.id), now, now])
            let outside = db.lastInsertRowID
            for (booth, day, revenue) in [(ours, "2024-04-26", 5_000_000), (ours, "2024-04-27", 2_000_000), (outside, "2024-04-26", 6_000_000)] {
                try db.run("INSERT INTO fair_sales (fair_id, booth_id, day, revenue_vnd, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                           [.integer(fair.id), .integer(booth), .text(day), .integer(Int64(revenue)), now, now])
            }
            try db.run("""
                INSERT INTO fair_sale_units (sale_id, booth_id, product_id, position, units, revenue_vnd)
                SELECT id, booth_id, ?, 1, 40, 3000000 FROM fair_sales WHERE booth_id = ? AND day = '2024-04-26'
                """, [.integer(product), .integer(ours)])
            try db.run("""
                INSERT INTO listings (product_id, platform_id, status, accepts_non_cash, listed_on, created_at, updated_at)
                VALUES (?, 2, 'active', 1, '2024-01-05', ?, ?)
                """, [.integer(product), now, now])
            let listing = db.lastInsertRowID
            for (from, status) in [("2024-01-05", "paused"), ("2024-03-01", "active")] {
                try db.run("INSERT INTO listing_history (listing_id, valid_from, status, accepts_non_cash) VALUES (?, ?, ?, 1)",
                           [.integer(listing), .text(from), .text(status)])
            }
            return (fair, ours, outside, product)
        }
        try database.migrate(Schema.migrator)
        #expect(try database.read { try Migrator.appliedMigrations($0) }.contains("0011_trade_promotion_reports"))

        let totals = try database.read { try FairReportStore.totals($0, from: F.day("2024-01-01"), to: F.day("2024-06-30")) }
        #expect(totals == FairTotals(fairs: 1, inProvince: 1, visitors: 0, revenueVND: 13_000_000, localRevenueVND: 7_000_000))
        let producers = try database.read { try FairReportStore.topProducers($0, from: F.day("2024-01-01"), to: F.day("2024-06-30"), limit: 5) }
        #expect(producers.map(\.revenueVND) == [7_000_000])
        let products = try database.read { try FairReportStore.topProducts($0, from: F.day("2024-04-26"), to: F.day("2024-04-26"), limit: 5) }
        #expect(products.map(\.productID) == [product] && products.map(\.units) == [40])
        let sales = try database.read { try FairSaleStore.list($0, FairSaleQuery(fairID: fair.id, boothID: ours)) }
        #expect(sales.items.map(\.fields.lines.count) == [1, 0])
        #expect(outside != ours)

        let listing = try #require(try database.read { try ListingStore.list($0, ListingQuery()) }.items.first)
        #expect(listing.history.entries.map(\.validFrom.description) == ["2024-01-05", "2024-03-01"])
        func voso(_ day: String) throws -> Int {
            try database.read { try EcommerceReportStore.coverage($0, asOf: F.day(day)) }.platforms.first { $0.code == "voso" }?.activeListings ?? -1
        }
        #expect(try voso("2024-02-29") == 0)   // paused then
        #expect(try voso("2024-03-01") == 1)
        #expect(try voso("2030-01-01") == 1)
        #expect(try database.read { try $0.scalarInt("PRAGMA foreign_key_check") } == nil)
    }
}

private typealias Value = SQLiteValue
