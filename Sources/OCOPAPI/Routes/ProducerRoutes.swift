import HTTP
import JSON
import OCOP

/// `/api/v1/producers`: the registry of OCOP producers. Anyone reads; officers write.
public struct ProducerRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["kind", "district", "commune", "q", "sort", "limit", "cursor"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/producers", access: .anyone, cacheable: true,
                  doc: RouteDoc("List producers", tag: "producers", response: "Producer", isList: true,
                                query: Self.listParameters.sorted(), csv: true), handler: list),
            Route(.post, "/api/v1/producers", access: .officers,
                  doc: RouteDoc("Register a producer", tag: "producers", request: "ProducerInput",
                                response: "Producer", status: 201), handler: create),
            Route(.get, "/api/v1/producers/{id}", access: .anyone,
                  doc: RouteDoc("One producer", tag: "producers", response: "Producer"), handler: get),
            Route(.put, "/api/v1/producers/{id}", access: .officers,
                  doc: RouteDoc("Replace a producer", tag: "producers", request: "ProducerInput", response: "Producer"),
                  handler: replace),
            Route(.patch, "/api/v1/producers/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: "producers", request: "ProducerPatch",
                                response: "Producer"), handler: patch),
            Route(.delete, "/api/v1/producers/{id}", access: .officers,
                  doc: RouteDoc("Delete a producer that owns nothing", tag: "producers", status: 204), handler: delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = ProducerQuery()
        query.kind = parameters.oneOf("kind", ProducerKind.self, errors: &errors)
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.commune = parameters.text("commune", maxLength: 100, errors: &errors)
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", ProducerSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try ProducerStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: ProducerRepresentation.csv) { writer, producer in
            ProducerRepresentation.write(producer, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let producer = try context.database.read({ try ProducerStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "producer", id: String(id))
        }
        return respond(context, producer)
    }

    func create(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let fields = try ProducerRepresentation.fields(from: context.jsonObject(), current: nil)
        // Validation, collation key, search text and audit JSON here, not on the writer thread.
        let draft = try ProducerDraft(fields)
        let actor = context.actor, now = context.now
        return try context.write { db in
            let producer = try ProducerStore.create(db, draft, actor: actor, now: now)
            return respond(context, producer, status: .created, location: "/api/v1/producers/\(producer.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try ProducerStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "producer", id: String(id))
            }
            try Precondition.ifMatch(ifVersion, current: current.version)
            let fields = try ProducerRepresentation.fields(from: body, current: current)
            let producer = try ProducerStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, producer)
        }
    }

    func patch(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject(allowMergePatch: true)
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try ProducerStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "producer", id: String(id))
            }
            // The patch applies to the current representation, read in the same transaction
            // as the write, so a concurrent change cannot be lost between the two.
            try Precondition.ifMatch(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: current.fields.jsonObject, readOnly: ProducerRepresentation.readOnly(current))
            let fields = try ProducerRepresentation.fields(from: merged, current: current)
            let producer = try ProducerStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, producer)
        }
    }

    func delete(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            try ProducerStore.delete(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    private func respond(_ context: RequestContext, _ producer: Producer, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: producer.version, location: location) { writer in
            ProducerRepresentation.write(producer, to: &writer)
        }
    }
}
