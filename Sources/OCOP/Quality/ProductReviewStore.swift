import JSON
import SQLite

/// The under-review flag on products: raised by a failed food-safety inspection, lowered only by
/// an officer's decision. Each change bumps the product's version and is audited, in the
/// caller's transaction, together with whatever caused it.
public enum ProductReviewStore {
    /// Whether the product is under review; nil when there is no such product.
    public static func isUnderReview(_ db: Connection, productID: Int64) throws -> Bool? {
        try db.first("SELECT under_review FROM products WHERE id = ?", [.integer(productID)]) { $0.bool(0) }
    }

    /// Raises the flag because of `inspectionID`. Returns false when it was already up
    /// (one pending review per product: a second failure joins the first, no new version).
    @discardableResult
    public static func flag(_ db: Connection, productID: Int64, inspectionID: Int64, actor: Actor, now: Timestamp) throws -> Bool {
        try db.run("""
            UPDATE products SET under_review = 1, updated_at = ?, version = version + 1
            WHERE id = ? AND under_review = 0
            """, [.text(now.description), .integer(productID)])
        guard db.changes == 1 else { return false }
        try AuditLog.record(db, actor: actor, entity: "product", entityID: String(productID), action: "flag_under_review",
                            changes: JSONObject([
                                ("under_review", .object(JSONObject([("from", .bool(false)), ("to", .bool(true))]))),
                                ("inspection_id", .number(JSONNumber(inspectionID))),
                            ]), at: now)
        return true
    }

    /// Records an officer's decision on a product under review. `ifVersion` is the product's
    /// version from `If-Match` (nil: unconditional). No pending flag, or nothing valid to
    /// revoke, is a conflict and changes nothing.
    public static func decide(_ db: Connection, productID: Int64, _ review: ProductReview, ifVersion: Int64?,
                              actor: Actor, now: Timestamp) throws -> ReviewOutcome {
        let errors = review.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        guard let product = try db.first("""
            SELECT under_review, version, current_certificate_id FROM products WHERE id = ?
            """, [.integer(productID)], { (underReview: $0.bool(0), version: $0.int64(1), certificateID: $0.optionalInt64(2)) })
        else { throw DomainError.notFound(entity: "product", id: String(productID)) }
        if let ifVersion, ifVersion != product.version { throw DomainError.staleVersion(current: product.version) }
        guard product.underReview else {
            throw DomainError.conflict("product \(productID) is not under review; there is nothing to decide")
        }
        let today = CivilDate.today(at: now)
        var revoked: RevokedCertificate?
        if case .revokeCertificate(let reason) = review.decision {
            revoked = try revokeCurrent(db, productID: productID, certificateID: product.certificateID, reason: reason,
                                        note: review.note, today: today, actor: actor, now: now)
        }
        try db.run("UPDATE products SET under_review = 0, updated_at = ?, version = version + 1 WHERE id = ?",
                   [.text(now.description), .integer(productID)])
        try AuditLog.record(db, actor: actor, entity: "product", entityID: String(productID), action: "review",
                            changes: JSONObject([
                                ("under_review", .object(JSONObject([("from", .bool(true)), ("to", .bool(false))]))),
                                ("decision", .string(review.decision.name)),
                                ("reason", reasonName(review.decision).map(JSONValue.string) ?? .null),
                                ("note", review.note.map(JSONValue.string) ?? .null),
                                ("certificate_id", revoked.map { .number(JSONNumber($0.id)) } ?? .null),
                            ]), at: now)
        return ReviewOutcome(productID: productID, review: review, decidedOn: today,
                             productVersion: product.version + 1, revoked: revoked)
    }

    /// Revokes the product's current certificate, which must be valid today
    /// (not revoked, not renewed, not past `expires_on`): an expired certificate has already lapsed.
    private static func revokeCurrent(_ db: Connection, productID: Int64, certificateID: Int64?,
                                      reason: ReviewRevocationReason, note: String?, today: CivilDate,
                                      actor: Actor, now: Timestamp) throws -> RevokedCertificate {
        let noValid = DomainError.conflict(
            "product \(productID) has no valid certificate to revoke; decide \"cleared\" instead")
        guard let certificateID else { throw noValid }
        // Dates are ISO text, so the string comparison is the date comparison.
        let found = try db.first("""
            SELECT id, number, stars, decided_on, expires_on FROM certificates
            WHERE id = ? AND revoked_on IS NULL AND renewed_by_id IS NULL AND expires_on >= ?
            """, [.integer(certificateID), .text(today.description)]) { row in
            (id: row.int64(0), number: row.string(1), stars: row.int(2), decidedOn: CivilDate(row.string(3)),
             expiresOn: CivilDate(row.string(4)))
        }
        guard let found else { throw noValid }
        guard let decidedOn = found.decidedOn, let expiresOn = found.expiresOn else {
            throw DomainError.conflict("certificate \(certificateID) has corrupt stored dates")
        }
        let before = CertificateStatus.on(today, expiresOn: expiresOn, renewed: false, revoked: false)
        try db.run("""
            UPDATE certificates SET revoked_on = ?, revocation_reason = ?, revocation_note = ?, status_recorded = 'revoked',
                   updated_at = ?, version = version + 1
            WHERE id = ?
            """, [.text(today.description), .text(reason.revocationReason.rawValue), SQLiteValue(note),
                  .text(now.description), .integer(certificateID)])
        func change(_ from: JSONValue, _ to: JSONValue) -> JSONValue { .object(JSONObject([("from", from), ("to", to)])) }
        try AuditLog.record(db, actor: actor, entity: "certificate", entityID: String(certificateID), action: "revoke",
                            changes: JSONObject([
                                ("status", change(.string(before.rawValue), .string(CertificateStatus.revoked.rawValue))),
                                ("revoked_on", change(.null, .string(today.description))),
                                ("revocation_reason", change(.null, .string(reason.revocationReason.rawValue))),
                                ("revocation_note", change(.null, note.map(JSONValue.string) ?? .null)),
                                ("product_id", .number(JSONNumber(productID))),
                            ]), at: now)
        return RevokedCertificate(id: found.id, number: found.number, stars: found.stars, decidedOn: decidedOn,
                                  expiresOn: expiresOn, revokedOn: today, reason: reason.revocationReason)
    }

    private static func reasonName(_ decision: ReviewDecision) -> String? {
        if case .revokeCertificate(let reason) = decision { return reason.rawValue }
        return nil
    }
}
