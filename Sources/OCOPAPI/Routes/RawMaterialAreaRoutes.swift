import HTTP
import JSON
import OCOP

/// `/api/v1/raw-material-areas`: growing areas with their codes and good-practice
/// certifications. Anyone reads (traceability pages show them); officers write.
public struct RawMaterialAreaRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["kind", "market", "producer_id", "scheme", "district", "commune", "q",
                                              "sort", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "raw-material-areas"
        return [
            Route(.get, "/api/v1/raw-material-areas", access: .anyone,
                  doc: RouteDoc("List raw-material areas", tag: tag, response: "RawMaterialArea", isList: true,
                                query: Self.listParameters.sorted(), csv: true), handler: list),
            Route(.post, "/api/v1/raw-material-areas", access: .officers,
                  doc: RouteDoc("Register a raw-material area", tag: tag, request: "RawMaterialAreaInput",
                                response: "RawMaterialArea", status: 201), handler: create),
            Route(.get, "/api/v1/raw-material-areas/{id}", access: .anyone,
                  doc: RouteDoc("One raw-material area", tag: tag, response: "RawMaterialArea"), handler: get),
            Route(.put, "/api/v1/raw-material-areas/{id}", access: .officers,
                  doc: RouteDoc("Replace a raw-material area (certifications as a whole)", tag: tag,
                                request: "RawMaterialAreaInput", response: "RawMaterialArea"), handler: replace),
            Route(.patch, "/api/v1/raw-material-areas/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch; a certifications array replaces the list)", tag: tag,
                                request: "RawMaterialAreaPatch", response: "RawMaterialArea"), handler: patch),
            Route(.delete, "/api/v1/raw-material-areas/{id}", access: .officers,
                  doc: RouteDoc("Delete an area no product is made from", tag: tag, status: 204), handler: delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = RawMaterialAreaQuery()
        query.kind = parameters.oneOf("kind", AreaKind.self, errors: &errors)
        query.market = parameters.oneOf("market", MarketScope.self, errors: &errors)
        query.producerID = parameters.int("producer_id", in: 1...Int64.max, errors: &errors)
        query.scheme = parameters.oneOf("scheme", CertificationScheme.self, errors: &errors)
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.commune = parameters.text("commune", maxLength: 100, errors: &errors)
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", CodeSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try RawMaterialAreaStore.list($0, query) }
        let today = CivilDate.today(at: context.now)
        return Responses.list(context, page: page, query: parameters, csv: RawMaterialAreaRepresentation.csv(today: today)) {
            writer, area in RawMaterialAreaRepresentation.write(area, today: today, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let area = try context.database.read({ try RawMaterialAreaStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "raw_material_area", id: String(id))
        }
        return respond(context, area)
    }

    func create(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let fields = try RawMaterialAreaRepresentation.fields(from: context.jsonObject(), current: nil)
        let actor = context.actor, now = context.now
        return try context.write { db in
            let area = try RawMaterialAreaStore.create(db, fields, actor: actor, now: now)
            return respond(context, area, status: .created, location: "/api/v1/raw-material-areas/\(area.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try RawMaterialAreaStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "raw_material_area", id: String(id))
            }
            try Precondition.ifMatch(ifVersion, current: current.version)
            let fields = try RawMaterialAreaRepresentation.fields(from: body, current: current)
            let area = try RawMaterialAreaStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, area)
        }
    }

    func patch(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject(allowMergePatch: true)
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            guard let current = try RawMaterialAreaStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "raw_material_area", id: String(id))
            }
            // Applied to the representation read in the writing transaction, so no concurrent
            // change is lost; an array in the patch replaces the certification list (RFC 7396 §2).
            try Precondition.ifMatch(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: current.fields.jsonObject, readOnly: RawMaterialAreaRepresentation.readOnly(current))
            let fields = try RawMaterialAreaRepresentation.fields(from: merged, current: current)
            let area = try RawMaterialAreaStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, area)
        }
    }

    func delete(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            try RawMaterialAreaStore.delete(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    /// The item with its ETag. A conditional GET gets 304 only when no certification's `valid`
    /// changed with the calendar since this version was written (the version cannot see midnight).
    private func respond(_ context: RequestContext, _ area: RawMaterialArea, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        let today = CivilDate.today(at: context.now)
        let write: (inout JSONWriter) -> Void = { RawMaterialAreaRepresentation.write(area, today: today, to: &$0) }
        guard area.validityChangedSinceUpdate(today: today) else {
            return Responses.item(context, status: status, version: area.version, location: location, write)
        }
        var writer = JSONWriter(capacity: 768)
        write(&writer)
        var headers = HTTPHeaders()
        headers.set("ETag", ETag.of(version: area.version))
        if let location { headers.set("Location", location) }
        return Responses.json(status, writer.bytes, headers: headers)
    }
}
