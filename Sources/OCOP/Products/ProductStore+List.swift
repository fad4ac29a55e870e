import SQLite

extension ProductStore {
    /// One page of products matching `query`, keyset-paginated.
    ///
    /// Certification filters are plain SQL over the current certificate's dates, so they
    /// agree with `Product.status(on:)` on every day without any stored status:
    /// valid on T ⇔ not revoked, not renewed, `expires_on >= T` (ISO dates compare as text).
    public static func list(_ db: Connection, _ query: ProductQuery) throws -> Page<Product> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        let today = SQLiteValue.text(query.today.description)
        let valid = "(c.revoked_on IS NULL AND c.renewed_by_id IS NULL AND c.expires_on >= ?)"
        if let stars = query.stars {
            conditions.append("\(valid) AND c.stars = ?")
            params += [today, .integer(Int64(stars.rawValue))]
        }
        if let starsMin = query.starsMin {
            conditions.append("\(valid) AND c.stars >= ?")
            params += [today, .integer(Int64(starsMin.rawValue))]
        }
        if let group = query.group { conditions.append("p.group_code = ?"); params.append(.text(group)) }
        if let subgroup = query.subgroup { conditions.append("p.subgroup_code = ?"); params.append(.text(subgroup)) }
        if let producerID = query.producerID { conditions.append("p.producer_id = ?"); params.append(.integer(producerID)) }
        if let status = query.status {
            // The same precedence as Product.status(on:): under review, then the certificate's state.
            switch status {
            case .underReview:
                conditions.append("p.under_review = 1")
            case .certified:
                conditions.append("p.under_review = 0 AND \(valid)")
                params.append(today)
            case .expired:
                conditions.append("p.under_review = 0 AND c.revoked_on IS NULL AND c.renewed_by_id IS NULL AND c.expires_on < ?")
                params.append(today)
            case .revoked:
                conditions.append("p.under_review = 0 AND c.revoked_on IS NOT NULL")
            case .notCertified:
                conditions.append("p.under_review = 0 AND (c.id IS NULL OR (c.revoked_on IS NULL AND c.renewed_by_id IS NOT NULL))")
            }
        }
        if let district = query.district {
            conditions.append("p.producer_id IN (SELECT id FROM producers WHERE district = ?)")
            params.append(.text(district))
        }
        if let commune = query.commune {
            conditions.append("p.producer_id IN (SELECT id FROM producers WHERE commune = ?)")
            params.append(.text(commune))
        }
        if let expiresBefore = query.expiresBefore {
            conditions.append("c.expires_on < ?")
            params.append(.text(expiresBefore.description))
        }
        if let text = query.text {
            guard let match = FullTextQuery.match(text) else { return Page(items: [], nextCursor: nil) }
            conditions.append("p.id IN (SELECT rowid FROM products_search WHERE products_search MATCH ?)")
            params.append(.text(match))
        }
        let order: String
        switch query.sort {
        case .id: order = "p.id"
        case .idDescending: order = "p.id DESC"
        case .name: order = "p.name_key, p.id"
        case .nameDescending: order = "p.name_key DESC, p.id DESC"
        }
        if let cursor = query.cursor {
            guard cursor.sort == query.sort.rawValue else {
                throw DomainError.invalid("cursor", "belongs to a list sorted differently; start again without it")
            }
            switch query.sort {
            case .id, .idDescending:
                guard cursor.values.count == 1, let last = Int64(cursor.values[0]) else { throw badCursor }
                conditions.append(query.sort == .id ? "p.id > ?" : "p.id < ?")
                params.append(.integer(last))
            case .name, .nameDescending:
                guard cursor.values.count == 2, let key = Hex.decode(cursor.values[0]),
                      let last = Int64(cursor.values[1]) else { throw badCursor }
                conditions.append(query.sort == .name ? "(p.name_key, p.id) > (?, ?)" : "(p.name_key, p.id) < (?, ?)")
                params += [.blob(key), .integer(last)]
            }
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        params.append(.integer(Int64(query.limit.value + 1)))
        var keys: [[UInt8]] = []
        var items = try db.all("\(select) \(whereClause) ORDER BY \(order) LIMIT ?", params) { row in
            if query.sort == .name || query.sort == .nameDescending { keys.append(row.blob(nameKeyColumn)) }
            return try decode(row)
        }
        var next: String?
        if items.count > query.limit.value {
            items.removeLast()
            if let last = items.last {
                switch query.sort {
                case .id, .idDescending:
                    next = Cursor(sort: query.sort.rawValue, values: [String(last.id)]).encoded
                case .name, .nameDescending:
                    next = Cursor(sort: query.sort.rawValue, values: [Hex.encode(keys[items.count - 1]), String(last.id)]).encoded
                }
            }
        }
        try attachAreas(db, to: &items)
        return Page(items: items, nextCursor: next)
    }

    private static var badCursor: DomainError { .invalid("cursor", "is not a cursor this list gave out") }
}
