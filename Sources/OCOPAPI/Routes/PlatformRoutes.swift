import HTTP
import JSON
import OCOP

/// `/api/v1/platforms`: e-commerce platforms OCOP products are listed on. Seeded with the
/// province's own platform, Voso and Postmart. Anyone reads; officers and admins write.
public struct PlatformRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["kind", "limit", "cursor"]

    public func routes() -> [Route] {
        let tag = "e-commerce"
        return [
            Route(.get, "/api/v1/platforms", access: .anyone,
                  doc: RouteDoc("List platforms", tag: tag, response: "Platform", isList: true,
                                query: Self.listParameters.sorted(),
                                values: ["kind": RouteDoc.cases(PlatformKind.self)], csv: true), handler: list),
            Route(.post, "/api/v1/platforms", access: .officers,
                  doc: RouteDoc("Register a platform", tag: tag, request: "PlatformInput", response: "Platform", status: 201),
                  write: PlatformRepresentation.create),
            Route(.get, "/api/v1/platforms/{id}", access: .anyone,
                  doc: RouteDoc("One platform", tag: tag, response: "Platform"), handler: PlatformRepresentation.get),
            Route(.put, "/api/v1/platforms/{id}", access: .officers,
                  doc: RouteDoc("Replace a platform", tag: tag, request: "PlatformInput", response: "Platform"),
                  write: PlatformRepresentation.replace),
            Route(.patch, "/api/v1/platforms/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch)", tag: tag, request: "PlatformPatch",
                                response: "Platform"), write: PlatformRepresentation.patch),
            Route(.delete, "/api/v1/platforms/{id}", access: .officers,
                  doc: RouteDoc("Delete a platform nothing was ever listed on", tag: tag, status: 204), write: PlatformRepresentation.delete),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = PlatformQuery()
        query.kind = parameters.oneOf("kind", PlatformKind.self, errors: &errors)
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try PlatformStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: PlatformRepresentation.csv) { writer, platform in
            PlatformRepresentation.write(platform, to: &writer)
        }
    }
}

extension PlatformStore: ItemStore {}
extension Platform: StoredItem {}

extension PlatformRepresentation: UndatedItemResource {
    typealias Store = PlatformStore
    static let entity = "platform"
    static let collectionPath = "/api/v1/platforms"
    static func writable(_ platform: Platform) -> JSONObject { PlatformStore.jsonObject(platform.fields) }
}
