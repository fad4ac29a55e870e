import SQLite

extension Schema {
    /// Migration 0009_trade_promotion (issue #5): fairs with their booths and daily sales, and
    /// e-commerce platforms with product listings and the listings' dated history.
    ///
    /// - A booth is either one of our producers or an outside exhibitor; the CHECKs make any
    ///   mixture unstorable. `is_local` is derived from the province when the booth is written
    ///   (our producers are always local) and stored so reports can sum by it without folding text.
    /// - A sales entry is one booth's takings on one day (UNIQUE): a second one for the same day is
    ///   a conflict, corrected in place. `fair_id` repeats the booth's fair (a booth never moves)
    ///   so a period's takings are a range scan of `fair_sales_by_day` alone.
    /// - Per-product lines may only name products the booth shows: the composite foreign key to
    ///   `fair_booth_products` makes that structural, and stops a product being dropped from a
    ///   booth while sales lines still name it.
    /// - `listing_history` holds what a listing's status and non-cash acceptance were from each
    ///   day on; the first row is `listed_on`. `listings.status`/`accepts_non_cash` repeat the
    ///   latest row, for list filters. Reports "as of" a day read the history, never those columns.
    static func createTradePromotion(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE fairs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('provincial_fair', 'local_fair', 'product_week',
                                               'domestic_programme', 'international_programme')),
            starts_on TEXT NOT NULL,
            ends_on TEXT NOT NULL,
            venue TEXT,
            commune TEXT,
            district TEXT,
            province TEXT NOT NULL,
            organizer TEXT,
            visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            CHECK (starts_on <= ends_on)
        );
        CREATE INDEX fairs_by_start ON fairs(starts_on, id);
        CREATE INDEX fairs_by_kind ON fairs(kind, starts_on, id);
        CREATE VIRTUAL TABLE fairs_search USING fts5(folded, tokenize = 'unicode61 remove_diacritics 0');
        CREATE TABLE fair_booths (
            id INTEGER PRIMARY KEY,
            fair_id INTEGER NOT NULL REFERENCES fairs(id) ON DELETE RESTRICT,
            producer_id INTEGER REFERENCES producers(id) ON DELETE RESTRICT,
            exhibitor_name TEXT,
            province TEXT,
            is_local INTEGER NOT NULL CHECK (is_local IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            CHECK ((producer_id IS NULL) <> (exhibitor_name IS NULL)),
            CHECK ((exhibitor_name IS NULL) = (province IS NULL)),
            CHECK (producer_id IS NULL OR is_local = 1)
        );
        CREATE INDEX fair_booths_by_fair ON fair_booths(fair_id, id);
        CREATE UNIQUE INDEX fair_booths_one_per_producer ON fair_booths(fair_id, producer_id) WHERE producer_id IS NOT NULL;
        CREATE INDEX fair_booths_by_producer ON fair_booths(producer_id) WHERE producer_id IS NOT NULL;
        CREATE TABLE fair_booth_products (
            booth_id INTEGER NOT NULL REFERENCES fair_booths(id) ON DELETE CASCADE,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
            position INTEGER NOT NULL,
            PRIMARY KEY (booth_id, product_id)
        ) WITHOUT ROWID;
        CREATE INDEX fair_booth_products_by_product ON fair_booth_products(product_id);
        CREATE TABLE fair_sales (
            id INTEGER PRIMARY KEY,
            fair_id INTEGER NOT NULL REFERENCES fairs(id) ON DELETE RESTRICT,
            booth_id INTEGER NOT NULL REFERENCES fair_booths(id) ON DELETE RESTRICT,
            day TEXT NOT NULL,
            revenue_vnd INTEGER NOT NULL CHECK (revenue_vnd >= 0),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            UNIQUE (booth_id, day)
        );
        CREATE INDEX fair_sales_by_day ON fair_sales(day, booth_id, revenue_vnd);
        CREATE INDEX fair_sales_by_fair ON fair_sales(fair_id, day);
        CREATE TABLE fair_sale_units (
            sale_id INTEGER NOT NULL REFERENCES fair_sales(id) ON DELETE CASCADE,
            booth_id INTEGER NOT NULL,
            product_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            units INTEGER NOT NULL CHECK (units >= 0),
            revenue_vnd INTEGER CHECK (revenue_vnd >= 0),
            PRIMARY KEY (sale_id, product_id),
            FOREIGN KEY (booth_id, product_id) REFERENCES fair_booth_products(booth_id, product_id) ON DELETE RESTRICT
        ) WITHOUT ROWID;
        CREATE INDEX fair_sale_units_by_booth_product ON fair_sale_units(booth_id, product_id);
        CREATE TABLE platforms (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            url TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('provincial', 'national', 'marketplace', 'social')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE listings (
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
            UNIQUE (product_id, platform_id)
        );
        CREATE INDEX listings_by_platform ON listings(platform_id, id);
        CREATE INDEX listings_by_status ON listings(status, id);
        CREATE TABLE listing_history (
            listing_id INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
            valid_from TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'removed')),
            accepts_non_cash INTEGER NOT NULL CHECK (accepts_non_cash IN (0, 1)),
            PRIMARY KEY (listing_id, valid_from)
        ) WITHOUT ROWID;
        """)
        // The province's own platform and the two national ones the programme reports on
        // (DOMAIN.md "E-commerce"). Seed rows carry the migration's time; the province's URL is
        // left for the office to fill in rather than guessed.
        let now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
        for (code, name, url, kind) in Self.seedPlatforms {
            try db.run("""
                INSERT INTO platforms (code, name, url, kind, created_at, updated_at) VALUES (?, ?, ?, ?, \(now), \(now))
                """, [.text(code), .text(name), SQLiteValue(url), .text(kind)])
        }
    }

    /// (code, name, url, kind) of the platforms every database starts with.
    static let seedPlatforms: [(String, String, String?, String)] = [
        ("province_ocop", "Sàn TMĐT OCOP Quảng Ninh", nil, "provincial"),
        ("voso", "Voso.vn", "https://voso.vn", "national"),
        ("postmart", "Postmart.vn", "https://postmart.vn", "national"),
    ]
}
