import HTTP
import JSON
import OCOP

/// `/api/v1/raw-material-areas`: growing areas with their codes and good-practice
/// certifications. Anyone reads (traceability pages show them); officers write.
public struct RawMaterialAreaRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["kind", "market", "producer_id", "scheme", "district", "commune", "q",
                                              "sort", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "raw-material-areas"
        return [
            Route(.get, "/api/v1/raw-material-areas", access: .anyone,
                  doc: RouteDoc("List raw-material areas", tag: tag, response: "RawMaterialArea", isList: true,
                                query: Self.listParameters.sorted(),
                                values: ["kind": RouteDoc.cases(AreaKind.self), "market": RouteDoc.cases(MarketScope.self), "scheme": RouteDoc.cases(CertificationScheme.self), "sort": RouteDoc.cases(CodeSort.self)], csv: true), handler: list),
            Route(.post, "/api/v1/raw-material-areas", access: .officers,
                  doc: RouteDoc("Register a raw-material area", tag: tag, request: "RawMaterialAreaInput",
                                response: "RawMaterialArea", status: 201), write: RawMaterialAreaRepresentation.create),
            Route(.get, "/api/v1/raw-material-areas/{id}", access: .anyone,
                  doc: RouteDoc("One raw-material area", tag: tag, response: "RawMaterialArea"), handler: RawMaterialAreaRepresentation.get),
            Route(.put, "/api/v1/raw-material-areas/{id}", access: .officers,
                  doc: RouteDoc("Replace a raw-material area (certifications as a whole)", tag: tag,
                                request: "RawMaterialAreaInput", response: "RawMaterialArea"), write: RawMaterialAreaRepresentation.replace),
            Route(.patch, "/api/v1/raw-material-areas/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch; a certifications array replaces the list)", tag: tag,
                                request: "RawMaterialAreaPatch", response: "RawMaterialArea"), write: RawMaterialAreaRepresentation.patch),
            Route(.delete, "/api/v1/raw-material-areas/{id}", access: .officers,
                  doc: RouteDoc("Delete an area no product is made from", tag: tag, status: 204), write: RawMaterialAreaRepresentation.delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = RawMaterialAreaQuery()
        query.kind = parameters.oneOf("kind", AreaKind.self, errors: &errors)
        query.market = parameters.oneOf("market", MarketScope.self, errors: &errors)
        query.producerID = parameters.int("producer_id", in: 1...Int64.max, errors: &errors)
        query.scheme = parameters.oneOf("scheme", CertificationScheme.self, errors: &errors)
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.commune = parameters.text("commune", maxLength: 100, errors: &errors)
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", CodeSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try RawMaterialAreaStore.list($0, query) }
        let today = CivilDate.today(at: context.now)
        return Responses.list(context, page: page, query: parameters, csv: RawMaterialAreaRepresentation.csv(today: today)) {
            writer, area in RawMaterialAreaRepresentation.write(area, today: today, to: &writer)
        }
    }
}

extension RawMaterialAreaStore: ItemStore {}
extension RawMaterialArea: StoredItem {}

extension RawMaterialAreaRepresentation: ItemResource {
    typealias Store = RawMaterialAreaStore
    static let entity = "raw_material_area"
    static let collectionPath = "/api/v1/raw-material-areas"
    static func writable(_ area: RawMaterialArea) -> JSONObject { area.fields.jsonObject }
    static func readOnly(_ area: RawMaterialArea, today: CivilDate) -> JSONObject { readOnly(area) }
    static func derivedStateChanged(_ area: RawMaterialArea, today: CivilDate) -> Bool {
        area.validityChangedSinceUpdate(today: today)
    }
}
