import SQLite

extension Schema {
    /// Every FTS5 search index of the schema.
    static let searchIndexes = ["producers_search", "products_search", "points_of_sale_search", "fairs_search",
                                "raw_material_areas_search", "packing_facilities_search"]

    /// Migration 0027_search_merges_wider: each FTS5 search index merges its segments eight at a
    /// time instead of four (`automerge`).
    ///
    /// Why: FTS5 writes each flush as a new segment and merges segments of a size in the
    /// background of later writes, on the one writer thread. Merging wider makes fewer levels,
    /// so each indexed row is copied fewer times. Measured with the SQLite 3.40.1 of Debian 12 on
    /// 100,000 producers' search texts flushed 400 at a time (what 16,000 inserts a second
    /// flush every 25 ms, `ProducerStore.searchIndexingSeconds`): 51,300 instructions a row in
    /// all at 4, 44,900 at 8, 45,600 at 6, 45,400 at 12 (60,000 rows, 200 at a time: 52,000 and
    /// 47,200). Searches took the same time on either index. Not 16 or more: FTS5's crisis merge
    /// (at 16 segments) would then merge a whole level at once instead of a little at each
    /// flush, a stall that grows with the table. The setting is stored in each index's own
    /// `_config` table.
    static func widenSearchMerges(_ db: Connection) throws {
        for index in searchIndexes {
            try db.execute("INSERT INTO \(index) (\(index), rank) VALUES ('automerge', 8)")
        }
    }
}
