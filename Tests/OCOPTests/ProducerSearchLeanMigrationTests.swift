import Foundation
@testable import OCOP
import SQLite
import Testing

/// Migration 0026 indexes the producers' search text again without positions or lengths: every
/// search finds what it found before, and changes after it are indexed and unindexed as before.
@Suite struct ProducerSearchLeanMigrationTests {
    @Test func searchesFindTheSameProducersAfter() throws {
        let database = try MigrationFixture.database(through: "0025_checks_spelled_out", before: "0026_producer_search_lean")
        defer { database.close() }
        let names = ["Hợp tác xã Trà hoa vàng Ba Chẽ", "HTX Miến dong Bình Liêu", "Cơ sở Nước mắm Cái Rồng", "Vân Đồn Seafood",
                     "Hộ kinh doanh Đặng Thị Hà", "Công ty Chè Đường Hoa", "Hợp tác xã Ba Kích Ba Chẽ"]
        let ids = try database.write { db in
            try names.map { try ProducerStore.create(db, ProducerFields(name: $0, kind: .cooperative, district: "Vân Đồn"),
                                                     actor: .system, now: testNow).id }
        }
        // One changed and one removed before the migration, so the old index held a deletion.
        try database.write { db in
            _ = try ProducerStore.replace(db, id: ids[3], with: ProducerFields(name: "Vân Đồn Hải sản", kind: .enterprise),
                                          ifVersion: nil, actor: .system, now: testNow)
            try ProducerStore.delete(db, id: ids[5], ifVersion: nil, actor: .system, now: testNow)
        }
        let searches = ["ba che", "hop", "van don", "đồn", "hai san", "seafood", "chè", "ha", "x", "binh lieu mien", "ca"]
        let before = try searches.map { try Self.found(database, $0) }
        #expect(before.contains { !$0.isEmpty })

        try database.migrate(Schema.migrator)

        let sql = try database.read { try $0.first("SELECT sql FROM sqlite_schema WHERE name = 'producers_search'") { $0.string(0) } }
        #expect(sql?.contains("detail = none") == true)
        #expect(try searches.map { try Self.found(database, $0) } == before)
        try database.write { db in
            try db.run("INSERT INTO producers_search (producers_search) VALUES ('integrity-check')")
            // Changes after the migration are found, and what they replaced is not.
            _ = try ProducerStore.replace(db, id: ids[0], with: ProducerFields(name: "Hợp tác xã Sá sùng Quan Lạn", kind: .cooperative),
                                          ifVersion: nil, actor: .system, now: testNow)
            try ProducerStore.delete(db, id: ids[1], ifVersion: nil, actor: .system, now: testNow)
        }
        #expect(try Self.found(database, "sa sung") == [ids[0]])
        #expect(try Self.found(database, "tra hoa") == [])
        #expect(try Self.found(database, "mien dong") == [])
        #expect(try Self.found(database, "ba che") == [ids[6]])
    }

    /// The ids a text search finds, in id order.
    private static func found(_ database: Database, _ text: String) throws -> [Int64] {
        var query = ProducerQuery()
        query.text = text
        query.limit = PageSize(100)!
        return try ProducerStore.list(database, query).items.map(\.id)
    }
}
