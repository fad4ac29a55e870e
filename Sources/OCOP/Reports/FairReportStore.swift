import SQLite

/// Computes the fair report with SQL aggregates over recorded fairs, booths and sales entries.
/// Nothing is stored or cached: the figures are as right as the data. Each piece is a public
/// function so other reports (the dashboard overview) can take just what they show.
public enum FairReportStore {
    /// The whole report, read from one snapshot so its tables agree with each other.
    public static func report(_ db: Connection, _ query: FairReportQuery) throws -> FairReport {
        // A SAVEPOINT outside a transaction opens one (lang_savepoint.html): a sales entry committed
        // between two of the queries below cannot make the totals disagree with the rankings.
        try db.savepoint("fair_report") {
            let fairs = try figures(db, from: query.from, to: query.to)
            let byKind = FairKind.allCases.map { kind in
                FairKindTotals(kind: kind, totals: totals(of: fairs.filter { $0.kind == kind }))
            }
            return FairReport(query: query, totals: totals(of: fairs), byKind: byKind, fairs: fairs,
                              topProducers: try topProducers(db, from: query.from, to: query.to, limit: query.top),
                              topProducts: try topProducts(db, from: query.from, to: query.to, limit: query.top))
        }
    }

    /// The headline figures of `from … to` (what a dashboard shows for "fairs this year so far").
    public static func totals(_ db: Connection, from: CivilDate, to: CivilDate) throws -> FairTotals {
        totals(of: try figures(db, from: from, to: to))
    }

    /// Sums per-fair figures. Int64 sums cannot overflow here: each entry is at most 10¹² đồng.
    public static func totals(of fairs: [FairFigures]) -> FairTotals {
        FairTotals(fairs: fairs.count, inProvince: fairs.filter { Province.isHome($0.province) }.count,
                   visitors: fairs.reduce(0) { $0 + $1.visitors }, revenueVND: fairs.reduce(0) { $0 + $1.revenueVND },
                   localRevenueVND: fairs.reduce(0) { $0 + $1.localRevenueVND })
    }

    /// Every fair with a day in `from … to`, earliest first, with its booths and its takings on
    /// the days inside the period: one pass over `fair_sales_by_fair`, which covers the sums.
    public static func figures(_ db: Connection, from: CivilDate, to: CivilDate) throws -> [FairFigures] {
        try db.all("""
            SELECT f.id, f.name, f.kind, f.starts_on, f.ends_on, f.province, f.visitors,
                   (SELECT count(*) FROM fair_booths b WHERE b.fair_id = f.id),
                   (SELECT count(*) FROM fair_booths b WHERE b.fair_id = f.id AND b.is_local = 1),
                   coalesce(sum(s.revenue_vnd), 0), coalesce(sum(CASE WHEN s.is_local = 1 THEN s.revenue_vnd END), 0)
            FROM fairs f LEFT JOIN fair_sales s ON s.fair_id = f.id AND s.day >= ?1 AND s.day <= ?2
            WHERE f.starts_on <= ?2 AND f.ends_on >= ?1
            GROUP BY f.id
            ORDER BY f.starts_on, f.id
            """, [.text(from.description), .text(to.description)]) { row in
            guard let kind = FairKind(rawValue: row.string(2)), let startsOn = CivilDate(row.string(3)),
                  let endsOn = CivilDate(row.string(4)) else {
                throw DomainError.conflict("fair \(row.int64(0)) has corrupt stored fields")
            }
            return FairFigures(fairID: row.int64(0), name: row.string(1), kind: kind, startsOn: startsOn, endsOn: endsOn,
                               province: row.string(5), visitors: row.int64(6), booths: row.int(7), localBooths: row.int(8),
                               revenueVND: row.int64(9), localRevenueVND: row.int64(10))
        }
    }

    /// Our producers ranked by their booths' takings in `from … to` (ties by id): a covering scan
    /// of `fair_sales_by_producer`, then the names of the few ranked.
    public static func topProducers(_ db: Connection, from: CivilDate, to: CivilDate, limit: Int) throws -> [ProducerTakings] {
        try db.all("""
            SELECT t.producer_id, pr.name, pr.kind, t.fairs, t.revenue
            FROM (SELECT s.producer_id, count(DISTINCT s.fair_id) AS fairs, sum(s.revenue_vnd) AS revenue
                  FROM fair_sales s INDEXED BY fair_sales_by_producer
                  WHERE s.day >= ?1 AND s.day <= ?2 AND s.producer_id IS NOT NULL
                  GROUP BY s.producer_id
                  ORDER BY revenue DESC, s.producer_id
                  LIMIT ?3) t
            JOIN producers pr ON pr.id = t.producer_id
            ORDER BY t.revenue DESC, t.producer_id
            """, [.text(from.description), .text(to.description), .integer(Int64(limit))]) { row in
            guard let kind = ProducerKind(rawValue: row.string(2)) else {
                throw DomainError.conflict("producer \(row.int64(0)) has corrupt stored fields")
            }
            return ProducerTakings(producerID: row.int64(0), name: row.string(1), kind: kind, fairs: row.int(3),
                                   revenueVND: row.int64(4))
        }
    }

    /// Products ranked by their revenue in `from … to`, then by units (ties by id): a covering scan
    /// of `fair_sale_units_by_day`, then the names of the few ranked. A line's revenue is its own
    /// `revenue_vnd` when the booth gave one; else, when it is the day's only line, the day's
    /// takings (the booth said what it sold that day: that product); else none is claimed (which
    /// of several products earned what is not recorded, and units of a jar of honey and a box of
    /// tea are not the same money).
    public static func topProducts(_ db: Connection, from: CivilDate, to: CivilDate, limit: Int) throws -> [ProductTakings] {
        try db.all("""
            SELECT t.product_id, p.code, p.name, p.producer_id, t.units, t.revenue
            FROM (SELECT u.product_id, sum(u.units) AS units,
                         coalesce(sum(coalesce(u.revenue_vnd,
                             CASE WHEN (SELECT count(*) FROM fair_sale_units o WHERE o.sale_id = u.sale_id) = 1
                                  THEN (SELECT s.revenue_vnd FROM fair_sales s WHERE s.id = u.sale_id) END)), 0) AS revenue
                  FROM fair_sale_units u
                  WHERE u.day >= ?1 AND u.day <= ?2
                  GROUP BY u.product_id
                  ORDER BY revenue DESC, units DESC, u.product_id
                  LIMIT ?3) t
            JOIN products p ON p.id = t.product_id
            ORDER BY t.revenue DESC, t.units DESC, t.product_id
            """, [.text(from.description), .text(to.description), .integer(Int64(limit))]) { row in
            ProductTakings(productID: row.int64(0), code: row.string(1), name: row.string(2), producerID: row.int64(3),
                           units: row.int64(4), revenueVND: row.int64(5))
        }
    }
}
