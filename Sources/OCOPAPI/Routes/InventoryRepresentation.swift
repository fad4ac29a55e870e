import JSON
import OCOP

/// The JSON shapes of the inventory ledger: batches in, results, levels and the feed out.
enum InventoryRepresentation {
    /// Reads `{"changes": [...]}`. Each change is read in one pass over its members (a batch
    /// holds up to 1,000), collecting every error as `changes[i].field`.
    static func changes(from object: JSONObject) throws(Problem) -> [InventoryChange] {
        var errors: [FieldError] = []
        for key in object.keys where key != "changes" { errors.append(FieldError(key, "is not a known field")) }
        guard let elements = object["changes"]?.arrayValue else {
            errors.append(FieldError("changes", "is required: an array of 1 to \(InventoryStore.maximumBatch) changes"))
            throw Problem.validation(errors)
        }
        if elements.isEmpty || elements.count > InventoryStore.maximumBatch {
            errors.append(FieldError("changes", "must hold 1 to \(InventoryStore.maximumBatch) changes, not \(elements.count)"))
            throw Problem.validation(errors)
        }
        var changes: [InventoryChange] = []
        changes.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            if let change = change(element, prefix: "changes[\(i)]", errors: &errors) { changes.append(change) }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        return changes
    }

    /// Each change's `change_id` as the terminal wrote it, for a body `changes(from:)` accepted.
    /// The ledger keeps the canonical lower-case form; the answer echoes the sent one, so a
    /// terminal that makes upper-case ids (Foundation's `uuidString`) finds its own by comparing text.
    static func sentChangeIDs(_ object: JSONObject) -> [String] {
        (object["changes"]?.arrayValue ?? []).map { $0.objectValue?["change_id"]?.stringValue ?? "" }
    }

    private static func change(_ element: JSONValue, prefix: String, errors: inout [FieldError]) -> InventoryChange? {
        guard let object = element.objectValue else {
            errors.append(FieldError(prefix, "must be an object {change_id, product_id, occurred_at, count | adjust + reason}"))
            return nil
        }
        var changeID: ClientUUID?, productID: Int64?, occurredAt: Timestamp?
        var count: Int64?, adjust: Int64?, reason: AdjustReason?
        var sawCount = false, sawAdjust = false, sawReason = false
        let before = errors.count
        func fail(_ field: String, _ message: String) { errors.append(FieldError(prefix + "." + field, message)) }
        for (key, value) in object {
            switch key {
            case "change_id":
                changeID = value.stringValue.flatMap(ClientUUID.init)
                if changeID == nil { fail(key, "must be a UUID like 3f2b6c1e-9a7d-4e2f-8b1a-0c5d7e9f1a2b") }
            case "product_id":
                productID = value.int64Value
                if productID.map({ $0 < 1 }) ?? true { fail(key, "must be a positive integer id") }
            case "occurred_at":
                occurredAt = value.stringValue.flatMap { Timestamp(rfc3339: $0) }
                if occurredAt == nil { fail(key, "must be an RFC 3339 date-time with an offset, like 2025-03-08T09:15:00+07:00") }
            case "count":
                sawCount = true
                count = value.int64Value
                if count == nil { fail(key, "must be an integer ≥ 0") }
            case "adjust":
                sawAdjust = true
                adjust = value.int64Value
                if adjust == nil { fail(key, "must be a non-zero integer") }
            case "reason":
                sawReason = true
                reason = value.stringValue.flatMap(AdjustReason.init(rawValue:))
                if reason == nil { fail(key, "must be one of \(AdjustReason.allCases.map(\.rawValue).joined(separator: ", "))") }
            default:
                fail(key, "is not a known field")
            }
        }
        for key in ["change_id", "product_id", "occurred_at"] where object[key] == nil { fail(key, "is required") }
        switch (sawCount, sawAdjust) {
        case (true, true): fail("count", "give either count (a physical count) or adjust (a delta), not both")
        case (false, false): fail("count", "is required, or adjust with a reason")
        case (true, false): if sawReason { fail("reason", "goes with adjust, not with count") }
        case (false, true): if !sawReason { fail("reason", "is required with adjust") }
        }
        guard errors.count == before, let changeID, let productID, let occurredAt else { return nil }
        let movement: StockMovement
        if let count { movement = .count(count) }
        else if let adjust, let reason { movement = .adjust(adjust, reason) }
        else { return nil }
        return InventoryChange(changeID: changeID, productID: productID, occurredAt: occurredAt, movement: movement)
    }

    /// The 200 answer to a batch: per change outcomes in the order sent, and resulting levels.
    static func write(_ result: InventoryBatchResult, sentChangeIDs: [String], pointOfSaleID: Int64) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + sentChangeIDs.count * 80 + result.levels.count * 256)
        writer.beginObject()
        writer.field("point_of_sale_id", pointOfSaleID)
        writer.field("applied", result.appliedCount)
        writer.field("duplicates", result.duplicateCount)
        writer.key("results")
        writer.beginArray()
        for (changeID, outcome) in zip(sentChangeIDs, result.outcomes) {
            writer.beginObject()
            writer.field("change_id", changeID)
            writer.field("outcome", outcome == .applied ? "applied" : "duplicate")
            if outcome == .duplicateWithOtherContent { writer.field("content_differs", true) }
            writer.endObject()
        }
        writer.endArray()
        writer.key("levels")
        writer.beginArray()
        for level in result.levels { write(level, to: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    static func write(_ level: InventoryLevel, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("point_of_sale_id", level.pointOfSaleID)
        writer.field("product_id", level.productID)
        writer.field("product_code", level.productCode)
        writer.field("product_name", level.productName)
        writer.field("level", level.level)
        writer.field("last_count_at", level.lastCountAt)
        writer.field("created_at", level.createdAt)
        writer.field("updated_at", level.updatedAt)
        writer.field("version", level.version)
        writer.endObject()
    }

    static func write(_ page: InventoryFeedPage, nextCursor: String, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("items")
        writer.beginArray()
        for entry in page.entries {
            writer.beginObject()
            writer.field("seq", entry.seq)
            writer.field("product_id", entry.productID)
            writer.field("level", entry.level)
            writer.field("version", entry.version)
            writer.key("change_ids")
            writer.beginArray()
            for id in entry.changeIDs { writer.string(id) }
            writer.endArray()
            writer.field("at", entry.at)
            writer.endObject()
        }
        writer.endArray()
        writer.field("next_cursor", nextCursor)
        writer.field("has_more", page.hasMore)
        writer.endObject()
    }

    /// The feed cursor: the point of sale and the last seq seen, opaque to clients.
    static func feedCursor(pointOfSaleID: Int64, seq: Int64) -> String {
        Cursor(sort: "feed", values: [String(pointOfSaleID), String(seq)]).encoded
    }

    /// The seq a feed cursor stands for; nil when it is not a cursor of this point's feed.
    static func feedSeq(_ text: String, pointOfSaleID: Int64) -> Int64? {
        guard let cursor = Cursor(encoded: text), cursor.sort == "feed", cursor.values.count == 2,
              cursor.values[0] == String(pointOfSaleID), let seq = Int64(cursor.values[1]), seq >= 0 else { return nil }
        return seq
    }

    /// A ledger conflict as a 409 that names the products, as `prefix[i].product_id` of the
    /// first item in the request about each.
    static func problem(_ error: InventoryError, productIDs: [Int64], prefix: String) -> Problem {
        problem(error, productField: { id in productIDs.firstIndex(of: id).map { "\(prefix)[\($0)].product_id" } ?? "product_id" })
    }

    /// A ledger conflict as a 409; the closure names the request field of a product.
    static func problem(_ error: InventoryError, productField: (Int64) -> String) -> Problem {
        switch error {
        case .belowZero(let shortfalls):
            let errors = shortfalls.map {
                FieldError(productField($0.productID),
                           "product \($0.productID) would go below zero (\($0.level)) from adjustments after its last count")
            }
            let names = shortfalls.map { String($0.productID) }.joined(separator: ", ")
            return Problem(.conflict, type: "stock-below-zero", title: "Stock would go below zero",
                           detail: "the request would leave product(s) \(names) below zero; nothing was applied. A physical count taken now (dated after every recorded change) corrects the level; then retry.",
                           errors: errors)
        }
    }

    static let csv = CSVTable<InventoryLevel>(filename: "inventory.csv", columns: [
        ("point_of_sale_id", { String($0.pointOfSaleID) }),
        ("product_id", { String($0.productID) }),
        ("product_code", { $0.productCode }),
        ("product_name", { $0.productName }),
        ("level", { String($0.level) }),
        ("last_count_at", { $0.lastCountAt?.description }),
        ("updated_at", { $0.updatedAt?.description }),
        ("version", { String($0.version) }),
    ])
}
