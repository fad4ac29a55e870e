import JSON
import SQLite

/// Reads and writes packing facilities. Every write also writes its audit entry,
/// in the caller's transaction (`Database.write`).
public enum PackingFacilityStore {
    static let columns = "id, code, name, commune, district, address, producer_id, market, created_at, updated_at, version"

    /// One facility; nil when there is none.
    public static func get(_ db: Connection, id: Int64) throws -> PackingFacility? {
        try db.first("SELECT \(columns) FROM packing_facilities WHERE id = ?", [.integer(id)], decode)
    }

    /// A filtered page in the query's order (keyset paging).
    public static func list(_ db: Connection, _ query: PackingFacilityQuery) throws -> Page<PackingFacility> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        if let market = query.market { conditions.append("market = ?"); params.append(.text(market.rawValue)) }
        if let producerID = query.producerID { conditions.append("producer_id = ?"); params.append(.integer(producerID)) }
        if let district = query.district { conditions.append("district = ?"); params.append(.text(district)) }
        if let commune = query.commune { conditions.append("commune = ?"); params.append(.text(commune)) }
        if let text = query.text {
            guard let match = FullTextQuery.match(text) else { return Page(items: [], nextCursor: nil) }
            conditions.append("id IN (SELECT rowid FROM packing_facilities_search WHERE packing_facilities_search MATCH ?)")
            params.append(.text(match))
        }
        try query.sort.addKeyset(query.cursor, to: &conditions, &params)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        params.append(.integer(query.limit.rowsToFetch))
        let items = try db.all("""
            SELECT \(columns) FROM packing_facilities \(whereClause) ORDER BY \(query.sort.orderBy) LIMIT ?
            """, params, decode)
        return Page(fetched: items, limit: query.limit) { query.sort.cursor(id: $0.id, code: $0.fields.code) }
    }

    /// Registers a facility; a duplicate code is a conflict, an unknown producer invalid.
    public static func create(_ db: Connection, _ fields: PackingFacilityFields, actor: Actor, now: Timestamp) throws -> PackingFacility {
        try check(db, fields)
        do {
            try db.run("""
                INSERT INTO packing_facilities (id, code, name, commune, district, address, producer_id, market,
                                                created_at, updated_at, version)
                VALUES (\(RetiredIDs.nextID("packing_facilities")), ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, bindings(fields) + [.text(now.description), .text(now.description)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateCode(fields.code)
        }
        let id = db.lastInsertRowID
        try db.run("INSERT INTO packing_facilities_search (rowid, folded) VALUES (?, ?)", [.integer(id), .text(fields.searchText)])
        try AuditLog.record(db, actor: actor, entity: .packingFacility, entityID: id, action: "create",
                            changes: fields.jsonObject, at: now)
        return PackingFacility(id: id, fields: fields, createdAt: now, updatedAt: now, version: 1)
    }

    /// Replaces every writable field. `ifVersion` is the client's `If-Match` (nil: unconditional).
    public static func replace(_ db: Connection, id: Int64, with fields: PackingFacilityFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> PackingFacility {
        guard var facility = try get(db, id: id) else { throw DomainError.notFound(entity: "packing_facility", id: String(id)) }
        try VersionMatch.require(ifVersion, current: facility.version)
        try check(db, fields)
        let changes = AuditLog.diff(facility.fields.jsonObject, fields.jsonObject)
        guard changes.count > 0 else { return facility }   // nothing changed: no new version, no audit noise
        do {
            try db.run("""
                UPDATE packing_facilities SET code = ?, name = ?, commune = ?, district = ?, address = ?, producer_id = ?,
                       market = ?, updated_at = ?, version = version + 1
                WHERE id = ?
                """, bindings(fields) + [.text(now.description), .integer(id)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateCode(fields.code)
        }
        try db.run("DELETE FROM packing_facilities_search WHERE rowid = ?", [.integer(id)])
        try db.run("INSERT INTO packing_facilities_search (rowid, folded) VALUES (?, ?)", [.integer(id), .text(fields.searchText)])
        facility.fields = fields
        facility.updatedAt = now
        facility.version += 1
        try AuditLog.record(db, actor: actor, entity: .packingFacility, entityID: id, action: "update",
                            changes: changes, at: now)
        return facility
    }

    /// Deletes a facility. Nothing references facilities yet; should a later table do so
    /// (ON DELETE RESTRICT), the delete becomes a conflict rather than a 500.
    public static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws {
        guard let facility = try get(db, id: id) else { throw DomainError.notFound(entity: "packing_facility", id: String(id)) }
        try VersionMatch.require(ifVersion, current: facility.version)
        do {
            try db.run("DELETE FROM packing_facilities WHERE id = ?", [.integer(id)])
        } catch let error as SQLiteError where error.isForeignKeyViolation {
            throw DomainError.conflict("packing facility \(id) is still referenced; remove those records first")
        }
        try db.run("DELETE FROM packing_facilities_search WHERE rowid = ?", [.integer(id)])
        try AuditLog.record(db, actor: actor, entity: .packingFacility, entityID: id, action: "delete",
                            changes: facility.fields.jsonObject, at: now)
    }

    /// Validation plus the rule a plain value cannot check: the producer must exist.
    private static func check(_ db: Connection, _ fields: PackingFacilityFields) throws {
        var errors = fields.validate()
        if let producerID = fields.producerID, producerID > 0,
           try db.scalarInt("SELECT count(*) FROM producers WHERE id = ?", [.integer(producerID)]) == 0 {
            errors.append(FieldError("producer_id", "names no registered producer (\(producerID))"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func duplicateCode(_ code: String) -> DomainError {
        .conflict("a packing facility with code \(code) already exists")
    }

    private static func bindings(_ f: PackingFacilityFields) -> [SQLiteValue] {
        [.text(f.code), .text(f.name), SQLiteValue(f.commune), SQLiteValue(f.district), SQLiteValue(f.address),
         SQLiteValue(f.producerID), .text(f.market.rawValue)]
    }

    static func decode(_ row: Row) throws -> PackingFacility {
        guard let market = MarketScope(rawValue: row.string(7)),
              let created = row.timestamp(8),
              let updated = row.timestamp(9) else {
            throw DomainError.conflict("packing facility \(row.int64(0)) has corrupt stored fields")
        }
        let fields = PackingFacilityFields(
            code: row.string(1), name: row.string(2), commune: row.optionalString(3), district: row.optionalString(4),
            address: row.optionalString(5), producerID: row.optionalInt64(6), market: market)
        return PackingFacility(id: row.int64(0), fields: fields, createdAt: created, updatedAt: updated, version: row.int64(10))
    }
}
