import SQLite

extension Schema {
    /// Tokens of role `booth`, bound to one fair booth as `pos` tokens are to a point of sale.
    ///
    /// A CHECK constraint cannot be altered in place, so the table is rebuilt (lang_altertable.html
    /// §7): same ids, secrets, hints and history. Nothing references `tokens` by foreign key (audit
    /// entries keep the token id as a plain value), so dropping the old table breaks nothing.
    /// No foreign key to `fair_booths` either: a booth is deleted only once its tokens are revoked
    /// (`BoothStore.delete` checks), and booth ids are never reused (0014), so a revoked token
    /// naming a deleted booth reaches nothing.
    static func addBoothTokens(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE tokens_0016 (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'pos', 'booth')),
            point_of_sale_id INTEGER,
            secret_hash BLOB NOT NULL UNIQUE,
            hint TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            revoked_at TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            fair_booth_id INTEGER,
            CHECK ((role = 'pos') = (point_of_sale_id IS NOT NULL)),
            CHECK ((role = 'booth') = (fair_booth_id IS NOT NULL))
        );
        INSERT INTO tokens_0016 (id, name, role, point_of_sale_id, secret_hash, hint, created_at, updated_at,
                                 revoked_at, version)
            SELECT id, name, role, point_of_sale_id, secret_hash, hint, created_at, updated_at, revoked_at, version
            FROM tokens;
        DROP TABLE tokens;
        ALTER TABLE tokens_0016 RENAME TO tokens;
        """)
    }
}
