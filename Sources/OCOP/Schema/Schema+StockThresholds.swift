import SQLite

extension Schema {
    /// Migration 0010_stock_thresholds (issue #4, stock report): the low-stock threshold of a
    /// product, where an officer set one. A product without a row uses
    /// `StockThreshold.defaultValue`, so changing that constant moves every product still on the
    /// default and no row has to be written for the thousands that never get one.
    ///
    /// A table of its own rather than a column on `products`: the threshold is an operational
    /// setting of the points of sale, not part of the catalogue entry, so setting it must not bump
    /// the product's version (a dashboard's `If-Match` on the product stays valid). The row goes
    /// with its product (`ON DELETE CASCADE`): a threshold of a product that no longer exists means nothing.
    /// Resetting to the default keeps the row with a NULL threshold, so `version` keeps growing and
    /// an old `If-Match` can never match a later state.
    static func createStockThresholds(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE stock_thresholds (
            product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
            low_stock_threshold INTEGER CHECK (low_stock_threshold BETWEEN 0 AND 1000000000),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        """)
    }
}
