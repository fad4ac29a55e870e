import HTTP
import JSON
import OCOP

/// `/api/v1/listings`: where each product is sold online. Anyone reads (where to buy);
/// officers write. One listing per product and platform (a second is a 409). A change of
/// `status` or `accepts_non_cash` takes effect today and is kept in the listing's history, so
/// coverage reports as of a past day stay what they were. DELETE erases a listing entered by
/// mistake; a listing that ends is set to `removed`.
public struct ListingRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["product_id", "platform_id", "status", "accepts_non_cash", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "e-commerce"
        return [
            Route(.get, "/api/v1/listings", access: .anyone,
                  doc: RouteDoc("List listings", tag: tag, response: "Listing", isList: true,
                                query: Self.listParameters.sorted(),
                                values: ["status": RouteDoc.cases(ListingStatus.self)], csv: true), handler: list),
            Route(.post, "/api/v1/listings", access: .officers,
                  doc: RouteDoc("List a product on a platform", tag: tag, request: "ListingInput", response: "Listing",
                                status: 201), write: create),
            Route(.get, "/api/v1/listings/{id}", access: .anyone,
                  doc: RouteDoc("One listing with its history", tag: tag, response: "Listing"), handler: get),
            Route(.put, "/api/v1/listings/{id}", access: .officers,
                  doc: RouteDoc("Replace a listing's fields (product and platform are fixed; listed_on is "
                                + "required, since a replacement would otherwise rewrite the day it went on sale)",
                                tag: tag, request: "ListingReplaceInput", response: "Listing"), write: replace),
            Route(.patch, "/api/v1/listings/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch), e.g. status", tag: tag, request: "ListingPatch",
                                response: "Listing"), write: patch),
            Route(.delete, "/api/v1/listings/{id}", access: .officers,
                  doc: RouteDoc("Delete a listing: gone from the API, removed from today in its history, which past reports keep", tag: tag,
                                status: 204), write: delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = ListingQuery()
        query.productID = parameters.int("product_id", in: 1...Int64.max, errors: &errors)
        query.platformID = parameters.int("platform_id", in: 1...Int64.max, errors: &errors)
        query.status = parameters.oneOf("status", ListingStatus.self, errors: &errors)
        query.acceptsNonCash = CertificationReaders.bool(parameters, "accepts_non_cash", errors: &errors)
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try ListingStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: ListingRepresentation.csv) { writer, listing in
            ListingRepresentation.write(listing, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let listing = try context.database.read({ try ListingStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "listing", id: String(id))
        }
        return respond(context, listing)
    }

    func create(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let now = context.now, today = CivilDate.today(at: now)
        let fields = try ListingRepresentation.fields(from: context.jsonObject(), current: nil, today: today)
        let actor = context.actor
        return WritePlan { db in
            let listing = try ListingStore.create(db, fields, today: today, actor: actor, now: now)
            return respond(context, listing, status: .created, location: "/api/v1/listings/\(listing.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now, today = CivilDate.today(at: now)
        return WritePlan { db in
            guard let current = try ListingStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "listing", id: String(id))
            }
            try VersionMatch.require(ifVersion, current: current.version)
            let fields = try ListingRepresentation.fields(from: body, current: current, today: today)
            let listing = try ListingStore.replace(db, id: id, with: fields, ifVersion: ifVersion, today: today,
                                                   actor: actor, now: now)
            return respond(context, listing)
        }
    }

    func patch(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now, today = CivilDate.today(at: now)
        return WritePlan { db in
            guard let current = try ListingStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "listing", id: String(id))
            }
            // Applied to the representation read in the same transaction as the write.
            try VersionMatch.require(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: ListingStore.jsonObject(current.fields), readOnly: ListingRepresentation.readOnly(current))
            let fields = try ListingRepresentation.fields(from: merged, current: current, today: today)
            let listing = try ListingStore.replace(db, id: id, with: fields, ifVersion: ifVersion, today: today,
                                                   actor: actor, now: now)
            return respond(context, listing)
        }
    }

    func delete(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now, today = CivilDate.today(at: now)
        return WritePlan { db in
            try ListingStore.delete(db, id: id, ifVersion: ifVersion, today: today, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    private func respond(_ context: RequestContext, _ listing: Listing, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: listing.version, location: location) { writer in
            ListingRepresentation.write(listing, to: &writer)
        }
    }
}
