import HTTP
import JSON
import OCOP

/// `/api/v1/platforms`: e-commerce platforms OCOP products are listed on. Seeded with the
/// province's own platform, Voso and Postmart. Anyone reads; officers and admins write.
public struct PlatformRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["kind", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "e-commerce"
        return [
            Route(.get, "/api/v1/platforms", access: .anyone,
                  doc: RouteDoc("List platforms", tag: tag, response: "Platform", isList: true,
                                query: Self.listParameters.sorted(), csv: true), handler: list),
            Route(.post, "/api/v1/platforms", access: .officers,
                  doc: RouteDoc("Register a platform", tag: tag, request: "PlatformInput", response: "Platform", status: 201),
                  handler: create),
            Route(.get, "/api/v1/platforms/{id}", access: .anyone,
                  doc: RouteDoc("One platform", tag: tag, response: "Platform"), handler: get),
            Route(.put, "/api/v1/platforms/{id}", access: .officers,
                  doc: RouteDoc("Replace a platform", tag: tag, request: "PlatformInput", response: "Platform"),
                  handler: replace),
            Route(.patch, "/api/v1/platforms/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: tag, request: "PlatformPatch",
                                response: "Platform"), handler: patch),
            Route(.delete, "/api/v1/platforms/{id}", access: .officers,
                  doc: RouteDoc("Delete a platform nothing was ever listed on", tag: tag, status: 204), handler: delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = PlatformQuery()
        query.kind = parameters.oneOf("kind", PlatformKind.self, errors: &errors)
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try PlatformStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: PlatformRepresentation.csv) { writer, platform in
            PlatformRepresentation.write(platform, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let platform = try context.database.read({ try PlatformStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "platform", id: String(id))
        }
        return respond(context, platform)
    }

    func create(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let fields = try PlatformRepresentation.fields(from: context.jsonObject(), current: nil)
        let actor = context.actor, now = context.now
        return try context.write { db in
            let platform = try PlatformStore.create(db, fields, actor: actor, now: now)
            return respond(context, platform, status: .created, location: "/api/v1/platforms/\(platform.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try PlatformStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "platform", id: String(id))
            }
            try Precondition.ifMatch(ifVersion, current: current.version)
            let fields = try PlatformRepresentation.fields(from: body, current: current)
            let platform = try PlatformStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, platform)
        }
    }

    func patch(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject(allowMergePatch: true)
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try PlatformStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "platform", id: String(id))
            }
            // Applied to the representation read in the same transaction as the write.
            try Precondition.ifMatch(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: PlatformStore.jsonObject(current.fields), readOnly: PlatformRepresentation.readOnly(current))
            let fields = try PlatformRepresentation.fields(from: merged, current: current)
            let platform = try PlatformStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, platform)
        }
    }

    func delete(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            try PlatformStore.delete(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    private func respond(_ context: RequestContext, _ platform: Platform, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: platform.version, location: location) { writer in
            PlatformRepresentation.write(platform, to: &writer)
        }
    }
}
