import JSON
import SQLite

/// Reads and writes products. Every write also writes its audit entry, in the
/// caller's transaction (`Database.write`).
public enum ProductStore {
    /// The product (`p`) with its current certificate's summary (`c`); `decode` reads this shape.
    static let columns = """
        SELECT p.id, p.code, p.name, p.producer_id, p.group_code, p.subgroup_code, p.description, p.unit,
               p.price_vnd, p.gtin, p.origin_province, p.image_urls, p.under_review, p.created_at, p.updated_at,
               p.version, p.name_key, c.id, c.number, c.stars, c.decided_on, c.expires_on,
               c.renewed_by_id IS NOT NULL, c.revoked_on IS NOT NULL, c.updated_at
        """
    static let select = columns + " FROM products p LEFT JOIN certificates c ON c.id = p.current_certificate_id"
    /// Column of `name_key` in `select`, for name cursors.
    static let nameKeyColumn = 16

    /// One product with its areas and current certificate, or nil.
    public static func get(_ db: Connection, id: Int64) throws -> Product? {
        guard var product = try db.first("\(select) WHERE p.id = ?", [.integer(id)], decode) else { return nil }
        try attachAreas(db, to: &product)
        return product
    }

    /// How many products there are.
    public static func count(_ db: Connection) throws -> Int64 {
        try db.scalarInt("SELECT count(*) FROM products") ?? 0
    }

    /// Checks and inserts a product; 422 problems as `.invalid`, duplicates as `.conflict`.
    public static func create(_ db: Connection, _ fields: ProductFields, actor: Actor, now: Timestamp) throws -> Product {
        var references = try ProductReferences(db)
        try check(fields, references: &references, in: db, excluding: nil)
        let producerName = try references.producerName(fields.producerID, in: db) ?? ""
        let id = try insert(db, fields, producerName: producerName, actor: actor, now: now)
        try AuditLog.record(db, actor: actor, entity: .product, entityID: id, action: "create",
                            changes: fields.jsonObject, at: now)
        return Product(id: id, fields: fields, createdAt: now, updatedAt: now, version: 1)
    }

    /// Replaces every writable field. `ifVersion` is the client's `If-Match` (nil: unconditional).
    public static func replace(_ db: Connection, id: Int64, with fields: ProductFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> Product {
        guard var product = try get(db, id: id) else { throw DomainError.notFound(entity: "product", id: String(id)) }
        try VersionMatch.require(ifVersion, current: product.version)
        var references = try ProductReferences(db)
        try check(fields, references: &references, in: db, excluding: id, stored: product.fields)
        let changes = AuditLog.diff(product.fields.jsonObject, fields.jsonObject)
        guard changes.count > 0 else { return product }   // nothing changed: no new version, no audit noise
        try db.run("""
            UPDATE products SET code = ?, name = ?, name_key = ?, producer_id = ?, group_code = ?, subgroup_code = ?,
                   description = ?, unit = ?, price_vnd = ?, gtin = ?, origin_province = ?, image_urls = ?,
                   updated_at = ?, version = version + 1
            WHERE id = ?
            """, bindings(fields) + [.text(now.description), .integer(id)])
        if fields.rawMaterialAreaIDs != product.fields.rawMaterialAreaIDs {
            try linkAreas(db, productID: id, from: product.fields.rawMaterialAreaIDs, to: fields.rawMaterialAreaIDs,
                          actor: actor, now: now)
        }
        // A point of sale's levels show the product's code and name: their representation changed.
        if fields.code != product.fields.code || fields.name != product.fields.name {
            try InventoryStore.productRenamed(db, productID: id, now: now)
        }
        let producerName = try references.producerName(fields.producerID, in: db) ?? ""
        try db.run("UPDATE products_search SET folded = ? WHERE rowid = ?",
                   [.text(fields.searchText(producerName: producerName)), .integer(id)])
        product.fields = fields
        product.updatedAt = now
        product.version += 1
        try AuditLog.record(db, actor: actor, entity: .product, entityID: id, action: "update",
                            changes: changes, at: now)
        return product
    }

    /// Deletes a product that has no history; one with certificates, evaluations, inspections,
    /// stock at a point of sale, sales, fair booths or e-commerce listings stays.
    public static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws {
        guard let product = try get(db, id: id) else { throw DomainError.notFound(entity: "product", id: String(id)) }
        try VersionMatch.require(ifVersion, current: product.version)
        do {
            try db.run("DELETE FROM products WHERE id = ?", [.integer(id)])
        } catch let error as SQLiteError where error.isForeignKeyViolation {
            // These tables reference products ON DELETE RESTRICT: a product with a certification
            // or trading history is evidence (and revenue) and is never silently erased.
            throw DomainError.conflict("product \(id) has \(try history(db, productID: id)); it cannot be deleted")
        }
        try db.run("DELETE FROM products_search WHERE rowid = ?", [.integer(id)])
        try AuditLog.record(db, actor: actor, entity: .product, entityID: id, action: "delete",
                            changes: product.fields.jsonObject, at: now)
        try linkAreas(db, productID: id, from: product.fields.rawMaterialAreaIDs, to: [], actor: actor, now: now)
    }

    /// What keeps a product from being deleted, counted (a 409 that names the wrong reason sends
    /// an officer looking in the wrong place): "2 certificate(s), 1 e-commerce listing(s) …".
    /// The tables are read from the schema's own foreign keys (every table that references
    /// products ON DELETE RESTRICT), so a table added later is counted without a second list;
    /// `historyNouns` only says how each reads.
    static func history(_ db: Connection, productID: Int64) throws -> String {
        let references = try db.all("""
            SELECT m.name, f."from" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
            WHERE m.type = 'table' AND f."table" = 'products' AND f.on_delete = 'RESTRICT' ORDER BY m.name
            """) { (table: $0.string(0), column: $0.string(1)) }
        var found: [String] = []
        for (table, column) in references {
            let count = try db.scalarInt("SELECT count(*) FROM \"\(table)\" WHERE \"\(column)\" = ?",
                                         [.integer(productID)]) ?? 0
            if count > 0 { found.append("\(count) \(historyNouns[table] ?? "\(table) row(s)")") }
        }
        return found.isEmpty ? "records that reference it" : found.joined(separator: ", ")
    }

    private static let historyNouns = [
        "certificates": "certificate(s)", "evaluation_results": "evaluation result(s)", "inspections": "inspection(s)",
        "inventory_levels": "stock level(s) at points of sale", "sale_lines": "sale line(s)",
        "fair_booth_products": "fair booth(s)",
        "listings": "e-commerce listing(s) (removed ones stay as its listing history)",
    ]

    /// Re-folds the search text of every product of `producerID`, whose name is part of it.
    /// `ProducerStore.replace` calls this when a producer is renamed, in the same transaction.
    public static func refreshSearch(_ db: Connection, producerID: Int64) throws {
        guard let producerName = try db.first("SELECT name FROM producers WHERE id = ?", [.integer(producerID)], { $0.string(0) })
        else { return }
        let rows = try db.all("SELECT id, code, name, description FROM products WHERE producer_id = ?", [.integer(producerID)]) {
            (id: $0.int64(0), text: TextFolding.fold([$0.string(1), $0.string(2), producerName, $0.optionalString(3) ?? ""]
                .joined(separator: " ")))
        }
        for row in rows {
            try db.run("UPDATE products_search SET folded = ? WHERE rowid = ?", [.text(row.text), .integer(row.id)])
        }
    }

    // MARK: Shared with the import

    /// Rules, references and uniqueness. Rule and reference problems are 422s (all at once);
    /// a duplicate code or GTIN is a conflict with existing state (409).
    static func check(_ fields: ProductFields, references: inout ProductReferences, in db: Connection,
                      excluding id: Int64?, stored: ProductFields? = nil) throws {
        var errors = fields.validate(stored: stored)
        errors += try references.check(fields, in: db)
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        if let other = try holder(ofCode: fields.code, in: db), other != id {
            throw DomainError.conflict("product \(other) already has code \(fields.code)")
        }
        if let gtin = fields.gtin, let other = try holder(ofGTIN: gtin, in: db), other != id {
            throw DomainError.conflict("product \(other) already has GTIN \(gtin.digits)")
        }
    }

    static func holder(ofCode code: String, in db: Connection) throws -> Int64? {
        try db.first("SELECT id FROM products WHERE code = ?", [.text(code)]) { $0.int64(0) }
    }

    static func holder(ofGTIN gtin: GTIN, in db: Connection) throws -> Int64? {
        try db.first("SELECT id FROM products WHERE gtin = ?", [.text(gtin.digits)]) { $0.int64(0) }
    }

    /// Built once: a CSV import runs it per row, and the statement cache finds it by its text.
    private static let insertSQL = """
        INSERT INTO products (id, code, name, name_key, producer_id, group_code, subgroup_code, description, unit,
                              price_vnd, gtin, origin_province, image_urls, created_at, updated_at, version)
        VALUES (\(RetiredIDs.nextID("products")), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
        """

    /// Inserts a checked product with its area links and search row; returns its id.
    static func insert(_ db: Connection, _ fields: ProductFields, producerName: String, actor: Actor,
                       now: Timestamp) throws -> Int64 {
        try db.run(insertSQL, bindings(fields) + [.text(now.description), .text(now.description)])
        let id = db.lastInsertRowID
        try linkAreas(db, productID: id, from: [], to: fields.rawMaterialAreaIDs, actor: actor, now: now)
        try db.run("INSERT INTO products_search (rowid, folded) VALUES (?, ?)",
                   [.integer(id), .text(fields.searchText(producerName: producerName))])
        return id
    }

    /// Makes `new` the product's areas, in order, where it had `old` (a deleted product's rows
    /// are already gone with it, ON DELETE CASCADE). Each area linked or unlinked shows a
    /// different `product_ids` now, so it is told (`RawMaterialAreaStore.productLinksChanged`).
    private static func linkAreas(_ db: Connection, productID: Int64, from old: [Int64], to new: [Int64],
                                  actor: Actor, now: Timestamp) throws {
        if !old.isEmpty { try db.run("DELETE FROM product_areas WHERE product_id = ?", [.integer(productID)]) }
        for (position, area) in new.enumerated() {
            try db.run("INSERT INTO product_areas (product_id, area_id, position) VALUES (?, ?, ?)",
                       [.integer(productID), .integer(area), .integer(Int64(position))])
        }
        let before = Set(old), after = Set(new)
        try RawMaterialAreaStore.productLinksChanged(db, productID: productID, linked: after.subtracting(before),
                                                    unlinked: before.subtracting(after), actor: actor, now: now)
    }

    private static func bindings(_ f: ProductFields) -> [SQLiteValue] {
        [.text(f.code), .text(f.name), .blob(VietnameseCollation.sortKey(f.name)), .integer(f.producerID),
         .text(f.group), SQLiteValue(f.subgroup), SQLiteValue(f.description), SQLiteValue(f.unit),
         SQLiteValue(f.priceVND), SQLiteValue(f.gtin?.digits), .text(f.originProvince),
         .text(JSONValue.array(f.imageURLs.map(JSONValue.string)).serializedString())]
    }

    // MARK: Decoding

    /// Fills in the raw-material area ids of `products` with one query, in each product's order.
    static func attachAreas(_ db: Connection, to products: inout [Product]) throws {
        guard !products.isEmpty else { return }
        var index: [Int64: Int] = [:]
        for (i, product) in products.enumerated() { index[product.id] = i }
        let placeholders = Array(repeating: "?", count: products.count).joined(separator: ",")
        try db.query("""
            SELECT product_id, area_id FROM product_areas WHERE product_id IN (\(placeholders))
            ORDER BY product_id, position
            """, products.map { .integer($0.id) }) { row in
            if let i = index[row.int64(0)] { products[i].fields.rawMaterialAreaIDs.append(row.int64(1)) }
        }
    }

    private static func attachAreas(_ db: Connection, to product: inout Product) throws {
        var one = [product]
        try attachAreas(db, to: &one)
        product = one[0]
    }

    /// One row of `select`; `rawMaterialAreaIDs` stays empty until `attachAreas`.
    static func decode(_ row: Row) throws -> Product {
        let id = row.int64(0)
        func corrupt() -> DomainError { .conflict("product \(id) has corrupt stored fields") }
        guard let created = row.timestamp(13), let updated = row.timestamp(14) else {
            throw corrupt()
        }
        var gtin: GTIN?
        if let text = row.optionalString(9) {
            guard let parsed = GTIN(text) else { throw corrupt() }
            gtin = parsed
        }
        guard let images = try? JSONValue.parse(row.string(11)).arrayValue else { throw corrupt() }
        let fields = ProductFields(
            code: row.string(1), name: row.string(2), producerID: row.int64(3), group: row.string(4),
            subgroup: row.optionalString(5), description: row.optionalString(6), unit: row.optionalString(7),
            priceVND: row.optionalInt64(8), gtin: gtin, originProvince: row.string(10),
            imageURLs: images.compactMap(\.stringValue))
        var certificate: ProductCertificate?
        if let certificateID = row.optionalInt64(17) {
            guard let stars = StarRating(rawValue: row.int(19)), let decided = CivilDate(row.string(20)),
                  let expires = CivilDate(row.string(21)), let certificateUpdated = row.timestamp(24) else {
                throw DomainError.conflict("certificate \(certificateID) has corrupt stored fields")
            }
            certificate = ProductCertificate(id: certificateID, number: row.string(18), stars: stars, decidedOn: decided,
                                             expiresOn: expires, renewed: row.bool(22), revoked: row.bool(23),
                                             updatedAt: certificateUpdated)
        }
        return Product(id: id, fields: fields, underReview: row.bool(12), certificate: certificate,
                       createdAt: created, updatedAt: updated, version: row.int64(15))
    }
}
