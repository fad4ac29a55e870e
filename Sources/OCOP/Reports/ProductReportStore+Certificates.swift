import SQLite

extension ProductReportStore {
    /// Certificates valid on `asOf` whose last valid day is at most `withinDays` later, soonest first.
    /// A range scan of `certificates_by_expiry`, which also gives the order.
    public static func expiring(_ db: Connection, _ query: ProductReportQuery) throws -> [ExpiringCertificate] {
        try db.all("""
            SELECT c.id, c.number, c.product_id, p.code, p.name, c.stars, c.expires_on
            FROM certificates c JOIN products p ON p.id = c.product_id LEFT JOIN certificates r ON r.id = c.renewed_by_id
            WHERE c.expires_on <= ?2 AND \(validOn)
            ORDER BY c.expires_on, c.id
            """, [.text(query.asOf.description), .text(query.expiringThrough.description)]) { row in
            guard let stars = StarRating(rawValue: row.int(5)), let expiresOn = CivilDate(row.string(6)) else {
                throw DomainError.conflict("certificate \(row.int64(0)) has corrupt stored fields")
            }
            return ExpiringCertificate(
                certificateID: row.int64(0), number: row.string(1), productID: row.int64(2), productCode: row.string(3),
                productName: row.string(4), stars: stars, expiresOn: expiresOn, daysLeft: query.asOf.days(until: expiresOn))
        }
    }

    /// Certificates that expired in `from … to` (see `ExpiredCertificates`) and how many re-entered evaluation.
    ///
    /// Expired on day D = `expires_on + 1`, so D in the period is `expires_on` in `from − 1 … to − 1`.
    /// Not expired: revoked on or before its last valid day, or renewed by a certificate decided by then.
    /// A renewal decided later does not undo the expiry: the product went without stars in between.
    public static func expired(_ db: Connection, _ query: ProductReportQuery,
                               noticeDays: Int = CertificateStatus.noticeDays) throws -> ExpiredCertificates {
        let counts = try db.first("""
            SELECT count(*), coalesce(sum(EXISTS (
                       SELECT 1 FROM evaluation_results e JOIN evaluation_rounds er ON er.id = e.round_id
                       WHERE e.product_id = c.product_id AND er.held_on >= date(c.expires_on, ?4) AND er.held_on <= ?1
                   )), 0)
            FROM certificates c LEFT JOIN certificates r ON r.id = c.renewed_by_id
            WHERE c.expires_on >= ?2 AND c.expires_on <= ?3
              AND (c.revoked_on IS NULL OR c.revoked_on > c.expires_on)
              AND (r.id IS NULL OR r.decided_on > c.expires_on)
            """, [.text(query.asOf.description), .text(query.from.adding(days: -1).description),
                  .text(query.to.adding(days: -1).description), .text("-\(noticeDays) days")]) {
            (expired: $0.int(0), reentered: $0.int(1))
        }
        return ExpiredCertificates(from: query.from, to: query.to, expired: counts?.expired ?? 0,
                                   reentered: counts?.reentered ?? 0)
    }
}
