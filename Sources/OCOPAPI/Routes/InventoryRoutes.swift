import HTTP
import JSON
import OCOP

/// `/api/v1/points-of-sale/{id}/inventory`: the stock ledger terminals sync with. A `pos` token
/// reads and writes its own point of sale only (403 elsewhere); officers and admins any;
/// anonymous callers nothing (401).
public struct InventoryRoutes: RouteCollection {
    public init() {}

    /// Default and largest feed page: API.md's for every list (a terminal back from days offline
    /// asks for the largest, 500 entries a request).
    static let feedDefaultLimit: Int64 = 50
    static let feedMaximumLimit: Int64 = 500

    public func routes() -> [Route] {
        let tag = "inventory"
        let base = "/api/v1/points-of-sale/{id}/inventory"
        return [
            Route(.post, base + "/changes", access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("Apply a batch of up to 1,000 stock changes, all or nothing; change ids already applied are skipped",
                                tag: tag, request: "InventoryBatchInput", response: "InventoryBatchResult"),
                  write: applyChanges),
            Route(.get, base, access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("Current levels per product", tag: tag, response: "InventoryLevel", isList: true,
                                query: ["cursor", "limit"], csv: true), handler: list),
            Route(.get, base + "/feed", access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("Level changes after a cursor, oldest first (pull sync); next_cursor is always set",
                                tag: tag, response: "InventoryFeed", query: ["after", "limit"]), handler: feed),
            Route(.get, base + "/{product_id}", access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("One product's level (version 0 when never stocked here)", tag: tag,
                                response: "InventoryLevel"), handler: get),
            Route(.put, base + "/{product_id}", access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("Set a level by a physical count at server time; If-Match is required (compare-and-set)",
                                tag: tag, request: "InventoryLevelInput", response: "InventoryLevel", ifMatchRequired: true),
                  handler: put),
        ]
    }

    func applyChanges(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try PointOfSaleAccess.pointOfSale(context)
        let (changes, sentIDs) = try context.body(under: { try PointOfSaleAccess.require($0, id) }) {
            let object = try context.jsonObject()
            return (try InventoryRepresentation.changes(from: object), InventoryRepresentation.sentChangeIDs(object))
        }
        let actor = context.actor, now = context.now
        return WritePlan { db in
            do {
                let result = try InventoryStore.apply(db, pointOfSaleID: id, changes: changes, actor: actor, now: now)
                return Responses.json(.ok, InventoryRepresentation.write(result, sentChangeIDs: sentIDs, pointOfSaleID: id))
            } catch let error as InventoryError {
                throw InventoryRepresentation.problem(error, productIDs: changes.map(\.productID), prefix: "changes")
            }
        }
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: ["cursor", "limit"])
        let id = try PointOfSaleAccess.existingPointOfSale(context)
        var errors: [FieldError] = []
        let limit = parameters.pageSize(errors: &errors)
        var after: Int64?
        if let cursor = parameters.cursor(errors: &errors) {
            if cursor.sort == "product_id", cursor.values.count == 1, let last = Int64(cursor.values[0]) { after = last }
            else { errors.append(FieldError.badCursor) }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try InventoryStore.levels($0, pointOfSaleID: id, limit: limit, after: after) }
        return Responses.list(context, page: page, query: parameters, csv: InventoryRepresentation.csv) { writer, level in
            InventoryRepresentation.write(level, to: &writer)
        }
    }

    func feed(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: ["after", "limit"])
        let id = try PointOfSaleAccess.existingPointOfSale(context)
        var errors: [FieldError] = []
        let limit = parameters.int("limit", in: 1...Self.feedMaximumLimit, errors: &errors) ?? Self.feedDefaultLimit
        var after: Int64 = 0
        let notGivenOut = FieldError("after", "is not a cursor this point of sale's feed gave out; start again without it")
        if let text = parameters["after"] {
            if let seq = InventoryRepresentation.feedSeq(text, pointOfSaleID: id) { after = seq }
            else { errors.append(notGivenOut) }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        // A well-formed cursor naming no entry (made up, or kept across a restore from an older
        // backup) is refused, not paged past: the terminal would skip every change up to it.
        let page = try context.database.read { db -> InventoryFeedPage? in
            guard try InventoryStore.feedCursorExists(db, pointOfSaleID: id, seq: after) else { return nil }
            return try InventoryStore.feed(db, pointOfSaleID: id, afterSeq: after, limit: Int(limit))
        }
        guard let page else { throw Problem.validation([notGivenOut]) }
        let next = InventoryRepresentation.feedCursor(pointOfSaleID: id, seq: page.lastSeq)
        var writer = JSONWriter(capacity: 128 + page.entries.count * 160)
        InventoryRepresentation.write(page, nextCursor: next, to: &writer)
        // A feed answer is only true now: no caching between the terminal and the server.
        var headers: HTTPHeaders = ["Cache-Control": "no-store"]
        // Like every list (API.md, RFC 8288), but the feed pages with `after`, not `cursor`.
        if page.hasMore {
            headers.add("Link", Responses.nextLink(context.path, parameters, cursor: next, parameter: "after"))
        }
        return Responses.json(.ok, writer.bytes, headers: headers)
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try PointOfSaleAccess.existingPointOfSale(context)
        let productID = try context.id("product_id")
        guard let level = try context.database.read({ try InventoryStore.level($0, pointOfSaleID: id, productID: productID) }) else {
            throw DomainError.notFound(entity: "product", id: String(productID))
        }
        return Responses.item(context, version: level.version) { InventoryRepresentation.write(level, to: &$0) }
    }

    /// Compare-and-set: `If-Match` is required (428 without it, RFC 6585 §3), because a level set
    /// by someone who did not see the latest state would silently undo sales and receipts.
    /// `W/"0"` matches a product never stocked here; `*` matches any existing level.
    func put(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try PointOfSaleAccess.pointOfSale(context)
        let productID = try context.id("product_id")
        guard context.request.headers["If-Match"] != nil else {
            throw Problem(.preconditionRequired, type: "precondition-required", title: "Precondition required",
                          detail: "send If-Match with the level's ETag (W/\"0\" for a product never stocked here)")
        }
        let ifVersion = context.versionPrecondition()
        let body = try context.jsonObject()
        let level = try context.validated({
            var reader = BodyReader(body)
            let level = reader.optionalInt("level", in: 0...InventoryChange.maximumQuantity)
            if level == nil && reader.errors.isEmpty { reader.fail("level", "is required: the counted stock, 0 or more") }
            try reader.finish()
            guard let level else { throw Problem.validation(reader.errors) }
            return level
        }, ifVersion: ifVersion, currentVersion: { db in
            guard try PointOfSaleStore.exists(db, id: id) else {
                throw DomainError.notFound(entity: "point_of_sale", id: String(id))
            }
            guard let level = try InventoryStore.level(db, pointOfSaleID: id, productID: productID) else {
                throw DomainError.notFound(entity: "product", id: String(productID))
            }
            return level.version
        })
        let actor = context.actor, now = context.now
        do {
            return try context.write { db in
                let result = try InventoryStore.setLevel(db, pointOfSaleID: id, productID: productID, level: level,
                                                         ifVersion: ifVersion, actor: actor, now: now)
                return Responses.item(context, version: result.version) { InventoryRepresentation.write(result, to: &$0) }
            }
        } catch let error as InventoryError {
            throw InventoryRepresentation.problem(error, productField: { _ in "level" })
        }
    }
}
