import JSON
import SQLite

/// Puts calendar-driven status changes (active → expiring → expired) in the audit log.
///
/// Nothing reads `status_recorded` to answer a request: statuses are computed from dates
/// whenever read. The sweeper only makes sure "every change of status is in the audit log"
/// (issue #3) also holds for the changes no request makes, a few minutes after midnight
/// rather than never. Requests that change a status (decide, revoke) record their own entries.
public enum CertificateStatusSweeper {
    /// One recorded change.
    public struct Change: Sendable, Equatable {
        public let certificateID: Int64
        public let from: CertificateStatus
        public let to: CertificateStatus

        public init(certificateID: Int64, from: CertificateStatus, to: CertificateStatus) {
            self.certificateID = certificateID
            self.from = from
            self.to = to
        }
    }

    /// Whether any certificate's status on `today` differs from the one recorded. Cheap enough
    /// to run on a reader every few minutes, so the writer is only taken when there is work.
    public static func hasPending(_ db: Connection, today: CivilDate) throws -> Bool {
        try db.scalarInt("SELECT EXISTS (SELECT 1 FROM certificates WHERE \(mismatch))", bounds(today)) == 1
    }

    /// Records every pending change: an audit entry (action `status_changed`, changes
    /// `{"status": {"from", "to"}}`), the new `status_recorded`, version + 1. Run inside a write.
    @discardableResult
    public static func sweep(_ db: Connection, today: CivilDate, now: Timestamp) throws -> [Change] {
        let pending = try db.all("""
            SELECT id, status_recorded, \(CertificateStore.statusExpression) FROM certificates WHERE \(mismatch) ORDER BY id
            """, bounds(today)) { row -> Change in
            guard let from = CertificateStatus(rawValue: row.string(1)), let to = CertificateStatus(rawValue: row.string(2)) else {
                throw DomainError.conflict("certificate \(row.int64(0)) has a corrupt recorded status")
            }
            return Change(certificateID: row.int64(0), from: from, to: to)
        }
        for change in pending { try apply(db, change, now: now) }
        return pending
    }

    /// Records `certificate`'s pending change, if any, and returns it as stored afterwards.
    /// Requests call this before changing a certificate, so the calendar's change is logged first.
    public static func record(_ db: Connection, _ certificate: Certificate, today: CivilDate, now: Timestamp) throws -> Certificate {
        let status = certificate.status(on: today)
        guard status != certificate.statusRecorded else { return certificate }
        try apply(db, Change(certificateID: certificate.id, from: certificate.statusRecorded, to: status), now: now)
        return try CertificateStore.get(db, id: certificate.id) ?? certificate
    }

    private static func apply(_ db: Connection, _ change: Change, now: Timestamp) throws {
        try db.run("UPDATE certificates SET status_recorded = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                   [.text(change.to.rawValue), .text(now.description), .integer(change.certificateID)])
        try AuditLog.record(db, actor: .system, entity: .certificate, entityID: change.certificateID,
                            action: "status_changed",
                            changes: JSONObject([("status", AuditLog.change(change.from.rawValue, change.to.rawValue))]),
                            at: now)
        // A product shows its current certificate's status and stars, so its version moves with it,
        // and its own history says why (as a revocation's does), not a version with no entry.
        if let productID = try CertificateStore.touchProduct(db, currentCertificate: change.certificateID, now: now) {
            try AuditLog.record(db, actor: .system, entity: .product, entityID: productID,
                                action: "certificate_status_changed", changes: JSONObject([
                                    ("certificate_id", .number(JSONNumber(change.certificateID))),
                                    ("status", AuditLog.change(change.from.rawValue, change.to.rawValue)),
                                ]), at: now)
        }
    }

    /// Rows whose computed status differs from the recorded one.
    private static let mismatch = "(\(CertificateStore.statusExpression)) <> status_recorded"

    private static func bounds(_ today: CivilDate) -> [SQLiteValue] {
        [.text(today.description), .text(today.adding(days: CertificateStatus.noticeDays).description)]
    }
}
