import Foundation
@testable import OCOP
import SQLite
import Testing
import TestSupport

/// Migration 0006 indexes areas and facilities that were written before it existed.
@Suite struct RawMaterialAreaMigrationTests {
    @Test func searchIndexIsBackfilledForEarlierRows() throws {
        let path = Scratch.path("ocop-unit") + "/ocop.sqlite"
        let database = try Database(path: path)
        var before = Migrator()
        before.register("0001_core", Schema.createCore)
        before.register("0002_producers", Schema.createProducers)
        before.register("0003_products", Schema.createProducts)
        try database.migrate(before)
        try database.write { db in
            try db.run("""
                INSERT INTO raw_material_areas (code, name, kind, area_m2, commune, district, market, created_at, updated_at)
                VALUES ('VN-QN-01', 'Vùng quế hữu cơ', 'forest', 3290000, 'Đồn Đạc', 'Ba Chẽ', 'export', ?, ?)
                """, [.text(testNow.description), .text(testNow.description)])
            try db.run("""
                INSERT INTO packing_facilities (code, name, address, market, created_at, updated_at)
                VALUES ('PK-01', 'Xưởng đóng gói Đầm Hà', 'Thôn Tân Bình', 'domestic', ?, ?)
                """, [.text(testNow.description), .text(testNow.description)])
        }
        try database.migrate(Schema.migrator)
        var areas = RawMaterialAreaQuery()
        areas.text = "que huu co DON DAC"
        #expect(try database.read { try RawMaterialAreaStore.list($0, areas) }.items.map(\.fields.code) == ["VN-QN-01"])
        var facilities = PackingFacilityQuery()
        facilities.text = "dam ha tan binh"
        #expect(try database.read { try PackingFacilityStore.list($0, facilities) }.items.map(\.fields.code) == ["PK-01"])
        #expect(try database.read { try Migrator.appliedMigrations($0) }.contains("0006_quality_extra"))   // not .last: later migrations append
    }
}
