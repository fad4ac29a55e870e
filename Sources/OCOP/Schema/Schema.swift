import SQLite

/// The database schema as append-only named migrations. Never edit a
/// migration that has shipped: add a new one.
public enum Schema {
    public static var migrator: Migrator {
        var migrator = Migrator()
        migrator.register("0001_core", createCore)
        migrator.register("0002_producers", createProducers)
        migrator.register("0003_products", createProducts)
        migrator.register("0006_quality_extra", createQualityExtra)
        // Registered after 0006 because 0006 shipped first: the list is append-only.
        migrator.register("0004_products_extra", addProductSearchPrefixes)
        migrator.register("0008_points_of_sale", createPointsOfSale)
        migrator.register("0009_trade_promotion", createTradePromotion)
        migrator.register("0010_stock_thresholds", createStockThresholds)
        migrator.register("0011_trade_promotion_reports", reshapeTradePromotionForReports)
        migrator.register("0012_cheaper_writes", cheaperWrites)
        migrator.register("0013_ledger_in_arrival_order", ledgerInArrivalOrder)
        migrator.register("0014_ids_never_reused", retireDeletedIDs)
        migrator.register("0015_listings_deleted", keepDeletedListings)
        migrator.register("0016_booth_tokens", addBoothTokens)
        migrator.register("0017_certificates_reshaped", rebuildsTables: true, reshapeCertificates)
        migrator.register("0018_results_deletable", retireDeletedResultIDs)
        migrator.register("0019_product_groups_dated", dateProductGroups)
        migrator.register("0020_search_queue_new_rows", markNewRowsInSearchQueue)
        migrator.register("0021_idempotency_index_merged", mergeIdempotencyIndex)
        migrator.register("0022_shorter_name_keys", shortenNameKeys)
        migrator.register("0023_listings_relistable", rebuildsTables: true, makeListingsRelistable)
        migrator.register("0024_token_secret_origin", recordTokenSecretOrigin)
        migrator.register("0025_checks_spelled_out", spellOutCheckLists)
        migrator.register("0026_producer_search_lean", leanProducerSearch)
        migrator.register("0027_search_merges_wider", widenSearchMerges)
        migrator.register("0028_producer_search_merged_in_steps", mergeProducerSearchInSteps)
        migrator.register("0029_home_province_named_in_full", recomputeLocalBooths)
        migrator.register("0030_points_of_sale_archived", archivePointsOfSale)
        return migrator
    }

    /// Tokens, the audit log and stored idempotent responses: what every resource shares.
    static func createCore(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE tokens (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'pos')),
            point_of_sale_id INTEGER,
            secret_hash BLOB NOT NULL UNIQUE,
            hint TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            revoked_at TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            CHECK ((role = 'pos') = (point_of_sale_id IS NOT NULL))
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            token_id INTEGER,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            action TEXT NOT NULL,
            changes TEXT NOT NULL,
            request_id TEXT
        );
        CREATE INDEX audit_by_entity ON audit_log(entity, entity_id, id);
        CREATE TABLE idempotency_keys (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash BLOB NOT NULL,
            status INTEGER NOT NULL,
            headers TEXT NOT NULL,
            body BLOB NOT NULL,
            created_at_ms INTEGER NOT NULL,
            PRIMARY KEY (scope, key)
        ) WITHOUT ROWID;
        CREATE INDEX idempotency_by_age ON idempotency_keys(created_at_ms);
        """)
    }

    /// Producers, with a folded-text FTS index so "van don" finds "Vân Đồn"
    /// and a Vietnamese sort key so `sort=name` is an index walk.
    static func createProducers(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE producers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key BLOB NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'cooperative', 'cooperative_group', 'household')),
            tax_code TEXT UNIQUE,
            commune TEXT,
            district TEXT,
            address TEXT,
            phone TEXT,
            email TEXT,
            representative TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX producers_by_kind ON producers(kind, id);
        CREATE INDEX producers_by_name ON producers(name_key, id);
        CREATE INDEX producers_by_kind_name ON producers(kind, name_key, id);
        CREATE VIRTUAL TABLE producers_search USING fts5(folded, tokenize = 'unicode61 remove_diacritics 0');
        """)
    }

    /// What makes a group-commit job cheap. Every page a write dirties is copied to a
    /// savepoint journal, checksummed, written to the WAL and later checkpointed, on the
    /// single writer thread; pages of append-only tables are shared by the jobs of a batch,
    /// but each random-key b-tree costs a page (and splits) per write. So:
    ///
    /// - `producers_search_queue`: search text waiting to enter `producers_search`
    ///   (`ProducerStore.flushSearch`). Indexing in FTS5 inside every job made FTS5 write a
    ///   segment per job (it flushes at each SAVEPOINT); through this queue it wrote one per
    ///   commit, and since session 15 one per bulk flush (`ProducerStore.indexPendingSearch`:
    ///   before a text search, and periodically). `folded` NULL means "remove from the index".
    /// - `idempotency_keys` becomes a rowid table (rows appended in time order, sharing
    ///   pages) with a narrow unique index on (scope, key), instead of a WITHOUT ROWID table
    ///   whose ~500-byte rows were inserted at random keys, seven to a page.
    /// - `producers_by_name` covers `kind`, and `producers_by_kind_name` goes: one random-key
    ///   index on the sort key per insert instead of two. A kind filter sorted by name walks
    ///   this index and skips other kinds inside it (`ProducerStore.list` says INDEXED BY).
    static func cheaperWrites(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE producers_search_queue (
            id INTEGER PRIMARY KEY,
            folded TEXT
        );

        DROP INDEX idempotency_by_age;
        ALTER TABLE idempotency_keys RENAME TO idempotency_keys_0001;
        CREATE TABLE idempotency_keys (
            id INTEGER PRIMARY KEY,
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash BLOB NOT NULL,
            status INTEGER NOT NULL,
            headers TEXT NOT NULL,
            body BLOB NOT NULL,
            created_at_ms INTEGER NOT NULL
        );
        INSERT INTO idempotency_keys (scope, key, request_hash, status, headers, body, created_at_ms)
            SELECT scope, key, request_hash, status, headers, body, created_at_ms
            FROM idempotency_keys_0001 ORDER BY created_at_ms;
        DROP TABLE idempotency_keys_0001;
        CREATE UNIQUE INDEX idempotency_by_key ON idempotency_keys(scope, key);
        CREATE INDEX idempotency_by_age ON idempotency_keys(created_at_ms);

        DROP INDEX producers_by_kind_name;
        DROP INDEX producers_by_name;
        CREATE INDEX producers_by_name ON producers(name_key, id, kind);
        """)
    }
}
