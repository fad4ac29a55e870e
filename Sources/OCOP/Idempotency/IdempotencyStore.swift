import JSON
import SQLite

/// A response kept so that a retried request gets the same answer.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let headers: [Header]
    public let body: [UInt8]

    public struct Header: Sendable, Equatable {
        public let name: String
        public let value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(status: Int, headers: [Header], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A client's `Idempotency-Key` in its scope (the token that sent it), with the hash it is
/// indexed by: the first 8 bytes of SHA-256 over scope, U+001F, key. Different keys may share
/// a hash; every lookup compares scope and key too. Made where the request is prepared, so
/// the digest is not computed on the writer thread.
public struct IdempotencyKey: Sendable, Hashable {
    public let scope: String
    public let key: String
    public let hash: Int64

    public init(scope: String, key: String) {
        self.scope = scope
        self.key = key
        let digest = SHA256.hash(scope + "\u{1F}" + key)
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        hash = Int64(bitPattern: value)
    }

    /// The digest already spreads keys evenly: hashing it alone is enough for a `Set`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }
}

/// A stored response's row not merged into the index yet: its key hash and row id.
struct TailEntry: Equatable {
    let hash: Int64
    let id: Int64
}

/// Idempotency keys (API.md "Writes"): the first response to a POST with a key
/// is stored in the same transaction as its effect, so a retry after a crash
/// either finds both or neither.
///
/// A stored response is found by its `key_hash` through `idempotency_index`, or, for rows
/// above `idempotency_merge.merged_through` (the tail, not merged yet), by a scan of those
/// rows; `merge` moves the tail into the index in bulk (migration 0021 says why).
/// Row ids must only grow, so that a new row always lands in the tail: SQLite numbers a new
/// row max(id) + 1, so `purge` keeps the row numbered `merged_through`, whatever its age.
public enum IdempotencyStore {
    /// How long keys are kept. API.md promises at least 24 hours; we keep two days.
    public static let retentionMilliseconds: Int64 = 48 * 3600 * 1000

    public struct Entry: Sendable {
        public let requestHash: [UInt8]
        public let response: StoredResponse
    }

    /// `save` found a response already stored under this scope and key.
    public struct KeyTaken: Error {}

    public static func lookup(_ db: Connection, _ key: IdempotencyKey) throws -> Entry? {
        try db.first("""
            SELECT request_hash, status, headers, body FROM idempotency_keys
            WHERE scope = ?2 AND key = ?3 AND id IN (
                SELECT id FROM idempotency_index WHERE hash = ?1
                UNION ALL
                SELECT id FROM idempotency_keys
                WHERE id > (SELECT merged_through FROM idempotency_merge) AND key_hash = ?1)
            """, [.integer(key.hash), .text(key.scope), .text(key.key)]) { row in
            var headers: [StoredResponse.Header] = []
            if case .array(let pairs)? = try? JSONValue.parse(row.string(2)) {
                for pair in pairs {
                    if case .array(let nv) = pair, nv.count == 2, let n = nv[0].stringValue, let v = nv[1].stringValue {
                        headers.append(.init(name: n, value: v))
                    }
                }
            }
            return Entry(requestHash: row.blob(0),
                         response: StoredResponse(status: row.int(1), headers: headers, body: row.blob(3)))
        }
    }

    /// Stores the response for (scope, key); throws `KeyTaken` when one is stored already.
    /// Writer only: `tail` must be the one every save of this database goes through.
    public static func save(_ db: Connection, tail: IdempotencyTail, key: IdempotencyKey,
                            requestHash: [UInt8], response: StoredResponse, now: Timestamp) throws {
        let hash = key.hash
        if !tail.isLoaded {
            tail.load(try db.all("""
                SELECT id, key_hash FROM idempotency_keys WHERE id > (SELECT merged_through FROM idempotency_merge)
                """) { (id: $0.int64(0), hash: $0.int64(1)) })
        }
        // The common case, a new key: one probe of the index, and the tail asked in memory.
        let taken = tail.mayContain(hash)
            ? try lookup(db, key) != nil
            : try db.first("""
                SELECT 1 FROM idempotency_index i, idempotency_keys k
                WHERE i.hash = ? AND k.id = i.id AND k.scope = ? AND k.key = ?
                """, [.integer(hash), .text(key.scope), .text(key.key)]) { _ in true } != nil
        if taken { throw KeyTaken() }
        var writer = JSONWriter(capacity: 128)
        writer.beginArray()
        for header in response.headers {
            writer.beginArray()
            writer.string(header.name)
            writer.string(header.value)
            writer.endArray()
        }
        writer.endArray()
        try db.run("""
            INSERT INTO idempotency_keys (scope, key, key_hash, request_hash, status, headers, body, created_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(key.scope), .text(key.key), .integer(hash), .blob(requestHash), .integer(Int64(response.status)),
                  .text(String(decoding: writer.bytes, as: UTF8.self)), .blob(response.body),
                  .integer(now.millisecondsSinceEpoch)])
        // Before the commit, so the tail in memory is never missing a committed row; a row
        // rolled back stays there as a false "maybe", which costs the slower lookup only.
        tail.add(id: db.lastInsertRowID, hash: hash)
    }

    /// Moves the tail into `idempotency_index`, in hash order so that each page of the index
    /// is written once, one slice of the tail (a stretch of consecutive hashes) per write;
    /// returns the id it merged through (pass it to `IdempotencyTail.merged(through:)`).
    ///
    /// Why slices: a merge of the ~6,000 rows a quarter second of inserts leaves rewrites about
    /// every leaf of the index, and as one write it held the writer for 11–38 ms while every
    /// insert waited; each of those stalls showed in the inserts' p99 at 256 connections. A
    /// slice writes only its own leaves, so the slices together cost no more than one merge did
    /// (13 ms of the writer's time against 16, in a POST run at 256 connections), in writes
    /// short enough to share the writer with the inserts between them.
    ///
    /// Between slices, and after a crash part-way, some tail rows are in the index already:
    /// `lookup` and `save` look in both, so they find such a row either way, and a later merge
    /// of the same rows inserts nothing twice (OR IGNORE). `merged_through` moves only once
    /// every slice is in, with the last write.
    @discardableResult
    public static func merge(_ database: Database) throws -> Int64 {
        // Read off the writer: the tail rows are wide (stored bodies), and scanning them took
        // longer than indexing them. Tail rows are never deleted (`purge` stops below
        // `merged_through`), so what is read here is still there when its slice is written.
        let (from, entries) = try database.read { db in (try mergedThrough(db), try tailEntries(db)) }
        guard let through = entries.lazy.map(\.id).max() else { return from }
        for part in inSlices(entries, count: mergeSlices) {
            try database.write { try index($0, part) }
        }
        try database.write { db in
            try db.run("UPDATE idempotency_merge SET merged_through = ? WHERE merged_through = ?",
                       [.integer(through), .integer(from)])
        }
        return through
    }

    /// The tail's rows, in hash order.
    static func tailEntries(_ db: Connection) throws -> [TailEntry] {
        try db.all("""
            SELECT key_hash, id FROM idempotency_keys
            WHERE id > (SELECT merged_through FROM idempotency_merge) ORDER BY key_hash, id
            """) { TailEntry(hash: $0.int64(0), id: $0.int64(1)) }
    }

    /// Puts `entries` (in hash order) into the index; those already there are left alone.
    static func index(_ db: Connection, _ entries: ArraySlice<TailEntry>) throws {
        for entry in entries {
            try db.run("INSERT OR IGNORE INTO idempotency_index (hash, id) VALUES (?, ?)",
                       [.integer(entry.hash), .integer(entry.id)])
        }
    }

    /// `entries` (in hash order) cut into at most `count` runs whose lengths differ by one at
    /// most, none empty. Each run is a stretch of consecutive hashes, so its write touches only
    /// its own leaves of the index.
    static func inSlices(_ entries: [TailEntry], count: Int) -> [ArraySlice<TailEntry>] {
        let parts = max(1, min(count, entries.count))
        return (0..<parts).map { part in
            entries[entries.count * part / parts ..< entries.count * (part + 1) / parts]
        }.filter { !$0.isEmpty }
    }

    /// How many writes a merge takes: at 16,000 inserts a second, some 750 rows each, 1.0 ms at
    /// the median and 4.8 ms at the 95th percentile.
    static let mergeSlices = 8

    /// Deletes merged keys past retention; returns how many. Rows of the tail wait for their
    /// merge, so the tail only grows between merges: a tail read inside a transaction that
    /// later rolls back can hold more than the committed tail, never less (`IdempotencyTail`).
    /// The row numbered `merged_through` stays too, so row ids never go back (see the type).
    @discardableResult
    public static func purge(_ db: Connection, now: Timestamp) throws -> Int {
        let cutoff = now.millisecondsSinceEpoch - retentionMilliseconds
        let below = try mergedThrough(db)
        // Index entries first, while their rows still say which they are; an IN over
        // (hash, id) lets SQLite visit the index in order. `+id`: the old rows are found
        // through idempotency_by_age, not by walking every row id below `below`.
        try db.run("""
            DELETE FROM idempotency_index WHERE (hash, id) IN (
                SELECT key_hash, id FROM idempotency_keys WHERE created_at_ms < ? AND +id < ?)
            """, [.integer(cutoff), .integer(below)])
        try db.run("DELETE FROM idempotency_keys WHERE created_at_ms < ? AND +id < ?",
                   [.integer(cutoff), .integer(below)])
        return db.changes
    }

    /// What `verifyIndex` found wrong (all zero unless something is broken).
    public struct IndexCheck: Equatable, Sendable {
        /// Stored responses in all, and how many of them are in the tail.
        public var rows = 0
        public var tail = 0
        /// Merged rows the index cannot find (no entry under their hash).
        public var unindexed = 0
        /// Index entries for a row that is gone, or under another hash than the row's.
        public var stray = 0
        /// Rows whose `key_hash` is not the hash of their scope and key.
        public var misHashed = 0

        public init(rows: Int = 0, tail: Int = 0, unindexed: Int = 0, stray: Int = 0, misHashed: Int = 0) {
            self.rows = rows
            self.tail = tail
            self.unindexed = unindexed
            self.stray = stray
            self.misHashed = misHashed
        }

        public var isConsistent: Bool { unindexed == 0 && stray == 0 && misHashed == 0 }
    }

    /// Checks the index against the rows, for `ocop verify` (the crash check runs it after
    /// its kills, so a merge that was cut short would show here); nil before migration 0021.
    public static func verifyIndex(_ db: Connection) throws -> IndexCheck? {
        // A file from before migration 0021 (a backup being checked) has no index to verify.
        guard try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'idempotency_merge'") == 1 else { return nil }
        var check = IndexCheck()
        let through = try mergedThrough(db)
        try db.query("SELECT id, scope, key, key_hash FROM idempotency_keys") { row in
            check.rows += 1
            if row.int64(0) > through { check.tail += 1 }
            if IdempotencyKey(scope: row.string(1), key: row.string(2)).hash != row.int64(3) { check.misHashed += 1 }
        }
        check.unindexed = Int(try db.scalarInt("""
            SELECT count(*) FROM idempotency_keys k
            WHERE k.id <= ? AND NOT EXISTS (SELECT 1 FROM idempotency_index i WHERE i.hash = k.key_hash AND i.id = k.id)
            """, [.integer(through)]) ?? 0)
        check.stray = Int(try db.scalarInt("""
            SELECT count(*) FROM idempotency_index i
            WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys k WHERE k.id = i.id AND k.key_hash = i.hash)
            """) ?? 0)
        return check
    }

    private static func mergedThrough(_ db: Connection) throws -> Int64 {
        try db.scalarInt("SELECT merged_through FROM idempotency_merge") ?? 0
    }
}
