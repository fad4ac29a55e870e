import SQLite

extension Schema {
    /// Migration 0008_points_of_sale (issue #4): the registry of points of sale, the inventory
    /// ledger with its materialized levels and pull feed, and sales.
    ///
    /// - `points_of_sale.id` is AUTOINCREMENT so an id is never reused: revoked `pos` tokens and
    ///   audit entries keep naming the point of sale they were about, never a later one.
    /// - `inventory_changes` is the ledger, keyed by the client's `change_id` (the idempotency
    ///   key of a change). Its one secondary index covers the level rule's query — a product's
    ///   adjustments after its last count — so a recount is a range scan of index entries only.
    ///   `product_id` carries no FOREIGN KEY: a product delete would then scan the whole ledger
    ///   (nothing indexes it by product alone); `inventory_levels` has a row for every product
    ///   with ledger entries and its indexed FK is what stops such a product being deleted.
    /// - `inventory_levels` holds the current level per (point of sale, product), recomputed in
    ///   the same transaction as the changes that move it; `level >= 0` is the below-zero rule.
    /// - `inventory_feed` is append-only; AUTOINCREMENT makes `seq` strictly grow and never be
    ///   reused, so a terminal's cursor stays meaningful forever.
    /// - `sales.sold_on` is the calendar day in Asia/Ho_Chi_Minh, for daily reports.
    static func createPointsOfSale(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE points_of_sale (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('ocop_center', 'store', 'kiosk', 'online')),
            commune TEXT,
            district TEXT,
            address TEXT,
            opened_on TEXT,
            manager TEXT,
            phone TEXT,
            has_ocop_sign INTEGER NOT NULL CHECK (has_ocop_sign IN (0, 1)),
            has_shelves INTEGER NOT NULL CHECK (has_shelves IN (0, 1)),
            has_price_list INTEGER NOT NULL CHECK (has_price_list IN (0, 1)),
            channels TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX points_of_sale_by_district ON points_of_sale(district, id);
        CREATE VIRTUAL TABLE points_of_sale_search USING fts5(folded, tokenize = 'unicode61 remove_diacritics 0');

        CREATE TABLE sales (
            id INTEGER PRIMARY KEY,
            sale_id TEXT NOT NULL UNIQUE,
            point_of_sale_id INTEGER NOT NULL REFERENCES points_of_sale(id) ON DELETE RESTRICT,
            sold_at TEXT NOT NULL,
            sold_at_ms INTEGER NOT NULL,
            sold_on TEXT NOT NULL,
            payment TEXT NOT NULL CHECK (payment IN ('cash', 'card', 'bank_transfer', 'e_wallet')),
            units INTEGER NOT NULL CHECK (units > 0),
            total_vnd INTEGER NOT NULL CHECK (total_vnd >= 0),
            token_id INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX sales_by_point_of_sale ON sales(point_of_sale_id, sold_at_ms, id);
        CREATE INDEX sales_by_day ON sales(sold_on, point_of_sale_id);
        CREATE TABLE sale_lines (
            sale_id INTEGER NOT NULL REFERENCES sales(id) ON DELETE CASCADE,
            line INTEGER NOT NULL CHECK (line >= 1),
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            unit_price_vnd INTEGER NOT NULL CHECK (unit_price_vnd >= 0),
            amount_vnd INTEGER NOT NULL CHECK (amount_vnd >= 0),
            PRIMARY KEY (sale_id, line)
        ) WITHOUT ROWID;
        CREATE INDEX sale_lines_by_product ON sale_lines(product_id);

        CREATE TABLE inventory_changes (
            change_id TEXT PRIMARY KEY,
            point_of_sale_id INTEGER NOT NULL REFERENCES points_of_sale(id) ON DELETE RESTRICT,
            product_id INTEGER NOT NULL,
            occurred_at TEXT NOT NULL,
            occurred_at_ms INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('count', 'adjust')),
            quantity INTEGER NOT NULL,
            reason TEXT CHECK (reason IN ('received', 'sold', 'returned', 'damaged', 'expired', 'transfer_in', 'transfer_out')),
            sale_id INTEGER REFERENCES sales(id) ON DELETE RESTRICT,
            recorded_at TEXT NOT NULL,
            token_id INTEGER,
            CHECK ((kind = 'count') = (reason IS NULL)),
            CHECK (kind = 'adjust' OR quantity >= 0),
            CHECK (kind = 'count' OR quantity <> 0)
        ) WITHOUT ROWID;
        CREATE INDEX inventory_changes_by_product
            ON inventory_changes(point_of_sale_id, product_id, kind, occurred_at_ms, change_id, quantity);

        CREATE TABLE inventory_levels (
            point_of_sale_id INTEGER NOT NULL REFERENCES points_of_sale(id) ON DELETE RESTRICT,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
            level INTEGER NOT NULL CHECK (level >= 0),
            last_count_at_ms INTEGER,
            last_count_change_id TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (point_of_sale_id, product_id),
            CHECK ((last_count_at_ms IS NULL) = (last_count_change_id IS NULL))
        ) WITHOUT ROWID;
        CREATE INDEX inventory_levels_by_product ON inventory_levels(product_id);

        CREATE TABLE inventory_feed (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            point_of_sale_id INTEGER NOT NULL REFERENCES points_of_sale(id) ON DELETE RESTRICT,
            product_id INTEGER NOT NULL,
            level INTEGER NOT NULL,
            version INTEGER NOT NULL,
            change_ids TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX inventory_feed_by_point_of_sale ON inventory_feed(point_of_sale_id, seq);
        """)
    }
}
