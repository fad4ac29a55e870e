import SQLite

extension Schema {
    /// Migration 0019_product_groups_dated: the product groups carry `created_at`, `updated_at`
    /// and `version` like every other item (API.md, Conventions), so a client that reads those
    /// three from any item finds them here too.
    ///
    /// The groups were seeded by 0003_products, so that is when they were created and last
    /// changed; its `applied_at` is copied (the instant this migration runs only when that record
    /// is missing, which the migrator never leaves). An amendment of Decision 148 loaded as data
    /// later must move `updated_at` and `version` with it.
    static func dateProductGroups(_ db: Connection) throws {
        try db.execute("""
        ALTER TABLE product_groups ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
        ALTER TABLE product_groups ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
        ALTER TABLE product_groups ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        UPDATE product_groups SET created_at = coalesce(
            (SELECT applied_at FROM schema_migrations WHERE name = '0003_products'),
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        UPDATE product_groups SET updated_at = created_at;
        """)
    }
}
