import JSON
import SQLite

extension InventoryStore {
    /// The level of one product at a point of sale; version 0 and level 0 when it never had
    /// stock there. nil when the product does not exist.
    public static func level(_ db: Connection, pointOfSaleID: Int64, productID: Int64) throws -> InventoryLevel? {
        guard let product = try productLabel(db, id: productID) else { return nil }
        let row = try levelRow(db, pointOfSaleID: pointOfSaleID, productID: productID)
        return level(pointOfSaleID, productID, product, row)
    }

    /// The levels of a point of sale by product id (keyset paging: `after` is the last product id seen).
    public static func levels(_ db: Connection, pointOfSaleID: Int64, limit: PageSize, after: Int64?) throws -> Page<InventoryLevel> {
        let items = try db.all("""
            SELECT l.product_id, p.code, p.name, l.level, l.last_count_at_ms, l.created_at, l.updated_at, l.version
            FROM inventory_levels l JOIN products p ON p.id = l.product_id
            WHERE l.point_of_sale_id = ? AND l.product_id > ?
            ORDER BY l.product_id LIMIT ?
            """, [.integer(pointOfSaleID), .integer(after ?? 0), .integer(limit.rowsToFetch)]) { row in
            InventoryLevel(pointOfSaleID: pointOfSaleID, productID: row.int64(0), productCode: row.string(1),
                           productName: row.string(2), level: row.int64(3),
                           lastCountAt: row.optionalInt64(4).map { Timestamp(millisecondsSinceEpoch: $0) },
                           createdAt: row.timestamp(5), updatedAt: row.timestamp(6),
                           version: row.int64(7))
        }
        return Page(fetched: items, limit: limit) { Cursor(sort: "product_id", values: [String($0.productID)]).encoded }
    }

    /// Whether `seq` is a cursor the point of sale's feed can have given out: 0 (its start) or one
    /// of its entries (entries are never removed). A cursor past the end, or one of another
    /// point's entries, would page on silently and skip what came before the seq it names.
    public static func feedCursorExists(_ db: Connection, pointOfSaleID: Int64, seq: Int64) throws -> Bool {
        if seq == 0 { return true }
        return try db.scalarInt("SELECT EXISTS (SELECT 1 FROM inventory_feed WHERE point_of_sale_id = ? AND seq = ?)",
                                [.integer(pointOfSaleID), .integer(seq)]) == 1
    }

    /// Feed entries of a point of sale after `afterSeq`, oldest first. The page's `lastSeq`
    /// is the cursor to keep: the last entry's seq, or `afterSeq` itself when nothing is new.
    public static func feed(_ db: Connection, pointOfSaleID: Int64, afterSeq: Int64, limit: Int) throws -> InventoryFeedPage {
        var entries = try db.all("""
            SELECT seq, product_id, level, version, change_ids, at FROM inventory_feed
            WHERE point_of_sale_id = ? AND seq > ? ORDER BY seq LIMIT ?
            """, [.integer(pointOfSaleID), .integer(afterSeq), .integer(Int64(limit + 1))]) { row in
            InventoryFeedEntry(seq: row.int64(0), productID: row.int64(1), level: row.int64(2), version: row.int64(3),
                               changeIDs: (try? JSONValue.parse(row.string(4)))?.arrayValue?.compactMap(\.stringValue) ?? [],
                               at: row.timestamp(5) ?? Timestamp(millisecondsSinceEpoch: 0))
        }
        let hasMore = entries.count > limit
        if hasMore { entries.removeLast() }
        return InventoryFeedPage(entries: entries, lastSeq: entries.last?.seq ?? afterSeq, hasMore: hasMore)
    }

    /// A materialized level that disagrees with the level rule applied to the whole ledger.
    public struct LevelMismatch: Sendable, Equatable {
        public let pointOfSaleID: Int64
        public let productID: Int64
        /// nil when the ledger has changes but no level row exists.
        public let stored: Int64?
        public let computed: Int64

        public init(pointOfSaleID: Int64, productID: Int64, stored: Int64?, computed: Int64) {
            self.pointOfSaleID = pointOfSaleID
            self.productID = productID
            self.stored = stored
            self.computed = computed
        }
    }

    /// Recomputes every level from the ledger by the rule's definition and lists the ones the
    /// materialized table gets wrong (none, unless something is broken): the check a crash
    /// test runs after restarts, and an operator can run at any time.
    public static func verifyLevels(_ db: Connection) throws -> [LevelMismatch] {
        var ledger: [[Int64]: [InventoryChange]] = [:]
        try db.query("""
            SELECT point_of_sale_id, product_id, change_uuid, occurred_at_ms, kind, quantity, reason FROM inventory_changes
            """) { row in
            guard let id = ClientUUID(stored: row.blob(2)) else { return }
            let movement: StockMovement = row.string(4) == "count"
                ? .count(row.int64(5)) : .adjust(row.int64(5), AdjustReason(rawValue: row.string(6)) ?? .received)
            ledger[[row.int64(0), row.int64(1)], default: []].append(InventoryChange(
                changeID: id, productID: row.int64(1), occurredAt: Timestamp(millisecondsSinceEpoch: row.int64(3)),
                movement: movement))
        }
        var stored: [[Int64]: Int64] = [:]
        try db.query("SELECT point_of_sale_id, product_id, level FROM inventory_levels") { row in
            stored[[row.int64(0), row.int64(1)]] = row.int64(2)
        }
        var mismatches: [LevelMismatch] = []
        for key in Set(ledger.keys).union(stored.keys).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let computed = InventoryLevelRule.state(of: ledger[key] ?? []).level
            if stored[key] != computed {
                mismatches.append(LevelMismatch(pointOfSaleID: key[0], productID: key[1], stored: stored[key], computed: computed))
            }
        }
        return mismatches
    }
}
