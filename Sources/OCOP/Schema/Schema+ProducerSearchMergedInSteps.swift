import SQLite

extension Schema {
    /// Migration 0028_producer_search_merged_in_steps: the producers' search index no longer
    /// merges its segments inside the flush that adds one (`automerge` 0); the server merges
    /// them in a write of its own after each flush, a bounded step at a time
    /// (`ProducerStore.mergeSearchStep`), eight segments at once as before (`usermerge` 8).
    ///
    /// Why: FTS5's automerge does its merge work in bursts, 64 pages per level whenever a flush
    /// crosses a 64-leaf mark, so one flush in several took 10–40 ms where the others took one
    /// or two, and every insert batched with it waited (session 33: 93 of the 95 group commits
    /// over 10 ms in a POST run held one long job, most of them such a flush). Merged a step of
    /// 32 pages after each flush, no write exceeded about 6 ms in the same load (SQLite 3.40.1,
    /// 375 rows a flush), for 2,200 more instructions a row in all (about 7 % of what indexing a
    /// row costs, under 1 % of an insert). The crisis merge at 16 segments a level stays as
    /// FTS5's safety net should the steps fall behind.
    static func mergeProducerSearchInSteps(_ db: Connection) throws {
        try db.execute("""
        INSERT INTO producers_search (producers_search, rank) VALUES ('automerge', 0);
        INSERT INTO producers_search (producers_search, rank) VALUES ('usermerge', 8);
        """)
    }
}
