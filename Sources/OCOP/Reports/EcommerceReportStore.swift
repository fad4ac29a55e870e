import SQLite

/// Computes e-commerce coverage as of a day from certificates and listing histories.
///
/// "Certified on D" is the products report's definition, reused as its SQL text
/// (`ProductReportStore.validOn`, `laterValid`), so the two reports can never disagree on the
/// denominator. "Active on D" is the listing history row with `valid_from <= D < valid_until`.
///
/// Two scans and a join done here rather than in SQL: the certified products (one row each) go
/// into a dictionary, then the history rows live on D are counted against it. SQLite would join
/// them through an automatic index built on every request; at 100,000 products and 200,000
/// listings that join cost twice the two scans, and the certified set serves the to-do list too.
public enum EcommerceReportStore {
    /// The whole report, read from one snapshot.
    public static func report(_ db: Connection, _ query: EcommerceReportQuery) throws -> EcommerceReport {
        try db.savepoint("ecommerce_report") {
            let certified = try certifiedCertificates(db, asOf: query.asOf)
            let (platforms, listed) = try coverage(db, asOf: query.asOf, certified: certified)
            let unlisted = try unlisted(db, certified.filter { !listed.contains($0.key) }, limit: query.unlistedLimit)
            return EcommerceReport(asOf: query.asOf, certifiedProducts: certified.count, platforms: platforms, unlisted: unlisted)
        }
    }

    /// The number of certified products, and every platform's coverage of them, on `asOf`
    /// (what a dashboard shows without the to-do list).
    public static func coverage(_ db: Connection, asOf: CivilDate) throws -> (certified: Int, platforms: [PlatformCoverage]) {
        try db.savepoint("ecommerce_coverage") {
            let certified = try certifiedCertificates(db, asOf: asOf)
            return (certified.count, try coverage(db, asOf: asOf, certified: certified).platforms)
        }
    }

    /// Product id → the certificate it counts under on `asOf` (its current one, or the most
    /// recently issued of those valid that day), exactly the products report's rows.
    static func certifiedCertificates(_ db: Connection, asOf: CivilDate) throws -> [Int64: Int64] {
        var certified: [Int64: Int64] = [:]
        // NOT INDEXED: on a recent day most certificates are in range; see ProductReportStore.certified.
        try db.query("""
            SELECT c.product_id, c.id
            FROM certificates c NOT INDEXED LEFT JOIN certificates r ON r.id = c.renewed_by_id
                 JOIN products p ON p.id = c.product_id
            WHERE \(ProductReportStore.validOn)
              AND (c.id = p.current_certificate_id OR NOT EXISTS (\(ProductReportStore.laterValid)))
            """, [.text(asOf.description)]) { row in
            certified[row.int64(0)] = row.int64(1)
        }
        return certified
    }

    /// Per platform (all of them, id order) the live listings on `asOf`, and which certified
    /// products are listed somewhere.
    static func coverage(_ db: Connection, asOf: CivilDate,
                         certified: [Int64: Int64]) throws -> (platforms: [PlatformCoverage], listed: Set<Int64>) {
        var counts: [Int64: (active: Int, listed: Int, nonCash: Int)] = [:]
        var listed = Set<Int64>()
        try db.query("""
            SELECT platform_id, product_id, accepts_non_cash FROM listing_history
            WHERE valid_from <= ?1 AND valid_until > ?1 AND status = 'active'
            """, [.text(asOf.description)]) { row in
            let platform = row.int64(0), product = row.int64(1)
            var count = counts[platform] ?? (0, 0, 0)
            count.active += 1
            if certified[product] != nil {
                count.listed += 1
                if row.bool(2) { count.nonCash += 1 }
                listed.insert(product)
            }
            counts[platform] = count
        }
        let platforms = try db.all("SELECT id, code, name, kind FROM platforms ORDER BY id") { row -> PlatformCoverage in
            guard let kind = PlatformKind(rawValue: row.string(3)) else {
                throw DomainError.conflict("platform \(row.int64(0)) has corrupt stored fields")
            }
            let count = counts[row.int64(0)] ?? (0, 0, 0)
            return PlatformCoverage(platformID: row.int64(0), code: row.string(1), name: row.string(2), kind: kind,
                                    listedProducts: count.listed, certifiedProducts: certified.count,
                                    nonCashListings: count.nonCash, activeListings: count.active)
        }
        return (platforms, listed)
    }

    /// The unlisted certified products (product → certificate), the first `limit` in Vietnamese
    /// name order (nil: all). The pairs travel as one JSON parameter, so the statement never varies.
    static func unlisted(_ db: Connection, _ unlisted: [Int64: Int64], limit: Int?) throws -> UnlistedProducts {
        guard !unlisted.isEmpty else { return UnlistedProducts(count: 0, products: []) }
        let pairs = "[" + unlisted.map { "[\($0.key),\($0.value)]" }.joined(separator: ",") + "]"
        let products = try db.all("""
            SELECT p.id, p.code, p.name, p.producer_id, pr.name, c.stars, c.expires_on
            FROM json_each(?1) j CROSS JOIN products p ON p.id = json_extract(j.value, '$[0]')
                 JOIN certificates c ON c.id = json_extract(j.value, '$[1]') JOIN producers pr ON pr.id = p.producer_id
            ORDER BY p.name_key, p.id
            LIMIT ?2
            """, [.text(pairs), .integer(Int64(limit ?? -1))]) { row -> UnlistedProduct in
            guard let stars = StarRating(rawValue: row.int(5)), let expiresOn = CivilDate(row.string(6)) else {
                throw DomainError.conflict("a certificate of product \(row.int64(0)) has corrupt stored fields")
            }
            return UnlistedProduct(productID: row.int64(0), code: row.string(1), name: row.string(2),
                                   producerID: row.int64(3), producerName: row.string(4), stars: stars, expiresOn: expiresOn)
        }
        return UnlistedProducts(count: unlisted.count, products: products)
    }
}
