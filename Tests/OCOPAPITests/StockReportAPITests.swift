import Foundation
import JSON
import Testing

/// `GET /api/v1/reports/stock` and `/api/v1/products/{id}/low-stock-threshold` end to end.
///
/// Levels: A: SP-1 = 0, SP-2 = 4, SP-3 = 9; B: SP-1 = 2, SP-2 = 20, SP-3 never stocked.
@Suite struct StockReportAPITests {
    typealias P = PointOfSaleAPI
    let api: PointOfSaleAPI
    let a: Int64, b: Int64
    let products: [Int64]
    let terminalB: (String, String)
    var client: TestClient { api.client }

    init() throws {
        api = try PointOfSaleAPI()
        a = try api.pointOfSale("QN-DB-HL-01", name: "Trung tâm OCOP Hạ Long", kind: "ocop_center")
        b = try api.pointOfSale("QN-DB-CP-02", name: "Cửa hàng OCOP Cẩm Phả")
        products = try api.products(3)
        terminalB = try api.terminal(b)
        #expect(try api.postChanges(a, [P.count(1, products[0], 0, at: 0), P.count(2, products[1], 4, at: 0),
                                        P.count(3, products[2], 9, at: 0)]).status == 200)
        #expect(try api.postChanges(b, [P.count(4, products[0], 2, at: 0), P.count(5, products[1], 20, at: 0)]).status == 200)
    }

    func report(_ query: String = "", as caller: (String, String)? = nil, headers: [(String, String)] = []) throws -> WireResponse {
        try client.request("GET", "/api/v1/reports/stock" + query, headers: [caller ?? api.admin] + headers)
    }

    func lines(_ response: WireResponse) throws -> [String] {
        try #require(try response.json["items"]?.arrayValue).map { item in
            let point = item["point_of_sale_code"]?.stringValue ?? "?"
            let product = item["product_code"]?.stringValue ?? "?"
            let level = item["level"]?.int64Value ?? -1, threshold = item["low_stock_threshold"]?.int64Value ?? -1
            return "\(point) \(product) \(level)/\(threshold) \(item["status"]?.stringValue ?? "?")"
        }
    }

    func threshold(_ product: Int64) -> String { "/api/v1/products/\(product)/low-stock-threshold" }

    @Test func outAndLowPerPointOfSale() throws {
        let response = try report()
        #expect(response.status == 200, "\(response.text)")
        #expect(try lines(response) == ["QN-DB-HL-01 SP-1 0/5 out", "QN-DB-HL-01 SP-2 4/5 low", "QN-DB-CP-02 SP-1 2/5 low"])
        let first = try #require(try response.json["items"]?.arrayValue?.first)
        #expect(first["point_of_sale_id"]?.int64Value == a && first["product_id"]?.int64Value == products[0])
        #expect(first["point_of_sale_name"]?.stringValue == "Trung tâm OCOP Hạ Long")
        #expect(first["updated_at"]?.stringValue == "2025-03-08T13:00:00Z")
        #expect(try lines(report("?status=out")) == ["QN-DB-HL-01 SP-1 0/5 out"])
        #expect(try lines(report("?status=low&point_of_sale_id=\(b)")) == ["QN-DB-CP-02 SP-1 2/5 low"])
    }

    @Test func pagesCarryALinkAndCSVHasTheSameRows() throws {
        let first = try report("?limit=2")
        let link = try #require(first.header("Link"))
        #expect(link.hasPrefix("</api/v1/reports/stock?limit=2&cursor=") && link.hasSuffix(">; rel=\"next\""))
        let cursor = try #require(try first.json["next_cursor"]?.stringValue)
        #expect(try lines(report("?limit=2&cursor=\(cursor)")) == ["QN-DB-CP-02 SP-1 2/5 low"])
        #expect(try report("?cursor=nonsense").status == 422)

        let csv = try report("", headers: [("Accept", "text/csv")])
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        let rows = csv.text.split(separator: "\r\n")
        #expect(rows.first == "\u{FEFF}point_of_sale_id,point_of_sale_code,point_of_sale_name,product_id,product_code,product_name,level,low_stock_threshold,status,updated_at")
        #expect(rows.count == 4)
        #expect(rows.last == "\(b),QN-DB-CP-02,Cửa hàng OCOP Cẩm Phả,\(products[0]),SP-1,Miến dong 1,2,5,low,2025-03-08T13:00:00Z")
    }

    @Test func anOfficerSetsAProductsThresholdWithIfMatch() throws {
        let initial = try client.request("GET", threshold(products[2]), headers: [terminalB])
        #expect(initial.status == 200)
        #expect(initial.header("ETag") == "W/\"0\"")
        let json = try initial.json
        #expect(json["low_stock_threshold"]?.int64Value == 5 && json["is_default"]?.boolValue == true)
        #expect(json["default_low_stock_threshold"]?.int64Value == 5 && json["created_at"]?.isNull == true)
        #expect(try client.request("GET", threshold(products[2]), headers: [terminalB, ("If-None-Match", "W/\"0\"")]).status == 304)

        let set = try client.request("PUT", threshold(products[2]), headers: [api.admin, ("If-Match", "W/\"0\"")],
                                     body: #"{"low_stock_threshold":10}"#)
        #expect(set.status == 200, "\(set.text)")
        #expect(set.header("ETag") == "W/\"1\"")
        #expect(try set.json["low_stock_threshold"]?.int64Value == 10 && set.json["is_default"]?.boolValue == false)
        // SP-3 at 9 is now low at A.
        #expect(try lines(report("?point_of_sale_id=\(a)")).last == "QN-DB-HL-01 SP-3 9/10 low")

        let stale = try client.request("PUT", threshold(products[2]), headers: [api.admin, ("If-Match", "W/\"0\"")],
                                       body: #"{"low_stock_threshold":3}"#)
        #expect(stale.status == 412)
        let reset = try client.request("PUT", threshold(products[2]), headers: [api.admin, ("If-Match", "W/\"1\"")],
                                       body: #"{"low_stock_threshold":null}"#)
        #expect(reset.status == 200)
        #expect(try reset.json["is_default"]?.boolValue == true && reset.json["version"]?.int64Value == 2)

        // GET, edit, PUT: what GET showed may come back, the read-only fields unchanged.
        let shown = try client.request("GET", threshold(products[2]), headers: [api.admin]).text
        let edited = shown.replacingOccurrences(of: #""low_stock_threshold":5"#, with: #""low_stock_threshold":4"#)
        #expect(edited != shown)
        let put = try client.request("PUT", threshold(products[2]), headers: [api.admin], body: edited)
        #expect(put.status == 200, "\(put.text)")
        #expect(try put.json["low_stock_threshold"]?.int64Value == 4)
        // The same copy again: it says "is_default": true, no longer what the server holds.
        let refused = try client.request("PUT", threshold(products[2]), headers: [api.admin], body: edited)
        #expect(refused.status == 422)
        #expect(refused.text.contains("is_default"))
        #expect(try lines(report("?point_of_sale_id=\(a)")).count == 2)

        let audit = try client.request("GET", "/api/v1/audit?entity=product&entity_id=\(products[2])", headers: [api.admin]).json
        let actions = audit["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
        #expect(actions.contains("set_low_stock_threshold") && actions.contains("reset_low_stock_threshold"))
    }

    @Test func thresholdWritesAreForOfficersAndValidated() throws {
        let path = threshold(products[0])
        #expect(try client.request("PUT", path, headers: [terminalB], body: #"{"low_stock_threshold":1}"#).status == 403)
        #expect(try client.request("PUT", path, body: #"{"low_stock_threshold":1}"#).status == 401)
        #expect(try client.request("GET", path).status == 401)
        for (body, field) in [(#"{}"#, "low_stock_threshold"), (#"{"low_stock_threshold":-1}"#, "low_stock_threshold"),
                              (#"{"low_stock_threshold":"7"}"#, "low_stock_threshold"),
                              (#"{"low_stock_threshold":7,"point_of_sale_id":1}"#, "point_of_sale_id")] {
            let response = try client.request("PUT", path, headers: [api.admin], body: body)
            #expect(response.status == 422, "\(body)")
            #expect(try P.errorFields(response) == [field], "\(body)")
        }
        #expect(try client.request("PUT", threshold(999), headers: [api.admin], body: #"{"low_stock_threshold":1}"#).status == 404)
        #expect(try client.request("GET", threshold(999), headers: [api.admin]).status == 404)
    }

    @Test func aTerminalSeesItsOwnShelvesOnly() throws {
        let own = try report(as: terminalB)
        #expect(own.status == 200)
        #expect(try lines(own) == ["QN-DB-CP-02 SP-1 2/5 low"])
        #expect(try report("?point_of_sale_id=\(b)&status=out", as: terminalB).status == 200)
        #expect(try report("?point_of_sale_id=\(a)", as: terminalB).status == 403)
        #expect(try client.request("GET", "/api/v1/reports/stock").status == 401)
    }

    @Test func badParametersAre422() throws {
        for (query, field) in [("?status=empty", "status"), ("?point_of_sale_id=x", "point_of_sale_id"),
                               ("?point_of_sale_id=99", "point_of_sale_id"), ("?limit=501", "limit"), ("?from=2025-03-01", "from")] {
            let response = try report(query)
            #expect(response.status == 422, "\(query): \(response.text)")
            #expect(try P.errorFields(response) == [field], "\(query)")
        }
    }

    @Test func aProductWithStockCannotBeDeleted() throws {
        let response = try client.request("DELETE", "/api/v1/products/\(products[0])", headers: [api.admin])
        #expect(response.status == 409)
        #expect(try response.json["detail"]?.stringValue?.contains("stock level(s) at points of sale") == true)
    }
}
