import Foundation
import JSON
import OCOP
import Testing

/// `--demo` through the API: a dashboard pointed at a fresh demo server finds every group, every
/// certificate status, Vietnamese search, the quality queue and the report's figures.
@Suite struct DemoAPITests {
    let server: TestServer
    let client: TestClient
    let officer: (String, String)

    init() throws {
        let now = Timestamp(rfc3339: "2026-11-29T10:00:00+07:00") ?? Timestamp.now()
        server = try TestServer(clock: { now }, configure: { $0.demo = true })
        client = try server.client()
        officer = bearer(try server.token("officer"))
    }

    func items(_ path: String, headers: [(String, String)] = []) throws -> [JSONValue] {
        let response = try client.request("GET", path, headers: headers)
        #expect(response.status == 200, "\(path): \(response.text)")
        return try #require(try response.json["items"]?.arrayValue, "\(path)")
    }

    @Test func certificatesInEveryStatusAndProductsInEveryGroup() throws {
        for status in ["active", "expiring", "expired", "renewed", "revoked"] {
            #expect(try !items("/api/v1/certificates?status=\(status)&limit=1").isEmpty, "\(status)")
        }
        // Some end this month (the demo is dated back from today, 2026-11-29).
        let thisMonth = try items("/api/v1/certificates?status=expiring&expires_before=2026-12-01")
        #expect(!thisMonth.isEmpty)
        for group in try items("/api/v1/product-groups").compactMap({ $0["code"]?.stringValue }) {
            #expect(try !items("/api/v1/products?group=\(group)&limit=1").isEmpty, "\(group)")
        }
        let tourism = try items("/api/v1/products?group=tourism&limit=500")
        #expect(tourism.allSatisfy { $0["gtin"]?.isNull == true })
        for status in ["certified", "expired", "revoked", "not_certified", "under_review"] {
            #expect(try !items("/api/v1/products?status=\(status)&limit=1").isEmpty, "\(status)")
        }
    }

    @Test func searchAndQualityQueue() throws {
        let found = try items("/api/v1/products?q=mien+dong+binh+lieu")
        #expect(found.contains { $0["name"]?.stringValue == "Miến dong Bình Liêu" })
        let fiveStars = try items("/api/v1/products?stars=5&limit=500")
        #expect(fiveStars.count == 8)
        #expect(try items("/api/v1/products?status=under_review").count == 2)
        let failures = try items("/api/v1/inspections?result=fail&kind=food_safety", headers: [officer])
        #expect(failures.count == 4)
    }

    @Test func theReportOfTheDemoProvince() throws {
        let response = try client.request("GET", "/api/v1/reports/products", headers: [officer])
        #expect(response.status == 200, "\(response.text)")
        let report = try response.json
        #expect(report["as_of"]?.stringValue == "2026-11-29")
        let kinds = try #require(report["certified_products"]?["by_producer_kind"]?.arrayValue)
        #expect(kinds.map { $0["producers"]?.int64Value } == [53, 89, 0, 74])
        #expect(report["certified_products"]?["producers"]?.int64Value == 216)
        #expect(report["expired"]?["certificates"]?.int64Value == 104)
        #expect(report["expired"]?["reentered_evaluation"]?.int64Value == 71)
        let vietGAP = try #require(report["raw_materials"]?["by_scheme"]?.arrayValue?.first)
        #expect(vietGAP["by_kind"]?.arrayValue?.map { $0["area_ha"]?.stringValue } == ["322.35", "0.41"])
        #expect(vietGAP["by_kind"]?.arrayValue?.first?["establishments"]?.int64Value == 27)
        #expect(report["raw_materials"]?["packing_facilities"]?.int64Value == 9)
        #expect(report["raw_materials"]?["registered_areas"]?.int64Value == 60)
    }
}
