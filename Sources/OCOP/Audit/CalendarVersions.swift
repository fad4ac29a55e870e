import JSON
import SQLite

/// Gives a new version to the items whose representation shows state derived from the calendar
/// once that state has moved with no request to write it: a fair's `status` (planned → running
/// → ended) and an area certification's `valid`. The change goes into the audit log, as
/// `CertificateStatusSweeper` does for certificates; like that one, it also runs for one item at
/// the start of every write to it (`settle`).
///
/// Why: an `ETag` names one representation (API.md: `version` "grows by one on every change").
/// Until the version moves, a conditional GET of such an item cannot be answered 304 (the
/// representation the client holds said something else: `derivedStateChangedSinceUpdate`), so
/// without this a fair that began running would never validate a cached copy again.
public enum CalendarVersions {
    /// One item given a new version, and what changed in it.
    public struct Change: Sendable, Equatable {
        public let entity: AuditEntity
        public let id: Int64
        public let changes: JSONObject

        public init(entity: AuditEntity, id: Int64, changes: JSONObject) {
            self.entity = entity
            self.id = id
            self.changes = changes
        }
    }

    /// Whether some item's derived state moved since its version was written. A scan of a few
    /// hundred rows: cheap enough on a reader once a day, so the writer is taken only for work.
    public static func hasPending(_ db: Connection, today: CivilDate) throws -> Bool {
        for kind in kinds where try db.scalarInt("SELECT EXISTS (\(kind.candidates))", [.text(today.description)]) == 1 {
            return true
        }
        return false
    }

    /// Gives every pending item version + 1 and `updated_at` now, and audits what moved (by the
    /// system, `{"field": {"from", "to"}}` with what the last version showed and what today's
    /// shows). Returns the audited changes. Run inside a write.
    ///
    /// The pending items are exactly those whose conditional GET refuses the old version's 304
    /// (`derivedStateChangedSinceUpdate`), so each gets its new version even when it shows what it
    /// showed before (a certification valid only while the server was down): left alone, it would
    /// stay pending, and its old copy unvalidated, for good.
    @discardableResult
    public static func sweep(_ db: Connection, today: CivilDate, now: Timestamp) throws -> [Change] {
        var audited: [Change] = []
        for kind in kinds {
            let ids = try db.all(kind.candidates, [.text(today.description)]) { $0.int64(0) }
            for id in ids {
                if let change = try advance(db, kind, id: id, today: today, now: now) { audited.append(change) }
            }
        }
        return audited
    }

    /// Does for one item what the sweep would, when the item is pending: called by every write to
    /// a fair or an area before it checks `If-Match`. Why: the sweep runs within a second of
    /// midnight, and a write landing in that second would otherwise take the version past the
    /// transition with no `status_changed` / `validity_changed` entry, and pass an `If-Match`
    /// naming the version from before midnight, whose copy already shows yesterday's state. Settled
    /// first, the write finds what the sweep would have left: the system's entry, then its own, and
    /// a 412 for the stale copy. Does nothing to an item that is not pending or does not exist.
    @discardableResult
    public static func settle(_ db: Connection, _ entity: AuditEntity, id: Int64, now: Timestamp) throws -> Change? {
        guard let kind = kinds.first(where: { $0.entity == entity }) else { return nil }
        let today = CivilDate.today(at: now)
        let pending = try db.scalarInt("SELECT EXISTS (SELECT 1 FROM (\(kind.candidates)) WHERE id = ?2)",
                                       [.text(today.description), .integer(id)]) == 1
        guard pending else { return nil }
        return try advance(db, kind, id: id, today: today, now: now)
    }

    /// Gives one pending item its new version and audits what moved, if anything shows differently.
    private static func advance(_ db: Connection, _ kind: Kind, id: Int64, today: CivilDate, now: Timestamp) throws -> Change? {
        let changes = try kind.changes(db, id, today)
        try db.run("UPDATE \(kind.table) SET updated_at = ?, version = version + 1 WHERE id = ?",
                   [.text(now.description), .integer(id)])
        guard changes.count > 0 else { return nil }
        try AuditLog.record(db, actor: .system, entity: kind.entity, entityID: id, action: kind.action,
                            changes: changes, at: now)
        return Change(entity: kind.entity, id: id, changes: changes)
    }

    /// One table of such items.
    struct Kind: Sendable {
        let entity: AuditEntity
        let table: String
        /// The audit entry's action.
        let action: String
        /// Ids of the rows whose state may have moved since they were written (`?1`: today):
        /// a transition day after the day of `updated_at` (in Asia/Ho_Chi_Minh) and by today.
        let candidates: String
        /// What moved in one of them: empty when nothing shows differently.
        let changes: @Sendable (Connection, Int64, CivilDate) throws -> JSONObject
    }

    /// The day a row was last written, in Asia/Ho_Chi_Minh (UTC+7, no DST), as SQL.
    private static func writtenOn(_ column: String) -> String { "date(\(column), '+7 hours')" }

    /// `day` falls after the day `updated` was written and by today (`?1`), as SQL.
    private static func crossed(_ day: String, since updated: String) -> String {
        "(\(day) > \(writtenOn(updated)) AND \(day) <= ?1)"
    }

    static let kinds = [fairs, areas]

    /// A fair turns `running` on its first day and `ended` the day after its last.
    static let fairs = Kind(
        entity: .fair, table: "fairs", action: "status_changed",
        candidates: """
            SELECT id FROM fairs
            WHERE \(crossed("starts_on", since: "updated_at")) OR \(crossed("date(ends_on, '+1 day')", since: "updated_at"))
            """,
        changes: { db, id, today in
            guard let fair = try FairStore.get(db, id: id) else { return JSONObject() }
            let before = fair.status(on: CivilDate.today(at: fair.updatedAt)), after = fair.status(on: today)
            return AuditLog.diff(JSONObject([("status", .string(before.rawValue))]),
                                 JSONObject([("status", .string(after.rawValue))]))
        })

    /// A certification turns valid on `valid_from` and not valid the day after `valid_until`;
    /// the entry names each certification that moved by its place in the list.
    static let areas = Kind(
        entity: .rawMaterialArea, table: "raw_material_areas", action: "validity_changed",
        candidates: """
            SELECT DISTINCT a.id FROM raw_material_areas a JOIN area_certifications c ON c.area_id = a.id
            WHERE \(crossed("c.valid_from", since: "a.updated_at"))
               OR \(crossed("date(c.valid_until, '+1 day')", since: "a.updated_at"))
            """,
        changes: { db, id, today in
            guard let area = try RawMaterialAreaStore.get(db, id: id) else { return JSONObject() }
            let writtenOn = CivilDate.today(at: area.updatedAt)
            func validity(on day: CivilDate) -> JSONObject {
                JSONObject(area.fields.certifications.enumerated().map { place, certification in
                    (key: "certifications[\(place)].valid", value: .bool(certification.isValid(on: day)))
                })
            }
            return AuditLog.diff(validity(on: writtenOn), validity(on: today))
        })
}
