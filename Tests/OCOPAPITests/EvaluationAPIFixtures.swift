import Foundation
import JSON
import OCOP
import Synchronization
import Testing

/// A clock tests can move: "today" rules are checked on exact days, across midnight in Hà Nội.
final class CertificationClock: Sendable {
    private let current: Mutex<Timestamp>

    init(_ rfc3339: String) {
        guard let start = Timestamp(rfc3339: rfc3339) else { preconditionFailure("bad test time \(rfc3339)") }
        current = Mutex(start)
    }

    func now() -> Timestamp { current.withLock { $0 } }

    func set(_ rfc3339: String) {
        guard let time = Timestamp(rfc3339: rfc3339) else { preconditionFailure("bad test time \(rfc3339)") }
        current.withLock { $0 = time }
    }
}

/// Drives the certification flow through the API: round → scores → decision.
struct CertificationAPI {
    let server: TestServer
    let client: TestClient
    let officer: (String, String)

    init(server: TestServer) throws {
        self.server = server
        client = try server.client()
        officer = bearer(try server.token("officer"))
    }

    /// A producer through the API, then a product inserted with SQL (the products resource is built elsewhere).
    func product(code: String, name: String = "Miến dong Bình Liêu") throws -> Int64 {
        let response = try client.request("POST", "/api/v1/producers", headers: [officer],
                                          body: #"{"name":"HTX \#(code)","kind":"cooperative"}"#)
        let producerID = try #require(try response.json["id"]?.int64Value, "\(response.text)")
        let now = server.app.services.clock().description
        return try server.app.services.database.write { db in
            try db.run("""
                INSERT INTO products (code, name, name_key, producer_id, group_code, origin_province, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'food', 'Quảng Ninh', ?, ?)
                """, [.text(code), .text(name), .blob(VietnameseCollation.sortKey(name)), .integer(producerID),
                      .text(now), .text(now)])
            return db.lastInsertRowID
        }
    }

    func post(_ path: String, _ body: String, headers: [(String, String)] = []) throws -> WireResponse {
        try client.request("POST", path, headers: [officer] + headers, body: body)
    }

    func get(_ path: String, headers: [(String, String)] = []) throws -> WireResponse {
        try client.request("GET", path, headers: [officer] + headers)
    }

    func round(level: String = "province", heldOn: String = "2024-11-20", extra: String = "") throws -> Int64 {
        let response = try post("/api/v1/evaluation-rounds", #"""
            {"name":"Đánh giá, phân hạng sản phẩm OCOP lần thứ 9 năm 2024","council_level":"\#(level)","held_on":"\#(heldOn)"\#(extra)}
            """#)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json["id"]?.int64Value)
    }

    /// Scores as `[[a, b, c], ...]` literals, one per member.
    static func scores(_ members: [[String]]) -> String {
        "[" + members.enumerated().map { index, parts in
            #"{"member":"Thành viên \#(index + 1)","part_a":\#(parts[0]),"part_b":\#(parts[1]),"part_c":\#(parts[2])}"#
        }.joined(separator: ",") + "]"
    }

    func record(round: Int64, product: Int64, _ members: [[String]], mandatory: Bool = true) throws -> WireResponse {
        try post("/api/v1/evaluation-rounds/\(round)/results",
                 #"{"product_id":\#(product),"member_scores":\#(Self.scores(members)),"mandatory_criteria_met":\#(mandatory)}"#)
    }

    func decide(round: Int64, result: Int64, number: String = "1234/QĐ-UBND", on date: String = "2024-12-13") throws -> WireResponse {
        try post("/api/v1/evaluation-rounds/\(round)/results/\(result)/decide",
                 #"{"decision_number":"\#(number)","decided_on":"\#(date)"}"#)
    }

    /// Round, 4-star scores and decision in one go; returns the certificate.
    func certify(code: String, heldOn: String = "2024-11-20", decidedOn: String = "2024-12-13") throws -> JSONValue {
        let product = try product(code: code)
        let round = try round(heldOn: heldOn)
        let result = try record(round: round, product: product, [["35", "20", "30"]])
        let resultID = try #require(try result.json["id"]?.int64Value, "\(result.text)")
        let decided = try decide(round: round, result: resultID, number: "\(round)/QĐ-UBND", on: decidedOn)
        #expect(decided.status == 201, "\(decided.text)")
        return try decided.json
    }

    /// The `field` names of a 422's errors.
    static func fields(_ response: WireResponse) throws -> [String] {
        try #require(try response.json["errors"]?.arrayValue).compactMap { $0["field"]?.stringValue }
    }
}
