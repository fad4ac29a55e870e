import SQLite

extension Schema {
    /// Two changes to certificates, one rebuild (a UNIQUE column constraint cannot be dropped in
    /// place, so the table is copied: `Migrator.register(rebuildsTables:)`):
    ///
    /// - A certificate keeps the producer's place as issued (DOMAIN.md "Places"), and reports count
    ///   certified products by it. Certificates issued before take the producer's place as it
    ///   stands now: the place they were issued at was not recorded, and today's is the best
    ///   knowledge there is.
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
                   pr.district, pr.commune
            FROM certificates c LEFT JOIN products p ON p.id = c.product_id LEFT JOIN producers pr ON pr.id = p.producer_id;
        DROP TABLE certificates;
        ALTER TABLE certificates_0017 RENAME TO certificates;
        CREATE INDEX certificates_by_product ON certificates(product_id, decided_on, id);
        CREATE INDEX certificates_by_expiry ON certificates(expires_on, id);
        CREATE INDEX certificates_by_stars ON certificates(stars, expires_on);
        CREATE UNIQUE INDEX certificates_one_per_decision ON certificates(product_id, number, decided_on);
        """)
    }
}
