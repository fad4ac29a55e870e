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
                                query: Self.listParameters.sorted(),
                                values: ["kind": RouteDoc.cases(ProducerKind.self), "sort": RouteDoc.cases(ProducerSort.self)], csv: true), handler: list),
            Route(.post, "/api/v1/producers", access: .officers,
                  doc: RouteDoc("Register a producer", tag: "producers", request: "ProducerInput",
                                response: "Producer", status: 201), write: create),
            Route(.get, "/api/v1/producers/{id}", access: .anyone,
                  doc: RouteDoc("One producer", tag: "producers", response: "Producer"), handler: ProducerRepresentation.get),
            Route(.put, "/api/v1/producers/{id}", access: .officers,
                  doc: RouteDoc("Replace a producer", tag: "producers", request: "ProducerInput", response: "Producer"),
                  write: ProducerRepresentation.replace),
            Route(.patch, "/api/v1/producers/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: "producers", request: "ProducerPatch",
                                response: "Producer"), write: ProducerRepresentation.patch),
            Route(.delete, "/api/v1/producers/{id}", access: .officers,
                  doc: RouteDoc("Delete a producer that owns nothing", tag: "producers", status: 204), write: ProducerRepresentation.delete),
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
        if context.wantsCSV {
            let page = try ProducerStore.list(context.database, query)
            return Responses.list(context, page: page, query: parameters, csv: ProducerRepresentation.csv) { writer, producer in
                ProducerRepresentation.write(producer, to: &writer)
            }
        }
        // JSON straight from the rows: no Producer and no String per field (ProducerColumns).
        return try Responses.list(context, query: parameters, capacity: 256 + query.limit.value * 384) { writer in
            try ProducerStore.forEachListed(context.database, query) { try ProducerRepresentation.write($0, to: &writer) }
        }
    }

    func create(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fields = try ProducerRepresentation.fields(from: context.jsonObject(), current: nil)
        // Validation, collation key, search text and audit JSON here, not on the writer thread.
        let draft = try ProducerDraft(fields)
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let producer = try ProducerStore.create(db, draft, actor: actor, now: now)
            return ProducerRepresentation.respond(context, producer, status: .created, location: "/api/v1/producers/\(producer.id)")
        }
    }
}

extension ProducerStore: ItemStore {}
extension Producer: StoredItem {}

extension ProducerRepresentation: UndatedItemResource {
    typealias Store = ProducerStore
    static let entity = "producer"
    static let collectionPath = "/api/v1/producers"
    static func writable(_ producer: Producer) -> JSONObject { producer.fields.jsonObject }
}
