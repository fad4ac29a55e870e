import JSON
import SQLite

/// The under-review flag on products: raised by a failed food-safety inspection or by a
/// re-evaluation that did not recognise a product still holding its stars, lowered only by an
/// officer's decision. Each change bumps the product's version and is audited, in the caller's
/// transaction, together with whatever caused it.
public enum ProductReviewStore {
    /// What raised the flag, named in the audit entry.
    public enum Cause: Sendable {
        /// A failed food-safety inspection.
        case inspection(id: Int64)
        /// A re-evaluation that awarded fewer than 3 stars while a certificate was in force:
        /// `decide` issues certificates only, so the stars it no longer supports stay until an
        /// officer revokes them (or clears the product).
        case evaluationResult(id: Int64)

        var auditField: (key: String, value: JSONValue) {
            switch self {
            case .inspection(let id): ("inspection_id", .number(JSONNumber(id)))
            case .evaluationResult(let id): ("evaluation_result_id", .number(JSONNumber(id)))
            }
        }
    }

    /// Whether the product is under review; nil when there is no such product.
    public static func isUnderReview(_ db: Connection, productID: Int64) throws -> Bool? {
        try db.first("SELECT under_review FROM products WHERE id = ?", [.integer(productID)]) { $0.bool(0) }
    }

    /// Raises the flag because of `cause`. Returns false when it was already up
    /// (one pending review per product: a second cause joins the first, no new version).
    @discardableResult
    public static func flag(_ db: Connection, productID: Int64, cause: Cause, actor: Actor, now: Timestamp) throws -> Bool {
        try db.run("""
            UPDATE products SET under_review = 1, updated_at = ?, version = version + 1
            WHERE id = ? AND under_review = 0
            """, [.text(now.description), .integer(productID)])
        guard db.changes == 1 else { return false }
        try AuditLog.record(db, actor: actor, entity: .product, entityID: productID, action: "flag_under_review",
                            changes: JSONObject([
                                ("under_review", .object(JSONObject([("from", .bool(false)), ("to", .bool(true))]))),
                                cause.auditField,
                            ]), at: now)
        return true
    }

    /// Records an officer's decision on a product under review. `ifVersion` is the product's
    /// version from `If-Match` (nil: unconditional). No pending flag, or nothing valid to
    /// revoke, is a conflict and changes nothing.
    public static func decide(_ db: Connection, productID: Int64, _ review: ProductReview, ifVersion: VersionMatch?,
                              actor: Actor, now: Timestamp) throws -> ReviewOutcome {
        let errors = review.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        guard let product = try db.first("""
            SELECT under_review, version, current_certificate_id FROM products WHERE id = ?
            """, [.integer(productID)], { (underReview: $0.bool(0), version: $0.int64(1), certificateID: $0.optionalInt64(2)) })
        else { throw DomainError.notFound(entity: "product", id: String(productID)) }
        try VersionMatch.require(ifVersion, current: product.version)
        guard product.underReview else {
            throw DomainError.conflict("product \(productID) is not under review; there is nothing to decide")
        }
        let today = CivilDate.today(at: now)
        var revoked: RevokedCertificate?
        if case .revokeCertificate(let reason) = review.decision {
            revoked = try revokeCurrent(db, productID: productID, certificateID: product.certificateID, reason: reason,
                                        note: review.note, today: today, actor: actor, now: now)
        }
        // One decision is one new version of the product: a revocation has already bumped it.
        try db.run("UPDATE products SET under_review = 0, updated_at = ?, version = version + ? WHERE id = ?",
                   [.text(now.description), .integer(revoked == nil ? 1 : 0), .integer(productID)])
        try AuditLog.record(db, actor: actor, entity: .product, entityID: productID, action: "review",
                            changes: JSONObject([
                                ("under_review", .object(JSONObject([("from", .bool(true)), ("to", .bool(false))]))),
                                ("decision", .string(review.decision.name)),
                                ("reason", reasonName(review.decision).map(JSONValue.string) ?? .null),
                                ("note", review.note.map(JSONValue.string) ?? .null),
                                ("certificate_id", revoked.map { .number(JSONNumber($0.id)) } ?? .null),
                            ]), at: now)
        let version = try db.scalarInt("SELECT version FROM products WHERE id = ?", [.integer(productID)]) ?? product.version + 1
        return ReviewOutcome(productID: productID, review: review, decidedOn: today,
                             productVersion: version, revoked: revoked)
    }

    /// Revokes the product's current certificate, which must be valid today
    /// (not revoked, not renewed, not past `expires_on`): an expired certificate has already lapsed.
    /// The revocation itself is `CertificateStore.revoke`, the one place certificates are revoked.
    private static func revokeCurrent(_ db: Connection, productID: Int64, certificateID: Int64?,
                                      reason: ReviewRevocationReason, note: String?, today: CivilDate,
                                      actor: Actor, now: Timestamp) throws -> RevokedCertificate {
        let noValid = DomainError.conflict(
            "product \(productID) has no valid certificate to revoke; decide \"cleared\" instead")
        guard let certificateID, let current = try CertificateStore.get(db, id: certificateID),
              current.status(on: today).isValid else { throw noValid }
        let revoked = try CertificateStore.revoke(db, id: certificateID, reason: reason.revocationReason, note: note,
                                                  ifVersion: nil, today: today, actor: actor, now: now)
        return RevokedCertificate(id: revoked.id, number: revoked.number, stars: revoked.stars.rawValue,
                                  decidedOn: revoked.decidedOn, expiresOn: revoked.expiresOn, revokedOn: today,
                                  reason: reason.revocationReason)
    }

    private static func reasonName(_ decision: ReviewDecision) -> String? {
        if case .revokeCertificate(let reason) = decision { return reason.rawValue }
        return nil
    }
}
