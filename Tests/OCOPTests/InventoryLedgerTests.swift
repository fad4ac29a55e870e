import Foundation
@testable import OCOP
import SQLite
import Testing
import TestSupport

/// The ledger as 0013 stores it: rows in arrival order, the change id as 16 bytes under a
/// unique index, and a ledger recorded under 0008 carried over unchanged.
@Suite struct InventoryLedgerTests {
    typealias F = InventoryFixtures

    @Test func uuidBytesSortAsTheirText() throws {
        let fixed = try #require(ClientUUID("00ff10a9-0b1c-4d2e-8f3a-fedcba987654"))
        #expect(fixed.bytes == [0x00, 0xFF, 0x10, 0xA9, 0x0B, 0x1C, 0x4D, 0x2E, 0x8F, 0x3A, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54])
        #expect(ClientUUID(stored: fixed.bytes) == fixed)
        #expect(ClientUUID(stored: Array(fixed.bytes.prefix(15))) == nil)
        // The ledger breaks same-instant ties by id text; the index compares bytes: they must agree.
        let ids = (0..<200).map { _ in ClientUUID.random() } + [F.id(9), F.id(10), fixed]
        for (a, b) in zip(ids, ids.dropFirst()) {
            #expect((a < b) == a.bytes.lexicographicallyPrecedes(b.bytes), "\(a) \(b)")
            #expect(ClientUUID(stored: a.bytes) == a)
        }
    }

    @Test func theLedgerReadsBackAsTextAndItsSumUsesTheIndex() throws {
        let (database, point, products) = try F.setUp()
        _ = try F.apply(database, point, [F.count(1, products[0], 5, at: 0), F.adjust(2, products[0], 2, .received, at: 1)])
        let rows = try database.read { db in
            try db.all("SELECT id, change_id, typeof(change_uuid), length(change_uuid) FROM inventory_changes ORDER BY id") {
                "\($0.int64(0)) \($0.string(1)) \($0.string(2)) \($0.int64(3))"
            }
        }
        // Rowids in arrival order; the generated column gives back the id the device sent.
        #expect(rows == ["1 \(F.id(1).text) blob 16", "2 \(F.id(2).text) blob 16"])
        let plan = try database.read { db in
            try db.all("EXPLAIN QUERY PLAN " + InventoryStore.sumAfter, [1, 2, 3, .blob(F.id(1).bytes)]) { $0.string(3) }
        }
        // Later milliseconds from the index alone; the count's millisecond probes the same index.
        #expect(plan.contains { $0.contains("COVERING INDEX inventory_changes_by_time (point_of_sale_id=? AND occurred_at_ms>?)") },
                "\(plan)")
        #expect(plan.contains { $0.contains("INDEX inventory_changes_by_time (point_of_sale_id=? AND occurred_at_ms=? AND product_id=? AND kind=?)") },
                "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN inventory_changes") }, "\(plan)")
    }

    /// A count arriving late, in the same millisecond as adjustments already in the ledger:
    /// only the adjustments whose id sorts after the count's are added (the table-read half
    /// of `sumAfter`), and those of later milliseconds (the index-only half).
    @Test func aLateCountSumsOnlyTheAdjustmentsAfterIt() throws {
        let (database, point, products) = try F.setUp()
        let p = products[0]
        let history = [F.adjust(1, p, 2, .received, at: 3), F.adjust(5, p, 7, .received, at: 3),
                       F.adjust(6, p, -1, .sold, at: 4), F.adjust(2, p, 100, .received, at: 2)]
        _ = try F.apply(database, point, history)
        #expect(try F.level(database, point, p) == 108)
        let late = F.count(3, p, 10, at: 3)
        let result = try F.apply(database, point, [late])
        // 10, then id 5 at the same minute (+7) and minute 4 (−1); id 1 and minute 2 are history.
        #expect(result.levels.first?.level == 16)
        #expect(InventoryLevelRule.state(of: history + [late]).level == 16)
        #expect(try database.read { try InventoryStore.verifyLevels($0) }.isEmpty)
    }

    @Test func aLedgerRecordedUnder0008IsCarriedOver() throws {
        let path = Scratch.path("ocop-unit") + "/ocop.sqlite"
        let database = try Database(path: path)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        var shipped = Migrator()
        shipped.register("0001_core", Schema.createCore)
        shipped.register("0002_producers", Schema.createProducers)
        shipped.register("0003_products", Schema.createProducts)
        shipped.register("0006_quality_extra", Schema.createQualityExtra)
        shipped.register("0004_products_extra", Schema.addProductSearchPrefixes)
        shipped.register("0008_points_of_sale", Schema.createPointsOfSale)
        shipped.register("0009_trade_promotion", Schema.createTradePromotion)
        shipped.register("0010_stock_thresholds", Schema.createStockThresholds)
        shipped.register("0011_trade_promotion_reports", Schema.reshapeTradePromotionForReports)
        shipped.register("0012_cheaper_writes", Schema.cheaperWrites)
        // The fixtures below write through today's stores, whose inserts read 0014's table;
        // 0014 touches nothing this test carries over, so applying it early changes nothing.
        shipped.register("0014_ids_never_reused", Schema.retireDeletedIDs)
        // And the queue's column 0020 added, which today's producer inserts fill.
        shipped.register("0020_search_queue_new_rows", Schema.markNewRowsInSearchQueue)
        try database.migrate(shipped)
        let (point, products) = try database.write { db in (try F.pointOfSale(db), try F.products(db, 2)) }
        // Rows as 0008's store wrote them: the id as text, out of id order; levels to match.
        let old = [F.count(7, products[0], 10, at: 0), F.adjust(3, products[0], -4, .sold, at: 5),
                   F.adjust(9, products[1], 6, .received, at: 2)]
        try database.write { db in
            for (i, change) in old.enumerated() {
                let (kind, quantity, reason): (String, Int64, SQLiteValue) = switch change.movement {
                case .count(let n): ("count", n, .null)
                case .adjust(let d, let why): ("adjust", d, .text(why.rawValue))
                }
                try db.run("""
                    INSERT INTO inventory_changes (change_id, point_of_sale_id, product_id, occurred_at, occurred_at_ms, kind,
                                                   quantity, reason, sale_id, recorded_at, token_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)
                    """, [.text(change.changeID.text), .integer(point), .integer(change.productID),
                          .text(change.occurredAt.description), .integer(change.occurredAt.millisecondsSinceEpoch),
                          .text(kind), .integer(quantity), reason, .text("2025-03-08T13:00:0\(i)Z")])
            }
            for (product, level, anchor) in [(products[0], 6, Optional(old[0])), (products[1], 6, nil)] {
                try db.run("""
                    INSERT INTO inventory_levels (point_of_sale_id, product_id, level, last_count_at_ms, last_count_change_id,
                                                  created_at, updated_at, version)
                    VALUES (?, ?, ?, ?, ?, '2025-03-08T13:00:00Z', '2025-03-08T13:00:00Z', 1)
                    """, [.integer(point), .integer(product), .integer(Int64(level)),
                          SQLiteValue(anchor?.occurredAt.millisecondsSinceEpoch), SQLiteValue(anchor?.changeID.text)])
            }
        }

        try database.migrate(Schema.migrator)
        let ids = try database.read { try $0.all("SELECT change_id FROM inventory_changes ORDER BY id") { $0.string(0) } }
        #expect(ids == old.map(\.changeID.text))   // recorded_at order, ids unchanged
        #expect(try database.read { try InventoryStore.verifyLevels($0) }.isEmpty)
        // Exactly-once still holds across the migration: same content is a duplicate, and so is
        // other content, reported apart.
        let again = try F.apply(database, point, old)
        #expect(again.outcomes == [.duplicate, .duplicate, .duplicate])
        #expect(try F.apply(database, point, [F.adjust(3, products[0], -5, .sold, at: 5)]).outcomes == [.duplicateWithOtherContent])
        // And the carried-over adjustments count towards a later recount.
        let recount = try F.apply(database, point, [F.count(1, products[0], 20, at: 4)])
        #expect(recount.levels.first?.level == 16)
        #expect(try F.rows(database, "inventory_changes") == 4)
        #expect(try database.read { try InventoryStore.verifyLevels($0) }.isEmpty)
    }
}
