import HTTP
import JSON
import OCOP

/// `/api/v1/points-of-sale`: the registry of OCOP points of sale. Anyone reads it (it tells
/// shoppers where to buy); officers and admins write. A point of sale with inventory, sales
/// or active tokens cannot be deleted (409): its history is evidence.
public struct PointOfSaleRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["kind", "district", "commune", "compliant", "q", "sort", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "points-of-sale"
        return [
            Route(.get, "/api/v1/points-of-sale", access: .anyone,
                  doc: RouteDoc("List points of sale", tag: tag, response: "PointOfSale", isList: true,
                                query: Self.listParameters.sorted(), csv: true), handler: list),
            Route(.post, "/api/v1/points-of-sale", access: .officers,
                  doc: RouteDoc("Register a point of sale", tag: tag, request: "PointOfSaleInput",
                                response: "PointOfSale", status: 201), handler: create),
            Route(.get, "/api/v1/points-of-sale/{id}", access: .anyone,
                  doc: RouteDoc("One point of sale", tag: tag, response: "PointOfSale"), handler: get),
            Route(.put, "/api/v1/points-of-sale/{id}", access: .officers,
                  doc: RouteDoc("Replace a point of sale", tag: tag, request: "PointOfSaleInput",
                                response: "PointOfSale"), handler: replace),
            Route(.patch, "/api/v1/points-of-sale/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch; channels are replaced whole)", tag: tag,
                                request: "PointOfSalePatch", response: "PointOfSale"), handler: patch),
            Route(.delete, "/api/v1/points-of-sale/{id}", access: .officers,
                  doc: RouteDoc("Delete a point of sale with no inventory, sales or active tokens", tag: tag,
                                status: 204), handler: delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = PointOfSaleQuery()
        query.kind = parameters.oneOf("kind", PointOfSaleKind.self, errors: &errors)
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.commune = parameters.text("commune", maxLength: 100, errors: &errors)
        query.compliant = CertificationReaders.bool(parameters, "compliant", errors: &errors)
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", CodeSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try PointOfSaleStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: PointOfSaleRepresentation.csv) { writer, point in
            PointOfSaleRepresentation.write(point, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let point = try context.database.read({ try PointOfSaleStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "point_of_sale", id: String(id))
        }
        return respond(context, point)
    }

    func create(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let fields = try PointOfSaleRepresentation.fields(from: context.jsonObject(), current: nil)
        let actor = context.actor, now = context.now
        return try context.write { db in
            let point = try PointOfSaleStore.create(db, fields, actor: actor, now: now)
            return respond(context, point, status: .created, location: "/api/v1/points-of-sale/\(point.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try PointOfSaleStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "point_of_sale", id: String(id))
            }
            try Precondition.ifMatch(ifVersion, current: current.version)
            let fields = try PointOfSaleRepresentation.fields(from: body, current: current)
            let point = try PointOfSaleStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, point)
        }
    }

    func patch(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject(allowMergePatch: true)
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try PointOfSaleStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "point_of_sale", id: String(id))
            }
            // The patch applies to the representation read in the same transaction as the write.
            try Precondition.ifMatch(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: current.fields.jsonObject, readOnly: PointOfSaleRepresentation.readOnly(current))
            let fields = try PointOfSaleRepresentation.fields(from: merged, current: current)
            let point = try PointOfSaleStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, point)
        }
    }

    func delete(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            try PointOfSaleStore.delete(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    private func respond(_ context: RequestContext, _ point: PointOfSale, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: point.version, location: location) { writer in
            PointOfSaleRepresentation.write(point, to: &writer)
        }
    }
}
