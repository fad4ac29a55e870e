import Foundation
import JSON
import OCOP
import Testing

/// `GET /api/v1/reports/ecommerce` end to end on the article's listings, built from events:
/// 400 products imported, 300 certified in January and 93 more in May (393, through rounds,
/// scores and decisions), listed as they were certified: the province's platform all of them,
/// Voso 100 then 160 (10 paused from March to May), Postmart 60 then 108. Mid-year the report
/// reads 393/393 = 100.0%, 160/393 = 40.7%, 108/393 = 27.5%; as of an earlier day it ignores
/// the later certificates and listings.
@Suite struct EcommerceReportAPITests {
    let api: TradeAPI
    init() throws { api = try TradeAPI(now: "2024-01-10T09:00:00+07:00") }

    /// Imports `count` products of one producer; returns their ids in order.
    func importProducts(_ count: Int) throws -> [Int64] {
        let producer = try api.producer("Hợp tác xã Sản phẩm OCOP Quảng Ninh")
        let rows = (1...count).map { String(format: "QN-%03d,Sản phẩm %03d,\(producer),food", $0, $0) }
        let csv = "code,name,producer_id,group\r\n" + rows.joined(separator: "\r\n") + "\r\n"
        let response = try api.request("POST", "/api/v1/products/import", csv, contentType: "text/csv; charset=utf-8")
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json["ids"]?.arrayValue).compactMap(\.int64Value)
    }

    /// A province round held on `heldOn` that certifies `products` with 4 stars, decided on `decidedOn` (today).
    func certify(_ products: ArraySlice<Int64>, heldOn: String, decidedOn: String) throws {
        let round = try api.create("/api/v1/evaluation-rounds", #"""
            {"name":"Đánh giá, phân hạng sản phẩm OCOP \#(heldOn)","council_level":"province","held_on":"\#(heldOn)"}
            """#)
        let scores = #"[{"member":"Thành viên 1","part_a":35,"part_b":20,"part_c":30}]"#
        for product in products {
            let result = try api.create("/api/v1/evaluation-rounds/\(round)/results",
                                        #"{"product_id":\#(product),"member_scores":\#(scores),"mandatory_criteria_met":true}"#)
            try api.create("/api/v1/evaluation-rounds/\(round)/results/\(result)/decide",
                           #"{"decision_number":"\#(round)/QĐ-UBND","decided_on":"\#(decidedOn)"}"#)
        }
    }

    /// Lists each product on `platform`; the first `nonCash` accept non-cash payment. Returns listing ids.
    @discardableResult
    func list(_ products: ArraySlice<Int64>, on platform: Int64, nonCash: Int = 0) throws -> [Int64] {
        try products.enumerated().map { index, product in
            try api.create("/api/v1/listings", #"""
                {"product_id":\#(product),"platform_id":\#(platform),"accepts_non_cash":\#(index < nonCash)}
                """#)
        }
    }

    func report(_ query: String) throws -> JSONValue {
        let response = try api.get("/api/v1/reports/ecommerce" + query)
        #expect(response.status == 200, "\(response.text)")
        return try response.json
    }

    /// [listed_products, share_percent, non_cash_listings, non_cash_share_percent] per platform code.
    func figures(_ report: JSONValue) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for row in try #require(report["platforms"]?.arrayValue) {
            let code = try #require(row["code"]?.stringValue)
            out[code] = ["listed_products", "share_percent", "non_cash_listings", "non_cash_share_percent"].map { key in
                row[key].map { $0.int64Value.map(String.init) ?? $0.stringValue ?? "null" } ?? "absent"
            }
        }
        return out
    }

    @Test func theArticlesCoverageAndLastYearsFigureStaysWhatItWas() throws {
        let products = try importProducts(400)
        let (province, voso, postmart): (Int64, Int64, Int64) = (1, 2, 3)   // seeded in this order
        api.today("2024-01-15")
        try certify(products[0..<300], heldOn: "2024-01-12", decidedOn: "2024-01-15")
        api.today("2024-01-20")
        try list(products[0..<300], on: province)
        try list(products[398..<400], on: province)   // two never-certified products: listed, not counted
        let vosoListings = try list(products[0..<100], on: voso, nonCash: 50)
        try list(products[0..<60], on: postmart, nonCash: 30)
        api.today("2024-03-01")
        for listing in vosoListings[90..<100] {
            #expect(try api.patch("/api/v1/listings/\(listing)", #"{"status":"paused"}"#).status == 200)
        }
        api.today("2024-05-15")
        try certify(products[300..<393], heldOn: "2024-05-10", decidedOn: "2024-05-15")
        api.today("2024-05-20")
        try list(products[300..<393], on: province)
        try list(products[300..<360], on: voso, nonCash: 20)
        for listing in vosoListings[90..<100] {
            #expect(try api.patch("/api/v1/listings/\(listing)", #"{"status":"active"}"#).status == 200)
        }
        try list(products[300..<348], on: postmart, nonCash: 24)
        api.today("2024-07-01")

        let midYear = try report("?as_of=2024-06-30")
        #expect(midYear["as_of"]?.stringValue == "2024-06-30")
        #expect(midYear["certified_products"]?.int64Value == 393)
        #expect(try figures(midYear) == [
            "province_ocop": ["393", "100.0", "0", "0.0"],
            "voso": ["160", "40.7", "70", "43.8"],
            "postmart": ["108", "27.5", "54", "50.0"],
        ])
        let platforms = try #require(midYear["platforms"]?.arrayValue)
        #expect(platforms.compactMap { $0["active_listings"]?.int64Value } == [395, 160, 108])
        #expect(platforms.allSatisfy { $0["certified_products"]?.int64Value == 393 })
        #expect(midYear["unlisted"]?["count"]?.int64Value == 0)

        // April: only January's 300 were certified; Voso had 10 of its 100 paused.
        let april = try report("?as_of=2024-04-01")
        #expect(april["certified_products"]?.int64Value == 300)
        #expect(try figures(april) == [
            "province_ocop": ["300", "100.0", "0", "0.0"],
            "voso": ["90", "30.0", "50", "55.6"],
            "postmart": ["60", "20.0", "30", "50.0"],
        ])

        // The day after May's decisions, before their listings: the to-do list has the 93.
        let between = try report("?as_of=2024-05-16&limit=10")
        #expect(between["certified_products"]?.int64Value == 393)
        #expect(try figures(between)["province_ocop"] == ["300", "76.3", "0", "0.0"])
        let unlisted = try #require(between["unlisted"])
        #expect(unlisted["count"]?.int64Value == 93)
        #expect(unlisted["truncated"]?.boolValue == true)
        let firstTen = try #require(unlisted["products"]?.arrayValue)
        #expect(firstTen.compactMap { $0["code"]?.stringValue } == (301...310).map { String(format: "QN-%03d", $0) })
        #expect(firstTen.first?["stars"]?.int64Value == 4)
        #expect(firstTen.first?["expires_on"]?.stringValue == "2027-05-15")
        let todo = try api.get("/api/v1/reports/ecommerce.csv?as_of=2024-05-16&table=unlisted")
        #expect(todo.status == 200)
        #expect(todo.text.split(separator: "\r\n").count == 94)   // header + every one of the 93

        // Before anything was certified there is no share of nothing.
        let before = try report("?as_of=2023-12-31")
        #expect(before["certified_products"]?.int64Value == 0)
        #expect(try figures(before)["voso"] == ["0", "null", "0", "null"])

        // Without as_of: today (2024-07-01), the same as mid-year.
        #expect(try figures(report("")) == figures(midYear))
        let csv = try api.get("/api/v1/reports/ecommerce.csv?as_of=2024-06-30&table=platforms")
        let lines = csv.text.split(separator: "\r\n")
        #expect(lines.count == 4)
        #expect(lines[3] == "3,postmart,Postmart.vn,national,108,393,27.5,54,50.0,108")

        // Taking Voso listings down (DELETE archives) changes today's figure, not mid-year's.
        for listing in vosoListings[0..<10] {
            #expect(try api.request("DELETE", "/api/v1/listings/\(listing)").status == 204)
        }
        #expect(try figures(report("?as_of=2024-06-30")) == figures(midYear))
        #expect(try figures(report(""))["voso"]?.first == "150")
    }

    @Test func accessAndParameters() throws {
        #expect(try api.client.request("GET", "/api/v1/reports/ecommerce").status == 401)
        let pos = try api.server.token("pos", pointOfSale: 1)
        #expect(try api.client.request("GET", "/api/v1/reports/ecommerce", headers: [bearer(pos)]).status == 403)
        #expect(try api.client.request("GET", "/api/v1/reports/ecommerce", headers: [bearer(TestServer.adminToken)]).status == 200)
        #expect(try TradeAPI.errorFields(api.get("/api/v1/reports/ecommerce?as_of=2024-02-30&limit=0")) == ["as_of", "limit"])
        #expect(try TradeAPI.errorFields(api.get("/api/v1/reports/ecommerce?as_of=9999-12-31")) == ["as_of"])
        #expect(try TradeAPI.errorFields(api.get("/api/v1/reports/ecommerce?table=unlisted")) == ["table"])
        #expect(try TradeAPI.errorFields(api.get("/api/v1/reports/ecommerce.csv")) == ["table"])
        #expect(try TradeAPI.errorFields(api.get("/api/v1/reports/ecommerce.csv?table=unlisted&limit=5")) == ["limit"])
        #expect(try TradeAPI.errorFields(api.get("/api/v1/reports/ecommerce?platform=voso")) == ["platform"])
    }
}
