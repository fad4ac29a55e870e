import JSON
import SQLite

/// Reads and writes raw-material areas and their certifications. Every write also
/// writes its audit entry, in the caller's transaction (`Database.write`).
public enum RawMaterialAreaStore {
    static let columns = "id, code, name, kind, area_m2, commune, district, producer_id, market, created_at, updated_at, version"

    /// One area with its certifications and linked products; nil when there is none.
    public static func get(_ db: Connection, id: Int64) throws -> RawMaterialArea? {
        guard let area = try db.first("SELECT \(columns) FROM raw_material_areas WHERE id = ?", [.integer(id)], decode) else {
            return nil
        }
        var areas = [area]
        try attachChildren(db, &areas)
        return areas[0]
    }

    /// A filtered page in the query's order (keyset paging), children attached.
    public static func list(_ db: Connection, _ query: RawMaterialAreaQuery) throws -> Page<RawMaterialArea> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        if let kind = query.kind { conditions.append("kind = ?"); params.append(.text(kind.rawValue)) }
        if let market = query.market { conditions.append("market = ?"); params.append(.text(market.rawValue)) }
        if let producerID = query.producerID { conditions.append("producer_id = ?"); params.append(.integer(producerID)) }
        if let scheme = query.scheme {
            conditions.append("id IN (SELECT area_id FROM area_certifications WHERE scheme = ?)")
            params.append(.text(scheme.rawValue))
        }
        if let district = query.district { conditions.append("district = ?"); params.append(.text(district)) }
        if let commune = query.commune { conditions.append("commune = ?"); params.append(.text(commune)) }
        if let text = query.text {
            guard let match = FullTextQuery.match(text) else { return Page(items: [], nextCursor: nil) }
            conditions.append("id IN (SELECT rowid FROM raw_material_areas_search WHERE raw_material_areas_search MATCH ?)")
            params.append(.text(match))
        }
        try query.sort.addKeyset(query.cursor, to: &conditions, &params)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        params.append(.integer(query.limit.rowsToFetch))
        let items = try db.all("""
            SELECT \(columns) FROM raw_material_areas \(whereClause) ORDER BY \(query.sort.orderBy) LIMIT ?
            """, params, decode)
        var page = Page(fetched: items, limit: query.limit) { query.sort.cursor(id: $0.id, code: $0.fields.code) }
        try attachChildren(db, &page.items)
        return page
    }

    /// Registers an area and its certifications; a duplicate code is a conflict, an unknown producer invalid.
    public static func create(_ db: Connection, _ fields: RawMaterialAreaFields, actor: Actor, now: Timestamp) throws -> RawMaterialArea {
        try check(db, fields)
        do {
            try db.run("""
                INSERT INTO raw_material_areas (id, code, name, kind, area_m2, commune, district, producer_id, market,
                                                created_at, updated_at, version)
                VALUES (\(RetiredIDs.nextID("raw_material_areas")), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, bindings(fields) + [.text(now.description), .text(now.description)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateCode(fields.code)
        }
        let id = db.lastInsertRowID
        try insertCertifications(db, areaID: id, fields.certifications)
        try db.run("INSERT INTO raw_material_areas_search (rowid, folded) VALUES (?, ?)", [.integer(id), .text(fields.searchText)])
        try AuditLog.record(db, actor: actor, entity: .rawMaterialArea, entityID: id, action: "create",
                            changes: fields.jsonObject, at: now)
        return RawMaterialArea(id: id, fields: fields, productIDs: [], createdAt: now, updatedAt: now, version: 1)
    }

    /// Replaces every writable field, the certification list as a whole (RFC 7396 replaces arrays).
    /// `ifVersion` is the client's `If-Match` (nil: unconditional).
    public static func replace(_ db: Connection, id: Int64, with fields: RawMaterialAreaFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> RawMaterialArea {
        try CalendarVersions.settle(db, .rawMaterialArea, id: id, now: now)
        guard var area = try get(db, id: id) else { throw DomainError.notFound(entity: "raw_material_area", id: String(id)) }
        try VersionMatch.require(ifVersion, current: area.version)
        try check(db, fields)
        let changes = AuditLog.diff(area.fields.jsonObject, fields.jsonObject)
        guard changes.count > 0 else { return area }   // nothing changed: no new version, no audit noise
        do {
            try db.run("""
                UPDATE raw_material_areas SET code = ?, name = ?, kind = ?, area_m2 = ?, commune = ?, district = ?,
                       producer_id = ?, market = ?, updated_at = ?, version = version + 1
                WHERE id = ?
                """, bindings(fields) + [.text(now.description), .integer(id)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateCode(fields.code)
        }
        if fields.certifications != area.fields.certifications {
            try db.run("DELETE FROM area_certifications WHERE area_id = ?", [.integer(id)])
            try insertCertifications(db, areaID: id, fields.certifications)
        }
        try db.run("DELETE FROM raw_material_areas_search WHERE rowid = ?", [.integer(id)])
        try db.run("INSERT INTO raw_material_areas_search (rowid, folded) VALUES (?, ?)", [.integer(id), .text(fields.searchText)])
        area.fields = fields
        area.updatedAt = now
        area.version += 1
        try AuditLog.record(db, actor: actor, entity: .rawMaterialArea, entityID: id, action: "update",
                            changes: changes, at: now)
        return area
    }

    /// A product was linked to or unlinked from areas (its `raw_material_area_ids` changed, or it was
    /// created or deleted): each area's `product_ids` changed, so its version grows (a cached copy
    /// must not be revalidated with 304) and the change is in its audit log.
    static func productLinksChanged(_ db: Connection, productID: Int64, linked: Set<Int64>, unlinked: Set<Int64>,
                                    actor: Actor, now: Timestamp) throws {
        for (areas, action) in [(linked, "product_linked"), (unlinked, "product_unlinked")] {
            for area in areas.sorted() {
                try CalendarVersions.settle(db, .rawMaterialArea, id: area, now: now)
                try db.run("UPDATE raw_material_areas SET updated_at = ?, version = version + 1 WHERE id = ?",
                           [.text(now.description), .integer(area)])
                try AuditLog.record(db, actor: actor, entity: .rawMaterialArea, entityID: area, action: action,
                                    changes: JSONObject([("product_id", .number(JSONNumber(productID)))]), at: now)
            }
        }
    }

    /// Deletes an area no product is made from; its certifications go with it.
    public static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws {
        try CalendarVersions.settle(db, .rawMaterialArea, id: id, now: now)
        guard let area = try get(db, id: id) else { throw DomainError.notFound(entity: "raw_material_area", id: String(id)) }
        try VersionMatch.require(ifVersion, current: area.version)
        // product_areas references areas ON DELETE RESTRICT; checking first gives the officer the product ids.
        if !area.productIDs.isEmpty {
            throw inUse(id, area.productIDs)
        }
        do {
            try db.run("DELETE FROM raw_material_areas WHERE id = ?", [.integer(id)])
        } catch let error as SQLiteError where error.isForeignKeyViolation {
            throw inUse(id, [])
        }
        try db.run("DELETE FROM raw_material_areas_search WHERE rowid = ?", [.integer(id)])
        try AuditLog.record(db, actor: actor, entity: .rawMaterialArea, entityID: id, action: "delete",
                            changes: area.fields.jsonObject, at: now)
    }

    // MARK: Helpers

    /// Validation plus the rule a plain value cannot check: the producer must exist.
    private static func check(_ db: Connection, _ fields: RawMaterialAreaFields) throws {
        var errors = fields.validate()
        if let producerID = fields.producerID, producerID > 0,
           try db.scalarInt("SELECT count(*) FROM producers WHERE id = ?", [.integer(producerID)]) == 0 {
            errors.append(FieldError("producer_id", "names no registered producer (\(producerID))"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func insertCertifications(_ db: Connection, areaID: Int64, _ certifications: [AreaCertification]) throws {
        for (position, c) in certifications.enumerated() {
            try db.run("""
                INSERT INTO area_certifications (area_id, position, scheme, number, valid_from, valid_until)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [.integer(areaID), .integer(Int64(position + 1)), .text(c.scheme.rawValue), .text(c.number),
                      .text(c.validFrom.description), .text(c.validUntil.description)])
        }
    }

    /// Loads certifications and linked product ids for a page in two queries (not two per area).
    /// The ids travel as one JSON array parameter so the statement text, and its cache entry, never varies.
    static func attachChildren(_ db: Connection, _ areas: inout [RawMaterialArea]) throws {
        guard !areas.isEmpty else { return }
        var index: [Int64: Int] = [:]
        for (i, area) in areas.enumerated() { index[area.id] = i }
        let ids = SQLiteValue.text("[" + areas.map { String($0.id) }.joined(separator: ",") + "]")
        var certifications: [Int64: [AreaCertification]] = [:]
        try db.query("""
            SELECT area_id, scheme, number, valid_from, valid_until FROM area_certifications
            WHERE area_id IN (SELECT value FROM json_each(?)) ORDER BY area_id, position
            """, [ids]) { row in
            guard let scheme = CertificationScheme(rawValue: row.string(1)),
                  let from = CivilDate(row.string(3)), let until = CivilDate(row.string(4)) else {
                throw DomainError.conflict("raw-material area \(row.int64(0)) has a corrupt stored certification")
            }
            certifications[row.int64(0), default: []].append(
                AreaCertification(scheme: scheme, number: row.string(2), validFrom: from, validUntil: until))
        }
        try db.query("""
            SELECT area_id, product_id FROM product_areas
            WHERE area_id IN (SELECT value FROM json_each(?)) ORDER BY area_id, product_id
            """, [ids]) { row in
            if let i = index[row.int64(0)] { areas[i].productIDs.append(row.int64(1)) }
        }
        for (areaID, list) in certifications {
            if let i = index[areaID] { areas[i].fields.certifications = list }
        }
    }

    private static func duplicateCode(_ code: String) -> DomainError {
        .conflict("a raw-material area with code \(code) already exists")
    }

    private static func inUse(_ id: Int64, _ products: [Int64]) -> DomainError {
        let which = products.isEmpty ? "products" : "products " + products.prefix(20).map(String.init).joined(separator: ", ")
        return .conflict("raw-material area \(id) supplies \(which); unlink them from the products first")
    }

    private static func bindings(_ f: RawMaterialAreaFields) -> [SQLiteValue] {
        [.text(f.code), SQLiteValue(f.name), .text(f.kind.rawValue), .integer(f.areaM2), SQLiteValue(f.commune),
         SQLiteValue(f.district), SQLiteValue(f.producerID), .text(f.market.rawValue)]
    }

    static func decode(_ row: Row) throws -> RawMaterialArea {
        guard let kind = AreaKind(rawValue: row.string(3)),
              let market = MarketScope(rawValue: row.string(8)),
              let created = row.timestamp(9),
              let updated = row.timestamp(10) else {
            throw DomainError.conflict("raw-material area \(row.int64(0)) has corrupt stored fields")
        }
        let fields = RawMaterialAreaFields(
            code: row.string(1), name: row.optionalString(2), kind: kind, areaM2: row.int64(4),
            commune: row.optionalString(5), district: row.optionalString(6), producerID: row.optionalInt64(7),
            market: market)
        return RawMaterialArea(id: row.int64(0), fields: fields, productIDs: [], createdAt: created, updatedAt: updated,
                               version: row.int64(11))
    }
}
