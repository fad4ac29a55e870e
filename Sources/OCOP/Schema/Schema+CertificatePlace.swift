import SQLite

extension Schema {
    /// Certificates keep the producer's place as issued (DOMAIN.md "Places"), and reports count
    /// certified products by it. Certificates issued before this migration take the producer's
    /// place as it stands now: the place they were issued at was not recorded, and today's is the
    /// best knowledge there is.
    static func keepCertificatePlace(_ db: Connection) throws {
        try db.execute("""
        ALTER TABLE certificates ADD COLUMN district TEXT;
        ALTER TABLE certificates ADD COLUMN commune TEXT;
        UPDATE certificates SET
            district = (SELECT pr.district FROM products p JOIN producers pr ON pr.id = p.producer_id
                        WHERE p.id = certificates.product_id),
            commune = (SELECT pr.commune FROM products p JOIN producers pr ON pr.id = p.producer_id
                       WHERE p.id = certificates.product_id);
        """)
    }
}
