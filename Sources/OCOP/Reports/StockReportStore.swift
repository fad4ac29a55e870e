import SQLite

/// The stock report: products out or low at the points of sale, read from the materialized
/// levels (never the ledger), so its cost is one pass over the levels in key order.
public enum StockReportStore {
    static let cursorSort = "stock"

    /// A page of alerts in (point of sale, product) order.
    ///
    /// Plan: `inventory_levels` is walked in its primary-key order — from the cursor, within
    /// one point of sale when filtered — and each row is kept when its level is at or below the
    /// product's threshold (a primary-key probe of `stock_thresholds`); the two lookups of names
    /// are primary-key probes too. A page therefore costs the rows it skips plus its own, and the
    /// skipped rows are the well-stocked ones, which no index on `level` could avoid when the
    /// threshold varies by product.
    public static func list(_ db: Connection, _ query: StockReportQuery) throws -> Page<StockAlert> {
        var conditions = ["l.level <= coalesce(t.low_stock_threshold, ?)"]
        var params: [SQLiteValue] = [.integer(StockThreshold.defaultValue)]
        if let pointOfSaleID = query.pointOfSaleID {
            conditions.append("l.point_of_sale_id = ?")
            params.append(.integer(pointOfSaleID))
        }
        switch query.status {
        case .out?: conditions.append("l.level = 0")
        case .low?: conditions.append("l.level > 0")
        case nil: break
        }
        if let cursor = query.cursor {
            guard cursor.sort == cursorSort, cursor.values.count == 2, let point = Int64(cursor.values[0]),
                  let product = Int64(cursor.values[1]) else {
                throw DomainError.badCursor
            }
            conditions.append("(l.point_of_sale_id, l.product_id) > (?, ?)")
            params += [.integer(point), .integer(product)]
        }
        params.append(.integer(query.limit.rowsToFetch))
        let items = try db.all("""
            SELECT l.point_of_sale_id, s.code, s.name, l.product_id, p.code, p.name, l.level,
                   coalesce(t.low_stock_threshold, ?), l.updated_at
            FROM inventory_levels l
            LEFT JOIN stock_thresholds t ON t.product_id = l.product_id
            JOIN points_of_sale s ON s.id = l.point_of_sale_id AND s.archived_on IS NULL
            JOIN products p ON p.id = l.product_id
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY l.point_of_sale_id, l.product_id
            LIMIT ?
            """, [.integer(StockThreshold.defaultValue)] + params) { row -> StockAlert in
            let level = row.int64(6), threshold = row.int64(7)
            return StockAlert(pointOfSaleID: row.int64(0), pointOfSaleCode: row.string(1), pointOfSaleName: row.string(2),
                              productID: row.int64(3), productCode: row.string(4), productName: row.string(5),
                              level: level, threshold: threshold,
                              status: StockStatus.of(level: level, threshold: threshold) ?? .low,
                              updatedAt: row.timestamp(8))
        }
        return Page(fetched: items, limit: query.limit) { Cursor(sort: cursorSort, values: [String($0.pointOfSaleID), String($0.productID)]).encoded }
    }
}
