import SQLite

extension Schema {
    /// Migration 0021_idempotency_index_merged: stored responses are found through
    /// `idempotency_index`, filled in bulk, instead of a unique index on (scope, key)
    /// written on every insert.
    ///
    /// Client keys are random, so each insert into that index dirtied a page of its own, which
    /// went to the WAL and again to the database file at the checkpoint: about a fifth of
    /// what a producer insert cost the single writer, more as the table grew. Now a row only
    /// gets its `key_hash` (the first 8 bytes of SHA-256 over scope, U+001F, key:
    /// `IdempotencyKey.hash`), and rows above `idempotency_merge.merged_through` are the
    /// "tail", which the writer checks in memory (`IdempotencyTail`) and readers scan (at most a
    /// few thousand rows). `IdempotencyStore.merge` moves the tail into the index in hash order,
    /// so each index page is written once per merge rather than once per insert.
    static func mergeIdempotencyIndex(_ db: Connection) throws {
        try db.execute("""
        ALTER TABLE idempotency_keys ADD COLUMN key_hash INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE idempotency_index (
            hash INTEGER NOT NULL,
            id INTEGER NOT NULL,
            PRIMARY KEY (hash, id)
        ) WITHOUT ROWID;
        CREATE TABLE idempotency_merge (
            only INTEGER PRIMARY KEY CHECK (only = 1),
            merged_through INTEGER NOT NULL
        );
        """)
        // A thousand rows at a time: two days of keys can be many, and only id and key are needed.
        var after: Int64 = 0
        while true {
            let rows = try db.all("SELECT id, scope, key FROM idempotency_keys WHERE id > ? ORDER BY id LIMIT 1000",
                                  [.integer(after)]) { ($0.int64(0), $0.string(1), $0.string(2)) }
            guard let last = rows.last else { break }
            for (id, scope, key) in rows {
                try db.run("UPDATE idempotency_keys SET key_hash = ? WHERE id = ?",
                           [.integer(IdempotencyKey(scope: scope, key: key).hash), .integer(id)])
            }
            after = last.0
        }
        try db.execute("""
        INSERT INTO idempotency_index (hash, id) SELECT key_hash, id FROM idempotency_keys ORDER BY key_hash, id;
        INSERT INTO idempotency_merge (only, merged_through) VALUES (1, (SELECT coalesce(max(id), 0) FROM idempotency_keys));
        DROP INDEX idempotency_by_key;
        """)
    }
}
