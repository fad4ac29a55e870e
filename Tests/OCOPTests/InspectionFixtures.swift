import OCOP
import SQLite

/// Rows owned by resources built on other branches (products, certificates), written with
/// plain SQL so the quality tests stand on the shared schema alone.
enum QualityFixtures {
    static func producer(_ db: Connection, _ name: String = "Hợp tác xã Miến dong Bình Liêu") throws -> Int64 {
        try ProducerStore.create(db, makeFields(name), actor: .system, now: testNow).id
    }

    static func product(_ db: Connection, producerID: Int64, code: String = "QN-SP-001",
                        name: String = "Miến dong Bình Liêu") throws -> Int64 {
        try db.run("""
            INSERT INTO products (code, name, name_key, producer_id, group_code, origin_province, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'food', 'Quảng Ninh', ?, ?)
            """, [.text(code), .text(name), .blob(VietnameseCollation.sortKey(name)), .integer(producerID),
                  .text(testNow.description), .text(testNow.description)])
        return db.lastInsertRowID
    }

    /// A certificate made current for its product, as the decide flow would leave it.
    @discardableResult
    static func certificate(_ db: Connection, productID: Int64, number: String = "QĐ 123/2024", stars: Int = 4,
                            decidedOn: String = "2024-06-01", expiresOn: String = "2027-06-01",
                            revokedOn: String? = nil) throws -> Int64 {
        try db.run("""
            INSERT INTO certificates (number, product_id, stars, council_level, legal_basis, decided_on, expires_on,
                                      revoked_on, revocation_reason, created_at, updated_at)
            VALUES (?, ?, ?, 'province', 'Decision 148/QĐ-TTg', ?, ?, ?, ?, ?, ?)
            """, [.text(number), .integer(productID), .integer(Int64(stars)), .text(decidedOn), .text(expiresOn),
                  SQLiteValue(revokedOn), revokedOn == nil ? .null : .text("violation"),
                  .text(testNow.description), .text(testNow.description)])
        let id = db.lastInsertRowID
        try db.run("UPDATE products SET current_certificate_id = ? WHERE id = ?", [.integer(id), .integer(productID)])
        return id
    }

    static func day(_ text: String) -> CivilDate {
        guard let date = CivilDate(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    static func link(_ db: Connection, productID: Int64, areaID: Int64) throws {
        try db.run("INSERT INTO product_areas (product_id, area_id, position) VALUES (?, ?, 1)",
                   [.integer(productID), .integer(areaID)])
    }

    static func productState(_ db: Connection, _ id: Int64) throws -> (underReview: Bool, version: Int64)? {
        try db.first("SELECT under_review, version FROM products WHERE id = ?", [.integer(id)]) { ($0.bool(0), $0.int64(1)) }
    }

    static func certificateState(_ db: Connection, _ id: Int64)
        throws -> (revokedOn: String?, reason: String?, note: String?, recorded: String, version: Int64)? {
        try db.first("""
            SELECT revoked_on, revocation_reason, revocation_note, status_recorded, version FROM certificates WHERE id = ?
            """, [.integer(id)]) { ($0.optionalString(0), $0.optionalString(1), $0.optionalString(2), $0.string(3), $0.int64(4)) }
    }
}
