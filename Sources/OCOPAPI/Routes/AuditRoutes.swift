import HTTP
import JSON
import OCOP

/// `GET /api/v1/audit`: who changed what, for admins and officers.
public struct AuditRoutes: RouteCollection {
    public init() {}

    static let parameters: Set<String> = ["entity", "entity_id", "token_id", "limit", "cursor"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/audit", access: .officers,
                  doc: RouteDoc("Audit entries, newest first", tag: "audit", response: "AuditEntry", isList: true,
                                query: Self.parameters.sorted(),
                                values: ["entity": RouteDoc.cases(AuditEntity.self)], csv: true), handler: list),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.parameters)
        var errors: [FieldError] = []
        var query = AuditLog.Query()
        query.entity = parameters.oneOf("entity", AuditEntity.self, errors: &errors)
        query.entityID = parameters.int("entity_id", in: 1...Int64.max, errors: &errors)
        query.tokenID = parameters.int("token_id", in: 1...Int64.max, errors: &errors)
        query.limit = parameters.pageSize(errors: &errors)
        if let cursor = parameters.cursor(errors: &errors) {
            if cursor.sort == "-id", cursor.values.count == 1, let id = Int64(cursor.values[0]) { query.after = id }
            else { errors.append(FieldError.badCursor) }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try AuditLog.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: Self.csv) { writer, entry in
            writer.beginObject()
            writer.field("id", entry.id)
            writer.field("at", entry.at)
            writer.field("token_id", entry.tokenID)
            writer.field("entity", entry.entity)
            writer.field("entity_id", entry.entityID)
            writer.field("action", entry.action)
            writer.key("changes")
            writer.value(entry.changes)
            writer.field("request_id", entry.requestID)
            // API.md: every item has these three; an entry is never changed after it is written.
            writer.field("created_at", entry.at)
            writer.field("updated_at", entry.at)
            writer.field("version", 1)
            writer.endObject()
        }
    }

    static let csv = CSVTable<AuditEntry>(filename: "audit.csv", columns: [
        ("id", { String($0.id) }),
        ("at", { $0.at.description }),
        ("token_id", { $0.tokenID.map { String($0) } }),
        ("entity", { $0.entity }),
        ("entity_id", { String($0.entityID) }),
        ("action", { $0.action }),
        ("changes", { $0.changes.serializedString() }),
        ("request_id", { $0.requestID }),
        ("created_at", { $0.at.description }),
        ("updated_at", { $0.at.description }),
        ("version", { _ in "1" }),
    ])
}
