import SQLite

/// Computes e-commerce coverage as of a day from certificates and listing histories.
///
/// "Certified on D" is the products report's definition, reused as its SQL text
/// (`ProductReportStore.validOn`, `laterValid`), so the two reports can never disagree on the
/// denominator. "Active on D" is the listing history's latest entry on or before D.
public enum EcommerceReportStore {
    /// The whole report, read from one snapshot.
    public static func report(_ db: Connection, _ query: EcommerceReportQuery) throws -> EcommerceReport {
        try db.savepoint("ecommerce_report") {
            let (certified, platforms) = try coverage(db, asOf: query.asOf)
            return EcommerceReport(asOf: query.asOf, certifiedProducts: certified, platforms: platforms,
                                   unlisted: try unlisted(db, asOf: query.asOf, limit: query.unlistedLimit))
        }
    }

    /// One row per product certified on `?1`, under the certificate the products report counts it
    /// by (its current one, or the most recently issued of those valid that day).
    static let certified = """
        certified(product_id, stars, expires_on) AS MATERIALIZED (
            SELECT c.product_id, c.stars, c.expires_on
            FROM certificates c NOT INDEXED LEFT JOIN certificates r ON r.id = c.renewed_by_id
                 JOIN products p ON p.id = c.product_id
            WHERE \(ProductReportStore.validOn)
              AND (c.id = p.current_certificate_id OR NOT EXISTS (\(ProductReportStore.laterValid))))
        """

    /// Listing `l`'s history row in force on `?1`, as `h`: the latest that started by then.
    static let stateOn = """
        h.listing_id = l.id AND h.valid_from = (
            SELECT max(x.valid_from) FROM listing_history x WHERE x.listing_id = l.id AND x.valid_from <= ?1)
        """

    /// The number of certified products, and every platform's coverage of them, on `asOf`.
    public static func coverage(_ db: Connection, asOf: CivilDate) throws -> (certified: Int, platforms: [PlatformCoverage]) {
        let day: [SQLiteValue] = [.text(asOf.description)]
        var total: Int?
        let platforms = try db.all("""
            WITH \(certified),
            live(platform_id, product_id, accepts_non_cash) AS (
                SELECT l.platform_id, l.product_id, h.accepts_non_cash
                FROM listings l JOIN listing_history h ON \(stateOn)
                WHERE h.status = 'active')
            SELECT pl.id, pl.code, pl.name, pl.kind, count(ce.product_id),
                   coalesce(sum(CASE WHEN ce.product_id IS NOT NULL THEN lv.accepts_non_cash ELSE 0 END), 0),
                   count(lv.product_id), (SELECT count(*) FROM certified)
            FROM platforms pl LEFT JOIN live lv ON lv.platform_id = pl.id
                 LEFT JOIN certified ce ON ce.product_id = lv.product_id
            GROUP BY pl.id
            ORDER BY pl.id
            """, day) { row -> PlatformCoverage in
            guard let kind = PlatformKind(rawValue: row.string(3)) else {
                throw DomainError.conflict("platform \(row.int64(0)) has corrupt stored fields")
            }
            total = row.int(7)
            return PlatformCoverage(platformID: row.int64(0), code: row.string(1), name: row.string(2), kind: kind,
                                    listedProducts: row.int(4), certifiedProducts: row.int(7), nonCashListings: row.int(5),
                                    activeListings: row.int(6))
        }
        if let total { return (total, platforms) }
        // No platform registered: the denominator still stands on its own.
        let count = try db.scalarInt("WITH \(certified) SELECT count(*) FROM certified", day) ?? 0
        return (Int(count), platforms)
    }

    /// Certified products with no active listing on any platform on `asOf`, in Vietnamese name
    /// order; at most `limit` of them (nil: all), with the full count.
    public static func unlisted(_ db: Connection, asOf: CivilDate, limit: Int?) throws -> UnlistedProducts {
        var count = 0
        let products = try db.all("""
            WITH \(certified)
            SELECT ce.product_id, p.code, p.name, p.producer_id, pr.name, ce.stars, ce.expires_on, count(*) OVER ()
            FROM certified ce JOIN products p ON p.id = ce.product_id JOIN producers pr ON pr.id = p.producer_id
            WHERE NOT EXISTS (
                SELECT 1 FROM listings l JOIN listing_history h ON \(stateOn)
                WHERE l.product_id = ce.product_id AND h.status = 'active')
            ORDER BY p.name_key, p.id
            LIMIT ?2
            """, [.text(asOf.description), .integer(Int64(limit ?? -1))]) { row -> UnlistedProduct in
            guard let stars = StarRating(rawValue: row.int(5)), let expiresOn = CivilDate(row.string(6)) else {
                throw DomainError.conflict("a certificate of product \(row.int64(0)) has corrupt stored fields")
            }
            count = row.int(7)
            return UnlistedProduct(productID: row.int64(0), code: row.string(1), name: row.string(2),
                                   producerID: row.int64(3), producerName: row.string(4), stars: stars, expiresOn: expiresOn)
        }
        return UnlistedProducts(count: count, products: products)
    }
}
