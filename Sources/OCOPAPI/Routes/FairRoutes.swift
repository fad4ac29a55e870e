import HTTP
import JSON
import OCOP

/// `/api/v1/fairs`: fairs, product weeks and trade-promotion programmes. Anyone reads (the
/// public calendar); officers write. `visitors` may be corrected by officers at any time: the
/// organiser's final count arrives after the fair, and every change is in the audit log.
public struct FairRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = [
        "kind", "status", "from", "to", "district", "province", "q", "sort", "limit", "cursor",
    ]

    public func routes() -> [Route] {
        let tag = "fairs"
        return [
            Route(.get, "/api/v1/fairs", access: .anyone,
                  doc: RouteDoc("List fairs (from/to: fairs with a day in the range; status for today)", tag: tag,
                                response: "Fair", isList: true, query: Self.listParameters.sorted(),
                                values: ["kind": RouteDoc.cases(FairKind.self), "status": RouteDoc.cases(FairStatus.self), "sort": RouteDoc.cases(FairSort.self)], csv: true),
                  handler: list),
            Route(.post, "/api/v1/fairs", access: .officers,
                  doc: RouteDoc("Register a fair", tag: tag, request: "FairInput", response: "Fair", status: 201),
                  write: FairRepresentation.create),
            Route(.get, "/api/v1/fairs/{id}", access: .anyone,
                  doc: RouteDoc("One fair", tag: tag, response: "Fair"), handler: FairRepresentation.get),
            Route(.put, "/api/v1/fairs/{id}", access: .officers,
                  doc: RouteDoc("Replace a fair", tag: tag, request: "FairInput", response: "Fair"), write: FairRepresentation.replace),
            Route(.patch, "/api/v1/fairs/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch), e.g. the visitor count", tag: tag,
                                request: "FairPatch", response: "Fair"), write: FairRepresentation.patch),
            Route(.delete, "/api/v1/fairs/{id}", access: .officers,
                  doc: RouteDoc("Delete a fair without booths", tag: tag, status: 204), write: FairRepresentation.delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        let today = CivilDate.today(at: context.now)
        var errors: [FieldError] = []
        var query = FairQuery()
        query.kind = parameters.oneOf("kind", FairKind.self, errors: &errors)
        query.status = parameters.oneOf("status", FairStatus.self, errors: &errors)
        (query.from, query.to) = CertificationReaders.dateRange(parameters, errors: &errors)
        query.district = parameters.text("district", maxLength: 100, errors: &errors)
        query.province = parameters.text("province", maxLength: 100, errors: &errors)
        query.text = parameters.text("q", maxLength: 200, errors: &errors)
        query.sort = parameters.oneOf("sort", FairSort.self, errors: &errors) ?? .startsOnDescending
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try FairStore.list($0, query, today: today) }
        return Responses.list(context, page: page, query: parameters, csv: FairRepresentation.csv(today: today)) { writer, fair in
            FairRepresentation.write(fair, today: today, to: &writer)
        }
    }
}

extension FairStore: ItemStore {}
extension Fair: StoredItem {}

extension FairRepresentation: ItemResource {
    typealias Store = FairStore
    static let entity = "fair"
    static let collectionPath = "/api/v1/fairs"
    static func writable(_ fair: Fair) -> JSONObject { fair.fields.jsonObject }
    static func derivedStateChanged(_ fair: Fair, today: CivilDate) -> Bool {
        fair.derivedStateChangedSinceUpdate(today: today)
    }
}
