import OCOP
import SQLite

/// Factories for product tests, namespaced so other suites' helpers never collide.
enum ProductFixtures {
    /// "Today" for `testNow` (2024-12-12 in Asia/Ho_Chi_Minh).
    static let today = CivilDate(year: 2024, month: 12, day: 12)!

    static func producer(_ db: Connection, _ name: String = "Hợp tác xã Miến dong Bình Liêu",
                         commune: String = "Đồng Văn", district: String = "Bình Liêu") throws -> Int64 {
        try ProducerStore.create(db, ProducerFields(name: name, kind: .cooperative, commune: commune, district: district),
                                 actor: .system, now: testNow).id
    }

    static func fields(_ code: String = "QN-2024-0001", name: String = "Miến dong Bình Liêu", producer: Int64,
                       group: String = "food", subgroup: String? = "food_processed_plant",
                       description: String? = nil, gtin: String? = nil) -> ProductFields {
        ProductFields(code: code, name: name, producerID: producer, group: group, subgroup: subgroup,
                      description: description, unit: "gói 500g", priceVND: 85_000, gtin: gtin.flatMap(GTIN.init))
    }

    static func product(_ db: Connection, _ code: String, name: String, producer: Int64, group: String = "food",
                        subgroup: String? = nil, description: String? = nil) throws -> Int64 {
        try ProductStore.create(db, fields(code, name: name, producer: producer, group: group, subgroup: subgroup,
                                           description: description),
                                actor: .system, now: testNow).id
    }

    /// A raw-material area written with plain SQL: the areas resource belongs to another module.
    static func area(_ db: Connection, _ code: String) throws -> Int64 {
        try db.run("""
            INSERT INTO raw_material_areas (code, kind, area_m2, market, created_at, updated_at)
            VALUES (?, 'cultivation', 3223500, 'domestic', ?, ?)
            """, [.text(code), .text(testNow.description), .text(testNow.description)])
        return db.lastInsertRowID
    }

    /// Issues a certificate with plain SQL (the decide flow belongs to another module) and makes it
    /// the product's current one, as the decide flow does.
    @discardableResult
    static func certificate(_ db: Connection, product: Int64, stars: Int, decided: String, expires: String,
                            revokedOn: String? = nil, updatedAt: Timestamp = testNow) throws -> Int64 {
        try db.run("""
            INSERT INTO certificates (number, product_id, stars, council_level, legal_basis, decided_on, expires_on,
                                      revoked_on, revocation_reason, created_at, updated_at)
            VALUES (?, ?, ?, 'province', 'Quyết định 148/QĐ-TTg', ?, ?, ?, ?, ?, ?)
            """, [.text("QĐ-\(product)-\(decided)-\(stars)"), .integer(product), .integer(Int64(stars)), .text(decided),
                  .text(expires), SQLiteValue(revokedOn), revokedOn == nil ? .null : .text("violation"),
                  .text(testNow.description), .text(updatedAt.description)])
        let id = db.lastInsertRowID
        try db.run("UPDATE products SET current_certificate_id = ? WHERE id = ?", [.integer(id), .integer(product)])
        return id
    }

    static func ids(_ page: Page<Product>) -> [Int64] { page.items.map(\.id) }
}
