import Foundation
@testable import OCOP
import SQLite
import Testing
import TestSupport

/// Stored responses found through the tail (not merged yet) and through the merged index,
/// on a real database file.
@Suite struct IdempotencyStoreTests {
    /// Just past retention at `testNow`.
    private static let expired = Timestamp(millisecondsSinceEpoch: testNow.millisecondsSinceEpoch - IdempotencyStore.retentionMilliseconds - 1)

    private func response(_ n: Int) -> StoredResponse {
        StoredResponse(status: 201, headers: [.init(name: "Location", value: "/x/\(n)")], body: Array("{\"n\":\(n)}".utf8))
    }

    private func save(_ database: Database, _ tail: IdempotencyTail, scope: String = "token:1", _ key: String,
                      _ n: Int, at now: Timestamp = testNow) throws {
        try database.write {
            try IdempotencyStore.save($0, tail: tail, key: IdempotencyKey(scope: scope, key: key), requestHash: [UInt8(n % 256)],
                                      response: response(n), now: now)
        }
    }

    private func lookup(_ database: Database, scope: String = "token:1", _ key: String) throws -> StoredResponse? {
        try database.read { try IdempotencyStore.lookup($0, IdempotencyKey(scope: scope, key: key)) }?.response
    }

    private func merge(_ database: Database, _ tail: IdempotencyTail) throws {
        tail.merged(through: try IdempotencyStore.merge(database))
    }

    private func count(_ database: Database, _ sql: String) throws -> Int64 {
        try database.read { try $0.scalarInt(sql) } ?? -1
    }

    @Test func aKeyIsTakenOncePerScopeBeforeAndAfterItsMerge() throws {
        let database = try makeDatabase()
        defer { database.close() }
        let tail = IdempotencyTail()
        try save(database, tail, "k1", 1)
        try save(database, tail, scope: "token:2", "k1", 2)
        #expect(try lookup(database, "k1") == response(1))
        #expect(try lookup(database, scope: "token:2", "k1") == response(2))
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, tail, "k1", 3) }
        #expect(tail.count == 2)

        try merge(database, tail)
        #expect(tail.count == 0)
        #expect(try count(database, "SELECT count(*) FROM idempotency_index") == 2)
        #expect(try count(database, "SELECT merged_through FROM idempotency_merge")
            == count(database, "SELECT max(id) FROM idempotency_keys"))
        #expect(try lookup(database, "k1") == response(1))
        #expect(try lookup(database, scope: "token:2", "k1") == response(2))
        // Now only the index knows them: the probe must find them.
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, tail, "k1", 4) }
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, tail, scope: "token:2", "k1", 4) }
        #expect(try lookup(database, "k9") == nil)

        // A merge with an empty tail changes nothing; later keys go to the tail again.
        try merge(database, tail)
        try save(database, tail, "k2", 5)
        #expect(tail.count == 1)
        #expect(try lookup(database, "k2") == response(5))
        #expect(try count(database, "SELECT count(*) FROM idempotency_index") == 2)
    }

    /// After a restart the tail in memory starts empty: the first save reads it from the table.
    @Test func aNewProcessKnowsTheTailItDidNotWrite() throws {
        let database = try makeDatabase()
        defer { database.close() }
        let first = IdempotencyTail()
        try save(database, first, "merged", 1)
        try merge(database, first)
        try save(database, first, "unmerged", 2)

        let restarted = IdempotencyTail()
        #expect(!restarted.isLoaded)
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, restarted, "unmerged", 3) }
        #expect(restarted.isLoaded && restarted.count == 1)
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, restarted, "merged", 3) }
        try save(database, restarted, "new", 4)
        #expect(restarted.count == 2)
    }

    /// A save whose transaction rolled back leaves its hash in memory; the same key must
    /// still be storable (the full lookup finds no row), and then taken.
    @Test func aRolledBackSaveLeavesTheKeyFree() throws {
        struct Undo: Error {}
        let database = try makeDatabase()
        defer { database.close() }
        let tail = IdempotencyTail()
        #expect(throws: Undo.self) {
            try database.write { db in
                try IdempotencyStore.save(db, tail: tail, key: IdempotencyKey(scope: "token:1", key: "k"), requestHash: [1],
                                          response: response(1), now: testNow)
                throw Undo()
            }
        }
        #expect(tail.count > 0)   // the false "maybe" (the body ran twice: alone after failing in its batch)
        #expect(try lookup(database, "k") == nil)
        try save(database, tail, "k", 2)
        #expect(try lookup(database, "k") == response(2))
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, tail, "k", 3) }
        try merge(database, tail)
        #expect(tail.count == 0)
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, tail, "k", 3) }
    }

    /// Keys sharing a hash (forced here: SHA-256 gives none to find) are told apart by scope and key.
    @Test func keysSharingAHashAreToldApart() throws {
        let database = try makeDatabase()
        defer { database.close() }
        let tail = IdempotencyTail()
        try save(database, tail, "seed", 0)   // loads the tail before the forged row goes in
        let hash = IdempotencyKey(scope: "token:1", key: "k").hash
        try database.write { db in
            try db.run("""
                INSERT INTO idempotency_keys (scope, key, key_hash, request_hash, status, headers, body, created_at_ms)
                VALUES ('token:1', 'other', ?, x'09', 200, '[]', x'', ?)
                """, [.integer(hash), .integer(testNow.millisecondsSinceEpoch)])
        }
        try merge(database, tail)
        try save(database, tail, "k", 1)            // the index holds 'other' under the same hash
        #expect(try lookup(database, "k") == response(1))
        #expect(try count(database, "SELECT count(*) FROM idempotency_keys WHERE key = 'other'") == 1)
        try merge(database, tail)
        #expect(try count(database, "SELECT count(*) FROM idempotency_index WHERE hash = \(hash)") == 2)
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, tail, "k", 2) }
    }

    /// Purging removes old merged rows and their index entries, leaves the tail to its merge
    /// and recent keys findable.
    @Test func purgeKeepsTheIndexInStepWithTheRows() throws {
        let database = try makeDatabase()
        defer { database.close() }
        let tail = IdempotencyTail()
        for n in 1...5 { try save(database, tail, "old\(n)", n, at: Self.expired) }
        try merge(database, tail)
        for n in 6...7 { try save(database, tail, "old\(n)", n, at: Self.expired) }   // old, and still in the tail
        try save(database, tail, "recent", 8)
        try merge(database, tail)
        try save(database, tail, "newest-old", 9, at: Self.expired)

        let purged = try database.write { try IdempotencyStore.purge($0, now: testNow) }
        #expect(purged == 7)
        #expect(try lookup(database, "old1") == nil)
        #expect(try lookup(database, "old7") == nil)
        #expect(try lookup(database, "recent") == response(8))
        #expect(try lookup(database, "newest-old") == response(9))   // in the tail: waits for its merge
        #expect(try count(database, "SELECT count(*) FROM idempotency_index") == 1)
        #expect(try count(database, """
            SELECT count(*) FROM idempotency_index i LEFT JOIN idempotency_keys k ON k.id = i.id WHERE k.id IS NULL
            """) == 0)
        // A key purged is free again; a new row lands above what was merged, in the tail.
        try save(database, tail, "old1", 10)
        #expect(try lookup(database, "old1") == response(10))
        #expect(try count(database, "SELECT max(id) FROM idempotency_keys")
            > count(database, "SELECT merged_through FROM idempotency_merge"))
    }

    /// With every row old and merged, the one numbered `merged_through` stays: SQLite numbers a
    /// new row max(id) + 1, and a new row must land above what was merged (in the tail).
    @Test func purgeNeverLetsRowIDsGoBack() throws {
        let database = try makeDatabase()
        defer { database.close() }
        let tail = IdempotencyTail()
        for n in 1...3 { try save(database, tail, "old\(n)", n, at: Self.expired) }
        try merge(database, tail)
        #expect(try database.write { try IdempotencyStore.purge($0, now: testNow) } == 2)
        #expect(try count(database, "SELECT count(*) FROM idempotency_keys") == 1)
        try save(database, tail, "new", 4)
        #expect(try count(database, "SELECT max(id) FROM idempotency_keys")
            > count(database, "SELECT merged_through FROM idempotency_merge"))
        #expect(try lookup(database, "new") == response(4))
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, IdempotencyTail(), "new", 5) }
        #expect(try database.read { try IdempotencyStore.verifyIndex($0) }?.isConsistent == true)
    }

    /// A restarted server's first save may load the tail inside a batch that also purges and
    /// then rolls back: the purge must not have taken tail rows, or the tail in memory would
    /// miss rows that are back in the table after the rollback.
    @Test func aTailLoadedBesideARolledBackPurgeMissesNothing() throws {
        struct Undo: Error {}
        let database = try makeDatabase()
        defer { database.close() }
        let first = IdempotencyTail()
        try save(database, first, "expired", 1, at: Self.expired)   // in the tail, past retention
        try save(database, first, "fresh", 2)
        let restarted = IdempotencyTail()
        #expect(throws: Undo.self) {
            try database.write { db in
                try IdempotencyStore.purge(db, now: testNow)
                try IdempotencyStore.save(db, tail: restarted, key: IdempotencyKey(scope: "token:1", key: "other"),
                                          requestHash: [2], response: response(2), now: testNow)
                throw Undo()
            }
        }
        #expect(try lookup(database, "expired") == response(1))
        #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, restarted, "expired", 3) }
    }

    /// Migration 0021 hashes and indexes every stored response (more than one of its
    /// thousand-row steps), and they replay and stay taken afterwards.
    @Test func migration0021IndexesEveryStoredResponse() throws {
        let path = Scratch.path("ocop-0021") + "/ocop.sqlite"
        let database = try Database(path: path)
        defer { database.close() }
        guard let before = Schema.migrator.prefix(through: "0020_search_queue_new_rows") else {
            Issue.record("0020 not registered")
            return
        }
        try database.migrate(before)
        try database.write { db in   // as the code before 0021 stored them
            for n in 1...2_500 {
                try db.run("""
                    INSERT INTO idempotency_keys (scope, key, request_hash, status, headers, body, created_at_ms)
                    VALUES ('token:1', ?, x'01', 201, '[]', CAST(? AS BLOB), ?)
                    """, [.text("k\(n)"), .text("{\"n\":\(n)}"), .integer(testNow.millisecondsSinceEpoch)])
            }
        }
        try database.migrate(Schema.migrator)
        let check = try database.read { try IdempotencyStore.verifyIndex($0) }
        #expect(check == IdempotencyStore.IndexCheck(rows: 2_500, tail: 0))
        for n in [1, 1_000, 1_001, 2_500] {
            #expect(try lookup(database, "k\(n)")?.body == Array("{\"n\":\(n)}".utf8))
            #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, IdempotencyTail(), "k\(n)", n) }
        }
    }

    /// A database from before migration 0021 has no index: nothing to verify, no error.
    @Test func verifyIndexSkipsADatabaseBefore0021() throws {
        let path = Scratch.path("ocop-verify") + "/ocop.sqlite"
        let database = try Database(path: path)
        defer { database.close() }
        var before = Migrator()
        before.register("0001_core", Schema.createCore)
        try database.migrate(before)
        #expect(try database.read { try IdempotencyStore.verifyIndex($0) } == nil)
    }

    /// `ocop verify`'s check: quiet on a consistent database, and it sees each kind of damage.
    @Test func verifyIndexSeesAMissingAStrayAndAWrongEntry() throws {
        let database = try makeDatabase()
        defer { database.close() }
        let tail = IdempotencyTail()
        for n in 1...4 { try save(database, tail, "k\(n)", n) }
        try merge(database, tail)
        try save(database, tail, "k5", 5)
        let clean = try database.read { try IdempotencyStore.verifyIndex($0) }
        #expect(clean == IdempotencyStore.IndexCheck(rows: 5, tail: 1, unindexed: 0, stray: 0, misHashed: 0))
        #expect(clean?.isConsistent == true)

        try database.write { db in
            try db.run("DELETE FROM idempotency_index WHERE id = (SELECT min(id) FROM idempotency_keys)")
            try db.run("INSERT INTO idempotency_index (hash, id) VALUES (42, 999)")
            try db.run("UPDATE idempotency_keys SET key_hash = key_hash + 1 WHERE key = 'k5'")
        }
        let damaged = try database.read { try IdempotencyStore.verifyIndex($0) }
        #expect(damaged == IdempotencyStore.IndexCheck(rows: 5, tail: 1, unindexed: 1, stray: 1, misHashed: 1))
        #expect(damaged?.isConsistent == false)
    }

    /// The slices a merge is written in cover every tail entry once, in hash order, in runs
    /// whose lengths differ by one at most.
    @Test(arguments: [0, 1, 7, 8, 9, 200, 4096])
    func tailSlicesCoverEveryEntryOnce(count: Int) {
        var random = SystemRandomNumberGenerator()
        let entries = (0..<count).map { TailEntry(hash: Int64.random(in: .min ... .max, using: &random), id: Int64($0) + 1) }
            .sorted { ($0.hash, $0.id) < ($1.hash, $1.id) }
        let slices = IdempotencyStore.inSlices(entries, count: IdempotencyStore.mergeSlices)
        #expect(slices.count == min(count, IdempotencyStore.mergeSlices))
        #expect(Array(slices.joined()) == entries)
        #expect(slices.allSatisfy { !$0.isEmpty })
        let sizes = slices.map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
        for (before, after) in zip(slices, slices.dropFirst()) {
            #expect((before.last?.hash ?? .min) <= (after.first?.hash ?? .max))
        }
    }

    /// A merge stopped between its slices (a crash, a failed write) loses no key: each is
    /// found and refused again, by a restarted process too, and the next merge finishes the
    /// job without a duplicate entry.
    @Test func aMergeCutShortBetweenSlicesLosesNothing() throws {
        let database = try makeDatabase()
        defer { database.close() }
        let tail = IdempotencyTail()
        for n in 1...200 { try save(database, tail, "k\(n)", n) }
        let entries = try database.read { try IdempotencyStore.tailEntries($0) }
        #expect(entries.count == 200 && entries.map(\.hash) == entries.map(\.hash).sorted())
        let parts = IdempotencyStore.inSlices(entries, count: IdempotencyStore.mergeSlices)
        #expect(parts.count == IdempotencyStore.mergeSlices && parts.map(\.count).reduce(0, +) == 200)
        try database.write { db in
            for part in [parts[0], parts[5]] { try IdempotencyStore.index(db, part) }
        }
        let partly = try count(database, "SELECT count(*) FROM idempotency_index")
        #expect(partly > 0 && partly < 200)
        #expect(try count(database, "SELECT merged_through FROM idempotency_merge") == 0)

        let restarted = IdempotencyTail()
        for n in [1, 77, 200] {
            #expect(try lookup(database, "k\(n)") == response(n))
            #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, restarted, "k\(n)", 999) }
        }
        #expect(restarted.count == 200)

        try merge(database, restarted)
        #expect(restarted.count == 0)
        #expect(try count(database, "SELECT count(*) FROM idempotency_index") == 200)
        #expect(try count(database, "SELECT merged_through FROM idempotency_merge") == 200)
        for n in [1, 77, 200] {
            #expect(try lookup(database, "k\(n)") == response(n))
            #expect(throws: IdempotencyStore.KeyTaken.self) { try save(database, restarted, "k\(n)", 999) }
        }
        let check = try database.read { try IdempotencyStore.verifyIndex($0) }
        #expect(check == IdempotencyStore.IndexCheck(rows: 200, tail: 0, unindexed: 0, stray: 0, misHashed: 0))
    }
}
