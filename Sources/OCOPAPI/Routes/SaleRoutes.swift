import HTTP
import JSON
import OCOP

/// `/api/v1/points-of-sale/{id}/sales`: sales recorded by terminals, exactly once per device
/// `sale_id`, each moving stock in the same transaction. A `pos` token sees and writes its own
/// point of sale only; officers and admins any; anonymous callers nothing.
public struct SaleRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["from", "to", "payment", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "sales"
        let base = "/api/v1/points-of-sale/{id}/sales"
        return [
            Route(.post, base, access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("Record a sale and move its stock (a retry of the same sale_id is answered 200, replayed)",
                                tag: tag, request: "SaleInput", response: "Sale", status: 201,
                                also: [DocResponse(200, "The same sale sent again (same sale_id and content): the sale "
                                                   + "as recorded, with Idempotent-Replayed: true", schema: "Sale")]),
                  write: create),
            Route(.get, base, access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("Sales, newest first; from/to are calendar days in Asia/Ho_Chi_Minh, inclusive", tag: tag,
                                response: "Sale", isList: true, query: Self.listParameters.sorted(),
                                values: ["payment": RouteDoc.cases(PaymentMethod.self)], csv: true), handler: list),
            Route(.get, base + "/{sale}", access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("One sale, by its id or by the device's sale_id (a UUID)", tag: tag, response: "Sale"),
                  handler: get),
        ]
    }

    func create(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try PointOfSaleAccess.pointOfSale(context)
        let input = try context.body(under: { try PointOfSaleAccess.require($0, id) }) {
            try SaleRepresentation.input(from: context.jsonObject())
        }
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let sale: Sale, replayed: Bool
            do {
                (sale, replayed) = try SaleStore.record(db, pointOfSaleID: id, input, actor: actor, now: now)
            } catch let error as InventoryError {
                throw InventoryRepresentation.problem(error, productIDs: input.lines.map(\.productID), prefix: "lines")
            }
            var response = Responses.item(context, status: replayed ? .ok : .created, version: sale.version,
                                          location: "/api/v1/points-of-sale/\(id)/sales/\(sale.id)") {
                SaleRepresentation.write(sale, to: &$0)
            }
            // The terminal retried a sale the server already has: same answer, nothing moved again.
            if replayed { response.headers.set("Idempotent-Replayed", "true") }
            return response
        }
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        let id = try PointOfSaleAccess.existingPointOfSale(context)
        var errors: [FieldError] = []
        var query = SaleQuery(pointOfSaleID: id)
        (query.from, query.to) = CertificationReaders.dateRange(parameters, errors: &errors)
        query.payment = parameters.oneOf("payment", PaymentMethod.self, errors: &errors)
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try SaleStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: SaleRepresentation.csv) { writer, sale in
            SaleRepresentation.write(sale, to: &writer)
        }
    }

    /// A sale by the device's `sale_id` (a UUID) or else by the server's id (`context.id`'s rules).
    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try PointOfSaleAccess.existingPointOfSale(context)
        let text = context.parameters["sale"] ?? ""
        let found: Sale?
        if let saleID = ClientUUID(text) {
            found = try context.database.read { try SaleStore.get($0, saleID: saleID) }
        } else {
            let serverID = try context.id("sale")
            found = try context.database.read { try SaleStore.get($0, id: serverID) }
        }
        guard let sale = found, sale.pointOfSaleID == id else { throw DomainError.notFound(entity: "sale", id: text) }
        return Responses.item(context, version: sale.version) { SaleRepresentation.write(sale, to: &$0) }
    }
}
