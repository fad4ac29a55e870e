import SQLite

extension ProductStore {
    /// One page of products matching `query`, keyset-paginated.
    ///
    /// Certification filters are plain SQL over the current certificate's dates, so they
    /// agree with `Product.status(on:)` on every day without any stored status:
    /// valid on T ⇔ not revoked, not renewed, `expires_on >= T` (ISO dates compare as text).
    ///
    /// Plans are chosen, not left to the planner, because at 100,000 products its default —
    /// start from the certificate, producer or search index and sort every match — costs
    /// tens of milliseconds for `?stars=4`. When a filter matches many rows, products are
    /// walked in the page's order (CROSS JOIN fixes the outer loop; a unary + keeps an index
    /// off a term) and `LIMIT` stops the walk after one page; when it matches few (a bounded
    /// count says so), the matches are fetched by index and sorted. A text search sorted by
    /// id walks the FTS5 index itself, which yields rowids in order.
    public static func list(_ db: Connection, _ query: ProductQuery) throws -> Page<Product> {
        try checkTaxonomy(query, in: db)
        var filter = SQLFilter()
        let searchDrives = query.text != nil && (query.sort == .id || query.sort == .idDescending)
        // The column rows are ordered and paged by: the FTS rowid is the product id.
        let idColumn = searchDrives ? "products_search.rowid" : "p.id"
        var from = searchDrives ? "products_search CROSS JOIN products p ON p.id = products_search.rowid" : "products p"

        let (certificate, estimate) = certificateFilter(query)
        if certificate.conditions.isEmpty {
            from += " LEFT JOIN certificates c ON c.id = p.current_certificate_id"
        } else {
            // An upper bound from the certificate indexes alone (old certificates count too), so
            // "few" is certain and cheap to learn; "many" may overstate, costing a longer walk.
            let matches = try boundedCount("SELECT 1 FROM certificates c \(estimate.whereClause)", estimate.params, in: db)
            if matches == 0 { return Page(items: [], nextCursor: nil) }
            // These filters need a certificate, so the join is inner either way.
            from += matches > walkThreshold || searchDrives ? " CROSS JOIN" : " JOIN"
            from += " certificates c ON c.id = p.current_certificate_id"
            filter.add(certificate)
        }
        if let group = query.group { filter.add("p.group_code = ?", .text(group)) }
        if let subgroup = query.subgroup { filter.add("p.subgroup_code = ?", .text(subgroup)) }
        if let producerID = query.producerID { filter.add("p.producer_id = ?", .integer(producerID)) }
        if query.status == .underReview { filter.add("p.under_review = 1") }
        if query.status == .notCertified {
            filter.add("p.under_review = 0 AND (c.id IS NULL OR (c.revoked_on IS NULL AND c.renewed_by_id IS NOT NULL))")
        }
        for (column, place) in [("district", query.district), ("commune", query.commune)] {
            guard let place else { continue }
            let producers = "p.producer_id IN (SELECT id FROM producers WHERE \(column) = ?)"
            let matches = try boundedCount("SELECT 1 FROM products p WHERE \(producers)", [.text(place)], in: db)
            if matches == 0 { return Page(items: [], nextCursor: nil) }
            filter.add(matches > walkThreshold ? "+" + producers : producers, .text(place))
        }
        if let text = query.text {
            guard let match = FullTextQuery.match(text) else { return Page(items: [], nextCursor: nil) }
            if searchDrives {
                filter.add("products_search MATCH ?", .text(match))
            } else {
                let matches = try boundedCount("SELECT rowid FROM products_search WHERE products_search MATCH ?",
                                               [.text(match)], in: db)
                if matches == 0 { return Page(items: [], nextCursor: nil) }
                let member = "p.id IN (SELECT rowid FROM products_search WHERE products_search MATCH ?)"
                filter.add(matches > walkThreshold ? "+" + member : member, .text(match))
            }
        }

        var keyset = query.sort.keyset
        keyset.idColumn = idColumn
        if let (sql, values) = try keyset.condition(after: query.cursor) { filter.add(sql, values) }
        var rows = try db.all("\(columns) FROM \(from) \(filter.whereClause) ORDER BY \(keyset.orderBy) LIMIT ?",
                              filter.params + [.integer(query.limit.rowsToFetch)]) { row in
            (product: try decode(row), nameKey: keyset.column == nil ? [] : row.blob(nameKeyColumn))
        }
        let next = keyset.page(&rows, limit: query.limit) { (.sortKey($0.nameKey), $0.product.id) }
        var items = rows.map(\.product)
        try attachAreas(db, to: &items)
        return Page(items: items, nextCursor: next)
    }

    /// The filters only a product with a current certificate can pass, over `c`, and the part
    /// of them the certificate indexes can count (`certificates_by_stars`, `certificates_by_expiry`).
    /// Status follows the precedence of `Product.status(on:)`: under review first.
    private static func certificateFilter(_ query: ProductQuery) -> (filter: SQLFilter, estimate: SQLFilter) {
        var filter = SQLFilter(), estimate = SQLFilter()
        let today = SQLiteValue.text(query.today.description)
        let valid = "c.revoked_on IS NULL AND c.renewed_by_id IS NULL AND c.expires_on >= ?"
        if let stars = query.stars {
            filter.add("\(valid) AND c.stars = ?", today, .integer(Int64(stars.rawValue)))
            estimate.add("c.stars = ? AND c.expires_on >= ?", .integer(Int64(stars.rawValue)), today)
        }
        if let starsMin = query.starsMin {
            filter.add("\(valid) AND c.stars >= ?", today, .integer(Int64(starsMin.rawValue)))
            estimate.add("c.stars >= ? AND c.expires_on >= ?", .integer(Int64(starsMin.rawValue)), today)
        }
        switch query.status {
        case .certified?:
            filter.add("p.under_review = 0 AND \(valid)", today)
            estimate.add("c.expires_on >= ?", today)
        case .expired?:
            filter.add("p.under_review = 0 AND c.revoked_on IS NULL AND c.renewed_by_id IS NULL AND c.expires_on < ?", today)
            estimate.add("c.expires_on < ?", today)
        case .revoked?:
            filter.add("p.under_review = 0 AND c.revoked_on IS NOT NULL")
            estimate.add("c.revoked_on IS NOT NULL")
        case .notCertified?, .underReview?, nil:
            break
        }
        if let expiresBefore = query.expiresBefore {
            filter.add("c.expires_on < ?", .text(expiresBefore.description))
            estimate.add("c.expires_on < ?", .text(expiresBefore.description))
        }
        return (filter, estimate)
    }

    /// Above this many matches, walking rows in page order (about 51 × total / matches rows
    /// visited) beats fetching every match and sorting it; the break-even is √(51 × total),
    /// about 2,000 at 100,000 products.
    static let walkThreshold = 2000

    /// The number of rows `sql` yields, counting no further than just past `walkThreshold`.
    private static func boundedCount(_ sql: String, _ params: [SQLiteValue], in db: Connection) throws -> Int {
        Int(try db.scalarInt("SELECT count(*) FROM (\(sql) LIMIT \(walkThreshold + 1))", params) ?? 0)
    }

}

/// WHERE terms joined by AND, with their parameters in order.
extension ProductStore {
    /// A group or sub-group filter must name one in the taxonomy (API.md: a malformed value
    /// is a 422, not ignored): `group=textiles`, an obsolete group, would otherwise look like
    /// a group with no products. The taxonomy is data (`product_groups`), so it is read here.
    static func checkTaxonomy(_ query: ProductQuery, in db: Connection) throws {
        var errors: [FieldError] = []
        if let group = query.group,
           try db.scalarInt("SELECT count(*) FROM product_groups WHERE code = ?", [.text(group)]) == 0 {
            let groups = try db.all("SELECT code FROM product_groups ORDER BY code") { $0.string(0) }
            errors.append(FieldError("group", "must be one of \(groups.joined(separator: ", "))"))
        }
        if let subgroup = query.subgroup,
           try db.scalarInt("SELECT count(*) FROM product_subgroups WHERE code = ?", [.text(subgroup)]) == 0 {
            errors.append(FieldError("subgroup", "is not a sub-group code; see GET /api/v1/product-groups"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }
}

struct SQLFilter {
    private(set) var conditions: [String] = []
    private(set) var params: [SQLiteValue] = []

    mutating func add(_ condition: String, _ values: SQLiteValue...) {
        add(condition, values)
    }

    mutating func add(_ condition: String, _ values: [SQLiteValue]) {
        conditions.append("(\(condition))")
        params += values
    }

    mutating func add(_ other: SQLFilter) {
        conditions += other.conditions
        params += other.params
    }

    var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
}
