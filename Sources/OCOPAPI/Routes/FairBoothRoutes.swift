import HTTP
import JSON
import OCOP
import SQLite

/// `/api/v1/fairs/{id}/booths`: who exhibits at a fair and what they show. Anyone reads (a
/// visitor looks up exhibitors); officers write.
public struct FairBoothRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["producer_id", "is_local", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "fairs"
        let item = "/api/v1/fairs/{id}/booths/{bid}"
        return [
            Route(.get, "/api/v1/fairs/{id}/booths", access: .anyone,
                  doc: RouteDoc("A fair's booths", tag: tag, response: "Booth", isList: true,
                                query: Self.listParameters.sorted(), csv: true), handler: list),
            Route(.post, "/api/v1/fairs/{id}/booths", access: .officers,
                  doc: RouteDoc("Set up a booth: a producer of ours, or an outside exhibitor with its province", tag: tag,
                                request: "BoothInput", response: "Booth", status: 201), write: create),
            Route(.get, item, access: .anyone, doc: RouteDoc("One booth", tag: tag, response: "Booth"), handler: get),
            Route(.put, item, access: .officers,
                  doc: RouteDoc("Replace a booth", tag: tag, request: "BoothInput", response: "Booth"), write: replace),
            Route(.patch, item, access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: tag, request: "BoothPatch", response: "Booth"),
                  write: patch),
            Route(.delete, item, access: .officers,
                  doc: RouteDoc("Delete a booth without sales entries or active booth tokens", tag: tag, status: 204), write: delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let fairID = try context.id()
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = BoothQuery(fairID: fairID)
        query.producerID = parameters.int("producer_id", in: 1...Int64.max, errors: &errors)
        query.isLocal = CertificationReaders.bool(parameters, "is_local", errors: &errors)
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try BoothStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: FairBoothRepresentation.csv) { writer, booth in
            FairBoothRepresentation.write(booth, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let fairID = try context.id(), id = try context.id("bid")
        let booth = try context.database.read { db in try Self.booth(db, fairID: fairID, id: id) }
        return respond(context, booth)
    }

    func create(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fairID = try context.id()
        let fields = try context.body(under: { try BoothStore.requireFair($0, fairID) }) {
            try FairBoothRepresentation.fields(from: context.jsonObject(), current: nil)
        }
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let booth = try BoothStore.create(db, fairID: fairID, fields, actor: actor, now: now)
            return respond(context, booth, status: .created, location: "/api/v1/fairs/\(fairID)/booths/\(booth.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fairID = try context.id(), id = try context.id("bid")
        let body = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let current = try Self.booth(db, fairID: fairID, id: id)
            try VersionMatch.require(ifVersion, current: current.version)
            let fields = try FairBoothRepresentation.fields(from: body, current: current)
            let booth = try BoothStore.replace(db, fairID: fairID, id: id, with: fields, ifVersion: ifVersion,
                                               actor: actor, now: now)
            return respond(context, booth)
        }
    }

    func patch(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fairID = try context.id(), id = try context.id("bid")
        let patch = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let current = try Self.booth(db, fairID: fairID, id: id)
            // Applied to the representation read in the same transaction as the write.
            try VersionMatch.require(ifVersion, current: current.version)
            let before = FairBoothRepresentation.readOnly(current)
            let merged = MergePatch.apply(patch, to: FairBoothRepresentation.writable(current), readOnly: before)
            let fields = try FairBoothRepresentation.fields(from: merged, current: current)
            var after = current
            after.fields = fields
            try MergePatch.refuseContradictions(patch, before: before, after: FairBoothRepresentation.readOnly(after))
            let booth = try BoothStore.replace(db, fairID: fairID, id: id, with: fields, ifVersion: ifVersion,
                                               actor: actor, now: now)
            return respond(context, booth)
        }
    }

    func delete(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fairID = try context.id(), id = try context.id("bid")
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            try BoothStore.delete(db, fairID: fairID, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    /// The booth, or 404 naming the fair when the fair is missing and the booth otherwise.
    static func booth(_ db: Connection, fairID: Int64, id: Int64) throws -> Booth {
        if let booth = try BoothStore.get(db, fairID: fairID, id: id) { return booth }
        try BoothStore.requireFair(db, fairID)
        throw DomainError.notFound(entity: "fair_booth", id: String(id))
    }

    private func respond(_ context: RequestContext, _ booth: Booth, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: booth.version, location: location) { writer in
            FairBoothRepresentation.write(booth, to: &writer)
        }
    }
}
