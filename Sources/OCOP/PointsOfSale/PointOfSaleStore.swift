import JSON
import SQLite

/// Reads and writes the registry of points of sale. Every write also writes its audit entry,
/// in the caller's transaction (`Database.write`).
public enum PointOfSaleStore {
    static let columns = """
        id, code, name, kind, commune, district, address, opened_on, manager, phone, \
        has_ocop_sign, has_shelves, has_price_list, channels, created_at, updated_at, version
        """

    /// Points of sale still open: an archived one (closed, its history kept) is out of the API.
    static let open = "archived_on IS NULL"

    /// One open point of sale; nil when there is none (or it was archived).
    public static func get(_ db: Connection, id: Int64) throws -> PointOfSale? {
        try db.first("SELECT \(columns) FROM points_of_sale WHERE id = ? AND \(open)", [.integer(id)], decode)
    }

    /// Whether an open point of sale has this id: what inventory, sales and tokens may use.
    public static func exists(_ db: Connection, id: Int64) throws -> Bool {
        try db.first("SELECT 1 FROM points_of_sale WHERE id = ? AND \(open)", [.integer(id)]) { _ in true } ?? false
    }

    /// Whether this id was ever a point of sale, archived ones included: what a report of
    /// past sales may name.
    public static func wasRegistered(_ db: Connection, id: Int64) throws -> Bool {
        try db.first("SELECT 1 FROM points_of_sale WHERE id = ?", [.integer(id)]) { _ in true } ?? false
    }

    /// A filtered page in the query's order (keyset paging).
    public static func list(_ db: Connection, _ query: PointOfSaleQuery) throws -> Page<PointOfSale> {
        var conditions: [String] = [open]
        var params: [SQLiteValue] = []
        if let kind = query.kind { conditions.append("kind = ?"); params.append(.text(kind.rawValue)) }
        if let district = query.district { conditions.append("district = ?"); params.append(.text(district)) }
        if let commune = query.commune { conditions.append("commune = ?"); params.append(.text(commune)) }
        if let compliant = query.compliant {
            // The same definition as `PointOfSaleFields.isCompliant`, so the filter and the field agree.
            conditions.append(compliant ? "(has_ocop_sign AND has_shelves AND has_price_list)"
                                        : "NOT (has_ocop_sign AND has_shelves AND has_price_list)")
        }
        if let text = query.text {
            guard let match = FullTextQuery.match(text) else { return Page(items: [], nextCursor: nil) }
            conditions.append("id IN (SELECT rowid FROM points_of_sale_search WHERE points_of_sale_search MATCH ?)")
            params.append(.text(match))
        }
        try query.sort.addKeyset(query.cursor, to: &conditions, &params)
        let whereClause = "WHERE " + conditions.joined(separator: " AND ")
        params.append(.integer(query.limit.rowsToFetch))
        let items = try db.all("""
            SELECT \(columns) FROM points_of_sale \(whereClause) ORDER BY \(query.sort.orderBy) LIMIT ?
            """, params, decode)
        return Page(fetched: items, limit: query.limit) { query.sort.cursor(id: $0.id, code: $0.fields.code) }
    }

    /// Registers a point of sale; a duplicate code is a conflict.
    public static func create(_ db: Connection, _ fields: PointOfSaleFields, actor: Actor, now: Timestamp) throws -> PointOfSale {
        try check(fields)
        do {
            try db.run("""
                INSERT INTO points_of_sale (id, code, name, kind, commune, district, address, opened_on, manager, phone,
                                            has_ocop_sign, has_shelves, has_price_list, channels,
                                            created_at, updated_at, version)
                VALUES (\(RetiredIDs.nextID("points_of_sale")), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, bindings(fields) + [.text(now.description), .text(now.description)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateCode(fields.code)
        }
        let id = db.lastInsertRowID
        try db.run("INSERT INTO points_of_sale_search (rowid, folded) VALUES (?, ?)", [.integer(id), .text(fields.searchText)])
        try AuditLog.record(db, actor: actor, entity: .pointOfSale, entityID: id, action: "create",
                            changes: fields.jsonObject, at: now)
        return PointOfSale(id: id, fields: fields, createdAt: now, updatedAt: now, version: 1)
    }

    /// Replaces every writable field. `ifVersion` is the client's `If-Match` (nil: unconditional).
    public static func replace(_ db: Connection, id: Int64, with fields: PointOfSaleFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> PointOfSale {
        guard var point = try get(db, id: id) else { throw DomainError.notFound(entity: "point_of_sale", id: String(id)) }
        try VersionMatch.require(ifVersion, current: point.version)
        try check(fields, stored: point.fields)
        let changes = AuditLog.diff(point.fields.jsonObject, fields.jsonObject)
        guard changes.count > 0 else { return point }   // nothing changed: no new version, no audit noise
        do {
            try db.run("""
                UPDATE points_of_sale SET code = ?, name = ?, kind = ?, commune = ?, district = ?, address = ?,
                       opened_on = ?, manager = ?, phone = ?, has_ocop_sign = ?, has_shelves = ?, has_price_list = ?,
                       channels = ?, updated_at = ?, version = version + 1
                WHERE id = ?
                """, bindings(fields) + [.text(now.description), .integer(id)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateCode(fields.code)
        }
        try db.run("UPDATE points_of_sale_search SET folded = ? WHERE rowid = ?", [.text(fields.searchText), .integer(id)])
        point.fields = fields
        point.updatedAt = now
        point.version += 1
        try AuditLog.record(db, actor: actor, entity: .pointOfSale, entityID: id, action: "update",
                            changes: changes, at: now)
        return point
    }

    /// Deletes a point of sale that has no history, and archives one that has (API.md: DELETE
    /// "archives where history must stay"): from its day of closing it is out of the API — 404,
    /// out of every list, no inventory or sales — while its ledger and sales stay as evidence, in
    /// the reports of the days they happened. One with an active `pos` token is a conflict: a
    /// live token must not be left bound to nothing (revoke the tokens first).
    public static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws {
        guard let point = try get(db, id: id) else { throw DomainError.notFound(entity: "point_of_sale", id: String(id)) }
        try VersionMatch.require(ifVersion, current: point.version)
        // tokens.point_of_sale_id predates this table (0001) and has no FOREIGN KEY, so this is checked here.
        let tokens = try db.scalarInt("SELECT count(*) FROM tokens WHERE point_of_sale_id = ? AND revoked_at IS NULL",
                                      [.integer(id)]) ?? 0
        if tokens > 0 {
            throw DomainError.conflict("point of sale \(id) still has \(tokens) active pos token(s); revoke them first")
        }
        try db.run("DELETE FROM points_of_sale_search WHERE rowid = ?", [.integer(id)])
        do {
            try db.run("DELETE FROM points_of_sale WHERE id = ?", [.integer(id)])
        } catch let error as SQLiteError where error.isForeignKeyViolation {
            // inventory_changes, inventory_levels, inventory_feed and sales reference it ON DELETE RESTRICT.
            let today = CivilDate.today(at: now)
            try db.run("UPDATE points_of_sale SET archived_on = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                       [.text(today.description), .text(now.description), .integer(id)])
            try AuditLog.record(db, actor: actor, entity: .pointOfSale, entityID: id, action: "archive",
                                changes: JSONObject([("archived_on", .string(today.description))]), at: now)
            return
        }
        try AuditLog.record(db, actor: actor, entity: .pointOfSale, entityID: id, action: "delete",
                            changes: point.fields.jsonObject, at: now)
    }

    private static func check(_ fields: PointOfSaleFields, stored: PointOfSaleFields? = nil) throws {
        let errors = fields.validate(stored: stored)
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func duplicateCode(_ code: String) -> DomainError {
        .conflict("a point of sale with code \(code) already exists")
    }

    private static func bindings(_ f: PointOfSaleFields) -> [SQLiteValue] {
        [.text(f.code), .text(f.name), .text(f.kind.rawValue), SQLiteValue(f.commune), SQLiteValue(f.district),
         SQLiteValue(f.address), SQLiteValue(f.openedOn?.description), SQLiteValue(f.manager), SQLiteValue(f.phone),
         SQLiteValue(f.hasOCOPSign), SQLiteValue(f.hasShelves), SQLiteValue(f.hasPriceList),
         .text(PointOfSaleFields.channelsJSON(f.channels).serializedString())]
    }

    static func decode(_ row: Row) throws -> PointOfSale {
        guard let kind = PointOfSaleKind(rawValue: row.string(3)),
              let channels = PointOfSaleFields.channels(fromStored: row.string(13)),
              let created = row.timestamp(14),
              let updated = row.timestamp(15) else {
            throw DomainError.conflict("point of sale \(row.int64(0)) has corrupt stored fields")
        }
        let openedOn = row.optionalString(7).flatMap { CivilDate($0) }
        let fields = PointOfSaleFields(
            code: row.string(1), name: row.string(2), kind: kind, commune: row.optionalString(4),
            district: row.optionalString(5), address: row.optionalString(6), openedOn: openedOn,
            manager: row.optionalString(8), phone: row.optionalString(9), hasOCOPSign: row.bool(10),
            hasShelves: row.bool(11), hasPriceList: row.bool(12), channels: channels)
        return PointOfSale(id: row.int64(0), fields: fields, createdAt: created, updatedAt: updated, version: row.int64(16))
    }
}
