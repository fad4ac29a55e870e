import Foundation
import JSON
import OCOP
import SQLite
import Synchronization
import Testing

/// A clock tests can move, so "today" rules can be checked across midnight in Asia/Ho_Chi_Minh.
final class ProductTestClock: Sendable {
    private let instant: Mutex<Timestamp>

    init(_ rfc3339: String) { instant = Mutex(Timestamp(rfc3339: rfc3339) ?? Timestamp(millisecondsSinceEpoch: 0)) }

    func now() -> Timestamp { instant.withLock { $0 } }

    func advance(days: Int) {
        instant.withLock { $0 = Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + Int64(days) * 86_400_000) }
    }
}

/// Helpers for the product end-to-end suites, namespaced so other suites' helpers never collide.
struct ProductAPIFixtures {
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)

    init(clock: ProductTestClock? = nil) throws {
        if let clock {
            server = try TestServer(clock: { clock.now() })
        } else {
            server = try TestServer()
        }
        client = try server.client()
    }

    func producer(_ name: String = "Hợp tác xã Miến dong Bình Liêu", district: String = "Bình Liêu",
                  commune: String = "Đồng Văn") throws -> Int64 {
        let response = try client.request("POST", "/api/v1/producers", headers: [admin],
                                          body: #"{"name":"\#(name)","kind":"cooperative","district":"\#(district)","commune":"\#(commune)"}"#)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json["id"]?.int64Value)
    }

    func create(_ body: String, headers: [(String, String)]? = nil) throws -> WireResponse {
        try client.request("POST", "/api/v1/products", headers: headers ?? [admin], body: body)
    }

    /// Creates a product and returns its id; `extra` is appended to the JSON object.
    func product(_ code: String, _ name: String, producer: Int64, group: String = "food", extra: String = "") throws -> Int64 {
        let response = try create(#"{"code":"\#(code)","name":"\#(name)","producer_id":\#(producer),"group":"\#(group)"\#(extra)}"#)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json["id"]?.int64Value)
    }

    /// Issues a certificate with SQL and makes it current, as the decide flow (another module) does.
    @discardableResult
    func certificate(product: Int64, stars: Int, decided: String, expires: String, revokedOn: String? = nil) throws -> Int64 {
        try server.app.services.database.write { db in
            let now = server.app.services.clock().description   // issued "now" on the server's clock
            try db.run("""
                INSERT INTO certificates (number, product_id, stars, council_level, legal_basis, decided_on, expires_on,
                                          revoked_on, revocation_reason, created_at, updated_at)
                VALUES (?, ?, ?, 'province', 'Quyết định 148/QĐ-TTg', ?, ?, ?, ?, ?, ?)
                """, [.text("\(product)/QĐ-UBND-\(decided)"), .integer(product), .integer(Int64(stars)), .text(decided),
                      .text(expires), SQLiteValue(revokedOn), revokedOn == nil ? .null : .text("violation"),
                      .text(now), .text(now)])
            let id = db.lastInsertRowID
            try db.run("UPDATE products SET current_certificate_id = ? WHERE id = ?", [.integer(id), .integer(product)])
            return id
        }
    }

    /// The ids of a list response, in order.
    func ids(_ target: String) throws -> [Int64] {
        let response = try client.request("GET", target)
        #expect(response.status == 200, "\(target): \(response.text)")
        return try #require(try response.json["items"]?.arrayValue).compactMap { $0["id"]?.int64Value }
    }

    /// The `field` of every error of a problem response.
    static func errorFields(_ response: WireResponse) throws -> [String] {
        try #require(try response.json["errors"]?.arrayValue).compactMap { $0["field"]?.stringValue }
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
