import HTTP
import JSON
import OCOP

/// `/api/v1/points-of-sale`: the registry of OCOP points of sale. Anyone reads it (it tells
/// shoppers where to buy); officers and admins write. DELETE of one with inventory or sales
/// archives it (204; out of the API from then, its history kept for the reports); one with
/// active tokens is a 409 until they are revoked.
public struct PointOfSaleRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["kind", "district", "commune", "compliant", "q", "sort", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "points-of-sale"
        return [
            Route(.get, "/api/v1/points-of-sale", access: .anyone,
                  doc: RouteDoc("List points of sale", tag: tag, response: "PointOfSale", isList: true,
                                query: Self.listParameters.sorted(),
                                values: ["kind": RouteDoc.cases(PointOfSaleKind.self), "sort": RouteDoc.cases(CodeSort.self)], csv: true), handler: list),
            Route(.post, "/api/v1/points-of-sale", access: .officers,
                  doc: RouteDoc("Register a point of sale", tag: tag, request: "PointOfSaleInput",
                                response: "PointOfSale", status: 201), write: PointOfSaleRepresentation.create),
            Route(.get, "/api/v1/points-of-sale/{id}", access: .anyone,
                  doc: RouteDoc("One point of sale", tag: tag, response: "PointOfSale"), handler: PointOfSaleRepresentation.get),
            Route(.put, "/api/v1/points-of-sale/{id}", access: .officers,
                  doc: RouteDoc("Replace a point of sale", tag: tag, request: "PointOfSaleInput",
                                response: "PointOfSale"), write: PointOfSaleRepresentation.replace),
            Route(.patch, "/api/v1/points-of-sale/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch; channels are replaced whole)", tag: tag,
                                request: "PointOfSalePatch", response: "PointOfSale"), write: PointOfSaleRepresentation.patch),
            Route(.delete, "/api/v1/points-of-sale/{id}", access: .officers,
                  doc: RouteDoc("Delete a point of sale, or archive one with inventory or sales (its reports keep it); 409 while it has active tokens", tag: tag,
                                status: 204), write: PointOfSaleRepresentation.delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = PointOfSaleQuery()
        query.kind = parameters.oneOf("kind", PointOfSaleKind.self, errors: &errors)
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.commune = parameters.text("commune", maxLength: 100, errors: &errors)
        query.compliant = CertificationReaders.bool(parameters, "compliant", errors: &errors)
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", CodeSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try PointOfSaleStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: PointOfSaleRepresentation.csv) { writer, point in
            PointOfSaleRepresentation.write(point, to: &writer)
        }
    }
}

extension PointOfSaleStore: ItemStore {}
extension PointOfSale: StoredItem {}

extension PointOfSaleRepresentation: UndatedItemResource {
    typealias Store = PointOfSaleStore
    static let entity = "point_of_sale"
    static let collectionPath = "/api/v1/points-of-sale"
    static func writable(_ point: PointOfSale) -> JSONObject { point.fields.jsonObject }
}
