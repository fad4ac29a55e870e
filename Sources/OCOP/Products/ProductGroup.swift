import SQLite

/// A product group of Decision 148 with its sub-groups, as stored in the seeded tables.
public struct ProductGroup: Sendable, Equatable {
    /// Stable code, e.g. `food`.
    public let code: String
    /// Vietnamese name from the decision.
    public let name: String
    /// Whether products of this group carry a barcode (every group but tourism services).
    public let gtinRequired: Bool
    /// Its sub-groups in the decision's order.
    public let subgroups: [ProductSubgroup]
    /// When the group was seeded, and when it last changed (an amendment loaded as data).
    public let createdAt: Timestamp
    public let updatedAt: Timestamp
    /// Grows by one on every change, as every item's does.
    public let version: Int64
}

/// A sub-group ("phân nhóm"), each with its own score sheet.
public struct ProductSubgroup: Sendable, Equatable {
    /// Stable code, e.g. `food_tea`.
    public let code: String
    /// Vietnamese name from the decision.
    public let name: String
}

extension ProductGroup {
    /// Every group in the decision's order, with its sub-groups in order. Read from the
    /// tables, not from `ProductTaxonomy`, so an amendment loaded as data shows up here.
    public static func all(_ db: Connection) throws -> [ProductGroup] {
        var subgroups: [String: [ProductSubgroup]] = [:]
        try db.query("SELECT group_code, code, name FROM product_subgroups ORDER BY group_code, position") { row in
            subgroups[row.string(0), default: []].append(ProductSubgroup(code: row.string(1), name: row.string(2)))
        }
        return try db.all("""
            SELECT code, name, gtin_required, created_at, updated_at, version FROM product_groups ORDER BY position
            """) { row in
            guard let created = row.timestamp(3), let updated = row.timestamp(4) else {
                throw DomainError.conflict("product group \(row.string(0)) has corrupt stored fields")
            }
            return ProductGroup(code: row.string(0), name: row.string(1), gtinRequired: row.bool(2),
                                subgroups: subgroups[row.string(0)] ?? [],
                                createdAt: created, updatedAt: updated, version: row.int64(5))
        }
    }
}
