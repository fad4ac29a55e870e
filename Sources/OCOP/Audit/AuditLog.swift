import JSON
import SQLite

/// One audit entry: who changed what, when, and which fields.
public struct AuditEntry: Sendable, Equatable {
    public let id: Int64
    public let at: Timestamp
    public let tokenID: Int64?
    public let entity: String
    /// The id of the item changed (stored as text, as the audit table always has).
    public let entityID: Int64
    public let action: String
    /// For creates and deletes the whole item; for updates `{"field": {"from": x, "to": y}}`.
    public let changes: JSONValue
    public let requestID: String?
}

/// The append-only audit log. Entries are written in the same transaction as
/// the change they describe, so one never exists without the other.
public enum AuditLog {
    public static func record(_ db: Connection, actor: Actor, entity: AuditEntity, entityID: Int64,
                              action: String, changes: JSONObject, at: Timestamp) throws {
        try record(db, actor: actor, entity: entity, entityID: entityID, action: action,
                   serializedChanges: JSONValue.object(changes).serializedString(), at: at.description)
    }

    /// `changes` already serialised (a JSON object) and `at` already formatted (RFC 3339),
    /// so callers can do that work before entering the writer.
    public static func record(_ db: Connection, actor: Actor, entity: AuditEntity, entityID: Int64,
                              action: String, serializedChanges: String, at: String) throws {
        try db.run("""
            INSERT INTO audit_log (at, token_id, entity, entity_id, action, changes, request_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(at), SQLiteValue(actor.tokenID), .text(entity.rawValue), .text(String(entityID)),
             .text(action), .text(serializedChanges), SQLiteValue(actor.requestID)])
    }

    /// The changed fields between two representations, as `{"field": {"from": a, "to": b}}`.
    public static func diff(_ old: JSONObject, _ new: JSONObject) -> JSONObject {
        var changes = JSONObject()
        for (key, newValue) in new where old[key] != newValue {
            changes[key] = .object(JSONObject([("from", old[key] ?? .null), ("to", newValue)]))
        }
        return changes
    }

    /// Filters for `GET /api/v1/audit`.
    public struct Query: Sendable {
        public var entity: AuditEntity?
        public var entityID: Int64?
        public var tokenID: Int64?
        public var limit = PageSize.default
        public var after: Int64?

        public init() {}
    }

    /// Newest first, keyset by id.
    public static func list(_ db: Connection, _ query: Query) throws -> Page<AuditEntry> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        if let entity = query.entity { conditions.append("entity = ?"); params.append(.text(entity.rawValue)) }
        if let entityID = query.entityID { conditions.append("entity_id = ?"); params.append(.text(String(entityID))) }
        if let tokenID = query.tokenID { conditions.append("token_id = ?"); params.append(.integer(tokenID)) }
        if let after = query.after { conditions.append("id < ?"); params.append(.integer(after)) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        params.append(.integer(query.limit.rowsToFetch))
        let entries = try db.all("""
            SELECT id, at, token_id, entity, entity_id, action, changes, request_id
            FROM audit_log \(whereClause) ORDER BY id DESC LIMIT ?
            """, params) { row in
            AuditEntry(id: row.int64(0),
                       at: row.timestamp(1) ?? Timestamp(millisecondsSinceEpoch: 0),
                       tokenID: row.optionalInt64(2), entity: row.string(3), entityID: Int64(row.string(4)) ?? 0,
                       action: row.string(5),
                       changes: (try? JSONValue.parse(row.string(6))) ?? .null,
                       requestID: row.optionalString(7))
        }
        return Page(fetched: entries, limit: query.limit) { Cursor(sort: "-id", values: [String($0.id)]).encoded }
    }
}
