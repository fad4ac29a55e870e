import Foundation
@testable import OCOP
import SQLite
import Testing
import TestSupport

/// Ids are never given twice, even to a row created right after the newest one was deleted.
@Suite struct RetiredIDsTests {
    let database: Database
    init() throws { database = try makeDatabase() }

    func producer(_ name: String) throws -> Int64 {
        try database.write { try ProducerStore.create($0, makeFields(name), actor: .system, now: testNow).id }
    }

    func delete(_ id: Int64) throws {
        try database.write { try ProducerStore.delete($0, id: id, ifVersion: nil, actor: .system, now: testNow) }
    }

    @Test func theNewestIdDeletedIsNotGivenAgain() throws {
        let first = try producer("HTX Một")
        let second = try producer("HTX Hai")
        try delete(second)
        let third = try producer("HTX Ba")
        #expect(third == second + 1)
        // Deleting everything does not start the count again either.
        try delete(third)
        try delete(first)
        #expect(try producer("HTX Bốn") == third + 1)
    }

    @Test func anOlderDeletionLeavesSQLitesChoiceAlone() throws {
        let first = try producer("HTX Một")
        let second = try producer("HTX Hai")
        try delete(first)
        #expect(try producer("HTX Ba") == second + 1)
    }

    @Test func everyTableTheAPIDeletesFromRetiresItsIds() throws {
        let triggers = try database.read { db in
            try db.all("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_retire_id'") { $0.string(0) }
        }
        #expect(Set(triggers) == [
            "producers_retire_id", "products_retire_id", "points_of_sale_retire_id", "packing_facilities_retire_id",
            "platforms_retire_id", "fairs_retire_id", "fair_booths_retire_id", "fair_sales_retire_id",
            "raw_material_areas_retire_id", "inspections_retire_id", "evaluation_results_retire_id",
        ])
    }

    /// Ids deleted before 0014 are known from the audit log, which records every delete.
    @Test func aDatabaseFrom0013LearnsItsDeletedIdsFromTheAuditLog() throws {
        let path = Scratch.path("ocop-unit") + "/ocop.sqlite"
        let old = try Database(path: path)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        var shipped = Migrator()
        for name in Schema.migrator.names.prefix(while: { $0 != "0014_ids_never_reused" }) {
            shipped.register(name, Self.shippedMigration(name))
        }
        try old.migrate(shipped)
        // What the 0013 build did for two creates and a delete: rows, and the audit entries.
        let (first, second): (Int64, Int64) = (1, 2)
        try old.write { db in
            for id in [first, second] {
                try db.run("""
                    INSERT INTO producers (id, name, name_key, kind, created_at, updated_at)
                    VALUES (?, 'HTX', x'00', 'household', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                    """, [.integer(id)])
                try AuditLog.record(db, actor: .system, entity: .producer, entityID: id, action: "create",
                                    serializedChanges: "{}", at: "2026-01-01T00:00:00Z")
            }
            try db.run("DELETE FROM producers WHERE id = ?", [.integer(second)])
            try AuditLog.record(db, actor: .system, entity: .producer, entityID: second, action: "delete",
                                serializedChanges: "{}", at: "2026-01-01T00:00:00Z")
        }

        try old.migrate(Schema.migrator)
        let next = try old.write { try ProducerStore.create($0, makeFields("HTX Ba"), actor: .system, now: testNow).id }
        #expect(next == second + 1)
        #expect(try old.read { try $0.scalarInt("SELECT count(*) FROM producers WHERE id = ?", [.integer(first)]) } == 1)
        old.close()
    }

    /// The migrations as shipped, by name (the whole list's own functions).
    static func shippedMigration(_ name: String) -> @Sendable (Connection) throws -> Void {
        switch name {
        case "0001_core": Schema.createCore
        case "0002_producers": Schema.createProducers
        case "0003_products": Schema.createProducts
        case "0006_quality_extra": Schema.createQualityExtra
        case "0004_products_extra": Schema.addProductSearchPrefixes
        case "0008_points_of_sale": Schema.createPointsOfSale
        case "0009_trade_promotion": Schema.createTradePromotion
        case "0010_stock_thresholds": Schema.createStockThresholds
        case "0011_trade_promotion_reports": Schema.reshapeTradePromotionForReports
        case "0012_cheaper_writes": Schema.cheaperWrites
        default: Schema.ledgerInArrivalOrder
        }
    }
}
