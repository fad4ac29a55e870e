import HTTP
import JSON
import OCOP

/// `/api/v1/packing-facilities`: packing facilities with their codes (export codes are
/// checked by importing countries). Anyone reads; officers write.
public struct PackingFacilityRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["market", "producer_id", "district", "commune", "q", "sort", "limit",
                                              "cursor"]

    public func routes() -> [Route] {
        let tag = "packing-facilities"
        return [
            Route(.get, "/api/v1/packing-facilities", access: .anyone,
                  doc: RouteDoc("List packing facilities", tag: tag, response: "PackingFacility", isList: true,
                                query: Self.listParameters.sorted(), csv: true), handler: list),
            Route(.post, "/api/v1/packing-facilities", access: .officers,
                  doc: RouteDoc("Register a packing facility", tag: tag, request: "PackingFacilityInput",
                                response: "PackingFacility", status: 201), handler: create),
            Route(.get, "/api/v1/packing-facilities/{id}", access: .anyone,
                  doc: RouteDoc("One packing facility", tag: tag, response: "PackingFacility"), handler: get),
            Route(.put, "/api/v1/packing-facilities/{id}", access: .officers,
                  doc: RouteDoc("Replace a packing facility", tag: tag,
                                request: "PackingFacilityInput", response: "PackingFacility"), handler: replace),
            Route(.patch, "/api/v1/packing-facilities/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: tag,
                                request: "PackingFacilityPatch", response: "PackingFacility"), handler: patch),
            Route(.delete, "/api/v1/packing-facilities/{id}", access: .officers,
                  doc: RouteDoc("Delete a packing facility", tag: tag, status: 204), handler: delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = PackingFacilityQuery()
        query.market = parameters.oneOf("market", MarketScope.self, errors: &errors)
        query.producerID = parameters.int("producer_id", in: 1...Int64.max, errors: &errors)
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.commune = parameters.text("commune", maxLength: 100, errors: &errors)
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", CodeSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try PackingFacilityStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: PackingFacilityRepresentation.csv) { writer, facility in
            PackingFacilityRepresentation.write(facility, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let facility = try context.database.read({ try PackingFacilityStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "packing_facility", id: String(id))
        }
        return respond(context, facility)
    }

    func create(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let fields = try PackingFacilityRepresentation.fields(from: context.jsonObject(), current: nil)
        let actor = context.actor, now = context.now
        return try context.write { db in
            let facility = try PackingFacilityStore.create(db, fields, actor: actor, now: now)
            return respond(context, facility, status: .created, location: "/api/v1/packing-facilities/\(facility.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try PackingFacilityStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "packing_facility", id: String(id))
            }
            try Precondition.ifMatch(ifVersion, current: current.version)
            let fields = try PackingFacilityRepresentation.fields(from: body, current: current)
            let facility = try PackingFacilityStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, facility)
        }
    }

    func patch(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject(allowMergePatch: true)
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try PackingFacilityStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "packing_facility", id: String(id))
            }
            // Applied to the representation read in the writing transaction, so no concurrent change is lost.
            try Precondition.ifMatch(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: current.fields.jsonObject, readOnly: PackingFacilityRepresentation.readOnly(current))
            let fields = try PackingFacilityRepresentation.fields(from: merged, current: current)
            let facility = try PackingFacilityStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, facility)
        }
    }

    func delete(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            try PackingFacilityStore.delete(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    private func respond(_ context: RequestContext, _ facility: PackingFacility, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: facility.version, location: location) { writer in
            PackingFacilityRepresentation.write(facility, to: &writer)
        }
    }
}
