import SQLite

/// Assembles the overview from the detailed reports' public store functions, in one snapshot.
/// Only the two registry counts the other reports do not have are written here.
public enum OverviewReportStore {
    public static func report(_ db: Connection, _ query: OverviewReportQuery) throws -> OverviewReport {
        // One SAVEPOINT (lang_savepoint.html) opens one read transaction: a decision or sale
        // committed between the pieces cannot make the overview disagree with itself.
        try db.savepoint("overview_report") {
            let asOf = query.asOf
            let certified = try ProductReportStore.certified(db, asOf: asOf)
            let productQuery = try ProductReportQuery(asOf: asOf, withinDays: OverviewReportQuery.expiringWithinDays)
            let salesQuery = try SalesReportQuery(today: asOf, from: query.salesFrom, to: asOf, groupBy: .payment)
            return OverviewReport(
                query: query, certified: certified,
                producers: try producers(db, certified: certified),
                expiring: try ProductReportStore.expiring(db, productQuery),
                pointsOfSale: try pointsOfSale(db, asOf: asOf),
                fairs: try FairReportStore.totals(db, from: query.yearStart, to: asOf),
                ecommerce: try EcommerceReportStore.coverage(db, asOf: asOf),
                sales: try SalesReportStore.report(db, salesQuery).total)
        }
    }

    /// Registered producers per kind (now: the registry keeps no deletion history), every kind
    /// listed, beside the certified figures of `certified.byProducerKind`.
    public static func producers(_ db: Connection, certified: CertifiedProducts) throws -> [ProducerKindOverview] {
        var registered: [ProducerKind: Int] = [:]
        try db.query("SELECT kind, count(*) FROM producers GROUP BY kind") { row in
            guard let kind = ProducerKind(rawValue: row.string(0)) else {
                throw DomainError.conflict("a producer has a corrupt stored kind")
            }
            registered[kind] = row.int(1)
        }
        return ProducerKind.allCases.map { kind in
            let held = certified.byProducerKind.first { $0.kind == kind }
            return ProducerKindOverview(kind: kind, registered: registered[kind] ?? 0,
                                        certifiedProducers: held?.producers ?? 0, certifiedProducts: held?.products ?? 0)
        }
    }

    /// Points of sale open on `asOf`: opened on or before it (or without a date) and not archived
    /// by then; and the compliant ones by `PointOfSaleStore`'s definition (sign, shelves and price list).
    public static func pointsOfSale(_ db: Connection, asOf: CivilDate) throws -> PointOfSaleCounts {
        try db.first("""
            SELECT count(*), coalesce(sum(has_ocop_sign AND has_shelves AND has_price_list), 0)
            FROM points_of_sale WHERE (opened_on IS NULL OR opened_on <= ?1) AND (archived_on IS NULL OR archived_on > ?1)
            """, [.text(asOf.description)]) { PointOfSaleCounts(total: $0.int(0), compliant: $0.int(1)) }
            ?? PointOfSaleCounts(total: 0, compliant: 0)
    }
}
