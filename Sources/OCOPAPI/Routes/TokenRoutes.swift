import HTTP
import JSON
import OCOP

/// `/api/v1/tokens`: admins create (secret shown once), list and revoke bearer tokens.
public struct TokenRoutes: RouteCollection {
    public init() {}

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/tokens", access: .admins,
                  doc: RouteDoc("List tokens (never their secrets)", tag: "tokens", response: "Token", isList: true,
                                query: ["limit", "cursor"]), handler: list),
            Route(.post, "/api/v1/tokens", access: .admins,
                  doc: RouteDoc("Create a token; the secret is in this response only", tag: "tokens",
                                request: "TokenInput", response: "NewToken", status: 201), handler: create),
            Route(.get, "/api/v1/tokens/{id}", access: .admins,
                  doc: RouteDoc("One token", tag: "tokens", response: "Token"), handler: get),
            Route(.delete, "/api/v1/tokens/{id}", access: .admins,
                  doc: RouteDoc("Revoke a token (kept for the audit trail)", tag: "tokens", status: 204), handler: revoke),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: ["limit", "cursor"])
        var errors: [FieldError] = []
        let limit = parameters.pageSize(errors: &errors)
        let cursor = parameters.cursor(errors: &errors)
        var after: Int64?
        if let cursor {
            if cursor.sort == "id", cursor.values.count == 1, let id = Int64(cursor.values[0]) { after = id }
            else { errors.append(FieldError.badCursor) }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try TokenStore.list($0, limit: limit, after: after) }
        return Responses.list(context, page: page, query: parameters) { writer, token in
            Self.write(token, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let token = try context.database.read({ try TokenStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "token", id: String(id))
        }
        return Responses.item(context, version: token.version) { Self.write(token, to: &$0) }
    }

    func create(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        var reader = BodyReader(try context.jsonObject())
        let name = reader.requiredString("name", maxLength: 100)
        let role = reader.requiredEnum("role", Role.self)
        let pointOfSaleID = reader.optionalInt("point_of_sale_id", in: 1...Int64.max)
        let fairBoothID = reader.optionalInt("fair_booth_id", in: 1...Int64.max)
        try reader.finish()
        guard let name, let role else { throw Problem.validation(reader.errors) }
        let actor = context.actor, now = context.now
        return try context.write({ db in
            let (token, secret) = try TokenStore.create(db, name: name, role: role, pointOfSaleID: pointOfSaleID,
                                                        fairBoothID: fairBoothID, actor: actor, now: now)
            var headers = HTTPHeaders()
            headers.set("Location", "/api/v1/tokens/\(token.id)")
            headers.set("Cache-Control", "no-store")
            // Every item has an ETag (API.md), the created one too, as `GET /tokens/{id}` gives it.
            headers.set("ETag", ETag.of(version: token.version))
            var writer = JSONWriter()
            Self.write(token, to: &writer, secret: secret)
            return Responses.json(.created, writer.bytes, headers: headers)
        }, stored: Self.secretNotKept)
    }

    /// What an `Idempotency-Key` retry of a creation gets: the secret is shown once and stored
    /// only as a hash (API.md), so it cannot be replayed; the retry learns which token was
    /// made and what to do, instead of a 201 without its secret. Its own problem type, and no
    /// `Retry-After`, tell it from the in-flight 409 a client should retry: this one never changes.
    @Sendable private static func secretNotKept(_ created: HTTPResponse) -> HTTPResponse {
        let location = created.headers["Location"] ?? "/api/v1/tokens"
        var response = Problem(.conflict, type: "token-secret-not-replayable", title: "Token already created",
                               detail: "this Idempotency-Key already created token \(location); its secret was shown "
            + "once and is not stored, so it cannot be shown again: revoke it (DELETE \(location)) and create another").response
        response.headers.set("Location", location)
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    func revoke(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        // After the revocation committed (or failed): no cached entry may outlive it.
        defer { context.services.tokens.invalidateAll() }
        return try context.write { db in
            try TokenStore.revoke(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    static func write(_ token: TokenRecord, to writer: inout JSONWriter, secret: String? = nil) {
        writer.beginObject()
        writer.field("id", token.id)
        writer.field("name", token.name)
        writer.field("role", token.role.rawValue)
        writer.field("point_of_sale_id", token.pointOfSaleID)
        writer.field("fair_booth_id", token.fairBoothID)
        if let secret { writer.field("token", secret) }
        writer.field("hint", token.hint)
        writer.field("revoked", token.revokedAt != nil)
        writer.field("revoked_at", token.revokedAt)
        writer.field("created_at", token.createdAt)
        writer.field("updated_at", token.updatedAt)
        writer.field("version", token.version)
        writer.endObject()
    }
}
