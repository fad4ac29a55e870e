#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import OCOP
import SQLite

/// The SQL that one producer insert runs on the writer, straight from SQLite's C API:
/// statements prepared once, `batch` inserts per transaction, the search queue flushed into
/// the search index once `searchFlushRows` rows wait (as `ProducerStore.flushSearch` does every
/// `ProducerStore.searchIndexingSeconds` on the server: about 400 rows at 16,000 inserts/s),
/// the idempotency key probed and
/// stored with its hash as `IdempotencyStore.save` does (the bulk merge, one per 4,096 keys,
/// is left out), and SQLite's own fsync of the WAL (synchronous = FULL) and checkpoints
/// (at the server's threshold, `DatabaseConfiguration.checkpointPages`) inline.
/// What it costs is SQLite's and the kernel's alone.
struct RawSQLiteRun {
    let path: String
    let rows: Int
    let batch: Int
    /// Rows queued for the search index before a commit flushes them.
    var searchFlushRows = 400

    private static let setup = """
        PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -2048;
        PRAGMA wal_autocheckpoint = \(DatabaseConfiguration().checkpointPages)
        """
    private static let statements = [
        "BEGIN IMMEDIATE",
        """
        INSERT INTO producers (id, name, name_key, kind, tax_code, commune, district, address, phone, email,
                               representative, created_at, updated_at, version)
        VALUES ((SELECT last_id + 1 FROM retired_ids WHERE table_name = 'producers'
                 AND last_id >= (SELECT coalesce(max(id), 0) FROM producers)),
                ?1, ?2, 'cooperative', NULL, 'Đồn Đạc', 'Ba Chẽ', NULL, NULL, NULL, NULL, ?3, ?3, 1)
        """,
        """
        INSERT INTO producers_search_queue (id, folded, indexed) VALUES (?1, ?2, 0)
        ON CONFLICT (id) DO UPDATE SET folded = excluded.folded
        """,
        """
        INSERT INTO audit_log (at, token_id, entity, entity_id, action, changes, request_id)
        VALUES (?1, 1, 'producer', ?2, 'create', ?3, ?4)
        """,
        """
        SELECT 1 FROM idempotency_index i, idempotency_keys k
        WHERE i.hash = ?1 AND k.id = i.id AND k.scope = 'token:1' AND k.key = ?2
        """,
        """
        INSERT INTO idempotency_keys (scope, key, key_hash, request_hash, status, headers, body, created_at_ms)
        VALUES ('token:1', ?1, ?6, ?2, 201, ?3, ?4, ?5)
        """,
        "DELETE FROM producers_search WHERE rowid IN (SELECT id FROM producers_search_queue WHERE indexed)",
        """
        INSERT INTO producers_search (rowid, folded)
        SELECT id, folded FROM producers_search_queue WHERE folded IS NOT NULL
        """,
        "DELETE FROM producers_search_queue",
        "COMMIT",
    ]

    func measure() throws -> Measurement {
        let database = try Database(path: path)
        try database.migrate(Schema.migrator)
        database.close()

        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db = handle else {
            throw StoreFailure(description: "cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        try check(db, sqlite3_exec(db, Self.setup, nil, nil, nil))
        let prepared = try Self.statements.map { sql in
            var statement: OpaquePointer?
            try check(db, sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil))
            return statement
        }
        defer { for statement in prepared { sqlite3_finalize(statement) } }
        let (begin, producer, search, audit) = (prepared[0], prepared[1], prepared[2], prepared[3])
        let (probe, idempotency) = (prepared[4], prepared[5])
        let flush = prepared[6...8], commit = prepared[9]

        let start = Clocks.now()
        var done = 0, commits = 0, queued = 0
        while done < rows {
            try step(db, begin)
            let count = min(batch, rows - done)
            for _ in 0..<count {
                done += 1
                let key = "bench-\(done)-\(UInt64.random(in: 0...UInt64.max))"
                let name = "Hợp tác xã \(key)"
                let stamp = Timestamp.now().description
                bind(producer, 1, name)
                bind(producer, 2, Array(name.utf8))
                bind(producer, 3, stamp)
                try step(db, producer)
                let id = sqlite3_last_insert_rowid(db)
                sqlite3_bind_int64(search, 1, id)
                bind(search, 2, "hop tac xa \(key) don dac ba che")
                try step(db, search)
                bind(audit, 1, stamp)
                bind(audit, 2, String(id))
                bind(audit, 3, #"{"name":"\#(name)","kind":"cooperative","commune":"Đồn Đạc","district":"Ba Chẽ"}"#)
                bind(audit, 4, key)
                try step(db, audit)
                let keyHash = IdempotencyKey(scope: "token:1", key: key).hash
                sqlite3_bind_int64(probe, 1, keyHash)
                bind(probe, 2, key)
                try step(db, probe)   // no row: a new key (the tail's check is in memory and left out)
                bind(idempotency, 1, key)
                sqlite3_bind_int64(idempotency, 6, keyHash)
                bind(idempotency, 2, (0..<32).map { _ in UInt8.random(in: 0...255) })
                bind(idempotency, 3, #"[["Location","/api/v1/producers/\#(id)"],["ETag","\"1\""],["Content-Type","application/json"]]"#)
                bind(idempotency, 4, Array(#"{"id":\#(id),"name":"\#(name)","kind":"cooperative","tax_code":null,"commune":"Đồn Đạc","district":"Ba Chẽ","address":null,"phone":null,"email":null,"representative":null,"created_at":"\#(stamp)","updated_at":"\#(stamp)","version":1}"#.utf8))
                sqlite3_bind_int64(idempotency, 5, Timestamp.now().millisecondsSinceEpoch)
                try step(db, idempotency)
            }
            queued += count
            if queued >= searchFlushRows || done == rows {
                for statement in flush { try step(db, statement) }
                queued = 0
            }
            try step(db, commit)
            commits += 1
        }
        let end = Clocks.now()
        return Measurement(inserts: done, commits: commits, wallSeconds: end.wall - start.wall, cpuSeconds: end.cpu - start.cpu)
    }

    private func bind(_ statement: OpaquePointer?, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text64(statement, index, utf8.baseAddress, sqlite3_uint64(utf8.count),
                                    csqlite_transient(), UInt8(SQLITE_UTF8))
        }
    }

    private func bind(_ statement: OpaquePointer?, _ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob64(statement, index, raw.baseAddress, sqlite3_uint64(raw.count), csqlite_transient())
        }
    }

    private func step(_ db: OpaquePointer, _ statement: OpaquePointer?) throws {
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { try check(db, rc) ; return }
    }

    private func check(_ db: OpaquePointer, _ rc: Int32) throws {
        guard rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw StoreFailure(description: "SQLite \(rc): \(String(cString: sqlite3_errmsg(db)))")
        }
    }
}
