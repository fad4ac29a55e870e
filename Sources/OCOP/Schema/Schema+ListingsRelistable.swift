import SQLite

extension Schema {
    /// Migration 0023_listings_relistable: one *live* listing per product and platform, so a
    /// product whose listing was deleted can be listed there again. The table's
    /// UNIQUE (product_id, platform_id) also held the deleted listings (kept for the reports since
    /// 0015), which made a DELETE's 204 lock the product out of that platform for good. A UNIQUE
    /// table constraint cannot be dropped in place, so the table is copied
    /// (`Migrator.register(rebuildsTables:)`); the unique index now covers live rows only, and a
    /// plain one on the same columns serves lookups of a product's listings, deleted or not
    /// (the products' foreign key, the resolver, a re-listing's check).
    static func makeListingsRelistable(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE listings_0023 (
            id INTEGER PRIMARY KEY,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
            platform_id INTEGER NOT NULL REFERENCES platforms(id) ON DELETE RESTRICT,
            url TEXT,
            price_vnd INTEGER CHECK (price_vnd >= 0),
            status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'removed')),
            accepts_non_cash INTEGER NOT NULL CHECK (accepts_non_cash IN (0, 1)),
            listed_on TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            deleted_at TEXT
        );
        INSERT INTO listings_0023 (id, product_id, platform_id, url, price_vnd, status, accepts_non_cash, listed_on,
                                   created_at, updated_at, version, deleted_at)
            SELECT id, product_id, platform_id, url, price_vnd, status, accepts_non_cash, listed_on,
                   created_at, updated_at, version, deleted_at
            FROM listings;
        DROP TABLE listings;
        ALTER TABLE listings_0023 RENAME TO listings;
        CREATE INDEX listings_by_platform ON listings(platform_id, id);
        CREATE INDEX listings_by_status ON listings(status, id);
        CREATE INDEX listings_by_product ON listings(product_id, platform_id);
        CREATE UNIQUE INDEX listings_live_once ON listings(product_id, platform_id) WHERE deleted_at IS NULL;
        """)
    }
}
