import SQLite

/// The sales report, computed from the recorded sales on every request: exact integer sums,
/// grouped in SQL over the period's rows only (`sales_by_day` bounds the scan to the period).
public enum SalesReportStore {
    /// The report for `query`. A `point_of_sale_id` that names no point of sale is a field error.
    /// Sums beyond Int64 (only reachable with absurd recorded totals) are a conflict, not a trap.
    public static func report(_ db: Connection, _ query: SalesReportQuery) throws -> SalesReport {
        var params: [SQLiteValue] = [.text(query.from.description), .text(query.to.description)]
        if let id = query.pointOfSaleID {
            // Archived ones included: their sales stay in the reports of the days they sold.
            guard try PointOfSaleStore.wasRegistered(db, id: id) else {
                throw DomainError.invalid("point_of_sale_id", "names no point of sale (\(id))")
            }
            params.append(.integer(id))
        }
        let filter = scope(query, table: "sales")
        do {
            let total = try db.first("""
                SELECT \(figures("total_vnd", "units", "count(*)")) FROM sales WHERE \(filter)
                """, params, decodeFigures(from: 0)) ?? .zero
            let groups: [SalesGroup]
            switch query.groupBy {
            case .pointOfSale: groups = try byPointOfSale(db, query, filter: filter, params)
            case .product: groups = try byProduct(db, filter: scope(query, table: "x"), params)
            case .day: groups = try byDay(db, query, filter: filter, params)
            case .payment: groups = try byPayment(db, filter: filter, params)
            }
            return SalesReport(query: query, total: total, groups: groups)
        } catch let error as SQLiteError where error.message.contains("integer overflow") {
            throw DomainError.conflict("""
                the sales recorded for this period add up to more than 9,223,372,036,854,775,807 đồng, \
                which no report can show exactly; ask for a shorter period or one point of sale
                """)
        }
    }

    /// The sales of the period (and point of sale) as a WHERE condition on `table`'s columns.
    private static func scope(_ query: SalesReportQuery, table: String) -> String {
        "\(table).sold_on BETWEEN ? AND ?" + (query.pointOfSaleID == nil ? "" : " AND \(table).point_of_sale_id = ?")
    }

    /// The four figures' select list: revenue, units, sales, non-cash revenue (zero, not NULL, for no rows).
    private static func figures(_ amount: String, _ quantity: String, _ sales: String, payment: String = "payment") -> String {
        """
        coalesce(sum(\(amount)), 0), coalesce(sum(\(quantity)), 0), \(sales),
        coalesce(sum(CASE WHEN \(payment) <> 'cash' THEN \(amount) ELSE 0 END), 0)
        """
    }

    private static func decodeFigures(from column: Int) -> (Row) -> SalesFigures {
        { row in
            SalesFigures(revenueVND: row.int64(column), units: row.int64(column + 1), sales: row.int64(column + 2),
                         nonCashVND: row.int64(column + 3))
        }
    }

    /// Sums per value of `key` (a column of `sales`).
    private static func sums(_ db: Connection, key: String, filter: String, _ params: [SQLiteValue]) throws -> [String: SalesFigures] {
        var out: [String: SalesFigures] = [:]
        try db.query("""
            SELECT \(key), \(figures("total_vnd", "units", "count(*)")) FROM sales WHERE \(filter) GROUP BY \(key)
            """, params) { row in
            out[row.string(0)] = decodeFigures(from: 1)(row)
        }
        return out
    }

    /// Every open point of sale in scope, with zeros for those that sold nothing: a point with no
    /// sales is what the office most needs to see; an archived one when it sold in the period.
    /// Highest revenue first, then by id.
    private static func byPointOfSale(_ db: Connection, _ query: SalesReportQuery, filter: String,
                                      _ params: [SQLiteValue]) throws -> [SalesGroup] {
        let sums = try sums(db, key: "point_of_sale_id", filter: filter, params)
        let points = try db.all("""
            SELECT id, code, name, archived_on IS NOT NULL FROM points_of_sale
            \(query.pointOfSaleID == nil ? "" : "WHERE id = ?") ORDER BY id
            """, query.pointOfSaleID.map { [.integer($0)] } ?? []) { ($0.int64(0), $0.string(1), $0.string(2), $0.int(3) == 1) }
        let groups = points.filter { id, _, _, archived in !archived || sums[String(id)] != nil }.map { id, code, name, _ in
            SalesGroup(key: .pointOfSale(id: id, code: code, name: name), figures: sums[String(id)] ?? .zero)
        }
        return byRevenue(groups)
    }

    /// Products that sold in the period (not the whole catalogue), highest revenue first.
    private static func byProduct(_ db: Connection, filter: String, _ params: [SQLiteValue]) throws -> [SalesGroup] {
        let groups = try db.all("""
            SELECT l.product_id, p.code, p.name,
                   \(figures("l.amount_vnd", "l.quantity", "count(DISTINCT l.sale_id)", payment: "x.payment"))
            FROM sales x JOIN sale_lines l ON l.sale_id = x.id JOIN products p ON p.id = l.product_id
            WHERE \(filter)
            GROUP BY l.product_id
            """, params) { row in
            SalesGroup(key: .product(id: row.int64(0), code: row.string(1), name: row.string(2)), figures: decodeFigures(from: 3)(row))
        }
        return byRevenue(groups)
    }

    /// Every day of the period in order, zeros included, so a chart shows the quiet days.
    private static func byDay(_ db: Connection, _ query: SalesReportQuery, filter: String,
                              _ params: [SQLiteValue]) throws -> [SalesGroup] {
        let sums = try sums(db, key: "sold_on", filter: filter, params)
        return query.days.map { SalesGroup(key: .day($0), figures: sums[$0.description] ?? .zero) }
    }

    /// The four payment methods in their fixed order, zeros included.
    private static func byPayment(_ db: Connection, filter: String, _ params: [SQLiteValue]) throws -> [SalesGroup] {
        let sums = try sums(db, key: "payment", filter: filter, params)
        return PaymentMethod.allCases.map { SalesGroup(key: .payment($0), figures: sums[$0.rawValue] ?? .zero) }
    }

    private static func byRevenue(_ groups: [SalesGroup]) -> [SalesGroup] {
        groups.sorted { a, b in
            if a.figures.revenueVND != b.figures.revenueVND { return a.figures.revenueVND > b.figures.revenueVND }
            return id(a.key) < id(b.key)
        }
    }

    private static func id(_ key: SalesGroupKey) -> Int64 {
        switch key {
        case .pointOfSale(let id, _, _), .product(let id, _, _): id
        case .day, .payment: 0
        }
    }
}
