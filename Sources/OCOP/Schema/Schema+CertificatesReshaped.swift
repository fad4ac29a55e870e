import SQLite

extension Schema {
    /// Two changes to certificates, one rebuild (a UNIQUE column constraint cannot be dropped in
    /// place, so the table is copied: `Migrator.register(rebuildsTables:)`):
    ///
    /// - A certificate keeps the producer's place as issued (DOMAIN.md "Places"), and reports count
    ///   certified products by it. For certificates issued before, the place is read back from the
    ///   audit log, which holds every producer write in order: the producer's last recorded
    ///   district (and commune) before the certificate's own creation entry. The producer is the
    ///   one that made the product then, also read back from the log: a product may have moved to
    ///   another producer since. Without those entries (a database written by hand), the
    ///   producer's place of today is the best there is.
    /// - A certificate number ("decision number/product code") is unique per product and decision
    ///   day, not for ever: decision numbers restart every year ("2987/QĐ-UBND" of 2023 and of
    ///   2026 are two decisions), so a product re-recognised under a number it had before was
    ///   refused; and product codes may contain "/", so two products' numbers may read alike.
    static func reshapeCertificates(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE certificates_0017 (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
            result_id INTEGER REFERENCES evaluation_results(id),
            stars INTEGER NOT NULL CHECK (stars BETWEEN 3 AND 5),
            council_level TEXT NOT NULL,
            legal_basis TEXT NOT NULL,
            decided_on TEXT NOT NULL,
            expires_on TEXT NOT NULL,
            previous_id INTEGER REFERENCES certificates(id),
            renewed_by_id INTEGER REFERENCES certificates(id),
            revoked_on TEXT,
            revocation_reason TEXT CHECK (revocation_reason IN ('not_reapplied', 'failed_mandatory_criteria', 'violation')),
            revocation_note TEXT,
            status_recorded TEXT NOT NULL DEFAULT 'active',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            district TEXT,
            commune TEXT,
            CHECK ((revoked_on IS NULL) = (revocation_reason IS NULL))
        );
        INSERT INTO certificates_0017 (id, number, product_id, result_id, stars, council_level, legal_basis, decided_on,
                                       expires_on, previous_id, renewed_by_id, revoked_on, revocation_reason,
                                       revocation_note, status_recorded, created_at, updated_at, version,
                                       district, commune)
            SELECT c.id, c.number, c.product_id, c.result_id, c.stars, c.council_level, c.legal_basis, c.decided_on,
                   c.expires_on, c.previous_id, c.renewed_by_id, c.revoked_on, c.revocation_reason,
                   c.revocation_note, c.status_recorded, c.created_at, c.updated_at, c.version,
                   \(placeAsIssued("district")), \(placeAsIssued("commune"))
            FROM certificates c LEFT JOIN products p ON p.id = c.product_id;
        DROP TABLE certificates;
        ALTER TABLE certificates_0017 RENAME TO certificates;
        CREATE INDEX certificates_by_product ON certificates(product_id, decided_on, id);
        CREATE INDEX certificates_by_expiry ON certificates(expires_on, id);
        CREATE INDEX certificates_by_stars ON certificates(stars, expires_on);
        CREATE UNIQUE INDEX certificates_one_per_decision ON certificates(product_id, number, decided_on);
        """)
    }

    /// SQL for the audit entry that created certificate `c`.
    private static let certificateCreated = """
        (SELECT ca.id FROM audit_log ca WHERE ca.entity = 'certificate' AND ca.entity_id = CAST(c.id AS TEXT)
         AND ca.action = 'create')
        """

    /// SQL for the producer of certificate `c`'s product when the certificate was issued, from the
    /// audit log: the `producer_id` the product's `create` recorded, or the `to` of an `update`
    /// that changed it, whichever came last before the certificate's `create` entry; the product's
    /// producer of today when the log has none. (Found by an upgrade probe: a product moved to a
    /// producer elsewhere after its certificate took the new producer's place.)
    private static let producerAsIssued = """
        coalesce((SELECT CASE qa.action WHEN 'create' THEN json_extract(qa.changes, '$.producer_id')
                                        ELSE json_extract(qa.changes, '$.producer_id.to') END
                  FROM audit_log qa WHERE qa.entity = 'product' AND qa.entity_id = CAST(c.product_id AS TEXT)
                   AND qa.id < \(certificateCreated)
                   AND (qa.action = 'create' OR (qa.action = 'update' AND json_type(qa.changes, '$.producer_id') = 'object'))
                  ORDER BY qa.id DESC LIMIT 1), p.producer_id)
        """

    /// SQL for that producer's `field` when certificate `c` was issued, from the audit log: the
    /// value a `create` recorded, or the `to` of an `update` that changed it, whichever came last
    /// before the certificate's `create` entry; the producer's value today when the log has none.
    private static func placeAsIssued(_ field: String) -> String {
        let entries = """
            FROM audit_log pa WHERE pa.entity = 'producer' AND pa.entity_id = CAST(\(producerAsIssued) AS TEXT)
             AND pa.id < \(certificateCreated)
             AND (pa.action = 'create' OR (pa.action = 'update' AND json_type(pa.changes, '$.\(field)') = 'object'))
            """
        return """
            CASE WHEN EXISTS (SELECT 1 \(entries)) THEN
                (SELECT CASE pa.action WHEN 'create' THEN json_extract(pa.changes, '$.\(field)')
                                       ELSE json_extract(pa.changes, '$.\(field).to') END
                 \(entries) ORDER BY pa.id DESC LIMIT 1)
            ELSE (SELECT pr.\(field) FROM producers pr WHERE pr.id = \(producerAsIssued)) END
            """
    }
}
