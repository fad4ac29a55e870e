import Foundation
import JSON
@testable import OCOP
import SQLite
import Testing
import TestSupport

/// The cheap write path (`0003_cheaper_writes`): search text indexed in bulk through a
/// queue (before a text search, and periodically), the covering name index, the rowid
/// idempotency table.
@Suite struct ProducerWritePathTests {
    let database: Database
    init() throws { database = try makeDatabase() }

    private func search(_ text: String) throws -> [String] {
        var query = ProducerQuery()
        query.text = text
        return try ProducerStore.list(database, query).items.map(\.fields.name)
    }

    /// What the search index alone finds, without indexing the queue first.
    private func indexedOnly(_ text: String) throws -> [String] {
        var query = ProducerQuery()
        query.text = text
        return try database.read { try ProducerStore.list($0, query) }.items.map(\.fields.name)
    }

    private func queued() throws -> Int64? {
        try database.read { try $0.scalarInt("SELECT count(*) FROM producers_search_queue") }
    }

    @Test func searchFollowsCreateReplaceAndDeleteInOneTransaction() throws {
        let kept = try database.write { db -> Producer in
            let kept = try ProducerStore.create(db, makeFields("Trà Đầm Hà"), actor: .system, now: testNow)
            let gone = try ProducerStore.create(db, makeFields("Mực Cô Tô"), actor: .system, now: testNow)
            var renamed = kept.fields
            renamed.name = "Trà hoa vàng Ba Chẽ"
            _ = try ProducerStore.replace(db, id: kept.id, with: renamed, ifVersion: nil, actor: .system, now: testNow)
            try ProducerStore.delete(db, id: gone.id, ifVersion: nil, actor: .system, now: testNow)
            return kept
        }
        #expect(try search("hoa vang") == ["Trà hoa vàng Ba Chẽ"])
        #expect(try search("dam ha").isEmpty)   // the old name left the index with the rename
        #expect(try search("co to").isEmpty)
        #expect(try queued() == 0)
        // A rename in a later transaction replaces the committed entry.
        var fields = kept.fields
        fields.name = "Miến dong Bình Liêu"
        _ = try database.write { try ProducerStore.replace($0, id: kept.id, with: fields, ifVersion: nil, actor: .system, now: testNow) }
        #expect(try search("hoa vang").isEmpty)
        #expect(try search("mien dong") == ["Miến dong Bình Liêu"])
    }

    /// Commits only queue their search text; a search indexes the whole queue first, in one
    /// write, whatever number of commits filled it.
    @Test func searchIndexesWhatManyCommitsQueued() throws {
        let made = try (0..<30).map { i in
            try database.write { try ProducerStore.create($0, makeFields("Hợp tác xã chè \(i)"), actor: .system, now: testNow) }
        }
        #expect(try queued() == 30)
        #expect(try indexedOnly("hop tac").isEmpty)
        let commitsBefore = database.stats.commits
        #expect(try search("hop tac xa che").count == 30)
        #expect(database.stats.commits == commitsBefore + 1)
        #expect(try queued() == 0)
        // Nothing waits: a search writes nothing.
        #expect(try search("che 7") == ["Hợp tác xã chè 7"])
        #expect(database.stats.commits == commitsBefore + 1)
        // Changes across commits before the next flush: the last one wins, the index keeps no
        // older text, and a producer created and deleted in between never enters it.
        var renamed = made[3].fields
        renamed.name = "Miến dong Bình Liêu"
        _ = try database.write { try ProducerStore.replace($0, id: made[3].id, with: renamed, ifVersion: nil, actor: .system, now: testNow) }
        renamed.name = "Miến dong Ba Chẽ"
        _ = try database.write { try ProducerStore.replace($0, id: made[3].id, with: renamed, ifVersion: nil, actor: .system, now: testNow) }
        let brief = try database.write { try ProducerStore.create($0, makeFields("Nấm Tiên Yên"), actor: .system, now: testNow) }
        try database.write { try ProducerStore.delete($0, id: brief.id, ifVersion: nil, actor: .system, now: testNow) }
        try database.write { try ProducerStore.delete($0, id: made[4].id, ifVersion: nil, actor: .system, now: testNow) }
        // Before the flush the index still holds the old text (and finds the renamed row by it).
        #expect(try indexedOnly("che 3") == ["Miến dong Ba Chẽ"])
        #expect(try search("mien dong") == ["Miến dong Ba Chẽ"])
        #expect(try search("che 3").isEmpty)
        #expect(try search("che 4").isEmpty)
        #expect(try search("nam tien yen").isEmpty)
        #expect(try search("hop tac xa che").count == 28)
        #expect(try queued() == 0)
    }

    /// What the server runs periodically leaves the index complete, and a search after it
    /// needs no write.
    @Test func indexingPendingSearchEmptiesTheQueue() throws {
        _ = try database.write { try ProducerStore.create($0, makeFields("Mực một nắng Cô Tô"), actor: .system, now: testNow) }
        try ProducerStore.indexPendingSearch(database)
        #expect(try queued() == 0)
        #expect(try indexedOnly("muc mot nang") == ["Mực một nắng Cô Tô"])
        let commits = database.stats.commits
        try ProducerStore.indexPendingSearch(database)
        #expect(database.stats.commits == commits)
    }

    /// A full disk refuses the indexing write a search begins with; the search is a read and
    /// answers from the index as it is (it was a 507 "nothing was written"), and once there is
    /// room the next one indexes the queue and finds what waited.
    @Test func aSearchOnAFullDiskAnswersFromTheIndex() throws {
        _ = try database.write { try ProducerStore.create($0, makeFields("Chè Tân Dân"), actor: .system, now: testNow) }
        try ProducerStore.indexPendingSearch(database)
        // Many rows queued: indexing them needs pages a full file cannot add.
        for i in 0..<200 {
            _ = try database.write { try ProducerStore.create($0, makeFields("Hợp tác xã miến \(i)"), actor: .system, now: testNow) }
        }
        try database.exclusive { db in
            let pages = try db.scalarInt("PRAGMA page_count") ?? 0
            try db.execute("PRAGMA max_page_count = \(pages)")
        }
        #expect(throws: SQLiteError.self) { try ProducerStore.indexPendingSearch(database) }
        #expect(try search("che tan dan") == ["Chè Tân Dân"])
        #expect(try search("mien").isEmpty)
        try database.exclusive { try $0.execute("PRAGMA max_page_count = 1000000") }
        #expect(try search("mien 7").contains("Hợp tác xã miến 7"))
    }

    /// Another process holding the database's write lock (an administrator's `sqlite3` in a
    /// transaction) makes the indexing write wait and give up: the search still answers, from the index.
    @Test func aSearchWhileAnotherProcessHoldsTheLockAnswersFromTheIndex() throws {
        let path = Scratch.path("ocop-unit") + "/ocop.sqlite"
        var configuration = DatabaseConfiguration()
        configuration.busyTimeoutMs = 50
        let database = try Database(path: path, configuration: configuration)
        defer { database.close() }
        try database.migrate(Schema.migrator)
        _ = try database.write { try ProducerStore.create($0, makeFields("Chè Tân Dân"), actor: .system, now: testNow) }
        try ProducerStore.indexPendingSearch(database)
        _ = try database.write { try ProducerStore.create($0, makeFields("Miến dong Bình Liêu"), actor: .system, now: testNow) }
        let other = try Connection(path: path)
        try other.run("BEGIN IMMEDIATE")
        #expect(throws: SQLiteError.self) { try ProducerStore.indexPendingSearch(database) }
        var query = ProducerQuery()
        query.text = "che tan dan"
        #expect(try ProducerStore.list(database, query).items.map(\.fields.name) == ["Chè Tân Dân"])
        query.text = "mien dong"
        #expect(try ProducerStore.list(database, query).items.isEmpty)   // not indexed yet
        try other.run("ROLLBACK")
        #expect(try ProducerStore.list(database, query).items.map(\.fields.name) == ["Miến dong Bình Liêu"])
    }

    @Test func aRolledBackCreateLeavesNoSearchEntry() throws {
        struct Undo: Error {}
        #expect(throws: Undo.self) {
            try database.write { db in
                _ = try ProducerStore.create(db, makeFields("Nước mắm Cái Rồng"), actor: .system, now: testNow)
                throw Undo()
            }
        }
        _ = try database.write { try ProducerStore.create($0, makeFields("Chả mực Hạ Long"), actor: .system, now: testNow) }
        #expect(try search("cai rong").isEmpty)
        #expect(try search("cha muc") == ["Chả mực Hạ Long"])
        #expect(try queued() == 0)
    }

    @Test func concurrentCreatesAreAllSearchable() throws {
        let threads = 40
        let group = DispatchGroup()
        for i in 0..<threads {
            group.enter()
            Thread {
                _ = try? database.write { try ProducerStore.create($0, makeFields("Sản phẩm số \(i)x"), actor: .system, now: testNow) }
                group.leave()
            }.start()
        }
        group.wait()
        for i in 0..<threads { #expect(try search("so \(i)x") == ["Sản phẩm số \(i)x"]) }
    }

    @Test func aKindFilterSortedByNameWalksTheNameIndex() throws {
        let plan = try database.read { db in
            try db.all("EXPLAIN QUERY PLAN SELECT id FROM producers INDEXED BY producers_by_name WHERE kind = ? ORDER BY name_key, id LIMIT 5",
                       [.text("household")]) { $0.string(3) }
        }
        #expect(plan.contains { $0.contains("producers_by_name") })
        #expect(!plan.contains { $0.contains("TEMP B-TREE") })
        try database.write { db in
            for (name, kind) in [("Ơ", ProducerKind.household), ("A", .enterprise), ("Ă", .household), ("B", .household)] {
                _ = try ProducerStore.create(db, makeFields(name, kind: kind), actor: .system, now: testNow)
            }
        }
        var query = ProducerQuery()
        query.kind = .household
        query.sort = .name
        query.limit = PageSize(2)!
        let first = try ProducerStore.list(database, query)
        #expect(first.items.map(\.fields.name) == ["Ă", "B"])
        query.cursor = first.nextCursor.flatMap { Cursor(encoded: $0) }
        #expect(try ProducerStore.list(database, query).items.map(\.fields.name) == ["Ơ"])
    }

    /// A database made before 0003 keeps its stored idempotent responses through the table rebuild.
    @Test func migrationKeepsStoredResponses() throws {
        let path = Scratch.path("ocop-migrate") + "/ocop.sqlite"
        let old = try Database(path: path)
        var before = Migrator()
        before.register("0001_core", Schema.createCore)
        before.register("0002_producers", Schema.createProducers)
        try old.migrate(before)
        let response = StoredResponse(status: 201, headers: [.init(name: "Location", value: "/x/1")], body: Array("{}".utf8))
        try old.write { db in   // as the code of 0001 stored it
            try db.run("""
                INSERT INTO idempotency_keys (scope, key, request_hash, status, headers, body, created_at_ms)
                VALUES ('token:1', 'k1', x'010203', 201, '[["Location","/x/1"]]', CAST('{}' AS BLOB), ?)
                """, [.integer(testNow.millisecondsSinceEpoch)])
        }
        try old.write { db in   // as the code before 0003 wrote it: straight into FTS5
            try db.run("""
                INSERT INTO producers (id, name, name_key, kind, created_at, updated_at)
                VALUES (7, 'Trà', x'01', 'household', '2024-12-12T08:00:00Z', '2024-12-12T08:00:00Z')
                """)
            try db.run("INSERT INTO producers_search (rowid, folded) VALUES (7, 'tra')")
        }
        old.close()

        let migrated = try Database(path: path)
        defer { migrated.close() }
        try migrated.migrate(Schema.migrator)
        let entry = try migrated.read { try IdempotencyStore.lookup($0, IdempotencyKey(scope: "token:1", key: "k1")) }
        #expect(entry?.requestHash == [1, 2, 3])
        #expect(entry?.response == response)
        #expect(throws: IdempotencyStore.KeyTaken.self) {
            try migrated.write {
                try IdempotencyStore.save($0, tail: IdempotencyTail(), key: IdempotencyKey(scope: "token:1", key: "k1"), requestHash: [],
                                          response: response, now: testNow)
            }
        }
        // Rows indexed before the migration stay searchable.
        var query = ProducerQuery()
        query.text = "tra"
        #expect(try ProducerStore.list(migrated, query).items.count == 1)
    }
}
