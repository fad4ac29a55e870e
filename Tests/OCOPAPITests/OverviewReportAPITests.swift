import Foundation
import JSON
import OCOP
import Testing

/// `GET /api/v1/reports/overview` end to end on the `--demo` province (dated back from
/// 2026-11-29): every section equals what the detailed report of the same day says, the CSV
/// tables hold the same figures, and a past day reads as it did then.
@Suite struct OverviewReportAPITests {
    let server: TestServer
    let client: TestClient
    let officer: (String, String)

    init() throws {
        let now = Timestamp(rfc3339: "2026-11-29T10:00:00+07:00") ?? Timestamp.now()
        server = try TestServer(clock: { now }, configure: { $0.demo = true })
        client = try server.client()
        officer = bearer(try server.token("officer"))
    }

    func get(_ path: String, headers: [(String, String)] = []) throws -> WireResponse {
        try client.request("GET", path, headers: [officer] + headers)
    }

    func json(_ path: String) throws -> JSONValue {
        let response = try get(path)
        #expect(response.status == 200, "\(path): \(response.text)")
        return try response.json
    }

    @Test func everySectionEqualsTheDetailedReports() throws {
        let overview = try json("/api/v1/reports/overview")
        #expect(overview["as_of"]?.stringValue == "2026-11-29")
        let products = try json("/api/v1/reports/products?as_of=2026-11-29")
        let certified = try #require(overview["certified_products"])
        #expect(certified["total"] == products["certified_products"]?["total"])
        #expect(certified["by_stars"] == products["certified_products"]?["by_stars"])
        #expect(certified["by_group"] == products["certified_products"]?["by_group"])
        #expect((certified["total"]?.int64Value ?? 0) > 100, "the demo certifies a real province's worth")

        // Producers: the certified side equals the products report's; every kind is registered.
        let byKind = try #require(overview["producers"]?["by_kind"]?.arrayValue)
        let reportKinds = try #require(products["certified_products"]?["by_producer_kind"]?.arrayValue)
        #expect(byKind.map { $0["certified_producers"] } == reportKinds.map { $0["producers"] })
        #expect(byKind.map { $0["certified_products"] } == reportKinds.map { $0["products"] })
        #expect(byKind.allSatisfy { ($0["registered"]?.int64Value ?? 0) >= ($0["certified_producers"]?.int64Value ?? 0) })
        let registered = byKind.compactMap { $0["registered"]?.int64Value }.reduce(0, +)
        #expect(overview["producers"]?["registered"]?.int64Value == registered)
        let producerList = try json("/api/v1/producers?limit=500")
        #expect(producerList["items"]?.arrayValue?.count == Int(registered))

        // Expiring: the products report's 90-day list, its first ten.
        let expiring = try #require(products["expiring"]?["certificates"]?.arrayValue)
        #expect(products["expiring"]?["count"]?.int64Value == Int64(expiring.count))
        let section = try #require(overview["expiring_certificates"])
        #expect(section["count"]?.int64Value == Int64(expiring.count))
        #expect(section["through"]?.stringValue == "2027-02-27")
        let items = try #require(section["certificates"]?.arrayValue)
        #expect(items.count == min(10, expiring.count))
        #expect(items.map { $0["certificate_id"] } == expiring.prefix(10).map { $0["certificate_id"] })
        #expect(section["truncated"]?.boolValue == (expiring.count > 10))

        // Fairs of the year so far and e-commerce coverage.
        let fairs = try json("/api/v1/reports/fairs?from=2026-01-01&to=2026-11-29")
        for key in ["fairs", "in_province", "visitors", "revenue_vnd", "local_revenue_vnd", "local_share_percent"] {
            #expect(overview["fairs"]?[key] == fairs["totals"]?[key], "fairs.\(key)")
        }
        let ecommerce = try json("/api/v1/reports/ecommerce?as_of=2026-11-29")
        #expect(overview["ecommerce"]?["certified_products"] == ecommerce["certified_products"])
        let platforms = try #require(overview["ecommerce"]?["platforms"]?.arrayValue)
        let detailed = try #require(ecommerce["platforms"]?.arrayValue)
        for key in ["code", "listed_products", "share_percent", "non_cash_listings", "non_cash_share_percent"] {
            #expect(platforms.map { $0[key] } == detailed.map { $0[key] }, "platforms.\(key)")
        }

        // Sales of the 30 days ending today, and points of sale against the registry's filter.
        let sales = try json("/api/v1/reports/sales?from=2026-10-31&to=2026-11-29")
        #expect(overview["sales"]?["from"]?.stringValue == "2026-10-31")
        for key in ["revenue_vnd", "units", "sales", "non_cash_vnd", "non_cash_share_percent"] {
            #expect(overview["sales"]?[key] == sales["total"]?[key], "sales.\(key)")
        }
        #expect((overview["sales"]?["revenue_vnd"]?.int64Value ?? 0) > 0)
        let compliant = try json("/api/v1/points-of-sale?compliant=true&limit=500")["items"]?.arrayValue?.count
        let all = try json("/api/v1/points-of-sale?limit=500")["items"]?.arrayValue?.count
        #expect(overview["points_of_sale"]?["compliant"]?.int64Value == compliant.map(Int64.init))
        #expect(overview["points_of_sale"]?["total"]?.int64Value == all.map(Int64.init))
    }

    @Test func aPastDayReadsAsItDidThen() throws {
        let earlier = try json("/api/v1/reports/overview?as_of=2026-03-31")
        let products = try json("/api/v1/reports/products?as_of=2026-03-31")
        #expect(earlier["certified_products"]?["by_stars"] == products["certified_products"]?["by_stars"])
        #expect(earlier["fairs"]?["from"]?.stringValue == "2026-01-01")
        let fairs = try json("/api/v1/reports/fairs?from=2026-01-01&to=2026-03-31")
        #expect(earlier["fairs"]?["revenue_vnd"] == fairs["totals"]?["revenue_vnd"])
        let ecommerce = try json("/api/v1/reports/ecommerce?as_of=2026-03-31")
        #expect(earlier["ecommerce"]?["certified_products"] == ecommerce["certified_products"])
    }

    @Test func csvTables() throws {
        let overview = try json("/api/v1/reports/overview")
        let stars = try get("/api/v1/reports/overview?table=stars", headers: [("Accept", "text/csv")])
        #expect(stars.status == 200)
        #expect(stars.header("Content-Disposition") == #"attachment; filename="overview-stars-2026-11-29.csv""#)
        let lines = String(decoding: stars.body.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(lines.first == "stars,products,share_percent")
        let threeStars = try #require(overview["certified_products"]?["by_stars"]?.arrayValue?.first)
        #expect(lines.dropFirst().first == "3,\(threeStars["products"]?.int64Value ?? -1),\(threeStars["share_percent"]?.stringValue ?? "")")
        let headline = try get("/api/v1/reports/overview.csv?table=headline")
        #expect(headline.status == 200)
        let revenue = overview["fairs"]?["revenue_vnd"]?.int64Value ?? -1
        #expect(headline.text.contains("\r\nfairs,revenue_vnd,\(revenue)\r\n"))
        // Every date of the JSON is in the headline, so a saved file says when it holds.
        let asOf = overview["as_of"]?.stringValue ?? "?"
        for row in ["overview,as_of,\(asOf)", "fairs,to,\(asOf)", "sales,to,\(asOf)", "expiring_certificates,within_days,90",
                    "fairs,from,\(overview["fairs"]?["from"]?.stringValue ?? "?")",
                    "sales,from,\(overview["sales"]?["from"]?.stringValue ?? "?")"] {
            #expect(headline.text.contains("\r\n\(row)\r\n"), "\(row)")
        }
        let expiring = try get("/api/v1/reports/overview.csv?table=expiring")
        let rows = String(decoding: expiring.body, as: UTF8.self).split(separator: "\r\n").count - 1
        #expect(Int64(rows) == overview["expiring_certificates"]?["count"]?.int64Value)
        for table in ["producers", "groups", "platforms"] {
            #expect(try get("/api/v1/reports/overview.csv?table=\(table)").status == 200, "\(table)")
        }
    }

    @Test func accessAndParameters() throws {
        #expect(try client.request("GET", "/api/v1/reports/overview").status == 401)
        let pos = try server.token("pos", pointOfSale: 1)
        #expect(try client.request("GET", "/api/v1/reports/overview", headers: [bearer(pos)]).status == 403)
        #expect(try client.request("GET", "/api/v1/reports/overview", headers: [bearer(TestServer.adminToken)]).status == 200)
        #expect(try TradeAPI.errorFields(get("/api/v1/reports/overview?as_of=2026-02-30")) == ["as_of"])
        #expect(try TradeAPI.errorFields(get("/api/v1/reports/overview?as_of=0001-01-01")) == ["as_of"])
        #expect(try TradeAPI.errorFields(get("/api/v1/reports/overview?table=stars")) == ["table"])   // JSON is whole
        #expect(try TradeAPI.errorFields(get("/api/v1/reports/overview.csv")) == ["table"])
        #expect(try TradeAPI.errorFields(get("/api/v1/reports/overview.csv?table=nope")) == ["table"])
        #expect(try get("/api/v1/reports/overview?within_days=30").status == 422)
    }
}
