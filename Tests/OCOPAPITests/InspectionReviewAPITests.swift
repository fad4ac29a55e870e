import Foundation
import JSON
import Testing

/// The quality flow end to end: a failed food-safety inspection flags the product, an officer
/// decides (cleared, or revoke the certificate), everything audited.
@Suite struct InspectionReviewAPITests {
    typealias F = QualityAPIFixtures
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)
    let productID: Int64
    let certificateID: Int64

    init() throws {
        server = try TestServer(clock: { QualityAPIFixtures.instant("2025-03-10T09:00:00+07:00") })
        client = try server.client()
        productID = try F.product(server, producerID: try F.producer(server))
        certificateID = try F.certificate(server, productID: productID)
    }

    /// The product's under-review flag and version, read from the database.
    func state() throws -> (flag: Bool, version: Int64) {
        try #require(try F.underReview(server, productID))
    }

    var reviewPath: String { "/api/v1/products/\(productID)/review" }

    func failFoodSafety() throws {
        let response = try client.request("POST", "/api/v1/products/\(productID)/inspections", headers: [admin],
                                          body: #"{"inspected_on":"2025-03-08","agency":"Chi cục QLCL Nông lâm thủy sản","kind":"food_safety","result":"fail","findings":"Phát hiện hàn the trong mẫu"}"#)
        #expect(response.status == 201, "\(response.text)")
    }

    func review(_ body: String, headers: [(String, String)] = []) throws -> WireResponse {
        try client.request("POST", reviewPath, headers: [admin] + headers, body: body)
    }

    @Test func failedFoodSafetyThenCleared() throws {
        #expect(try state() == (false, 1))
        // A failure of another kind changes nothing.
        _ = try client.request("POST", "/api/v1/products/\(productID)/inspections", headers: [admin],
                               body: #"{"inspected_on":"2025-03-01","agency":"QLTT","kind":"labeling","result":"fail","findings":"Thiếu hạn dùng"}"#)
        #expect(try state() == (false, 1))
        try failFoodSafety()
        #expect(try state() == (true, 2))

        let cleared = try review(#"{"decision":"cleared","note":"Tái kiểm mẫu đạt"}"#)
        #expect(cleared.status == 200, "\(cleared.text)")
        let json = try cleared.json
        #expect(json["decision"]?.stringValue == "cleared")
        #expect(json["reason"]?.isNull == true)
        #expect(json["under_review"]?.boolValue == false)
        #expect(json["decided_on"]?.stringValue == "2025-03-10")
        #expect(json["product_version"]?.int64Value == 3)
        #expect(json["revoked_certificate"]?.isNull == true)
        #expect(try state() == (false, 3))
        #expect(try F.revocation(server, certificateID)?.on == nil)

        let again = try review(#"{"decision":"cleared"}"#)
        #expect(again.status == 409)
        let audit = try client.request("GET", "/api/v1/audit?entity=product&entity_id=\(productID)", headers: [admin])
        #expect(try audit.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["review", "flag_under_review"])
    }

    @Test func failedFoodSafetyThenCertificateRevoked() throws {
        try failFoodSafety()
        let revoked = try review(#"{"decision":"revoke_certificate","reason":"violation","note":"Vi phạm ATTP nghiêm trọng"}"#,
                                 headers: [("If-Match", "W/\"2\"")])
        #expect(revoked.status == 200, "\(revoked.text)")
        let json = try revoked.json
        #expect(json["decision"]?.stringValue == "revoke_certificate")
        #expect(json["reason"]?.stringValue == "violation")
        let certificate = try #require(json["revoked_certificate"])
        #expect(certificate["id"]?.int64Value == certificateID)
        #expect(certificate["status"]?.stringValue == "revoked")
        #expect(certificate["revoked_on"]?.stringValue == "2025-03-10")
        #expect(certificate["revocation_reason"]?.stringValue == "violation")
        #expect(certificate["stars"]?.int64Value == 4)
        #expect(try #require(try F.revocation(server, certificateID)) == ("2025-03-10", "violation"))
        #expect(try state() == (false, 3))
        let audit = try client.request("GET", "/api/v1/audit?entity=certificate&entity_id=\(certificateID)", headers: [admin])
        let entry = try #require(try audit.json["items"]?.arrayValue?.first)
        #expect(entry["action"]?.stringValue == "revoke")
        #expect(entry["changes"]?["status"]?["from"]?.stringValue == "active")
        #expect(entry["changes"]?["status"]?["to"]?.stringValue == "revoked")

        // Flagged again: nothing valid is left to revoke, so revoking is a conflict and the flag stays.
        try failFoodSafety()
        let nothing = try review(#"{"decision":"revoke_certificate","reason":"failed_mandatory_criteria"}"#)
        #expect(nothing.status == 409)
        #expect(try state() == (true, 4))
        #expect(try review(#"{"decision":"cleared"}"#).status == 200)
    }

    @Test func reviewBodiesAndPreconditions() throws {
        let noFlag = try review(#"{"decision":"cleared"}"#)
        #expect(noFlag.status == 409)
        #expect(noFlag.header("Content-Type") == "application/problem+json")
        try failFoodSafety()
        let cases: [(String, Set<String>)] = [
            (#"{}"#, ["decision"]),
            (#"{"decision":"ignore"}"#, ["decision"]),
            (#"{"decision":"revoke_certificate"}"#, ["reason"]),
            (#"{"decision":"revoke_certificate","reason":"not_reapplied"}"#, ["reason"]),
            (#"{"decision":"cleared","reason":"violation"}"#, ["reason"]),
            (#"{"decision":"cleared","note":"  "}"#, ["note"]),
            (#"{"decision":"cleared","colour":"red"}"#, ["colour"]),
            (#"{"decision":"cleared","note":5}"#, ["note"]),
        ]
        for (body, fields) in cases {
            let response = try review(body)
            #expect(response.status == 422, "\(body)")
            #expect(try F.errorFields(response) == fields, "\(body)")
        }
        #expect(try review(#"{"decision":"cleared"}"#, headers: [("If-Match", "W/\"1\"")]).status == 412)
        #expect(try client.request("POST", "/api/v1/products/9999/review", headers: [admin], body: #"{"decision":"cleared"}"#).status == 404)
        #expect(try client.request("POST", reviewPath, body: #"{"decision":"cleared"}"#).status == 401)
        let pos = try server.token("pos", pointOfSale: 1)
        #expect(try client.request("POST", reviewPath, headers: [bearer(pos)], body: #"{"decision":"cleared"}"#).status == 403)
        #expect(try client.request("GET", reviewPath, headers: [admin]).status == 405)
        #expect(try state() == (true, 2))   // nothing above changed anything
    }

    @Test func idempotentRetryReplaysTheDecision() throws {
        try failFoodSafety()
        let first = try review(#"{"decision":"cleared"}"#, headers: [("Idempotency-Key", "review-1")])
        #expect(first.status == 200)
        let retry = try review(#"{"decision":"cleared"}"#, headers: [("Idempotency-Key", "review-1")])
        #expect(retry.status == 200)
        #expect(retry.body == first.body)
        #expect(retry.header("Idempotent-Replayed") == "true")
        #expect(try state() == (false, 3))
    }

    @Test func patchingAnInspectionIntoAFailureFlags() throws {
        let created = try client.request("POST", "/api/v1/products/\(productID)/inspections", headers: [admin],
                                         body: #"{"inspected_on":"2025-03-08","agency":"Chi cục ATVSTP","kind":"food_safety","result":"pass"}"#)
        let id = try #require(try created.json["id"]?.int64Value)
        #expect(try state() == (false, 1))
        let patched = try client.request("PATCH", "/api/v1/inspections/\(id)", headers: [admin],
                                         body: #"{"result":"fail","findings":"Kết quả xét nghiệm lại: không đạt"}"#)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(try state() == (true, 2))
        // Deleting the record does not lower the flag: the review decides.
        #expect(try client.request("DELETE", "/api/v1/inspections/\(id)", headers: [admin]).status == 204)
        #expect(try state() == (true, 2))
    }
}
