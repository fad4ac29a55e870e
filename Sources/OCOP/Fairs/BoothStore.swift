import JSON
import SQLite

/// Filters and paging for a fair's booths.
public struct BoothQuery: Sendable {
    public var fairID: Int64
    public var producerID: Int64?
    public var isLocal: Bool?
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init(fairID: Int64) { self.fairID = fairID }
}

/// Reads and writes fair booths and the products they show. Every write also writes its
/// audit entry, in the caller's transaction.
public enum BoothStore {
    static let columns = "id, fair_id, producer_id, exhibitor_name, province, created_at, updated_at, version"

    /// Whether a booth with this id stands at any fair.
    public static func exists(_ db: Connection, id: Int64) throws -> Bool {
        try db.first("SELECT 1 FROM fair_booths WHERE id = ?", [.integer(id)]) { _ in true } ?? false
    }

    /// One booth of one fair, or nil (also when the booth stands at another fair).
    public static func get(_ db: Connection, fairID: Int64, id: Int64) throws -> Booth? {
        guard let booth = try db.first("SELECT \(columns) FROM fair_booths WHERE id = ? AND fair_id = ?",
                                       [.integer(id), .integer(fairID)], decode) else { return nil }
        var booths = [booth]
        try attachProducts(db, &booths)
        return booths[0]
    }

    /// A fair's booths in id order (keyset paging). The fair must exist.
    public static func list(_ db: Connection, _ query: BoothQuery) throws -> Page<Booth> {
        try requireFair(db, query.fairID)
        var conditions = ["fair_id = ?"]
        var params: [SQLiteValue] = [.integer(query.fairID)]
        if let producerID = query.producerID { conditions.append("producer_id = ?"); params.append(.integer(producerID)) }
        if let isLocal = query.isLocal { conditions.append("is_local = ?"); params.append(SQLiteValue(isLocal)) }
        if let cursor = query.cursor {
            guard cursor.sort == "id", cursor.values.count == 1, let last = Int64(cursor.values[0]) else {
                throw DomainError.badCursor
            }
            conditions.append("id > ?")
            params.append(.integer(last))
        }
        params.append(.integer(query.limit.rowsToFetch))
        let items = try db.all("""
            SELECT \(columns) FROM fair_booths WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?
            """, params, decode)
        var page = Page(fetched: items, limit: query.limit) { Cursor(sort: "id", values: [String($0.id)]).encoded }
        try attachProducts(db, &page.items)
        return page
    }

    /// Sets up a booth at an existing fair. One booth per producer per fair (409 for a second).
    public static func create(_ db: Connection, fairID: Int64, _ fields: BoothFields, actor: Actor,
                              now: Timestamp) throws -> Booth {
        try requireFair(db, fairID)
        try check(db, fields)
        do {
            try db.run("""
                INSERT INTO fair_booths (id, fair_id, producer_id, exhibitor_name, province, is_local, created_at, updated_at, version)
                VALUES (\(RetiredIDs.nextID("fair_booths")), ?, ?, ?, ?, ?, ?, ?, 1)
                """, [.integer(fairID)] + bindings(fields) + [.text(now.description), .text(now.description)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateProducer(fairID, fields)
        }
        let id = db.lastInsertRowID
        try insertProducts(db, boothID: id, fields.productIDs, from: 0)
        try AuditLog.record(db, actor: actor, entity: .fairBooth, entityID: id, action: "create",
                            changes: jsonObject(fairID: fairID, fields), at: now)
        return Booth(id: id, fairID: fairID, fields: fields, createdAt: now, updatedAt: now, version: 1)
    }

    /// Replaces every writable field. A product that sales lines of the booth still name cannot be
    /// dropped from it (409): those lines are what the report's product figures are made of.
    public static func replace(_ db: Connection, fairID: Int64, id: Int64, with fields: BoothFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> Booth {
        guard var booth = try get(db, fairID: fairID, id: id) else { throw DomainError.notFound(entity: "fair_booth", id: String(id)) }
        try VersionMatch.require(ifVersion, current: booth.version)
        try check(db, fields)
        let changes = AuditLog.diff(jsonObject(fairID: fairID, booth.fields), jsonObject(fairID: fairID, fields))
        guard changes.count > 0 else { return booth }   // nothing changed: no new version, no audit noise
        do {
            try db.run("""
                UPDATE fair_booths SET producer_id = ?, exhibitor_name = ?, province = ?, is_local = ?, updated_at = ?,
                       version = version + 1
                WHERE id = ?
                """, bindings(fields) + [.text(now.description), .integer(id)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateProducer(fairID, fields)
        }
        if fields.exhibitor != booth.fields.exhibitor {
            // Sales entries repeat the booth's locality and producer (see the schema): keep them true.
            try db.run("UPDATE fair_sales SET is_local = ?, producer_id = ? WHERE booth_id = ?",
                       [SQLiteValue(fields.exhibitor.isLocal), SQLiteValue(fields.exhibitor.producerID), .integer(id)])
        }
        if fields.productIDs != booth.fields.productIDs {
            try replaceProducts(db, boothID: id, old: booth.fields.productIDs, new: fields.productIDs)
        }
        booth.fields = fields
        booth.updatedAt = now
        booth.version += 1
        try AuditLog.record(db, actor: actor, entity: .fairBooth, entityID: id, action: "update",
                            changes: changes, at: now)
        return booth
    }

    /// Deletes a booth without sales entries or an active `booth` token (409 otherwise: delete
    /// the entries, revoke the tokens first), as a point of sale is deleted: a live token must
    /// not be left bound to nothing.
    public static func delete(_ db: Connection, fairID: Int64, id: Int64, ifVersion: VersionMatch?, actor: Actor,
                              now: Timestamp) throws {
        guard let booth = try get(db, fairID: fairID, id: id) else { throw DomainError.notFound(entity: "fair_booth", id: String(id)) }
        try VersionMatch.require(ifVersion, current: booth.version)
        // tokens.fair_booth_id has no FOREIGN KEY (migration 0016 says why), so this is checked here.
        let tokens = try db.scalarInt("SELECT count(*) FROM tokens WHERE fair_booth_id = ? AND revoked_at IS NULL",
                                      [.integer(id)]) ?? 0
        if tokens > 0 {
            throw DomainError.conflict("booth \(id) still has \(tokens) active booth token(s); revoke them first")
        }
        let sales = try db.scalarInt("SELECT count(*) FROM fair_sales WHERE booth_id = ?", [.integer(id)]) ?? 0
        if sales > 0 { throw DomainError.conflict("booth \(id) has \(sales) sales entries; delete them first") }
        try db.run("DELETE FROM fair_booths WHERE id = ?", [.integer(id)])
        try AuditLog.record(db, actor: actor, entity: .fairBooth, entityID: id, action: "delete",
                            changes: jsonObject(fairID: fairID, booth.fields), at: now)
    }

    /// The fields under their API names, with the fair; what the audit log records.
    static func jsonObject(fairID: Int64, _ fields: BoothFields) -> JSONObject {
        var name: JSONValue = .null, province: JSONValue = .null, producer: JSONValue = .null
        switch fields.exhibitor {
        case .producer(let id): producer = .number(JSONNumber(id))
        case .outside(let n, let p): name = .string(n); province = .string(p)
        }
        return JSONObject([
            ("fair_id", .number(JSONNumber(fairID))),
            ("producer_id", producer),
            ("exhibitor_name", name),
            ("province", province),
            ("product_ids", .array(fields.productIDs.map { .number(JSONNumber($0)) })),
        ])
    }

    // MARK: Helpers

    /// Throws not-found unless the fair exists.
    public static func requireFair(_ db: Connection, _ fairID: Int64) throws {
        if try db.scalarInt("SELECT count(*) FROM fairs WHERE id = ?", [.integer(fairID)]) == 0 {
            throw DomainError.notFound(entity: "fair", id: String(fairID))
        }
    }

    /// Validation plus what a plain value cannot check: the producer and products exist, and a
    /// producer's booth shows that producer's products.
    private static func check(_ db: Connection, _ fields: BoothFields) throws {
        var errors = fields.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        let producerID = fields.exhibitor.producerID
        if let producerID, try db.scalarInt("SELECT count(*) FROM producers WHERE id = ?", [.integer(producerID)]) == 0 {
            errors.append(FieldError("producer_id", "names no registered producer (\(producerID))"))
        }
        for (i, productID) in fields.productIDs.enumerated() {
            guard let owner = try db.first("SELECT producer_id FROM products WHERE id = ?", [.integer(productID)], { $0.int64(0) })
            else {
                errors.append(FieldError("product_ids[\(i)]", "names no product (\(productID))"))
                continue
            }
            if let producerID, owner != producerID {
                errors.append(FieldError("product_ids[\(i)]", "is product \(productID) of producer \(owner); a producer's booth shows its own products"))
            }
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func insertProducts(_ db: Connection, boothID: Int64, _ ids: [Int64], from start: Int) throws {
        for (offset, productID) in ids.enumerated() {
            try db.run("INSERT INTO fair_booth_products (booth_id, product_id, position) VALUES (?, ?, ?)",
                       [.integer(boothID), .integer(productID), .integer(Int64(start + offset + 1))])
        }
    }

    /// Drops only the products no longer listed, so rows that sales lines reference stay put
    /// (the foreign key from `fair_sale_units` refuses to lose them), then renumbers.
    private static func replaceProducts(_ db: Connection, boothID: Int64, old: [Int64], new: [Int64]) throws {
        let keep = Set(new)
        for productID in old where !keep.contains(productID) {
            do {
                try db.run("DELETE FROM fair_booth_products WHERE booth_id = ? AND product_id = ?",
                           [.integer(boothID), .integer(productID)])
            } catch let error as SQLiteError where error.isForeignKeyViolation {
                throw DomainError.conflict("""
                    sales entries of booth \(boothID) list units of product \(productID); \
                    correct those entries before removing the product from the booth
                    """)
            }
        }
        let existing = Set(old)
        for (index, productID) in new.enumerated() {
            if existing.contains(productID) {
                try db.run("UPDATE fair_booth_products SET position = ? WHERE booth_id = ? AND product_id = ?",
                           [.integer(Int64(index + 1)), .integer(boothID), .integer(productID)])
            } else {
                try db.run("INSERT INTO fair_booth_products (booth_id, product_id, position) VALUES (?, ?, ?)",
                           [.integer(boothID), .integer(productID), .integer(Int64(index + 1))])
            }
        }
    }

    /// Loads the shown products of a page of booths in one query.
    static func attachProducts(_ db: Connection, _ booths: inout [Booth]) throws {
        guard !booths.isEmpty else { return }
        var index: [Int64: Int] = [:]
        for (i, booth) in booths.enumerated() { index[booth.id] = i }
        let ids = SQLiteValue.text("[" + booths.map { String($0.id) }.joined(separator: ",") + "]")
        try db.query("""
            SELECT booth_id, product_id FROM fair_booth_products
            WHERE booth_id IN (SELECT value FROM json_each(?)) ORDER BY booth_id, position
            """, [ids]) { row in
            if let i = index[row.int64(0)] { booths[i].fields.productIDs.append(row.int64(1)) }
        }
    }

    private static func duplicateProducer(_ fairID: Int64, _ fields: BoothFields) -> DomainError {
        .conflict("producer \(fields.exhibitor.producerID ?? 0) already has a booth at fair \(fairID)")
    }

    private static func bindings(_ f: BoothFields) -> [SQLiteValue] {
        switch f.exhibitor {
        case .producer(let id): [.integer(id), .null, .null, SQLiteValue(true)]
        case .outside(let name, let province): [.null, .text(name), .text(province), SQLiteValue(f.exhibitor.isLocal)]
        }
    }

    static func decode(_ row: Row) throws -> Booth {
        let exhibitor: Exhibitor
        if let producerID = row.optionalInt64(2) {
            exhibitor = .producer(id: producerID)
        } else if let name = row.optionalString(3), let province = row.optionalString(4) {
            exhibitor = .outside(name: name, province: province)
        } else {
            throw DomainError.conflict("booth \(row.int64(0)) has corrupt stored fields")
        }
        guard let created = row.timestamp(5), let updated = row.timestamp(6) else {
            throw DomainError.conflict("booth \(row.int64(0)) has corrupt stored fields")
        }
        return Booth(id: row.int64(0), fairID: row.int64(1), fields: BoothFields(exhibitor: exhibitor), createdAt: created,
                     updatedAt: updated, version: row.int64(7))
    }
}
