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
                                response: "ProductGroup", isList: true, query: ["cursor", "limit"]), handler: groups),
            Route(.get, "/api/v1/products", access: .anyone, cacheable: true,
                  doc: RouteDoc("List products", tag: "products", response: "Product", isList: true,
                                query: Self.listParameters.sorted(),
                                values: ["status": RouteDoc.cases(ProductStatus.self), "sort": RouteDoc.cases(ProductSort.self)], csv: true), handler: list),
            Route(.post, "/api/v1/products", access: .officers,
                  doc: RouteDoc("Register a product", tag: "products", request: "ProductInput",
                                response: "Product", status: 201), write: ProductRepresentation.create),
            Route(.post, "/api/v1/products/import", access: .officers,
                  doc: RouteDoc("Import products from a text/csv body (UTF-8, header row of field names: "
                                + ProductImport.columns.joined(separator: ",") + "), all or nothing; max "
                                + "\(ProductImport.maximumRows) rows", tag: "products",
                                response: "ProductImportResult", status: 201, requestMediaType: "text/csv"), handler: importCSV),
            Route(.get, "/api/v1/products/{id}", access: .anyone,
                  doc: RouteDoc("One product", tag: "products", response: "Product"), handler: ProductRepresentation.get),
            Route(.put, "/api/v1/products/{id}", access: .officers,
                  doc: RouteDoc("Replace a product", tag: "products", request: "ProductInput", response: "Product"),
                  write: ProductRepresentation.replace),
            Route(.patch, "/api/v1/products/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: "products", request: "ProductPatch",
                                response: "Product"), write: ProductRepresentation.patch),
            Route(.delete, "/api/v1/products/{id}", access: .officers,
                  doc: RouteDoc("Delete a product with no certification history", tag: "products", status: 204),
                  write: ProductRepresentation.delete),
        ]
    }

    func groups(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: ["limit", "cursor"])
        var errors: [FieldError] = []
        let limit = parameters.pageSize(errors: &errors)
        let cursor = parameters.cursor(errors: &errors)
        let groups = try context.database.read { try ProductGroup.all($0) }
        // Six groups in their legal order: a cursor names the last group shown, like any list's.
        var start = groups.startIndex
        if let cursor {
            guard cursor.sort == "position", cursor.values.count == 1,
                  let last = groups.firstIndex(where: { $0.code == cursor.values[0] }) else {
                throw Problem.validation(errors + [FieldError.badCursor])
            }
            start = last + 1
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let end = min(groups.endIndex, start + limit.value)
        let shown = Array(groups[start..<end])
        let next = end < groups.endIndex ? shown.last.map { Cursor(sort: "position", values: [$0.code]).encoded } : nil
        return Responses.list(context, page: Page(items: shown, nextCursor: next), query: parameters) { writer, group in
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
            writer.field("created_at", group.createdAt)
            writer.field("updated_at", group.updatedAt)
            writer.field("version", group.version)
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
        query.expiresBefore = CertificationReaders.date(parameters, "expires_before", errors: &errors)
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
}

extension ProductStore: ItemStore {}
extension Product: StoredItem {}

extension ProductRepresentation: ItemResource {
    typealias Store = ProductStore
    static let entity = "product"
    static let collectionPath = "/api/v1/products"
    static func writable(_ product: Product) -> JSONObject { product.fields.jsonObject }
    /// `status` can turn `expired` overnight while the version stays (`Product.derivedStateChangedSinceUpdate`).
    static func derivedStateChanged(_ product: Product, today: CivilDate) -> Bool {
        product.derivedStateChangedSinceUpdate(today: today)
    }
}
