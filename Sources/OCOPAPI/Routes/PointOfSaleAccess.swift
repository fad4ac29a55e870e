import OCOP
import SQLite

/// The binding of `pos` tokens (API.md "Authentication and roles"): a terminal's token acts
/// on its own point of sale only; officers and admins act on every one.
enum PointOfSaleAccess {
    /// Routes a terminal may call at all; which point of sale it may touch is checked per request.
    static let terminals = Access.roles([.admin, .officer, .pos])

    /// Refuses (403) a `pos` token that names another point of sale than its own. Runs before
    /// any lookup, so a terminal learns nothing about other points of sale, not even whether they exist.
    static func check(_ context: RequestContext, pointOfSaleID: Int64) throws(Problem) {
        guard let principal = context.principal else {
            throw Problem.unauthorized("this resource needs a bearer token")
        }
        if principal.role == .pos && principal.pointOfSaleID != pointOfSaleID {
            throw Problem.forbidden("this pos token is bound to point of sale \(principal.pointOfSaleID.map(String.init) ?? "none"); it may not touch point of sale \(pointOfSaleID)")
        }
    }

    /// The point of sale in the path, after the binding check; 404 when it is not registered.
    static func pointOfSale(_ context: RequestContext) throws -> Int64 {
        let id = try context.id()
        try check(context, pointOfSaleID: id)
        return id
    }

    /// For reads: the binding check and that the point of sale exists (404 otherwise).
    static func existingPointOfSale(_ context: RequestContext) throws -> Int64 {
        let id = try pointOfSale(context)
        try context.database.read { try require($0, id) }
        return id
    }

    static func require(_ db: Connection, _ id: Int64) throws {
        guard try PointOfSaleStore.exists(db, id: id) else {
            throw DomainError.notFound(entity: "point_of_sale", id: String(id))
        }
    }
}
