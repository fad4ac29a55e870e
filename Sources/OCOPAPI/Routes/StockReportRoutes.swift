import HTTP
import JSON
import OCOP

/// The stock report (`GET /api/v1/reports/stock`) and the per-product threshold it applies
/// (`/api/v1/products/{id}/low-stock-threshold`).
///
/// Officers and admins see every point of sale. A `pos` token may read the report too, confined
/// to its own point of sale: without `point_of_sale_id` it gets its own lines, with another
/// point's id a 403 — a terminal restocking its shelves needs exactly this list and nothing more.
public struct StockReportRoutes: RouteCollection {
    public init() {}

    static let reportParameters: Set<String> = ["point_of_sale_id", "status", "limit", "cursor"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/reports/stock", access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("""
                      Products out of stock (level 0) or low (1 up to the product's low_stock_threshold) per point of sale, \
                      among the products each point has stocked; by point of sale, then product. A pos token sees its own point only
                      """, tag: "reports", response: "StockAlert", isList: true, query: Self.reportParameters.sorted(),
                                values: ["status": RouteDoc.cases(StockStatus.self)], csv: true),
                  handler: report),
            Route(.get, "/api/v1/products/{id}/low-stock-threshold", access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("The product's low-stock threshold (the default, version 0, until an officer sets one)",
                                tag: "reports", response: "StockThreshold"), handler: getThreshold),
            Route(.put, "/api/v1/products/{id}/low-stock-threshold", access: .officers,
                  doc: RouteDoc("Set the product's low-stock threshold for every point of sale; null puts it back on the default",
                                tag: "reports", request: "StockThresholdInput", response: "StockThreshold"),
                  handler: putThreshold),
        ]
    }

    func report(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.reportParameters)
        var errors: [FieldError] = []
        let requested = parameters.int("point_of_sale_id", in: 1...Int64.max, errors: &errors)
        var query = StockReportQuery(status: parameters.oneOf("status", StockStatus.self, errors: &errors))
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        query.pointOfSaleID = try ReportScope.pointOfSale(context, requested: requested)
        let page = try context.database.read { db in
            if let id = query.pointOfSaleID, try !PointOfSaleStore.exists(db, id: id) {
                throw DomainError.invalid("point_of_sale_id", "names no point of sale (\(id))")
            }
            return try StockReportStore.list(db, query)
        }
        return Responses.list(context, page: page, query: parameters, csv: StockReportRepresentation.csv) { writer, alert in
            StockReportRepresentation.write(alert, to: &writer)
        }
    }

    func getThreshold(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let threshold = try context.database.read({ try StockThresholdStore.get($0, productID: id) }) else {
            throw DomainError.notFound(entity: "product", id: String(id))
        }
        return Responses.item(context, version: threshold.version) { StockReportRepresentation.write(threshold, to: &$0) }
    }

    /// PUT replaces the setting: a number sets it, null returns to the default. `If-Match` is
    /// optional (W/"0" for a product whose threshold was never set); stale is 412.
    func putThreshold(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = context.versionPrecondition()
        let object = try context.jsonObject()
        let value = try context.validated({
            var reader = BodyReader(object)
            let value = reader.optionalInt("low_stock_threshold", in: 0...StockThreshold.maximumValue)
            if object["low_stock_threshold"] == nil {
                reader.fail("low_stock_threshold", "is required: an integer ≥ 0, or null for the default (\(StockThreshold.defaultValue))")
            }
            // What GET showed may come back (GET, edit, PUT), the read-only fields unchanged.
            let readOnlyKeys = object.keys.filter { $0 != "low_stock_threshold" }
            if !readOnlyKeys.isEmpty, let current = try context.database.read({ try StockThresholdStore.get($0, productID: id) }) {
                reader.readOnly(StockReportRepresentation.readOnly(current))
            }
            try reader.finish()
            return value
        }, ifVersion: ifVersion, currentVersion: { db in
            guard let threshold = try StockThresholdStore.get(db, productID: id) else {
                throw DomainError.notFound(entity: "product", id: String(id))
            }
            return threshold.version
        })
        let actor = context.actor, now = context.now
        return try context.write { db in
            let threshold = try StockThresholdStore.set(db, productID: id, value: value, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.item(context, version: threshold.version) { StockReportRepresentation.write(threshold, to: &$0) }
        }
    }
}

/// Which point of sale a report covers for the caller: a `pos` token its own (asking for another
/// is 403, before anything is read), officers and admins what they asked for (nil: all).
enum ReportScope {
    static func pointOfSale(_ context: RequestContext, requested: Int64?) throws(Problem) -> Int64? {
        guard let principal = context.principal else { throw Problem.unauthorized("this resource needs a bearer token") }
        guard principal.role == .pos else { return requested }
        let own = principal.pointOfSaleID ?? 0
        try PointOfSaleAccess.check(context, pointOfSaleID: requested ?? own)
        return own
    }
}
