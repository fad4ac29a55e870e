import JSON
import SQLite

/// Filters and paging for `GET /api/v1/platforms` (id order).
public struct PlatformQuery: Sendable {
    public var kind: PlatformKind?
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}

/// Reads and writes e-commerce platforms. Every write also writes its audit entry.
public enum PlatformStore {
    static let columns = "id, code, name, url, kind, created_at, updated_at, version"

    /// One platform, or nil.
    public static func get(_ db: Connection, id: Int64) throws -> Platform? {
        try db.first("SELECT \(columns) FROM platforms WHERE id = ?", [.integer(id)], decode)
    }

    /// The platform with this code, or nil.
    public static func get(_ db: Connection, code: String) throws -> Platform? {
        try db.first("SELECT \(columns) FROM platforms WHERE code = ?", [.text(code)], decode)
    }

    /// A page in id order (the seeded platforms first).
    public static func list(_ db: Connection, _ query: PlatformQuery) throws -> Page<Platform> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        if let kind = query.kind { conditions.append("kind = ?"); params.append(.text(kind.rawValue)) }
        if let cursor = query.cursor {
            guard cursor.sort == "id", cursor.values.count == 1, let last = Int64(cursor.values[0]) else {
                throw DomainError.badCursor
            }
            conditions.append("id > ?")
            params.append(.integer(last))
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        params.append(.integer(query.limit.rowsToFetch))
        let items = try db.all("SELECT \(columns) FROM platforms \(whereClause) ORDER BY id LIMIT ?", params, decode)
        return Page(fetched: items, limit: query.limit) { Cursor(sort: "id", values: [String($0.id)]).encoded }
    }

    /// Registers a platform; a code already taken is a conflict.
    public static func create(_ db: Connection, _ fields: PlatformFields, actor: Actor, now: Timestamp) throws -> Platform {
        try check(fields)
        do {
            try db.run("""
                INSERT INTO platforms (id, code, name, url, kind, created_at, updated_at, version) VALUES (\(RetiredIDs.nextID("platforms")), ?, ?, ?, ?, ?, ?, 1)
                """, bindings(fields) + [.text(now.description), .text(now.description)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateCode(fields.code)
        }
        let id = db.lastInsertRowID
        try AuditLog.record(db, actor: actor, entity: .platform, entityID: id, action: "create",
                            changes: jsonObject(fields), at: now)
        return Platform(id: id, fields: fields, createdAt: now, updatedAt: now, version: 1)
    }

    /// Replaces every writable field.
    public static func replace(_ db: Connection, id: Int64, with fields: PlatformFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> Platform {
        guard var platform = try get(db, id: id) else { throw DomainError.notFound(entity: "platform", id: String(id)) }
        try VersionMatch.require(ifVersion, current: platform.version)
        try check(fields, stored: platform.fields)
        let changes = AuditLog.diff(jsonObject(platform.fields), jsonObject(fields))
        guard changes.count > 0 else { return platform }   // nothing changed: no new version, no audit noise
        do {
            try db.run("""
                UPDATE platforms SET code = ?, name = ?, url = ?, kind = ?, updated_at = ?, version = version + 1 WHERE id = ?
                """, bindings(fields) + [.text(now.description), .integer(id)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateCode(fields.code)
        }
        platform.fields = fields
        platform.updatedAt = now
        platform.version += 1
        try AuditLog.record(db, actor: actor, entity: .platform, entityID: id, action: "update",
                            changes: changes, at: now)
        return platform
    }

    /// Deletes a platform nothing is listed on (409 otherwise: its listings are report history).
    public static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws {
        guard let platform = try get(db, id: id) else { throw DomainError.notFound(entity: "platform", id: String(id)) }
        try VersionMatch.require(ifVersion, current: platform.version)
        let listings = try db.scalarInt("SELECT count(*) FROM listings WHERE platform_id = ?", [.integer(id)]) ?? 0
        if listings > 0 {
            throw DomainError.conflict("platform \(id) has \(listings) listings; they are the history of its coverage")
        }
        try db.run("DELETE FROM platforms WHERE id = ?", [.integer(id)])
        try AuditLog.record(db, actor: actor, entity: .platform, entityID: id, action: "delete",
                            changes: jsonObject(platform.fields), at: now)
    }

    /// The fields under their API names; what the audit log records.
    public static func jsonObject(_ f: PlatformFields) -> JSONObject {
        JSONObject([
            ("code", .string(f.code)),
            ("name", .string(f.name)),
            ("url", f.url.map(JSONValue.string) ?? .null),
            ("kind", .string(f.kind.rawValue)),
        ])
    }

    private static func check(_ fields: PlatformFields, stored: PlatformFields? = nil) throws {
        let errors = fields.validate(stored: stored)
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func duplicateCode(_ code: String) -> DomainError {
        .conflict("a platform with code \(code) already exists")
    }

    private static func bindings(_ f: PlatformFields) -> [SQLiteValue] {
        [.text(f.code), .text(f.name), SQLiteValue(f.url), .text(f.kind.rawValue)]
    }

    static func decode(_ row: Row) throws -> Platform {
        guard let kind = PlatformKind(rawValue: row.string(4)),
              let created = row.timestamp(5), let updated = row.timestamp(6) else {
            throw DomainError.conflict("platform \(row.int64(0)) has corrupt stored fields")
        }
        return Platform(id: row.int64(0),
                        fields: PlatformFields(code: row.string(1), name: row.string(2), url: row.optionalString(3), kind: kind),
                        createdAt: created, updatedAt: updated, version: row.int64(7))
    }
}
