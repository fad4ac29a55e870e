import HTTP
import JSON
import OCOP

/// Quality monitoring: inspections of products and the officer's review of a flagged product.
/// Officers only, reads included: findings are often preliminary, may name a producer's
/// failure before it is settled, and are the office's working record, not the public catalogue
/// (the public sees the outcome through the product's status and stars).
public struct InspectionRoutes: RouteCollection {
    public init() {}

    static let productListParameters: Set<String> = ["kind", "result", "from", "to", "limit", "cursor"]
    static let listParameters: Set<String> = productListParameters.union(["product_id"])

    public func routes() -> [Route] {
        let tag = "inspections"
        return [
            Route(.get, "/api/v1/products/{id}/inspections", access: .officers,
                  doc: RouteDoc("A product's inspections, newest first", tag: tag, response: "Inspection", isList: true,
                                query: Self.productListParameters.sorted(),
                                values: ["kind": RouteDoc.cases(InspectionKind.self), "result": RouteDoc.cases(InspectionResult.self)], csv: true), handler: listForProduct),
            Route(.post, "/api/v1/products/{id}/inspections", access: .officers,
                  doc: RouteDoc("Record an inspection (a failed food-safety one puts the product under review)", tag: tag,
                                request: "InspectionInput", response: "Inspection", status: 201), write: create),
            Route(.get, "/api/v1/inspections", access: .officers,
                  doc: RouteDoc("All inspections, newest first (e.g. ?result=fail&kind=food_safety&from=&to=)", tag: tag,
                                response: "Inspection", isList: true, query: Self.listParameters.sorted(),
                                values: ["kind": RouteDoc.cases(InspectionKind.self), "result": RouteDoc.cases(InspectionResult.self)], csv: true),
                  handler: list),
            Route(.get, "/api/v1/inspections/{id}", access: .officers,
                  doc: RouteDoc("One inspection", tag: tag, response: "Inspection"), handler: get),
            Route(.put, "/api/v1/inspections/{id}", access: .officers,
                  doc: RouteDoc("Replace an inspection", tag: tag, request: "InspectionInput", response: "Inspection"),
                  write: replace),
            Route(.patch, "/api/v1/inspections/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: tag, request: "InspectionPatch",
                                response: "Inspection"), write: patch),
            Route(.delete, "/api/v1/inspections/{id}", access: .officers,
                  doc: RouteDoc("Delete a mistaken inspection record (a review flag it raised stays)", tag: tag, status: 204),
                  write: delete),
            Route(.post, "/api/v1/products/{id}/review", access: .officers,
                  doc: RouteDoc("Decide on a product under review: cleared, or revoke its certificate", tag: tag,
                                request: "ProductReviewInput", response: "ProductReview", versionGuarded: true), handler: review),
        ]
    }

    func listForProduct(_ context: RequestContext) throws -> HTTPResponse {
        let productID = try context.id()
        let parameters = try context.query()
        try parameters.check(allowed: Self.productListParameters)
        var query = try Self.query(parameters)
        query.productID = productID
        let page = try context.database.read { db in
            guard try ProductReviewStore.isUnderReview(db, productID: productID) != nil else {
                throw DomainError.notFound(entity: "product", id: String(productID))
            }
            return try InspectionStore.list(db, query)
        }
        return Responses.list(context, page: page, query: parameters, csv: InspectionRepresentation.csv) { writer, inspection in
            InspectionRepresentation.write(inspection, to: &writer)
        }
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        let query = try Self.query(parameters)
        let page = try context.database.read { try InspectionStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: InspectionRepresentation.csv) { writer, inspection in
            InspectionRepresentation.write(inspection, to: &writer)
        }
    }

    /// Filters shared by both lists; `from`/`to` are inclusive days.
    static func query(_ parameters: QueryParameters) throws(Problem) -> InspectionQuery {
        var errors: [FieldError] = []
        var query = InspectionQuery()
        query.productID = parameters.int("product_id", in: 1...Int64.max, errors: &errors)
        query.kind = parameters.oneOf("kind", InspectionKind.self, errors: &errors)
        query.result = parameters.oneOf("result", InspectionResult.self, errors: &errors)
        (query.from, query.to) = CertificationReaders.dateRange(parameters, errors: &errors)
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        return query
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let inspection = try context.database.read({ try InspectionStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "inspection", id: String(id))
        }
        return respond(context, inspection)
    }

    func create(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let productID = try context.id()
        let actor = context.actor, now = context.now
        let fields = try context.body(under: { db in
            if try ProductStore.get(db, id: productID) == nil { throw DomainError.notFound(entity: "product", id: String(productID)) }
        }) { try InspectionRepresentation.fields(from: context.jsonObject(), current: nil, today: CivilDate.today(at: now)) }
        return WritePlan { db in
            let inspection = try InspectionStore.create(db, productID: productID, fields, actor: actor, now: now)
            return respond(context, inspection, status: .created, location: "/api/v1/inspections/\(inspection.id)")
        }
    }

    func replace(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            guard let current = try InspectionStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "inspection", id: String(id))
            }
            try VersionMatch.require(ifVersion, current: current.version)
            let fields = try InspectionRepresentation.fields(from: body, current: current, today: CivilDate.today(at: now))
            let inspection = try InspectionStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, inspection)
        }
    }

    func patch(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            guard let current = try InspectionStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "inspection", id: String(id))
            }
            // Applied to the representation read in the writing transaction, so no concurrent change is lost.
            try VersionMatch.require(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: current.fields.jsonObject, readOnly: InspectionRepresentation.readOnly(current))
            let fields = try InspectionRepresentation.fields(from: merged, current: current, today: CivilDate.today(at: now))
            let inspection = try InspectionStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, inspection)
        }
    }

    func delete(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            try InspectionStore.delete(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    /// `If-Match`, when sent, is the product's version: the officer decides on the product as they saw it.
    func review(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let productID = try context.id()
        let body = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let review = try context.validated({ try ProductReviewRepresentation.review(from: body) }, ifVersion: ifVersion,
                                           currentVersion: { db in
            guard let product = try ProductStore.get(db, id: productID) else {
                throw DomainError.notFound(entity: "product", id: String(productID))
            }
            return product.version
        })
        let actor = context.actor, now = context.now
        return try context.write { db in
            let outcome = try ProductReviewStore.decide(db, productID: productID, review, ifVersion: ifVersion,
                                                        actor: actor, now: now)
            var writer = JSONWriter(capacity: 512)
            ProductReviewRepresentation.write(outcome, to: &writer)
            return Responses.json(.ok, writer.bytes)
        }
    }

    private func respond(_ context: RequestContext, _ inspection: Inspection, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: inspection.version, location: location) { writer in
            InspectionRepresentation.write(inspection, to: &writer)
        }
    }
}
