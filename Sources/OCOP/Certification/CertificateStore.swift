import JSON
import SQLite

/// Reads certificates and revokes them. Status is computed from dates in SQL and in Swift
/// alike; `status_recorded` only serves the audit trail. Issuing is `EvaluationDecision`'s job.
public enum CertificateStore {
    static let columns = """
        id, number, product_id, result_id, stars, council_level, legal_basis, decided_on, expires_on, previous_id, \
        renewed_by_id, revoked_on, revocation_reason, revocation_note, status_recorded, created_at, updated_at, version, \
        district, commune
        """

    /// One certificate, or nil.
    public static func get(_ db: Connection, id: Int64) throws -> Certificate? {
        try db.first("SELECT \(columns) FROM certificates WHERE id = ?", [.integer(id)], decode)
    }

    /// The certificates matching `query`, with statuses as of `today`.
    public static func list(_ db: Connection, _ query: CertificateQuery, today: CivilDate) throws -> Page<Certificate> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        if let status = query.status {
            let (condition, values) = sqlCondition(status, today: today)
            conditions.append(condition)
            params += values
        }
        if let product = query.productID { conditions.append("product_id = ?"); params.append(.integer(product)) }
        if let stars = query.stars { conditions.append("stars = ?"); params.append(.integer(Int64(stars.rawValue))) }
        if let before = query.expiresBefore { conditions.append("expires_on < ?"); params.append(.text(before.description)) }
        if let after = query.expiresAfter { conditions.append("expires_on > ?"); params.append(.text(after.description)) }
        let keyset = query.sort.keyset
        try keyset.restrict(after: query.cursor, &conditions, &params)
        params.append(.integer(query.limit.rowsToFetch))
        var items = try db.all("""
            SELECT \(columns) FROM certificates \(conditions.whereClause) ORDER BY \(keyset.orderBy) LIMIT ?
            """, params, decode)
        let next = keyset.page(&items, limit: query.limit) { query.sort.key($0) }
        return Page(items: items, nextCursor: next)
    }

    /// A product's certificates for `query` (whose `productID` names it); nil when the product does not exist.
    public static func history(_ db: Connection, _ query: CertificateQuery, today: CivilDate) throws -> Page<Certificate>? {
        guard let productID = query.productID,
              try db.scalarInt("SELECT count(*) FROM products WHERE id = ?", [.integer(productID)]) == 1 else { return nil }
        return try list(db, query, today: today)
    }

    /// `status` on `today` as SQL over the dates, mirroring `CertificateStatus.on` exactly:
    /// dates are ISO text, so string comparison is date comparison.
    static func sqlCondition(_ status: CertificateStatus, today: CivilDate) -> (String, [SQLiteValue]) {
        let t = SQLiteValue.text(today.description)
        let notice = SQLiteValue.text(today.adding(days: CertificateStatus.noticeDays).description)
        let valid = "revoked_on IS NULL AND renewed_by_id IS NULL"
        switch status {
        case .revoked: return ("revoked_on IS NOT NULL", [])
        case .renewed: return ("revoked_on IS NULL AND renewed_by_id IS NOT NULL", [])
        case .expired: return ("\(valid) AND expires_on < ?", [t])
        case .expiring: return ("\(valid) AND expires_on >= ? AND expires_on <= ?", [t, notice])
        case .active: return ("\(valid) AND expires_on > ?", [notice])
        }
    }

    /// The same rule as one SQL expression (for the sweeper), taking `?1` today and `?2` today + notice days.
    static let statusExpression = """
        CASE WHEN revoked_on IS NOT NULL THEN 'revoked' WHEN renewed_by_id IS NOT NULL THEN 'renewed' \
        WHEN expires_on < ?1 THEN 'expired' WHEN expires_on <= ?2 THEN 'expiring' ELSE 'active' END
        """

    /// Withdraws a certificate before its time. Revoked or renewed ones cannot be revoked (conflict);
    /// an expired one can (`not_reapplied` is exactly that case). `revoked_on` is `today`.
    public static func revoke(_ db: Connection, id: Int64, reason: RevocationReason, note: String?, ifVersion: VersionMatch?,
                              today: CivilDate, actor: Actor, now: Timestamp) throws -> Certificate {
        guard let found = try get(db, id: id) else { throw DomainError.notFound(entity: "certificate", id: String(id)) }
        // A calendar change not yet in the audit log goes in first, so the log reads in order.
        let current = try CertificateStatusSweeper.record(db, found, today: today, now: now)
        try VersionMatch.require(ifVersion, current: current.storedVersion)
        let before = current.status(on: today)
        switch before {
        case .revoked:
            throw DomainError.conflict("certificate \(id) was already revoked on \(current.revocation?.on.description ?? "")")
        case .renewed:
            throw DomainError.conflict("""
                certificate \(id) was renewed by certificate \(current.renewedByID ?? 0); revoke that one instead
                """)
        case .active, .expiring, .expired: break
        }
        if let note, note.isBlank {
            throw DomainError.invalid("note", "must not be blank; leave it out instead")
        }
        try db.run("""
            UPDATE certificates SET revoked_on = ?, revocation_reason = ?, revocation_note = ?, status_recorded = 'revoked',
                   updated_at = ?, version = version + 1
            WHERE id = ?
            """, [.text(today.description), .text(reason.rawValue), SQLiteValue(note), .text(now.description), .integer(id)])
        try AuditLog.record(db, actor: actor, entity: .certificate, entityID: id, action: "revoke", changes: JSONObject([
            ("status", AuditLog.change(before.rawValue, CertificateStatus.revoked.rawValue)),
            ("revoked_on", .string(today.description)),
            ("revocation_reason", .string(reason.rawValue)),
            ("revocation_note", note.map(JSONValue.string) ?? .null),
        ]), at: now)
        // The product's stars lapse with its current certificate: its representation changes, so its version does.
        if let productID = try touchProduct(db, currentCertificate: id, now: now) {
            try AuditLog.record(db, actor: actor, entity: .product, entityID: productID,
                                action: "certificate_revoked", changes: JSONObject([
                                    ("certificate_id", .number(JSONNumber(id))),
                                    ("revocation_reason", .string(reason.rawValue)),
                                ]), at: now)
        }
        guard let revoked = try get(db, id: id) else { throw DomainError.notFound(entity: "certificate", id: String(id)) }
        return revoked
    }

    /// Bumps the version of the product whose current certificate is `id` (its stars/status are derived
    /// from it); returns that product's id, nil when no product shows the certificate.
    static func touchProduct(_ db: Connection, currentCertificate id: Int64, now: Timestamp) throws -> Int64? {
        try db.first("UPDATE products SET updated_at = ?, version = version + 1 WHERE current_certificate_id = ? RETURNING id",
                     [.text(now.description), .integer(id)]) { $0.int64(0) }
    }

    /// The certificate under its API names (for the audit log of its creation).
    static func jsonObject(_ c: Certificate, status: CertificateStatus) -> JSONObject {
        func id(_ v: Int64?) -> JSONValue { v.map { .number(JSONNumber($0)) } ?? .null }
        return JSONObject([
            ("number", .string(c.number)),
            ("product_id", id(c.productID)),
            ("result_id", id(c.resultID)),
            ("stars", .number(JSONNumber(Int64(c.stars.rawValue)))),
            ("council_level", .string(c.councilLevel.rawValue)),
            ("legal_basis", .string(c.legalBasis)),
            ("district", c.place.district.map(JSONValue.string) ?? .null),
            ("commune", c.place.commune.map(JSONValue.string) ?? .null),
            ("decided_on", .string(c.decidedOn.description)),
            ("expires_on", .string(c.expiresOn.description)),
            ("previous_id", id(c.previousID)),
            ("status", .string(status.rawValue)),
        ])
    }

    static func decode(_ row: Row) throws -> Certificate {
        let id = row.int64(0)
        guard let stars = StarRating(rawValue: row.int(4)), let level = CouncilLevel(rawValue: row.string(5)),
              let decided = CivilDate(row.string(7)), let expires = CivilDate(row.string(8)),
              let recorded = CertificateStatus(rawValue: row.string(14)),
              let created = row.timestamp(15), let updated = row.timestamp(16) else {
            throw DomainError.conflict("certificate \(id) has corrupt stored fields")
        }
        var revocation: Revocation?
        if let revokedText = row.optionalString(11) {
            guard let on = CivilDate(revokedText), let reason = RevocationReason(rawValue: row.string(12)) else {
                throw DomainError.conflict("certificate \(id) has a corrupt revocation")
            }
            revocation = Revocation(on: on, reason: reason, note: row.optionalString(13))
        }
        return Certificate(
            id: id, number: row.string(1), productID: row.int64(2), resultID: row.optionalInt64(3), stars: stars,
            councilLevel: level, legalBasis: row.string(6),
            place: IssuedPlace(district: row.optionalString(18), commune: row.optionalString(19)),
            decidedOn: decided, expiresOn: expires,
            previousID: row.optionalInt64(9), renewedByID: row.optionalInt64(10), revocation: revocation,
            statusRecorded: recorded, createdAt: created, updatedAt: updated, storedVersion: row.int64(17))
    }
}

extension AuditLog {
    /// `{"from": a, "to": b}` for one changed value.
    static func change(_ from: String?, _ to: String?) -> JSONValue {
        .object(JSONObject([("from", from.map(JSONValue.string) ?? .null), ("to", to.map(JSONValue.string) ?? .null)]))
    }
}
