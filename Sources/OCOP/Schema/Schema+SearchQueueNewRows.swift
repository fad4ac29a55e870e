import SQLite

extension Schema {
    /// `producers_search_queue.indexed`: whether the queued producer may already have an entry
    /// in `producers_search` that the flush must remove first. A producer created in the
    /// transaction cannot (ids are never reused, 0014), and for those the removal was a
    /// lookup of an id FTS5 never held, one per insert on the single writer thread.
    /// The queue is empty outside a write transaction; the default (may be indexed) is the
    /// answer that is never wrong, only slower.
    static func markNewRowsInSearchQueue(_ db: Connection) throws {
        try db.execute("ALTER TABLE producers_search_queue ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1")
    }
}
