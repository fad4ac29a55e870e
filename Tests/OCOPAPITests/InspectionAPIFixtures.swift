import Foundation
import JSON
import OCOP
import SQLite
import Synchronization
import Testing

/// A clock a test can move (midnight in Asia/Ho_Chi_Minh, for date-derived fields).
final class QualityTestClock: Sendable {
    private let current: Mutex<Timestamp>

    init(_ start: Timestamp) { current = Mutex(start) }

    func now() -> Timestamp { current.withLock { $0 } }

    func set(_ instant: Timestamp) { current.withLock { $0 = instant } }
}

/// Helpers for the quality end-to-end tests: products and certificates belong to resources
/// built on other branches, so they are written with plain SQL into the server's own database.
enum QualityAPIFixtures {
    /// A fixed instant; 00:30 in Asia/Ho_Chi_Minh is still the previous day in UTC.
    static func instant(_ text: String) -> Timestamp {
        guard let t = Timestamp(rfc3339: text) else { preconditionFailure("bad test instant \(text)") }
        return t
    }

    static func producer(_ server: TestServer, _ name: String = "Hợp tác xã Miến dong Bình Liêu") throws -> Int64 {
        try server.app.services.database.write { db in
            try ProducerStore.create(db, ProducerFields(name: name, kind: .cooperative, district: "Bình Liêu"),
                                     actor: .system, now: instant("2024-01-01T00:00:00Z")).id
        }
    }

    static func product(_ server: TestServer, producerID: Int64, code: String = "QN-SP-001",
                        name: String = "Miến dong Bình Liêu") throws -> Int64 {
        try server.app.services.database.write { db in
            try db.run("""
                INSERT INTO products (code, name, name_key, producer_id, group_code, origin_province, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'food', 'Quảng Ninh', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')
                """, [.text(code), .text(name), .blob(VietnameseCollation.sortKey(name)), .integer(producerID)])
            return db.lastInsertRowID
        }
    }

    /// A certificate made the product's current one, as the decide flow leaves it.
    static func certificate(_ server: TestServer, productID: Int64, number: String = "QĐ 2456/QĐ-UBND",
                            decidedOn: String = "2024-06-01", expiresOn: String = "2027-06-01") throws -> Int64 {
        try server.app.services.database.write { db in
            try db.run("""
                INSERT INTO certificates (number, product_id, stars, council_level, legal_basis, decided_on, expires_on,
                                          created_at, updated_at)
                VALUES (?, ?, 4, 'province', 'Decision 148/QĐ-TTg', ?, ?, '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z')
                """, [.text(number), .integer(productID), .text(decidedOn), .text(expiresOn)])
            let id = db.lastInsertRowID
            try db.run("UPDATE products SET current_certificate_id = ? WHERE id = ?", [.integer(id), .integer(productID)])
            return id
        }
    }

    static func link(_ server: TestServer, productID: Int64, areaID: Int64) throws {
        try server.app.services.database.write { db in
            try db.run("INSERT INTO product_areas (product_id, area_id, position) VALUES (?, ?, 1)",
                       [.integer(productID), .integer(areaID)])
        }
    }

    static func underReview(_ server: TestServer, _ productID: Int64) throws -> (flag: Bool, version: Int64)? {
        try server.app.services.database.read { db in
            try db.first("SELECT under_review, version FROM products WHERE id = ?", [.integer(productID)]) { ($0.bool(0), $0.int64(1)) }
        }
    }

    static func revocation(_ server: TestServer, _ certificateID: Int64) throws -> (on: String?, reason: String?)? {
        try server.app.services.database.read { db in
            try db.first("SELECT revoked_on, revocation_reason FROM certificates WHERE id = ?", [.integer(certificateID)]) {
                ($0.optionalString(0), $0.optionalString(1))
            }
        }
    }

    /// The `field` of every error in a problem body.
    static func errorFields(_ response: WireResponse) throws -> Set<String> {
        Set(try response.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
    }

    /// The ids of a list body's items, in order.
    static func ids(_ response: WireResponse) throws -> [Int64] {
        try response.json["items"]?.arrayValue?.compactMap { $0["id"]?.int64Value } ?? []
    }

    /// A CSV body's lines after the BOM.
    static func csvLines(_ response: WireResponse) -> [Substring] {
        String(decoding: response.body.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
    }
}
