import JSON
import SQLite

/// Reads and writes evaluation rounds; every write records its audit entry in the same transaction.
public enum EvaluationRoundStore {
    static let columns = "id, name, council_level, held_on, decision_ref, sheet_version, created_at, updated_at, version, legal_basis"

    /// One round, or nil.
    public static func get(_ db: Connection, id: Int64) throws -> EvaluationRound? {
        try db.first("SELECT \(columns) FROM evaluation_rounds WHERE id = ?", [.integer(id)], decode)
    }

    /// Rounds matching `query`, keyset-paged.
    public static func list(_ db: Connection, _ query: EvaluationRoundQuery) throws -> Page<EvaluationRound> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        if let level = query.councilLevel { conditions.append("council_level = ?"); params.append(.text(level.rawValue)) }
        if let sheet = query.sheetVersion { conditions.append("sheet_version = ?"); params.append(.text(sheet.rawValue)) }
        if let from = query.heldFrom { conditions.append("held_on >= ?"); params.append(.text(from.description)) }
        if let to = query.heldTo { conditions.append("held_on <= ?"); params.append(.text(to.description)) }
        let keyset = query.sort.keyset
        try keyset.restrict(after: query.cursor, &conditions, &params)
        params.append(.integer(query.limit.rowsToFetch))
        var items = try db.all("""
            SELECT \(columns) FROM evaluation_rounds \(conditions.whereClause) ORDER BY \(keyset.orderBy) LIMIT ?
            """, params, decode)
        let next = keyset.page(&items, limit: query.limit) { (.date($0.fields.heldOn), $0.id) }
        return Page(items: items, nextCursor: next)
    }

    /// Creates a round after checking its level exists on its date.
    public static func create(_ db: Connection, _ fields: EvaluationRoundFields, actor: Actor,
                              now: Timestamp) throws -> EvaluationRound {
        try check(fields)
        try db.run("""
            INSERT INTO evaluation_rounds (name, council_level, held_on, decision_ref, sheet_version, legal_basis,
                                           created_at, updated_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
            """, bindings(fields) + [.text(now.description), .text(now.description)])
        let round = EvaluationRound(id: db.lastInsertRowID, fields: fields, legalBasis: fields.legalBasis,
                                    createdAt: now, updatedAt: now, version: 1)
        try AuditLog.record(db, actor: actor, entity: .evaluationRound, entityID: round.id, action: "create",
                            changes: jsonObject(fields), at: now)
        return round
    }

    /// Replaces the writable fields. The level, date and sheet decide how results were scored,
    /// so they are frozen once the round has results; the name and decision stay editable.
    public static func replace(_ db: Connection, id: Int64, with fields: EvaluationRoundFields, ifVersion: VersionMatch?,
                               actor: Actor, now: Timestamp) throws -> EvaluationRound {
        guard var round = try get(db, id: id) else { throw DomainError.notFound(entity: "evaluation_round", id: String(id)) }
        try VersionMatch.require(ifVersion, current: round.version)
        try check(fields, storedHeldOn: round.fields.heldOn)
        let changes = AuditLog.diff(jsonObject(round.fields), jsonObject(fields))
        guard changes.count > 0 else { return round }
        let old = round.fields
        if old.councilLevel != fields.councilLevel || old.heldOn != fields.heldOn || old.sheetVersion != fields.sheetVersion,
           let results = try db.scalarInt("SELECT count(*) FROM evaluation_results WHERE round_id = ?", [.integer(id)]),
           results > 0 {
            throw DomainError.conflict("""
                round \(id) already has \(results) result(s) scored under its level, date and sheet; \
                only name and decision_ref can change now
                """)
        }
        try db.run("""
            UPDATE evaluation_rounds SET name = ?, council_level = ?, held_on = ?, decision_ref = ?, sheet_version = ?,
                   legal_basis = ?, updated_at = ?, version = version + 1
            WHERE id = ?
            """, bindings(fields) + [.text(now.description), .integer(id)])
        round.fields = fields
        round.legalBasis = fields.legalBasis
        round.updatedAt = now
        round.version += 1
        try AuditLog.record(db, actor: actor, entity: .evaluationRound, entityID: id, action: "update",
                            changes: changes, at: now)
        return round
    }

    /// The fields under their API names; also what the audit log records.
    public static func jsonObject(_ f: EvaluationRoundFields) -> JSONObject {
        JSONObject([
            ("name", .string(f.name)),
            ("council_level", .string(f.councilLevel.rawValue)),
            ("held_on", .string(f.heldOn.description)),
            ("decision_ref", f.decisionRef.map(JSONValue.string) ?? .null),
            ("sheet_version", .string(f.sheetVersion.rawValue)),
            ("legal_basis", .string(f.legalBasis)),
        ])
    }

    private static func check(_ fields: EvaluationRoundFields, storedHeldOn: CivilDate? = nil) throws {
        let errors = fields.validate(storedHeldOn: storedHeldOn)
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func bindings(_ f: EvaluationRoundFields) -> [SQLiteValue] {
        [.text(f.name), .text(f.councilLevel.rawValue), .text(f.heldOn.description), SQLiteValue(f.decisionRef),
         .text(f.sheetVersion.rawValue), .text(f.legalBasis)]
    }

    static func decode(_ row: Row) throws -> EvaluationRound {
        guard let level = CouncilLevel(rawValue: row.string(2)), let heldOn = CivilDate(row.string(3)),
              let sheet = ScoreSheetVersion(rawValue: row.string(5)),
              let created = row.timestamp(6), let updated = row.timestamp(7) else {
            throw DomainError.conflict("evaluation round \(row.int64(0)) has corrupt stored fields")
        }
        let fields = EvaluationRoundFields(name: row.string(1), councilLevel: level, heldOn: heldOn,
                                           decisionRef: row.optionalString(4), sheetVersion: sheet)
        return EvaluationRound(id: row.int64(0), fields: fields, legalBasis: row.string(9), createdAt: created,
                               updatedAt: updated, version: row.int64(8))
    }
}
