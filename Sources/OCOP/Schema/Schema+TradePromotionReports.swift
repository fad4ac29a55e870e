import SQLite

extension Schema {
    /// Migration 0011_trade_promotion_reports: the trade-promotion reports at scale (1,000 fairs
    /// with 250,000 sales entries, 100,000 products with 200,000 listings) read covering indexes
    /// instead of joining row by row. 0009 has shipped, so this reshapes its tables, keeping data.
    ///
    /// - `fair_sales` repeats its booth's `is_local` and `producer_id` (the booth store rewrites
    ///   them with the booth's exhibitor, in the same transaction): fair totals and producer
    ///   rankings become index scans with no join to the booths — about a third of the time.
    /// - `fair_sale_units` repeats its entry's `day` through a foreign key to `fair_sales(id, day)`
    ///   that cascades a corrected day, so product rankings scan `fair_sale_units_by_day` alone
    ///   (the table is rebuilt: SQLite cannot add a table constraint to an existing table).
    /// - `listing_history` rows carry the day the next row starts (`valid_until`, '9999-12-31'
    ///   while current) and the listing's product and platform (fixed for a listing): the state on
    ///   D is the row with `valid_from <= D < valid_until`, a plain filter instead of a "latest row
    ///   before D" subquery per listing, and coverage reads this table alone (rebuilt likewise).
    static func reshapeTradePromotionForReports(_ db: Connection) throws {
        try db.execute("""
        ALTER TABLE fair_sales ADD COLUMN is_local INTEGER NOT NULL DEFAULT 0 CHECK (is_local IN (0, 1));
        ALTER TABLE fair_sales ADD COLUMN producer_id INTEGER REFERENCES producers(id) ON DELETE RESTRICT
            CHECK (producer_id IS NULL OR is_local = 1);
        UPDATE fair_sales SET (is_local, producer_id) =
            (SELECT b.is_local, b.producer_id FROM fair_booths b WHERE b.id = fair_sales.booth_id);
        CREATE UNIQUE INDEX fair_sales_by_id_day ON fair_sales(id, day);
        DROP INDEX fair_sales_by_day;
        DROP INDEX fair_sales_by_fair;
        CREATE INDEX fair_sales_by_fair ON fair_sales(fair_id, day, is_local, revenue_vnd);
        CREATE INDEX fair_sales_by_producer ON fair_sales(day, producer_id, fair_id, revenue_vnd) WHERE producer_id IS NOT NULL;
        DROP INDEX fair_booths_by_fair;
        CREATE INDEX fair_booths_by_fair ON fair_booths(fair_id, is_local);

        CREATE TABLE fair_sale_units_reshaped (
            sale_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            booth_id INTEGER NOT NULL,
            product_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            units INTEGER NOT NULL CHECK (units >= 0),
            revenue_vnd INTEGER CHECK (revenue_vnd >= 0),
            PRIMARY KEY (sale_id, product_id),
            FOREIGN KEY (sale_id, day) REFERENCES fair_sales(id, day) ON DELETE CASCADE ON UPDATE CASCADE,
            FOREIGN KEY (booth_id, product_id) REFERENCES fair_booth_products(booth_id, product_id) ON DELETE RESTRICT
        ) WITHOUT ROWID;
        INSERT INTO fair_sale_units_reshaped (sale_id, day, booth_id, product_id, position, units, revenue_vnd)
            SELECT u.sale_id, s.day, u.booth_id, u.product_id, u.position, u.units, u.revenue_vnd
            FROM fair_sale_units u JOIN fair_sales s ON s.id = u.sale_id;
        DROP TABLE fair_sale_units;
        ALTER TABLE fair_sale_units_reshaped RENAME TO fair_sale_units;
        CREATE INDEX fair_sale_units_by_booth_product ON fair_sale_units(booth_id, product_id);
        CREATE INDEX fair_sale_units_by_day ON fair_sale_units(day, product_id, units, revenue_vnd);

        CREATE TABLE listing_history_reshaped (
            listing_id INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
            valid_from TEXT NOT NULL,
            valid_until TEXT NOT NULL,
            product_id INTEGER NOT NULL,
            platform_id INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'removed')),
            accepts_non_cash INTEGER NOT NULL CHECK (accepts_non_cash IN (0, 1)),
            PRIMARY KEY (listing_id, valid_from),
            CHECK (valid_from < valid_until)
        ) WITHOUT ROWID;
        INSERT INTO listing_history_reshaped (listing_id, valid_from, valid_until, product_id, platform_id, status,
                                              accepts_non_cash)
            SELECT h.listing_id, h.valid_from,
                   coalesce((SELECT min(x.valid_from) FROM listing_history x
                             WHERE x.listing_id = h.listing_id AND x.valid_from > h.valid_from), '9999-12-31'),
                   l.product_id, l.platform_id, h.status, h.accepts_non_cash
            FROM listing_history h JOIN listings l ON l.id = h.listing_id;
        DROP TABLE listing_history;
        ALTER TABLE listing_history_reshaped RENAME TO listing_history;
        """)
    }
}

extension Schema {
    /// Migration 0015_listings_deleted: a deleted listing keeps its row and history for the
    /// reports ("as of" a past day must not change) but is gone from the API (`ListingStore.delete`).
    static func keepDeletedListings(_ db: Connection) throws {
        try db.execute("ALTER TABLE listings ADD COLUMN deleted_at TEXT")
    }
}
