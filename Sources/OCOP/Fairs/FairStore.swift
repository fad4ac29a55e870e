import JSON
import SQLite

/// Reads and writes fairs. Every write also writes its audit entry, in the caller's
/// transaction (`Database.write`).
public enum FairStore {
    static let columns = """
        id, name, kind, starts_on, ends_on, venue, commune, district, province, organizer, visitors, \
        created_at, updated_at, version
        """

    /// One fair, or nil.
    public static func get(_ db: Connection, id: Int64) throws -> Fair? {
        try db.first("SELECT \(columns) FROM fairs WHERE id = ?", [.integer(id)], decode)
    }

    /// A filtered page in the query's order (keyset paging). `today` gives `status` its meaning.
    public static func list(_ db: Connection, _ query: FairQuery, today: CivilDate) throws -> Page<Fair> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        if let kind = query.kind { conditions.append("kind = ?"); params.append(.text(kind.rawValue)) }
        switch query.status {
        case .planned?: conditions.append("starts_on > ?"); params.append(.text(today.description))
        case .running?:
            conditions.append("starts_on <= ? AND ends_on >= ?")
            params += [.text(today.description), .text(today.description)]
        case .ended?: conditions.append("ends_on < ?"); params.append(.text(today.description))
        case nil: break
        }
        // Overlap with from…to: the fair starts by `to` and ends from `from` on.
        if let to = query.to { conditions.append("starts_on <= ?"); params.append(.text(to.description)) }
        if let from = query.from { conditions.append("ends_on >= ?"); params.append(.text(from.description)) }
        if let district = query.district { conditions.append("district = ?"); params.append(.text(district)) }
        if let province = query.province { conditions.append("province = ?"); params.append(.text(province)) }
        if let text = query.text {
            guard let match = FullTextQuery.match(text) else { return Page(items: [], nextCursor: nil) }
            conditions.append("id IN (SELECT rowid FROM fairs_search WHERE fairs_search MATCH ?)")
            params.append(.text(match))
        }
        let keyset = query.sort.keyset
        try keyset.restrict(after: query.cursor, &conditions, &params)
        params.append(.integer(query.limit.rowsToFetch))
        var items = try db.all("SELECT \(columns) FROM fairs \(conditions.whereClause) ORDER BY \(keyset.orderBy) LIMIT ?",
                               params, decode)
        let next = keyset.page(&items, limit: query.limit) { (.date($0.fields.startsOn), $0.id) }
        return Page(items: items, nextCursor: next)
    }

    /// Registers a fair.
    public static func create(_ db: Connection, _ fields: FairFields, actor: Actor, now: Timestamp) throws -> Fair {
        try check(fields)
        try db.run("""
            INSERT INTO fairs (id, name, kind, starts_on, ends_on, venue, commune, district, province, organizer, visitors,
                               created_at, updated_at, version)
            VALUES (\(RetiredIDs.nextID("fairs")), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            """, bindings(fields) + [.text(now.description), .text(now.description)])
        let id = db.lastInsertRowID
        try db.run("INSERT INTO fairs_search (rowid, folded) VALUES (?, ?)", [.integer(id), .text(fields.searchText)])
        try AuditLog.record(db, actor: actor, entity: .fair, entityID: id, action: "create",
                            changes: fields.jsonObject, at: now)
        return Fair(id: id, fields: fields, createdAt: now, updatedAt: now, version: 1)
    }

    /// Replaces every writable field. New dates must still hold every sales day recorded for the
    /// fair (409 otherwise: sales are facts; move or delete them first).
    public static func replace(_ db: Connection, id: Int64, with fields: FairFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> Fair {
        try CalendarVersions.settle(db, .fair, id: id, now: now)
        guard var fair = try get(db, id: id) else { throw DomainError.notFound(entity: "fair", id: String(id)) }
        try VersionMatch.require(ifVersion, current: fair.version)
        try check(fields)
        let changes = AuditLog.diff(fair.fields.jsonObject, fields.jsonObject)
        guard changes.count > 0 else { return fair }   // nothing changed: no new version, no audit noise
        if fields.startsOn != fair.fields.startsOn || fields.endsOn != fair.fields.endsOn {
            let outside = try db.first("""
                SELECT count(*), min(day), max(day) FROM fair_sales WHERE fair_id = ?1 AND (day < ?2 OR day > ?3)
                """, [.integer(id), .text(fields.startsOn.description), .text(fields.endsOn.description)]) {
                (count: $0.int(0), first: $0.optionalString(1) ?? "", last: $0.optionalString(2) ?? "")
            }
            if let outside, outside.count > 0 {
                throw DomainError.conflict("""
                    fair \(id) has \(outside.count) sales entries outside \(fields.startsOn)…\(fields.endsOn) \
                    (from \(outside.first) to \(outside.last)); correct or delete them first
                    """)
            }
        }
        try db.run("""
            UPDATE fairs SET name = ?, kind = ?, starts_on = ?, ends_on = ?, venue = ?, commune = ?, district = ?,
                   province = ?, organizer = ?, visitors = ?, updated_at = ?, version = version + 1
            WHERE id = ?
            """, bindings(fields) + [.text(now.description), .integer(id)])
        try db.run("UPDATE fairs_search SET folded = ? WHERE rowid = ?", [.text(fields.searchText), .integer(id)])
        fair.fields = fields
        fair.updatedAt = now
        fair.version += 1
        try AuditLog.record(db, actor: actor, entity: .fair, entityID: id, action: "update",
                            changes: changes, at: now)
        return fair
    }

    /// Deletes a fair without booths; one with booths keeps its record (409).
    public static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws {
        try CalendarVersions.settle(db, .fair, id: id, now: now)
        guard let fair = try get(db, id: id) else { throw DomainError.notFound(entity: "fair", id: String(id)) }
        try VersionMatch.require(ifVersion, current: fair.version)
        let booths = try db.scalarInt("SELECT count(*) FROM fair_booths WHERE fair_id = ?", [.integer(id)]) ?? 0
        if booths > 0 {
            throw DomainError.conflict("fair \(id) has \(booths) booths; delete them (and their sales) first")
        }
        try db.run("DELETE FROM fairs WHERE id = ?", [.integer(id)])
        try db.run("DELETE FROM fairs_search WHERE rowid = ?", [.integer(id)])
        try AuditLog.record(db, actor: actor, entity: .fair, entityID: id, action: "delete",
                            changes: fair.fields.jsonObject, at: now)
    }

    private static func check(_ fields: FairFields) throws {
        let errors = fields.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func bindings(_ f: FairFields) -> [SQLiteValue] {
        [.text(f.name), .text(f.kind.rawValue), .text(f.startsOn.description), .text(f.endsOn.description),
         SQLiteValue(f.venue), SQLiteValue(f.commune), SQLiteValue(f.district), .text(f.province),
         SQLiteValue(f.organizer), .integer(f.visitors)]
    }

    static func decode(_ row: Row) throws -> Fair {
        guard let kind = FairKind(rawValue: row.string(2)),
              let startsOn = CivilDate(row.string(3)), let endsOn = CivilDate(row.string(4)),
              let created = row.timestamp(11),
              let updated = row.timestamp(12) else {
            throw DomainError.conflict("fair \(row.int64(0)) has corrupt stored fields")
        }
        let fields = FairFields(
            name: row.string(1), kind: kind, startsOn: startsOn, endsOn: endsOn, venue: row.optionalString(5),
            commune: row.optionalString(6), district: row.optionalString(7), province: row.string(8),
            organizer: row.optionalString(9), visitors: row.int64(10))
        return Fair(id: row.int64(0), fields: fields, createdAt: created, updatedAt: updated, version: row.int64(13))
    }
}
