import SQLite

extension Schema {
    /// Migration 0026_producer_search_lean: the producers' search index keeps which producers
    /// hold each word, not where in their text (`detail = none`), and no length of each text
    /// (`columnsize = 0`).
    ///
    /// Why: a search asks for every typed word as a prefix, anywhere in the text
    /// (`FullTextQuery`), and orders by id, so positions and lengths were written for nothing;
    /// each indexed row wrote them on the one writer thread, in the flush that holds up the
    /// inserts batched with it. Flushing 400 rows at a time, 16.6 µs a row before and 13.4
    /// after (SQLite 3.40.1, the same statements). The words of every stored text are indexed
    /// again from the old index's own copy of the text; the same queries find the same rows
    /// (`ProducerSearchLeanMigrationTests`).
    static func leanProducerSearch(_ db: Connection) throws {
        try db.execute("""
        CREATE VIRTUAL TABLE producers_search_lean USING fts5(
            folded, tokenize = 'unicode61 remove_diacritics 0', detail = none, columnsize = 0);
        INSERT INTO producers_search_lean (rowid, folded) SELECT rowid, folded FROM producers_search;
        DROP TABLE producers_search;
        ALTER TABLE producers_search_lean RENAME TO producers_search;
        """)
    }
}
