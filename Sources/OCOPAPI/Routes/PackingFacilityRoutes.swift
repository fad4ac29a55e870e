import HTTP
import JSON
import OCOP

/// `/api/v1/packing-facilities`: packing facilities with their codes (export codes are
/// checked by importing countries). Anyone reads; officers write.
public struct PackingFacilityRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["market", "producer_id", "district", "commune", "q", "sort", "limit",
                                              "cursor"]

    public func routes() -> [Route] {
        let tag = "packing-facilities"
        return [
            Route(.get, "/api/v1/packing-facilities", access: .anyone,
                  doc: RouteDoc("List packing facilities", tag: tag, response: "PackingFacility", isList: true,
                                query: Self.listParameters.sorted(),
                                values: ["market": RouteDoc.cases(MarketScope.self), "sort": RouteDoc.cases(CodeSort.self)], csv: true), handler: list),
            Route(.post, "/api/v1/packing-facilities", access: .officers,
                  doc: RouteDoc("Register a packing facility", tag: tag, request: "PackingFacilityInput",
                                response: "PackingFacility", status: 201), write: PackingFacilityRepresentation.create),
            Route(.get, "/api/v1/packing-facilities/{id}", access: .anyone,
                  doc: RouteDoc("One packing facility", tag: tag, response: "PackingFacility"), handler: PackingFacilityRepresentation.get),
            Route(.put, "/api/v1/packing-facilities/{id}", access: .officers,
                  doc: RouteDoc("Replace a packing facility", tag: tag,
                                request: "PackingFacilityInput", response: "PackingFacility"), write: PackingFacilityRepresentation.replace),
            Route(.patch, "/api/v1/packing-facilities/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: tag,
                                request: "PackingFacilityPatch", response: "PackingFacility"), write: PackingFacilityRepresentation.patch),
            Route(.delete, "/api/v1/packing-facilities/{id}", access: .officers,
                  doc: RouteDoc("Delete a packing facility", tag: tag, status: 204), write: PackingFacilityRepresentation.delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = PackingFacilityQuery()
        query.market = parameters.oneOf("market", MarketScope.self, errors: &errors)
        query.producerID = parameters.int("producer_id", in: 1...Int64.max, errors: &errors)
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.commune = parameters.text("commune", maxLength: 100, errors: &errors)
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", CodeSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try PackingFacilityStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: PackingFacilityRepresentation.csv) { writer, facility in
            PackingFacilityRepresentation.write(facility, to: &writer)
        }
    }
}

extension PackingFacilityStore: ItemStore {}
extension PackingFacility: StoredItem {}

extension PackingFacilityRepresentation: UndatedItemResource {
    typealias Store = PackingFacilityStore
    static let entity = "packing_facility"
    static let collectionPath = "/api/v1/packing-facilities"
    static func writable(_ facility: PackingFacility) -> JSONObject { facility.fields.jsonObject }
}
