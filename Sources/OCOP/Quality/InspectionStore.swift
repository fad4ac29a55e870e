import JSON
import SQLite

/// Reads and writes inspections. A write that leaves a failed food-safety inspection behind
/// also flags its product under review (`ProductReviewStore.flag`), in the same transaction,
/// so no failure is ever recorded without its consequence.
public enum InspectionStore {
    static let select = """
        SELECT i.id, i.product_id, p.code, p.name, i.inspected_on, i.agency, i.kind, i.result, i.findings,
               i.created_at, i.updated_at, i.version
        FROM inspections i JOIN products p ON p.id = i.product_id
        """

    /// One inspection with its product's label; nil when there is none.
    public static func get(_ db: Connection, id: Int64) throws -> Inspection? {
        try db.first("\(select) WHERE i.id = ?", [.integer(id)], decode)
    }

    /// Newest first: by `inspected_on`, then by id, so inspections entered the same day keep entry order reversed.
    public static func list(_ db: Connection, _ query: InspectionQuery) throws -> Page<Inspection> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        if let productID = query.productID { conditions.append("i.product_id = ?"); params.append(.integer(productID)) }
        if let kind = query.kind { conditions.append("i.kind = ?"); params.append(.text(kind.rawValue)) }
        if let result = query.result { conditions.append("i.result = ?"); params.append(.text(result.rawValue)) }
        // Dates are ISO text: string order is date order.
        if let from = query.from { conditions.append("i.inspected_on >= ?"); params.append(.text(from.description)) }
        if let to = query.to { conditions.append("i.inspected_on <= ?"); params.append(.text(to.description)) }
        if let cursor = query.cursor {
            guard cursor.sort == sortName, cursor.values.count == 2, let day = CivilDate(cursor.values[0]),
                  let last = Int64(cursor.values[1]) else {
                throw DomainError.badCursor
            }
            conditions.append("(i.inspected_on, i.id) < (?, ?)")
            params += [.text(day.description), .integer(last)]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        params.append(.integer(query.limit.rowsToFetch))
        let items = try db.all("\(select) \(whereClause) ORDER BY i.inspected_on DESC, i.id DESC LIMIT ?", params, decode)
        return Page(fetched: items, limit: query.limit) { Cursor(sort: sortName, values: [$0.fields.inspectedOn.description, String($0.id)]).encoded }
    }

    /// Records an inspection of `productID`; a failed food-safety one flags the product.
    public static func create(_ db: Connection, productID: Int64, _ fields: InspectionFields, actor: Actor,
                              now: Timestamp) throws -> Inspection {
        guard try db.scalarInt("SELECT count(*) FROM products WHERE id = ?", [.integer(productID)]) == 1 else {
            throw DomainError.notFound(entity: "product", id: String(productID))
        }
        try check(fields, now: now)
        try db.run("""
            INSERT INTO inspections (id, product_id, inspected_on, agency, kind, result, findings, created_at, updated_at, version)
            VALUES (\(RetiredIDs.nextID("inspections")), ?, ?, ?, ?, ?, ?, ?, ?, 1)
            """, [.integer(productID)] + bindings(fields) + [.text(now.description), .text(now.description)])
        let id = db.lastInsertRowID
        var changes = fields.jsonObject
        changes["product_id"] = .number(JSONNumber(productID))
        try AuditLog.record(db, actor: actor, entity: .inspection, entityID: id, action: "create",
                            changes: changes, at: now)
        if fields.flagsProductForReview {
            try ProductReviewStore.flag(db, productID: productID, cause: .inspection(id: id), actor: actor, now: now)
        }
        guard let inspection = try get(db, id: id) else { throw DomainError.notFound(entity: "inspection", id: String(id)) }
        return inspection
    }

    /// Replaces every writable field. Turning an inspection into a failed food-safety one flags the
    /// product; the reverse does not lower the flag — only an officer's review does.
    public static func replace(_ db: Connection, id: Int64, with fields: InspectionFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> Inspection {
        guard var inspection = try get(db, id: id) else { throw DomainError.notFound(entity: "inspection", id: String(id)) }
        try VersionMatch.require(ifVersion, current: inspection.version)
        try check(fields, now: now)
        let changes = AuditLog.diff(inspection.fields.jsonObject, fields.jsonObject)
        guard changes.count > 0 else { return inspection }   // nothing changed: no new version, no audit noise
        try db.run("""
            UPDATE inspections SET inspected_on = ?, agency = ?, kind = ?, result = ?, findings = ?, updated_at = ?,
                   version = version + 1
            WHERE id = ?
            """, bindings(fields) + [.text(now.description), .integer(id)])
        try AuditLog.record(db, actor: actor, entity: .inspection, entityID: id, action: "update",
                            changes: changes, at: now)
        if fields.flagsProductForReview && !inspection.fields.flagsProductForReview {
            try ProductReviewStore.flag(db, productID: inspection.productID, cause: .inspection(id: id), actor: actor, now: now)
        }
        inspection.fields = fields
        inspection.updatedAt = now
        inspection.version += 1
        return inspection
    }

    /// Deletes an inspection record (a mistaken entry). A flag it raised stays until reviewed:
    /// the review, not the paperwork, decides what happens to the product.
    public static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws {
        guard let inspection = try get(db, id: id) else { throw DomainError.notFound(entity: "inspection", id: String(id)) }
        try VersionMatch.require(ifVersion, current: inspection.version)
        try db.run("DELETE FROM inspections WHERE id = ?", [.integer(id)])
        var changes = inspection.fields.jsonObject
        changes["product_id"] = .number(JSONNumber(inspection.productID))
        try AuditLog.record(db, actor: actor, entity: .inspection, entityID: id, action: "delete",
                            changes: changes, at: now)
    }

    private static let sortName = "-inspected_on"

    private static func check(_ fields: InspectionFields, now: Timestamp) throws {
        let errors = fields.validate(today: CivilDate.today(at: now))
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func bindings(_ f: InspectionFields) -> [SQLiteValue] {
        [.text(f.inspectedOn.description), .text(f.agency), .text(f.kind.rawValue), .text(f.result.rawValue),
         SQLiteValue(f.findings)]
    }

    static func decode(_ row: Row) throws -> Inspection {
        guard let inspectedOn = CivilDate(row.string(4)),
              let kind = InspectionKind(rawValue: row.string(6)),
              let result = InspectionResult(rawValue: row.string(7)),
              let created = row.timestamp(9),
              let updated = row.timestamp(10) else {
            throw DomainError.conflict("inspection \(row.int64(0)) has corrupt stored fields")
        }
        let fields = InspectionFields(inspectedOn: inspectedOn, agency: row.string(5), kind: kind, result: result,
                                      findings: row.optionalString(8))
        return Inspection(id: row.int64(0), productID: row.int64(1),
                          product: InspectedProduct(code: row.string(2), name: row.string(3)), fields: fields,
                          createdAt: created, updatedAt: updated, version: row.int64(11))
    }
}
