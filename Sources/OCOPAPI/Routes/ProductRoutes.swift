import HTTP
import JSON
import OCOP

/// `/api/v1/products` (the OCOP catalogue), its CSV import, and `/api/v1/product-groups`.
/// Anyone reads; officers write.
public struct ProductRoutes: RouteCollection {
    /// The product routes.
    public init() {}

    static let listParameters: Set<String> = [
        "stars", "stars_min", "group", "subgroup", "producer_id", "status", "district", "commune",
        "expires_before", "q", "sort", "limit", "cursor",
    ]

    /// Groups, products, and the import.
    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/product-groups", access: .anyone,
                  doc: RouteDoc("The product groups of Decision 148 with their sub-groups", tag: "products",
                                response: "ProductGroup", isList: true), handler: groups),
            Route(.get, "/api/v1/products", access: .anyone, cacheable: true,
                  doc: RouteDoc("List products", tag: "products", response: "Product", isList: true,
                                query: Self.listParameters.sorted(), csv: true), handler: list),
            Route(.post, "/api/v1/products", access: .officers,
                  doc: RouteDoc("Register a product", tag: "products", request: "ProductInput",
                                response: "Product", status: 201), handler: create),
            Route(.post, "/api/v1/products/import", access: .officers,
                  doc: RouteDoc("Import products from a text/csv body (UTF-8, header row of field names: "
                                + ProductImport.columns.joined(separator: ",") + "), all or nothing; max "
                                + "\(ProductImport.maximumRows) rows", tag: "products",
                                response: "ProductImportResult", status: 201), handler: importCSV),
            Route(.get, "/api/v1/products/{id}", access: .anyone,
                  doc: RouteDoc("One product", tag: "products", response: "Product"), handler: get),
            Route(.put, "/api/v1/products/{id}", access: .officers,
                  doc: RouteDoc("Replace a product", tag: "products", request: "ProductInput", response: "Product"),
                  handler: replace),
            Route(.patch, "/api/v1/products/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: "products", request: "ProductPatch",
                                response: "Product"), handler: patch),
            Route(.delete, "/api/v1/products/{id}", access: .officers,
                  doc: RouteDoc("Delete a product with no certification history", tag: "products", status: 204),
                  handler: delete),
        ]
    }

    func groups(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: [])
        let groups = try context.database.read { try ProductGroup.all($0) }
        return Responses.list(context, page: Page(items: groups, nextCursor: nil), query: parameters) { writer, group in
            writer.beginObject()
            writer.field("code", group.code)
            writer.field("name", group.name)
            writer.field("gtin_required", group.gtinRequired)
            writer.key("subgroups")
            writer.beginArray()
            for subgroup in group.subgroups {
                writer.beginObject()
                writer.field("code", subgroup.code)
                writer.field("name", subgroup.name)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        let today = CivilDate.today(at: context.now)
        var errors: [FieldError] = []
        var query = ProductQuery(today: today)
        query.stars = parameters.int("stars", in: 1...5, errors: &errors).flatMap { StarRating(rawValue: Int($0)) }
        query.starsMin = parameters.int("stars_min", in: 1...5, errors: &errors).flatMap { StarRating(rawValue: Int($0)) }
        query.group = parameters.text("group", maxLength: 40, errors: &errors)
        query.subgroup = parameters.text("subgroup", maxLength: 60, errors: &errors)
        query.producerID = parameters.int("producer_id", in: 1...Int64.max, errors: &errors)
        query.status = parameters.oneOf("status", ProductStatus.self, errors: &errors)
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.commune = parameters.text("commune", maxLength: 100, errors: &errors)
        if let text = parameters["expires_before"] {
            query.expiresBefore = CivilDate(text)
            if query.expiresBefore == nil { errors.append(FieldError("expires_before", "must be a date YYYY-MM-DD")) }
        }
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", ProductSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try ProductStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: ProductRepresentation.csv(today: today)) { writer, product in
            ProductRepresentation.write(product, today: today, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let product = try context.database.read({ try ProductStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "product", id: String(id))
        }
        return respond(context, product)
    }

    func create(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let today = CivilDate.today(at: context.now)
        let fields = try ProductRepresentation.fields(from: context.jsonObject(), current: nil, today: today)
        let actor = context.actor, now = context.now
        return try context.write { db in
            let product = try ProductStore.create(db, fields, actor: actor, now: now)
            return respond(context, product, status: .created, location: "/api/v1/products/\(product.id)")
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
            guard let current = try ProductStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "product", id: String(id))
            }
            try Precondition.ifMatch(ifVersion, current: current.version)
            let fields = try ProductRepresentation.fields(from: body, current: current, today: today)
            let product = try ProductStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, product)
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
            guard let current = try ProductStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "product", id: String(id))
            }
            // The patch applies to the current representation, read in the same transaction
            // as the write, so a concurrent change cannot be lost between the two.
            try Precondition.ifMatch(ifVersion, current: current.version)
            let merged = MergePatch.apply(patch, to: current.fields.jsonObject, readOnly: ProductRepresentation.readOnly(current, today: today))
            let fields = try ProductRepresentation.fields(from: merged, current: current, today: today)
            let product = try ProductStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, product)
        }
    }

    func delete(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = try context.ifMatchVersion()
        let actor = context.actor, now = context.now
        return try context.write { db in
            try ProductStore.delete(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    /// The item with its ETag. A conditional GET gets 304 only when nothing derived from the
    /// calendar or the certificate changed since this version was written (see
    /// `Product.derivedStateChangedSinceUpdate`): the version alone cannot tell that `status` turned
    /// `expired` overnight.
    private func respond(_ context: RequestContext, _ product: Product, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        let today = CivilDate.today(at: context.now)
        let write: (inout JSONWriter) -> Void = { ProductRepresentation.write(product, today: today, to: &$0) }
        guard product.derivedStateChangedSinceUpdate(today: today),
              context.request.method == .get || context.request.method == .head else {
            return Responses.item(context, status: status, version: product.version, location: location, write)
        }
        var writer = JSONWriter(capacity: 768)
        write(&writer)
        return Responses.json(status, writer.bytes, headers: ["ETag": ETag.of(version: product.version)])
    }
}
