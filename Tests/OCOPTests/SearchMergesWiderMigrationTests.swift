@testable import OCOP
import SQLite
import Testing

/// Migration 0027 sets every search index to merge eight segments at a time; searches keep
/// finding what they found, and the index stays sound through later changes.
@Suite struct SearchMergesWiderMigrationTests {
    @Test func everySearchIndexMergesEightAtATime() throws {
        let database = try MigrationFixture.database(through: "0026_producer_search_lean", before: "0027_search_merges_wider")
        defer { database.close() }
        let ids = try database.write { db in
            try ["Hợp tác xã Trà hoa vàng Ba Chẽ", "HTX Miến dong Bình Liêu", "Cơ sở Nước mắm Cái Rồng"].map {
                try ProducerStore.create(db, ProducerFields(name: $0, kind: .cooperative), actor: .system, now: testNow).id
            }
        }
        try ProducerStore.indexPendingSearch(database)
        #expect(try Self.automerge(database, "producers_search") == nil)  // FTS5's default, 4

        try database.migrate(Schema.migrator)

        // Every FTS5 table of the schema is listed, so one added later without the setting fails here.
        let indexes = try database.read { db in
            var names: [String] = []
            try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%' ORDER BY name") {
                names.append($0.string(0))
            }
            return names
        }
        #expect(indexes == Schema.searchIndexes.sorted())
        for index in indexes {
            // 0028 then hands the producers' merging to the server's own steps.
            #expect(try Self.automerge(database, index) == (index == "producers_search" ? 0 : 8), "\(index)")
        }
        try database.write { db in
            _ = try ProducerStore.create(db, ProducerFields(name: "Hợp tác xã Sá sùng Quan Lạn", kind: .cooperative),
                                         actor: .system, now: testNow)
            try ProducerStore.delete(db, id: ids[1], ifVersion: nil, actor: .system, now: testNow)
        }
        var query = ProducerQuery()
        query.text = "hop tac"
        #expect(try ProducerStore.list(database, query).items.map(\.fields.name) == ["Hợp tác xã Trà hoa vàng Ba Chẽ", "Hợp tác xã Sá sùng Quan Lạn"])
        query.text = "mien dong"
        #expect(try ProducerStore.list(database, query).items.isEmpty)
        try database.write { db in
            for index in indexes { try db.run("INSERT INTO \(index) (\(index)) VALUES ('integrity-check')") }
        }
    }

    /// The `automerge` an index stores, or nil when it keeps FTS5's default.
    static func automerge(_ database: Database, _ index: String) throws -> Int64? {
        try database.read { try $0.scalarInt("SELECT v FROM \(index)_config WHERE k = 'automerge'") }
    }
}
