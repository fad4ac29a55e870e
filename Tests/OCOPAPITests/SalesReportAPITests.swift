import Foundation
import JSON
import Testing

/// `GET /api/v1/reports/sales` end to end: sales recorded by terminals, read back as the office
/// and as a terminal, in JSON and CSV. The server's day is 2025-03-08 (Asia/Ho_Chi_Minh).
@Suite struct SalesReportAPITests {
    typealias P = PointOfSaleAPI
    let api: PointOfSaleAPI
    let a: Int64, b: Int64
    let products: [Int64]
    let terminalA: (String, String)
    var client: TestClient { api.client }

    /// Minutes from 09:00 on 2025-03-08 for a time on `day` of March 2025 at `hour`:`minute` +07.
    static func minutes(day: Int, _ hour: Int, _ minute: Int = 0) -> Int { (day - 8) * 1440 + (hour - 9) * 60 + minute }

    init() throws {
        api = try PointOfSaleAPI()
        a = try api.pointOfSale("QN-DB-HL-01", name: "Trung tâm OCOP Hạ Long", kind: "ocop_center")
        b = try api.pointOfSale("QN-DB-CP-02", name: "Cửa hàng OCOP Cẩm Phả")
        products = try api.products(2)
        terminalA = try api.terminal(a)
        let stock = Self.minutes(day: 1, 8)
        for (n, point) in [a, b].enumerated() {
            let response = try api.postChanges(point, [P.count(900 + 2 * n, products[0], 50, at: stock),
                                                       P.count(901 + 2 * n, products[1], 50, at: stock)])
            #expect(response.status == 200, "\(response.text)")
        }
        try sell(1, a, [(products[0], 2, 85_000), (products[1], 1, 120_000)], at: Self.minutes(day: 7, 23, 59), "cash")
        try sell(2, a, [(products[0], 1, 85_000)], at: Self.minutes(day: 8, 0, 30), "card")
        try sell(3, b, [(products[1], 4, 50_000)], at: Self.minutes(day: 5, 9), "bank_transfer")
    }

    func sell(_ n: Int, _ point: Int64, _ lines: [(Int64, Int, Int64)], at minutes: Int, _ payment: String) throws {
        let response = try client.request("POST", "/api/v1/points-of-sale/\(point)/sales", headers: [api.admin],
                                          body: SaleAPITests.sale(n, lines, at: minutes, payment: payment))
        #expect(response.status == 201, "\(response.text)")
    }

    func get(_ query: String, as caller: (String, String)? = nil, headers: [(String, String)] = []) throws -> WireResponse {
        try client.request("GET", "/api/v1/reports/sales" + query, headers: [caller ?? api.admin] + headers)
    }

    @Test func totalsAndGroupsPerPointOfSale() throws {
        let response = try get("?from=2025-03-01&to=2025-03-08")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        let json = try response.json
        #expect(json["from"]?.stringValue == "2025-03-01" && json["to"]?.stringValue == "2025-03-08")
        #expect(json["group_by"]?.stringValue == "point_of_sale")
        #expect(json["point_of_sale_id"]?.isNull == true)
        let total = try #require(json["total"])
        #expect(total["revenue_vnd"]?.int64Value == 575_000)
        #expect(total["units"]?.int64Value == 8)
        #expect(total["sales"]?.int64Value == 3)
        #expect(total["non_cash_vnd"]?.int64Value == 285_000)
        #expect(total["non_cash_share_percent"]?.stringValue == "49.6")   // 285,000 / 575,000 = 49.57 %
        let groups = try #require(json["groups"]?.arrayValue)
        #expect(groups.map { $0["point_of_sale_code"]?.stringValue } == ["QN-DB-HL-01", "QN-DB-CP-02"])
        #expect(groups.map { $0["revenue_vnd"]?.int64Value } == [375_000, 200_000])
        #expect(groups.map { $0["non_cash_share_percent"]?.stringValue } == ["22.7", "100.0"])
        #expect(groups.first?["point_of_sale_name"]?.stringValue == "Trung tâm OCOP Hạ Long")
    }

    @Test func groupedByDayProductAndPayment() throws {
        let days = try #require(try get("?from=2025-03-06&to=2025-03-08&group_by=day").json["groups"]?.arrayValue)
        // 23:59 on the 7th and 00:30 on the 8th fall on their own days in Quảng Ninh.
        #expect(days.map { $0["day"]?.stringValue } == ["2025-03-06", "2025-03-07", "2025-03-08"])
        #expect(days.map { $0["revenue_vnd"]?.int64Value } == [0, 290_000, 85_000])
        #expect(days.first?["non_cash_share_percent"]?.isNull == true)

        let byProduct = try #require(try get("?from=2025-03-01&to=2025-03-08&group_by=product").json["groups"]?.arrayValue)
        #expect(byProduct.map { $0["product_id"]?.int64Value } == [products[1], products[0]])
        #expect(byProduct.map { $0["product_code"]?.stringValue } == ["SP-2", "SP-1"])
        #expect(byProduct.map { $0["revenue_vnd"]?.int64Value } == [320_000, 255_000])
        #expect(byProduct.map { $0["units"]?.int64Value } == [5, 3])

        let byPayment = try #require(try get("?from=2025-03-01&to=2025-03-08&group_by=payment").json["groups"]?.arrayValue)
        #expect(byPayment.map { $0["payment"]?.stringValue } == ["cash", "card", "bank_transfer", "e_wallet"])
        #expect(byPayment.map { $0["sales"]?.int64Value } == [1, 1, 1, 0])
    }

    @Test func defaultsToTheLast30DaysUpToTodayInVietnam() throws {
        let json = try get("").json
        #expect(json["from"]?.stringValue == "2025-02-07" && json["to"]?.stringValue == "2025-03-08")
        #expect(json["total"]?["revenue_vnd"]?.int64Value == 575_000)
    }

    @Test func csvHoldsTheGroups() throws {
        let response = try get("?from=2025-03-07&to=2025-03-08&group_by=day", headers: [("Accept", "text/csv")])
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(response.header("Content-Disposition") == "attachment; filename=\"sales-report-day-2025-03-07-2025-03-08.csv\"")
        #expect(response.text == "\u{FEFF}day,revenue_vnd,units,sales,non_cash_vnd,non_cash_share_percent\r\n"
            + "2025-03-07,290000,3,1,0,0.0\r\n2025-03-08,85000,1,1,85000,100.0\r\n")
        let suffixed = try client.request("GET", "/api/v1/reports/sales.csv?from=2025-03-01&to=2025-03-08",
                                          headers: [api.admin])
        let lines = suffixed.text.split(separator: "\r\n")
        #expect(lines.first == "\u{FEFF}point_of_sale_id,point_of_sale_code,point_of_sale_name,revenue_vnd,units,sales,non_cash_vnd,non_cash_share_percent")
        #expect(lines.dropFirst().first == "\(a),QN-DB-HL-01,Trung tâm OCOP Hạ Long,375000,4,2,85000,22.7")
    }

    @Test func aTerminalSeesItsOwnPointOfSaleOnly() throws {
        let own = try get("?from=2025-03-01&to=2025-03-08", as: terminalA)
        #expect(own.status == 200)
        let json = try own.json
        #expect(json["point_of_sale_id"]?.int64Value == a)
        #expect(json["total"]?["revenue_vnd"]?.int64Value == 375_000)
        #expect(json["groups"]?.arrayValue?.map { $0["point_of_sale_id"]?.int64Value } == [a])
        #expect(try get("?point_of_sale_id=\(a)&group_by=payment", as: terminalA).status == 200)
        let other = try get("?point_of_sale_id=\(b)", as: terminalA)
        #expect(other.status == 403, "\(other.text)")
        #expect(try client.request("GET", "/api/v1/reports/sales").status == 401)
        let officer = bearer(try api.server.token("officer"))
        #expect(try get("?point_of_sale_id=\(b)", as: officer).json["total"]?["revenue_vnd"]?.int64Value == 200_000)
    }

    @Test func badParametersAre422() throws {
        for (query, field) in [("?group_by=month", "group_by"), ("?from=2025-3-1", "from"), ("?to=yesterday", "to"),
                               ("?from=2025-03-09&to=2025-03-08", "from"), ("?from=2024-01-01&to=2025-03-08", "from"),
                               ("?point_of_sale_id=0", "point_of_sale_id"), ("?point_of_sale_id=99", "point_of_sale_id"),
                               ("?limit=5", "limit"),
                               // A day from which the report would derive one in year 0000.
                               ("?to=0001-01-01", "to")] {
            let response = try get(query)
            #expect(response.status == 422, "\(query): \(response.text)")
            #expect(try P.errorFields(response) == [field], "\(query)")
        }
    }

    @Test func theOpenAPIDocumentTypesPathParametersFromTheirNames() throws {
        let document = try client.request("GET", "/openapi.json").json
        let paths = try #require(document["paths"])
        func schema(_ path: String, _ method: String, _ name: String) -> JSONValue? {
            paths[path]?[method]?["parameters"]?.arrayValue?.first { $0["name"]?.stringValue == name }?["schema"]
        }
        let sale = schema("/api/v1/points-of-sale/{id}/sales/{sale}", "get", "sale")?["oneOf"]?.arrayValue
        #expect(sale?.first?["type"]?.stringValue == "integer")
        #expect(sale?.last?["type"]?.stringValue == "string" && sale?.last?["format"]?.stringValue == "uuid")
        #expect(schema("/api/v1/points-of-sale/{id}/sales/{sale}", "get", "id")?["type"]?.stringValue == "integer")
        #expect(schema("/api/v1/points-of-sale/{id}/inventory/{product_id}", "put", "product_id")?["type"]?.stringValue == "integer")
        #expect(schema("/api/v1/evaluation-rounds/{id}/results/{rid}", "get", "rid")?["type"]?.stringValue == "integer")
        #expect(paths["/api/v1/reports/sales"]?["get"]?["responses"]?["200"]?["content"]?["text/csv"] != nil)
        #expect(document["components"]?["schemas"]?["SalesReport"] != nil)
    }
}
