import JSON
import SQLite

/// Reads and writes products' low-stock thresholds (`stock_thresholds`), audited as changes
/// of the product, in the caller's transaction.
public enum StockThresholdStore {
    /// The threshold of a product (the default when none is set); nil when there is no such product.
    public static func get(_ db: Connection, productID: Int64) throws -> StockThreshold? {
        guard try db.first("SELECT 1 FROM products WHERE id = ?", [.integer(productID)], { _ in true }) == true else {
            return nil
        }
        return try db.first("""
            SELECT low_stock_threshold, created_at, updated_at, version FROM stock_thresholds WHERE product_id = ?
            """, [.integer(productID)]) { row in
            StockThreshold(productID: productID, value: row.optionalInt64(0) ?? StockThreshold.defaultValue,
                           isDefault: row.isNull(0), createdAt: row.timestamp(1),
                           updatedAt: row.timestamp(2), version: row.int64(3))
        } ?? .neverSet(productID: productID)
    }

    /// Sets the threshold (`value`), or puts the product back on the default (`nil`).
    /// `ifVersion` is the threshold's version from `If-Match` (0: never set); nil writes
    /// unconditionally. Asking for what is already in force changes nothing and audits nothing.
    public static func set(_ db: Connection, productID: Int64, value: Int64?, ifVersion: VersionMatch?,
                           actor: Actor, now: Timestamp) throws -> StockThreshold {
        guard let current = try get(db, productID: productID) else {
            throw DomainError.notFound(entity: "product", id: String(productID))
        }
        try VersionMatch.require(ifVersion, current: current.version)
        if let value, let error = StockThreshold.validate(value) { throw DomainError.invalid([error]) }
        if current.isDefault == (value == nil) && (value == nil || value == current.value) { return current }
        try db.run("""
            INSERT INTO stock_thresholds (product_id, low_stock_threshold, created_at, updated_at, version)
            VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (product_id) DO UPDATE SET low_stock_threshold = excluded.low_stock_threshold,
                updated_at = excluded.updated_at, version = version + 1
            """, [.integer(productID), SQLiteValue(value), .text(now.description), .text(now.description)])
        let new = try get(db, productID: productID) ?? current
        try AuditLog.record(db, actor: actor, entity: .product, entityID: productID,
                            action: value == nil ? "reset_low_stock_threshold" : "set_low_stock_threshold",
                            changes: JSONObject([
                                ("low_stock_threshold", .object(JSONObject([("from", describe(current)), ("to", describe(new))]))),
                            ]), at: now)
        return new
    }

    /// A threshold in the audit log: its value, or null while on the default.
    private static func describe(_ threshold: StockThreshold) -> JSONValue {
        threshold.isDefault ? .null : .number(JSONNumber(threshold.value))
    }
}
