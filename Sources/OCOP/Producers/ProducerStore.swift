import JSON
import SQLite

/// Reads and writes producers. Every write also writes its audit entry, in
/// the caller's transaction (`Database.write`).
public enum ProducerStore {
    static let columns = """
        id, name, kind, tax_code, commune, district, address, phone, email, representative, \
        created_at, updated_at, version, name_key
        """

    public static func get(_ db: Connection, id: Int64) throws -> Producer? {
        try db.first("SELECT \(columns) FROM producers WHERE id = ?", [.integer(id)], decode)
    }

    public static func count(_ db: Connection) throws -> Int64 {
        try db.scalarInt("SELECT count(*) FROM producers") ?? 0
    }

    /// One page of producers. A text search first indexes the changes waiting in the search
    /// queue (`indexPendingSearch`), so it finds everything committed before it began. When that
    /// write cannot be done — the storage refuses it (a full disk), another process holds the
    /// database's lock, or the writer is too far behind to start it (a shutdown, a flood of
    /// writes) — the search is still a read and answers from the index as it is: only the last
    /// moments' changes are not found yet. It answered 507 "nothing was written" to a read.
    public static func list(_ database: Database, _ query: ProducerQuery) throws -> Page<Producer> {
        try indexBeforeSearching(database, query)
        return try database.read { try list($0, query) }
    }

    /// The same page, each row lent to `body` as its columns in the page's order; returns the
    /// cursor of the page after, if any. `body` runs inside the read, so it only copies.
    public static func forEachListed(_ database: Database, _ query: ProducerQuery,
                                     _ body: (ProducerColumns) throws -> Void) throws -> String? {
        try indexBeforeSearching(database, query)
        return try database.read { try forEachListed($0, query, body) }
    }

    private static func indexBeforeSearching(_ database: Database, _ query: ProducerQuery) throws {
        guard query.text != nil else { return }
        do {
            try indexPendingSearch(database)
        } catch let error as SQLiteError where error.isStorageFull || error.isStorageFailure || error.isBusy {
            // Answered from the index as it is.
        } catch is WriteNotStarted {
            // The same.
        }
    }

    /// One page of producers as `db` sees them; a text search finds only what the search
    /// index holds, so callers outside a write go through `list(_:_:)` with the `Database`.
    static func list(_ db: Connection, _ query: ProducerQuery) throws -> Page<Producer> {
        var items: [Producer] = []
        items.reserveCapacity(query.limit.value)
        let next = try forEachListed(db, query) { items.append(try $0.producer()) }
        return Page(items: items, nextCursor: next)
    }

    /// `forEachListed` as `db` sees it.
    static func forEachListed(_ db: Connection, _ query: ProducerQuery,
                              _ body: (ProducerColumns) throws -> Void) throws -> String? {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        var keyset = query.sort.keyset
        var source = "producers"
        if query.text != nil {
            // A text search walks the FTS5 index itself and looks each match up by id. Sorted by
            // id, the index yields rowids (the producer ids) in order, so the walk stops after one
            // page: a word most names share (`xã`, `hợp tác`) no longer gathers every match first,
            // which took half a second at 500,000 producers. Sorted by name, every match is looked
            // up and the sorter keeps one page of them; `id IN (SELECT rowid … MATCH ?)` instead
            // built a list of every matching id first, twice as slow, with memory growing with the
            // matches (four such searches at once held 13 MiB more at 74,000 producers). The search
            // index has one column of its own (`folded`), so the producers' columns need no table
            // name in the join.
            source = "producers_search CROSS JOIN producers ON producers.id = producers_search.rowid"
            keyset.idColumn = "producers_search.rowid"
        } else if keyset.column != nil {
            // Sorted by name, walk the name index (it covers kind, so other kinds are skipped
            // inside it) and stop after one page. Left to itself the planner, guessing that
            // `kind = ?` is selective, reads every row of the kind and sorts them.
            source = "producers INDEXED BY producers_by_name"
        }
        if let kind = query.kind { conditions.append("kind = ?"); params.append(.text(kind.rawValue)) }
        if let district = query.district { conditions.append("district = ?"); params.append(.text(district)) }
        if let commune = query.commune { conditions.append("commune = ?"); params.append(.text(commune)) }
        if let text = query.text {
            guard let match = FullTextQuery.match(text) else { return nil }
            conditions.append("producers_search MATCH ?")
            params.append(.text(match))
        }
        try keyset.restrict(after: query.cursor, &conditions, &params)
        params.append(.integer(query.limit.rowsToFetch))
        // The query fetches one row past the page: it only tells that a next page exists, whose
        // cursor is made from the page's last row (the only one whose sort key is copied).
        var lent = 0
        var hasMore = false
        var last: (id: Int64, nameKey: [UInt8]?)?
        try db.query("SELECT \(columns) FROM \(source) \(conditions.whereClause) ORDER BY \(keyset.orderBy) LIMIT ?",
                     params) { row in
            guard lent < query.limit.value else {
                hasMore = true
                return
            }
            let producer = ProducerColumns(row: row)
            try body(producer)
            lent += 1
            if lent == query.limit.value {
                last = (producer.id, keyset.column == nil ? nil : producer.nameKey)
            }
        }
        guard hasMore, let last else { return nil }
        return keyset.cursor(after: last.nameKey.map { .sortKey($0) }, id: last.id)
    }

    public static func create(_ db: Connection, _ fields: ProducerFields, actor: Actor, now: Timestamp) throws -> Producer {
        try create(db, ProducerDraft(fields), actor: actor, now: now)
    }

    /// Built once: inserts are the hot write, and the statement cache finds it by its text.
    private static let insertSQL = """
        INSERT INTO producers (id, name, name_key, kind, tax_code, commune, district, address, phone, email,
                               representative, created_at, updated_at, version)
        VALUES (\(RetiredIDs.nextID("producers")), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
        """

    /// Inserts a draft built beforehand (off the writer thread: see `ProducerDraft`).
    public static func create(_ db: Connection, _ draft: ProducerDraft, actor: Actor, now: Timestamp) throws -> Producer {
        let fields = draft.fields
        let stamp = now.description
        do {
            try db.run(insertSQL, bindings(fields, nameKey: draft.nameKey) + [.text(stamp), .text(stamp)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateTaxCode(fields)
        }
        let id = db.lastInsertRowID
        try queueSearch(db, id: id, folded: draft.searchText, indexed: false)
        try AuditLog.record(db, actor: actor, entity: .producer, entityID: id, action: "create",
                            serializedChanges: draft.auditChanges, at: stamp)
        return Producer(id: id, fields: fields, createdAt: now, updatedAt: now, version: 1)
    }

    /// Replaces every writable field. `ifVersion` is the client's `If-Match` (nil: unconditional).
    public static func replace(_ db: Connection, id: Int64, with fields: ProducerFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> Producer {
        guard var producer = try get(db, id: id) else { throw DomainError.notFound(entity: "producer", id: String(id)) }
        try VersionMatch.require(ifVersion, current: producer.version)
        try check(fields, stored: producer.fields)
        let changes = AuditLog.diff(producer.fields.jsonObject, fields.jsonObject)
        guard changes.count > 0 else { return producer }   // nothing changed: no new version, no audit noise
        do {
            try db.run("""
                UPDATE producers SET name = ?, name_key = ?, kind = ?, tax_code = ?, commune = ?, district = ?,
                       address = ?, phone = ?, email = ?, representative = ?, updated_at = ?, version = version + 1
                WHERE id = ?
                """, bindings(fields, nameKey: VietnameseCollation.sortKey(fields.name)) + [.text(now.description), .integer(id)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateTaxCode(fields)
        }
        try queueSearch(db, id: id, folded: fields.searchText, indexed: true)
        // Product search text includes the producer's name: a rename would leave it stale.
        if fields.name != producer.fields.name { try ProductStore.refreshSearch(db, producerID: id) }
        producer.fields = fields
        producer.updatedAt = now
        producer.version += 1
        try AuditLog.record(db, actor: actor, entity: .producer, entityID: id, action: "update",
                            changes: changes, at: now)
        return producer
    }

    /// Deletes a producer that nothing references; one that still owns products is a conflict.
    public static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws {
        guard let producer = try get(db, id: id) else { throw DomainError.notFound(entity: "producer", id: String(id)) }
        try VersionMatch.require(ifVersion, current: producer.version)
        do {
            try db.run("DELETE FROM producers WHERE id = ?", [.integer(id)])
        } catch let error as SQLiteError where error.isForeignKeyViolation {
            // Tables that reference producers (products, raw-material areas, booths…) do so with
            // ON DELETE RESTRICT, so the rule "a producer that still owns products stays" is structural.
            throw DomainError.conflict("producer \(id) still owns products or other records; remove or reassign them first")
        }
        try queueSearch(db, id: id, folded: nil, indexed: true)
        try AuditLog.record(db, actor: actor, entity: .producer, entityID: id, action: "delete",
                            changes: producer.fields.jsonObject, at: now)
    }

    /// Queues the producer's search text (nil: remove it) for `flushSearch`; the last change
    /// before the flush wins. `indexed`: the producer was created before, so the index may
    /// hold its old text (false only for a create; a later change before the flush keeps the
    /// first call's answer, as the index has no entry for it yet).
    private static func queueSearch(_ db: Connection, id: Int64, folded: String?, indexed: Bool) throws {
        try db.run("""
            INSERT INTO producers_search_queue (id, folded, indexed) VALUES (?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET folded = excluded.folded
            """, [.integer(id), SQLiteValue(folded), .integer(indexed ? 1 : 0)])
    }

    /// Whether changes wait in the search queue.
    static func searchPending(_ db: Connection) throws -> Bool {
        try db.scalarInt("SELECT EXISTS (SELECT 1 FROM producers_search_queue)") == 1
    }

    /// Makes every committed change searchable: when the queue holds any, one write indexes
    /// them all. Runs before every text search and, on the server, every
    /// `searchIndexingSeconds`, so the queue stays short.
    ///
    /// Why not at every commit, as before: FTS5 writes a new segment of its index for each
    /// transaction that indexes anything, and merges segments as they pile up. Under group
    /// commit that was a segment per batch of a few dozen producers, and a fifth of the
    /// writer's time with 64 clients inserting (`perf`); indexed in bulk, a segment holds
    /// hundreds. Alternating runs with 100,000 producers stored, 64 / 256 connections:
    /// 11,800 / 15,000–15,600 inserts/s before, 13,400–14,200 / 15,300–17,000 after, the
    /// writer's CPU per insert 56 → 44–47 µs at 64. The cost moves to a search that finds
    /// the queue non-empty: it waits for one write first.
    /// Returns whether it wrote anything.
    @discardableResult
    public static func indexPendingSearch(_ database: Database) throws -> Bool {
        guard try database.read({ try searchPending($0) }) else { return false }
        try database.write { try flushSearch($0) }
        return true
    }

    /// One bounded step of merging the search index's segments, in a write of its own: the
    /// server's periodic indexing takes one after each flush (migration 0028 says why). A step
    /// writes at most about `searchMergePages` pages, and nothing when no level holds eight
    /// segments yet. Not taken by a search's own flush, which someone waits for.
    public static func mergeSearchStep(_ database: Database) throws {
        try database.write {
            try $0.run("INSERT INTO producers_search (producers_search, rank) VALUES ('merge', ?)",
                       [.integer(Int64(searchMergePages))])
        }
    }

    /// Pages a merge step writes at most: enough that the steps keep up with a flush every
    /// `searchIndexingSeconds` at 16,000 inserts a second (the segment count stayed level over
    /// 150,000 rows), small enough that a step takes a few milliseconds.
    static let searchMergePages = 32

    /// How often the server indexes the queue. Each flush is a write that holds up the group
    /// commit it shares the writer with, so its length is what the slowest inserts wait for:
    /// at 16,000 inserts a second every 50 ms meant some 800 rows, 6 ms on average and up to
    /// 24 ms, and 35 of 39 stalls of 12 ms or more in a POST run at 256 connections overlapped
    /// one (`perf` uprobes). Every 25 ms, alternating twelve runs each with 50 ms (256
    /// connections, 5 s after a 6 s fill of about 90,000 producers): p99 36.8–47.8 ms (mean
    /// 43.2) against 38.4–56.5 (47.5), the same inserts/s (15,699 against 15,508 on average)
    /// and CPU per insert (85–88 against 84–86 µs). Every 12.5 ms was no better than 25; every 250 ms, 4,000 rows per flush, had
    /// raised the p99 from 42 to 65 ms.
    public static let searchIndexingSeconds = 0.025

    /// Moves the queued search text into FTS5: the older entry of a queued id that had one
    /// is removed, the new text indexed, the queue emptied.
    static func flushSearch(_ db: Connection) throws {
        try db.run("DELETE FROM producers_search WHERE rowid IN (SELECT id FROM producers_search_queue WHERE indexed)")
        try db.run("""
            INSERT INTO producers_search (rowid, folded)
            SELECT id, folded FROM producers_search_queue WHERE folded IS NOT NULL
            """)
        try db.run("DELETE FROM producers_search_queue")
    }

    private static func check(_ fields: ProducerFields, stored: ProducerFields) throws {
        let errors = fields.validate(stored: stored)
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func duplicateTaxCode(_ fields: ProducerFields) -> DomainError {
        .conflict("a producer with tax_code \(fields.taxCode ?? "") already exists")
    }


    private static func bindings(_ f: ProducerFields, nameKey: [UInt8]) -> [SQLiteValue] {
        [.text(f.name), .blob(nameKey), .text(f.kind.rawValue), SQLiteValue(f.taxCode),
         SQLiteValue(f.commune), SQLiteValue(f.district), SQLiteValue(f.address), SQLiteValue(f.phone),
         SQLiteValue(f.email), SQLiteValue(f.representative)]
    }

    static func decode(_ row: Row) throws -> Producer {
        try ProducerColumns(row: row).producer()
    }
}
