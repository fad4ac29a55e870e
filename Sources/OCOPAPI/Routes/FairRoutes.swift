import HTTP
import JSON
import OCOP

/// `/api/v1/fairs`: fairs, product weeks and trade-promotion programmes. Anyone reads (the
/// public calendar); officers write. `visitors` may be corrected by officers at any time: the
/// organiser's final count arrives after the fair, and every change is in the audit log.
public struct FairRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = [
        "kind", "status", "from", "to", "district", "province", "q", "sort", "limit", "cursor",
    ]

    public func routes() -> [Route] {
        let tag = "fairs"
        return [
            Route(.get, "/api/v1/fairs", access: .anyone,
                  doc: RouteDoc("List fairs (from/to: fairs with a day in the range; status for today)", tag: tag,
                                response: "Fair", isList: true, query: Self.listParameters.sorted(), csv: true),
                  handler: list),
            Route(.post, "/api/v1/fairs", access: .officers,
                  doc: RouteDoc("Register a fair", tag: tag, request: "FairInput", response: "Fair", status: 201),
                  handler: create),
            Route(.get, "/api/v1/fairs/{id}", access: .anyone,
                  doc: RouteDoc("One fair", tag: tag, response: "Fair"), handler: get),
            Route(.put, "/api/v1/fairs/{id}", access: .officers,
                  doc: RouteDoc("Replace a fair", tag: tag, request: "FairInput", response: "Fair"), handler: replace),
            Route(.patch, "/api/v1/fairs/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch), e.g. the visitor count", tag: tag,
                                request: "FairPatch", response: "Fair"), handler: patch),
            Route(.delete, "/api/v1/fairs/{id}", access: .officers,
                  doc: RouteDoc("Delete a fair without booths", tag: tag, status: 204), handler: delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        let today = CivilDate.today(at: context.now)
        var errors: [FieldError] = []
        var query = FairQuery()
        query.kind = parameters.oneOf("kind", FairKind.self, errors: &errors)
        query.status = parameters.oneOf("status", FairStatus.self, errors: &errors)
        query.from = CertificationReaders.date(parameters, "from", errors: &errors)
        query.to = CertificationReaders.date(parameters, "to", errors: &errors)
        if let from = query.from, let to = query.to, from > to { errors.append(FieldError("from", "must not be after to")) }
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.province = parameters.text("province", maxLength: 100, errors: &errors)
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", FairSort.self, errors: &errors) ?? .startsOnDescending
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try FairStore.list($0, query, today: today) }
        return Responses.list(context, page: page, query: parameters, csv: FairRepresentation.csv(today: today)) { writer, fair in
            FairRepresentation.write(fair, today: today, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let fair = try context.database.read({ try FairStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "fair", id: String(id))
        }
        return respond(context, fair)
    }

    func create(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let now = context.now
        let fields = try FairRepresentation.fields(from: context.jsonObject(), current: nil, today: CivilDate.today(at: now))
        let actor = context.actor
        return try context.write { db in
            let fair = try FairStore.create(db, fields, actor: actor, now: now)
            return respond(context, fair, status: .created, location: "/api/v1/fairs/\(fair.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        let today = CivilDate.today(at: now)
        return try context.write { db in
            guard let current = try FairStore.get(db, id: id) else { throw DomainError.notFound(entity: "fair", id: String(id)) }
            try Precondition.ifMatch(ifVersion, current: current.version)
            let fields = try FairRepresentation.fields(from: body, current: current, today: today)
            let fair = try FairStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, fair)
        }
    }

    func patch(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject(allowMergePatch: true)
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        let today = CivilDate.today(at: now)
        return try context.write { db in
            guard let current = try FairStore.get(db, id: id) else { throw DomainError.notFound(entity: "fair", id: String(id)) }
            // The patch applies to the current representation, read in the same transaction
            // as the write, so a concurrent change cannot be lost between the two.
            try Precondition.ifMatch(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: current.fields.jsonObject, readOnly: FairRepresentation.readOnly(current, today: today))
            let fields = try FairRepresentation.fields(from: merged, current: current, today: today)
            let fair = try FairStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, fair)
        }
    }

    func delete(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            try FairStore.delete(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    /// The item with its ETag. A conditional GET gets 304 only when the status cannot have moved
    /// with the calendar since this version was written (`Fair.derivedStateChangedSinceUpdate`).
    private func respond(_ context: RequestContext, _ fair: Fair, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        let today = CivilDate.today(at: context.now)
        let write: (inout JSONWriter) -> Void = { FairRepresentation.write(fair, today: today, to: &$0) }
        guard fair.derivedStateChangedSinceUpdate(today: today),
              context.request.method == .get || context.request.method == .head else {
            return Responses.item(context, status: status, version: fair.version, location: location, write)
        }
        var writer = JSONWriter(capacity: 512)
        write(&writer)
        return Responses.json(status, writer.bytes, headers: ["ETag": ETag.of(version: fair.version)])
    }
}
