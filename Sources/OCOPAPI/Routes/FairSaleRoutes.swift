import HTTP
import JSON
import OCOP
import SQLite

/// `/api/v1/fairs/{id}/booths/{bid}/sales`: a booth's takings, one entry per day of the fair.
///
/// Officers and admins, and the booth itself with a `booth` token bound to it (issue #5: entries
/// "that booths or officers record"); reads included, since a booth's takings are a producer's
/// business figures, not public. A booth token reaches no other route. A second
/// entry for the same day is a 409; a mistake is corrected with PATCH or PUT (If-Match).
public struct FairSaleRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["from", "to", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "fairs"
        let collection = "/api/v1/fairs/{id}/booths/{bid}/sales"
        let item = collection + "/{sid}"
        return [
            Route(.get, collection, access: Self.recorders,
                  doc: RouteDoc("A booth's sales entries in day order", tag: tag, response: "FairSale", isList: true,
                                query: Self.listParameters.sorted(), csv: true), handler: list),
            Route(.post, collection, access: Self.recorders,
                  doc: RouteDoc("Record a booth's takings for a day of the fair (one entry per day)", tag: tag,
                                request: "FairSaleInput", response: "FairSale", status: 201), write: create),
            Route(.get, item, access: Self.recorders, doc: RouteDoc("One sales entry", tag: tag, response: "FairSale"), handler: get),
            Route(.put, item, access: Self.recorders,
                  doc: RouteDoc("Correct a sales entry", tag: tag, request: "FairSaleInput", response: "FairSale"),
                  write: replace),
            Route(.patch, item, access: Self.recorders,
                  doc: RouteDoc("Correct some fields (JSON merge patch)", tag: tag, request: "FairSalePatch",
                                response: "FairSale"), write: patch),
            Route(.delete, item, access: Self.recorders,
                  doc: RouteDoc("Delete a sales entry made by mistake", tag: tag, status: 204), write: delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let fairID = try context.id(), boothID = try Self.boothInReach(context)
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = FairSaleQuery(fairID: fairID, boothID: boothID)
        (query.from, query.to) = CertificationReaders.dateRange(parameters, errors: &errors)
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try FairSaleStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: FairSaleRepresentation.csv) { writer, sale in
            FairSaleRepresentation.write(sale, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let fairID = try context.id(), boothID = try Self.boothInReach(context), id = try context.id("sid")
        let sale = try context.database.read { db in try Self.sale(db, fairID: fairID, boothID: boothID, id: id) }
        return respond(context, sale)
    }

    func create(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fairID = try context.id(), boothID = try Self.boothInReach(context)
        let fields = try context.body(under: { _ = try FairBoothRoutes.booth($0, fairID: fairID, id: boothID) }) {
            try FairSaleRepresentation.fields(from: context.jsonObject(), current: nil)
        }
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let sale = try FairSaleStore.create(db, fairID: fairID, boothID: boothID, fields, actor: actor, now: now)
            return respond(context, sale, status: .created,
                           location: "/api/v1/fairs/\(fairID)/booths/\(boothID)/sales/\(sale.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fairID = try context.id(), boothID = try Self.boothInReach(context), id = try context.id("sid")
        let body = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let current = try Self.sale(db, fairID: fairID, boothID: boothID, id: id)
            try VersionMatch.require(ifVersion, current: current.version)
            let fields = try FairSaleRepresentation.fields(from: body, current: current)
            let sale = try FairSaleStore.replace(db, fairID: fairID, boothID: boothID, id: id, with: fields,
                                                 ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, sale)
        }
    }

    func patch(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fairID = try context.id(), boothID = try Self.boothInReach(context), id = try context.id("sid")
        let patch = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let current = try Self.sale(db, fairID: fairID, boothID: boothID, id: id)
            // Applied to the representation read in the same transaction as the write.
            try VersionMatch.require(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: FairSaleRepresentation.writable(current), readOnly: FairSaleRepresentation.readOnly(current))
            let fields = try FairSaleRepresentation.fields(from: merged, current: current)
            let sale = try FairSaleStore.replace(db, fairID: fairID, boothID: boothID, id: id, with: fields,
                                                 ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, sale)
        }
    }

    func delete(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fairID = try context.id(), boothID = try Self.boothInReach(context), id = try context.id("sid")
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            try FairSaleStore.delete(db, fairID: fairID, boothID: boothID, id: id, ifVersion: ifVersion,
                                     actor: actor, now: now)
            return Responses.noContent()
        }
    }

    /// Who records and reads takings: the office, and a booth's own token.
    static let recorders = Access.roles([.admin, .officer, .booth])

    /// The booth in the path, refused (403) to a booth token bound to another booth. Runs before
    /// any lookup, so a booth learns nothing of the others' takings, not even whether they exist.
    static func boothInReach(_ context: RequestContext) throws -> Int64 {
        let boothID = try context.id("bid")
        if let principal = context.principal, principal.role == .booth, principal.fairBoothID != boothID {
            throw Problem.forbidden("this booth token is bound to booth \(principal.fairBoothID.map(String.init) ?? "none"); "
                                    + "it may not touch booth \(boothID)")
        }
        return boothID
    }

    /// The entry, or 404 naming whichever of fair, booth and entry is missing.
    static func sale(_ db: Connection, fairID: Int64, boothID: Int64, id: Int64) throws -> FairSale {
        if let sale = try FairSaleStore.get(db, fairID: fairID, boothID: boothID, id: id) { return sale }
        _ = try FairBoothRoutes.booth(db, fairID: fairID, id: boothID)
        throw DomainError.notFound(entity: "fair_sale", id: String(id))
    }

    private func respond(_ context: RequestContext, _ sale: FairSale, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: sale.version, location: location) { writer in
            FairSaleRepresentation.write(sale, to: &writer)
        }
    }
}
