import JSON
import SQLite

/// The inventory ledger of the points of sale: applies batches of changes all-or-nothing,
/// keeps the materialized level of each (point of sale, product) and appends to the pull feed,
/// all in the caller's transaction (`Database.write`), with the audit entry.
///
/// Cost per batch: one insert per change (the duplicate check is the insert's own conflict,
/// on the 16-byte `change_uuid` index; the row itself is appended in arrival order), and per
/// product named: one read of its label and level together, one level write, one feed
/// append — plus one indexed range sum only when a new count becomes the anchor. No step
/// looks at more than the changes sent, except that sum over the adjustments after a count.
public enum InventoryStore {
    /// Most changes one batch may carry.
    public static let maximumBatch = 1000

    /// Applies `changes` to the point of sale's ledger. A `change_id` already applied is skipped:
    /// `duplicate` with the same content, `duplicateWithOtherContent` with other content or at
    /// another point of sale (refusing the batch instead, as before session 32, left a terminal
    /// that reused an id unable to sync anything after it). Levels follow `InventoryLevelRule`; a product left below
    /// zero refuses the batch (`InventoryError.belowZero`). Field errors are named
    /// `fieldPrefix[i].field`. Throwing leaves the transaction to be rolled back by the caller.
    public static func apply(_ db: Connection, pointOfSaleID: Int64, changes: [InventoryChange],
                             origin: ChangeOrigin = .batch, fieldPrefix: String = "changes",
                             actor: Actor, now: Timestamp) throws -> InventoryBatchResult {
        guard try PointOfSaleStore.exists(db, id: pointOfSaleID) else {
            throw DomainError.notFound(entity: "point_of_sale", id: String(pointOfSaleID))
        }
        var errors: [FieldError] = []
        if changes.isEmpty || changes.count > maximumBatch {
            errors.append(FieldError(fieldPrefix, "must hold 1 to \(maximumBatch) changes"))
        }
        // Repeats inside the batch: the same content is a duplicate of the first, other content an error.
        var outcomes = [ChangeOutcome](repeating: .applied, count: changes.count)
        var firstIndex: [ClientUUID: Int] = [:]
        firstIndex.reserveCapacity(changes.count)
        for (i, change) in changes.enumerated() {
            errors += change.validate(prefix: "\(fieldPrefix)[\(i)]", now: now)
            if let earlier = firstIndex[change.changeID] {
                if change.sameContent(as: changes[earlier]) {
                    outcomes[i] = .duplicate
                } else {
                    errors.append(FieldError("\(fieldPrefix)[\(i)].change_id", "repeats \(fieldPrefix)[\(earlier)].change_id with different content"))
                }
            } else {
                firstIndex[change.changeID] = i
            }
        }
        // Products, each checked once, with their level here: inserting changes does not touch
        // `inventory_levels`, so the level read now is the one the changes move.
        var products: [Int64: (label: (code: String, name: String), current: LevelRow?)] = [:]
        var missing = Set<Int64>()
        for change in changes where change.productID > 0 && products[change.productID] == nil
            && !missing.contains(change.productID) {
            if let product = try productAndLevel(db, pointOfSaleID: pointOfSaleID, productID: change.productID) {
                products[change.productID] = product
            } else {
                missing.insert(change.productID)
            }
        }
        for (i, change) in changes.enumerated() where missing.contains(change.productID) {
            errors.append(FieldError("\(fieldPrefix)[\(i)].product_id", "names no product (\(change.productID))"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }

        // Insert; a conflict on change_id means it was applied before: skipped.
        let recordedAt = now.description
        let saleRowID: Int64? = if case .sale(let id) = origin { id } else { nil }
        var arrivals: [Int64: [InventoryChange]] = [:]
        var arrivalIDs: [Int64: [String]] = [:]
        for (i, change) in changes.enumerated() where outcomes[i] == .applied {
            try db.run(insertChange, bindings(change, pointOfSaleID: pointOfSaleID, saleRowID: saleRowID,
                                              recordedAt: recordedAt, tokenID: actor.tokenID))
            if db.changes == 0 {
                let same = try stored(db, change.changeID).map { $0.pointOfSaleID == pointOfSaleID && $0.change.sameContent(as: change) }
                outcomes[i] = same == true ? .duplicate : .duplicateWithOtherContent
                continue
            }
            arrivals[change.productID, default: []].append(change)
            arrivalIDs[change.productID, default: []].append(change.changeID.text)
        }

        // One recompute per product the batch moved.
        var shortfalls: [StockShortfall] = []
        var levels: [InventoryLevel] = []
        var moved = JSONObject()
        for productID in products.keys.sorted() {
            guard let (product, current) = products[productID] else { continue }
            guard let newChanges = arrivals[productID] else {
                levels.append(level(pointOfSaleID, productID, product, current))
                continue
            }
            let state: StockState
            switch InventoryLevelRule.update(current?.state ?? .empty, with: newChanges) {
            case .state(let next):
                state = next
            case .recount(let key, let count):
                let after = try adjustments(db, pointOfSaleID: pointOfSaleID, productID: productID, after: key)
                state = InventoryLevelRule.recounted(from: key, count: count, adjustmentsAfter: after)
            }
            if state.level < 0 {
                shortfalls.append(StockShortfall(productID: productID, level: state.level))
                continue
            }
            let row = try write(db, pointOfSaleID: pointOfSaleID, productID: productID, state: state, current: current, now: now)
            try db.run(insertFeed, [.integer(pointOfSaleID), .integer(productID), .integer(state.level), .integer(row.version),
                                    .text(jsonArray(arrivalIDs[productID] ?? [])), .text(recordedAt)])
            levels.append(level(pointOfSaleID, productID, product, row))
            moved[String(productID)] = .number(JSONNumber(state.level))
        }
        if !shortfalls.isEmpty { throw InventoryError.belowZero(shortfalls) }

        let result = InventoryBatchResult(outcomes: outcomes, levels: levels)
        if result.appliedCount > 0 {
            let action: String
            switch origin {
            case .batch: action = "apply_changes"
            case .setLevel: action = "set_level"
            case .sale: action = "sale"
            }
            var audit = JSONObject([("applied", .number(JSONNumber(Int64(result.appliedCount)))),
                                    ("duplicates", .number(JSONNumber(Int64(result.duplicateCount))))])
            if let saleRowID { audit["sale"] = .number(JSONNumber(saleRowID)) }
            audit["levels"] = .object(moved)
            try AuditLog.record(db, actor: actor, entity: .inventory, entityID: pointOfSaleID, action: action,
                                changes: audit, at: now)
        }
        return result
    }

    /// Sets a level by recording a physical count at server time, or just after the current
    /// latest count if that is later (compare-and-set on the level's version). `If-Match: *`
    /// matches any level, a never-stocked one (version 0) included, since its GET answers 200
    /// (RFC 9110 §13.1.1); nil (no precondition) matches only a level that exists.
    public static func setLevel(_ db: Connection, pointOfSaleID: Int64, productID: Int64, level: Int64,
                                ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws -> InventoryLevel {
        guard try PointOfSaleStore.exists(db, id: pointOfSaleID) else {
            throw DomainError.notFound(entity: "point_of_sale", id: String(pointOfSaleID))
        }
        guard try productLabel(db, id: productID) != nil else {
            throw DomainError.notFound(entity: "product", id: String(productID))
        }
        let current = try levelRow(db, pointOfSaleID: pointOfSaleID, productID: productID)
        let version = current?.version ?? 0
        try VersionMatch.require(ifVersion, current: version)
        if version == 0 && ifVersion?.ifMatch == nil { throw DomainError.staleVersion(current: 0) }
        if level < 0 || level > InventoryChange.maximumQuantity {
            throw DomainError.invalid("level", "must be an integer from 0 to \(InventoryChange.maximumQuantity)")
        }
        // The count is recorded at server time, but never at or before the product's latest change:
        // two sets in one millisecond, or a device count stamped by a clock running ahead, would
        // otherwise outrank it (ties go by random change id) and the set would silently not take
        // effect; an adjustment stamped ahead of the server's clock would be added on top of the
        // count, and a PUT of 20 would answer 16 (outside audit).
        let anchorMs = max(current?.state.lastCount?.occurredAtMs ?? Int64.min,
                           try latestChangeMs(db, pointOfSaleID: pointOfSaleID, productID: productID,
                                              after: now.millisecondsSinceEpoch) ?? Int64.min)
        let at = now.millisecondsSinceEpoch > anchorMs ? now : Timestamp(millisecondsSinceEpoch: anchorMs + 1)
        let change = InventoryChange(changeID: .random(), productID: productID, occurredAt: at, movement: .count(level))
        let result = try apply(db, pointOfSaleID: pointOfSaleID, changes: [change], origin: .setLevel,
                               fieldPrefix: "level", actor: actor, now: now)
        guard let level = result.levels.first else { throw DomainError.notFound(entity: "product", id: String(productID)) }
        return level
    }

    /// When the product's latest change at the point of sale occurred, if later than `after`
    /// (device time; only clocks running ahead of the server's put one there).
    private static func latestChangeMs(_ db: Connection, pointOfSaleID: Int64, productID: Int64,
                                       after: Int64) throws -> Int64? {
        try db.first("""
            SELECT max(occurred_at_ms) FROM inventory_changes
            WHERE point_of_sale_id = ? AND occurred_at_ms > ? AND product_id = ?
            """, [.integer(pointOfSaleID), .integer(after), .integer(productID)]) { $0.optionalInt64(0) } ?? nil
    }

    // MARK: Rows

    /// A level row as stored.
    struct LevelRow {
        var state: StockState
        var version: Int64
        var createdAt: String
        var updatedAt: String
    }

    static func levelRow(_ db: Connection, pointOfSaleID: Int64, productID: Int64) throws -> LevelRow? {
        try db.first("""
            SELECT level, last_count_at_ms, last_count_change_id, version, created_at, updated_at
            FROM inventory_levels WHERE point_of_sale_id = ? AND product_id = ?
            """, [.integer(pointOfSaleID), .integer(productID)]) { row in
            let anchor = row.isNull(1) ? nil : LedgerKey(occurredAtMs: row.int64(1), changeID: row.string(2))
            return LevelRow(state: StockState(level: row.int64(0), lastCount: anchor), version: row.int64(3),
                            createdAt: row.string(4), updatedAt: row.string(5))
        }
    }

    private static func write(_ db: Connection, pointOfSaleID: Int64, productID: Int64, state: StockState,
                              current: LevelRow?, now: Timestamp) throws -> LevelRow {
        let anchorMs = SQLiteValue(state.lastCount?.occurredAtMs)
        let anchorID = SQLiteValue(state.lastCount?.changeID)
        if let current {
            try db.run("""
                UPDATE inventory_levels SET level = ?, last_count_at_ms = ?, last_count_change_id = ?, updated_at = ?,
                       version = version + 1
                WHERE point_of_sale_id = ? AND product_id = ?
                """, [.integer(state.level), anchorMs, anchorID, .text(now.description), .integer(pointOfSaleID), .integer(productID)])
            return LevelRow(state: state, version: current.version + 1, createdAt: current.createdAt, updatedAt: now.description)
        }
        try db.run("""
            INSERT INTO inventory_levels (point_of_sale_id, product_id, level, last_count_at_ms, last_count_change_id,
                                          created_at, updated_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, 1)
            """, [.integer(pointOfSaleID), .integer(productID), .integer(state.level), anchorMs, anchorID,
                  .text(now.description), .text(now.description)])
        return LevelRow(state: state, version: 1, createdAt: now.description, updatedAt: now.description)
    }

    static func level(_ pointOfSaleID: Int64, _ productID: Int64, _ product: (code: String, name: String),
                      _ row: LevelRow?) -> InventoryLevel {
        InventoryLevel(pointOfSaleID: pointOfSaleID, productID: productID, productCode: product.code,
                       productName: product.name, level: row?.state.level ?? 0,
                       lastCountAt: row?.state.lastCount.map { Timestamp(millisecondsSinceEpoch: $0.occurredAtMs) },
                       createdAt: row.flatMap { Timestamp(rfc3339: $0.createdAt) },
                       updatedAt: row.flatMap { Timestamp(rfc3339: $0.updatedAt) }, version: row?.version ?? 0)
    }

    static func productLabel(_ db: Connection, id: Int64) throws -> (code: String, name: String)? {
        try db.first("SELECT code, name FROM products WHERE id = ?", [.integer(id)]) { ($0.string(0), $0.string(1)) }
    }

    /// A product's label and its level row here, in one statement (nil when no such product).
    static func productAndLevel(_ db: Connection, pointOfSaleID: Int64,
                                productID: Int64) throws -> (label: (code: String, name: String), current: LevelRow?)? {
        try db.first("""
            SELECT p.code, p.name, l.level, l.last_count_at_ms, l.last_count_change_id, l.version, l.created_at, l.updated_at
            FROM products p LEFT JOIN inventory_levels l ON l.point_of_sale_id = ? AND l.product_id = p.id
            WHERE p.id = ?
            """, [.integer(pointOfSaleID), .integer(productID)]) { row in
            var current: LevelRow?
            if !row.isNull(5) {
                let anchor = row.isNull(3) ? nil : LedgerKey(occurredAtMs: row.int64(3), changeID: row.string(4))
                current = LevelRow(state: StockState(level: row.int64(2), lastCount: anchor), version: row.int64(5),
                                   createdAt: row.string(6), updatedAt: row.string(7))
            }
            return ((row.string(0), row.string(1)), current)
        }
    }

    /// The sum of the product's adjustments after `key` in ledger order (`LedgerKey`): the
    /// level rule's one ledger query. `inventory_changes_by_time` holds no change id, so this
    /// is an index-only range scan of the point's later milliseconds plus table reads only for
    /// the count's own millisecond, where the id breaks the tie.
    static func adjustments(_ db: Connection, pointOfSaleID: Int64, productID: Int64, after key: LedgerKey) throws -> Int64 {
        // `key` comes from a change's ClientUUID or a level row this store wrote from one.
        guard let anchor = ClientUUID(key.changeID) else {
            throw DomainError.invalid("change_id", "is not a UUID: \(key.changeID)")
        }
        return try db.first(sumAfter, [.integer(pointOfSaleID), .integer(productID), .integer(key.occurredAtMs),
                                       .blob(anchor.bytes)]) { row in
            InventoryLevelRule.add(row.int64(0), row.int64(1))
        } ?? 0
    }

    /// A change already in the ledger, and the point of sale it belongs to.
    static func stored(_ db: Connection, _ id: ClientUUID) throws -> (pointOfSaleID: Int64, change: InventoryChange)? {
        try db.first("""
            SELECT point_of_sale_id, product_id, occurred_at_ms, kind, quantity, reason
            FROM inventory_changes WHERE change_uuid = ?
            """, [.blob(id.bytes)]) { row -> (Int64, InventoryChange)? in
            let movement: StockMovement
            if row.string(3) == "count" {
                movement = .count(row.int64(4))
            } else {
                guard let reason = AdjustReason(rawValue: row.string(5)) else { return nil }
                movement = .adjust(row.int64(4), reason)
            }
            return (row.int64(0), InventoryChange(changeID: id, productID: row.int64(1),
                                                  occurredAt: Timestamp(millisecondsSinceEpoch: row.int64(2)), movement: movement))
        } ?? nil
    }

    static let insertChange = """
        INSERT INTO inventory_changes (change_uuid, point_of_sale_id, product_id, occurred_at, occurred_at_ms, kind, quantity,
                                       reason, sale_id, recorded_at, token_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (change_uuid) DO NOTHING
        """

    /// The two halves of `adjustments(after:)`: later milliseconds (index only; other products'
    /// entries in the range are skipped inside the index), then the count's millisecond with a
    /// greater id (`change_uuid` bytes sort as the id text does).
    static let sumAfter = """
        SELECT
            (SELECT coalesce(sum(quantity), 0) FROM inventory_changes
             WHERE point_of_sale_id = ?1 AND occurred_at_ms > ?3 AND product_id = ?2 AND kind = 'adjust'),
            (SELECT coalesce(sum(quantity), 0) FROM inventory_changes
             WHERE point_of_sale_id = ?1 AND occurred_at_ms = ?3 AND product_id = ?2 AND kind = 'adjust' AND change_uuid > ?4)
        """

    static let insertFeed = """
        INSERT INTO inventory_feed (point_of_sale_id, product_id, level, version, change_ids, at) VALUES (?, ?, ?, ?, ?, ?)
        """

    private static func bindings(_ change: InventoryChange, pointOfSaleID: Int64, saleRowID: Int64?,
                                 recordedAt: String, tokenID: Int64?) -> [SQLiteValue] {
        let kind: String, quantity: Int64, reason: String?
        switch change.movement {
        case .count(let n): (kind, quantity, reason) = ("count", n, nil)
        case .adjust(let delta, let why): (kind, quantity, reason) = ("adjust", delta, why.rawValue)
        }
        // The device's own text (with its offset) is kept for the record; order uses the instant.
        let occurredAt = change.occurredAt.rfc3339(utcOffsetSeconds: change.occurredAt.utcOffsetSeconds ?? 0)
        return [.blob(change.changeID.bytes), .integer(pointOfSaleID), .integer(change.productID), .text(occurredAt),
                .integer(change.occurredAt.millisecondsSinceEpoch), .text(kind), .integer(quantity), SQLiteValue(reason),
                SQLiteValue(saleRowID), .text(recordedAt), SQLiteValue(tokenID)]
    }

    /// `["id1","id2"]`: UUID text needs no escaping.
    static func jsonArray(_ ids: [String]) -> String {
        "[" + ids.map { "\"" + $0 + "\"" }.joined(separator: ",") + "]"
    }
}

extension InventoryStore {
    /// The product's code or name changed: every level of it shows them, so each level's version
    /// grows (its ETag must not revalidate a copy with the old name). Its stock is unchanged, so
    /// nothing enters the ledger or the feed; a terminal's `If-Match` from before gets a 412
    /// and reads the level again, as after any change.
    static func productRenamed(_ db: Connection, productID: Int64, now: Timestamp) throws {
        try db.run("UPDATE inventory_levels SET updated_at = ?, version = version + 1 WHERE product_id = ?",
                   [.text(now.description), .integer(productID)])
    }
}
