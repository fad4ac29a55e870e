import Foundation
import JSON
import Testing

/// Sales end to end: recorded exactly once per device sale_id, moving stock in the same transaction.
@Suite struct SaleAPITests {
    typealias P = PointOfSaleAPI
    let api: PointOfSaleAPI
    let point: Int64
    let products: [Int64]
    let terminal: (String, String)
    var client: TestClient { api.client }
    var path: String { "/api/v1/points-of-sale/\(point)/sales" }

    init() throws {
        api = try PointOfSaleAPI()
        point = try api.pointOfSale("QN-DB-HL-01")
        products = try api.products(2)
        terminal = try api.terminal(point)
        #expect(try api.postChanges(point, [P.count(900, products[0], 10, at: 0), P.count(901, products[1], 3, at: 0)]).status == 200)
    }

    static func sale(_ n: Int, _ lines: [(Int64, Int, Int64)], at minutes: Int = 60, payment: String = "cash") -> String {
        let items = lines.map { #"{"product_id":\#($0.0),"quantity":\#($0.1),"unit_price_vnd":\#($0.2)}"# }.joined(separator: ",")
        return #"{"sale_id":"\#(P.id(n))","sold_at":"\#(P.at(minutes))","payment":"\#(payment)","lines":[\#(items)]}"#
    }

    @Test func aSaleIsRecordedOnceAndMovesStock() throws {
        let body = Self.sale(1, [(products[0], 2, 85_000), (products[1], 1, 120_000)], payment: "bank_transfer")
        let created = try client.request("POST", path, headers: [terminal], body: body)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.header("ETag") == "W/\"1\"")
        let json = try created.json
        // Like every item's, the Location ends in the id the server gave (API.md: ids are integers).
        let saleID = try #require(json["id"]?.int64Value)
        #expect(created.header("Location") == "\(path)/\(saleID)")
        #expect(json["total_vnd"]?.int64Value == 290_000)
        #expect(json["units"]?.int64Value == 3)
        #expect(json["sold_at"]?.stringValue == "2025-03-08T03:00:00Z")
        #expect(json["sold_on"]?.stringValue == "2025-03-08")
        #expect(json["lines"]?.arrayValue?.map { $0["amount_vnd"]?.int64Value } == [170_000, 120_000])
        #expect(try api.level(point, products[0]) == 8)
        #expect(try api.level(point, products[1]) == 2)

        // The terminal did not hear back and sends it again: same answer, stock moved once.
        let retry = try client.request("POST", path, headers: [terminal], body: body)
        #expect(retry.status == 200)
        #expect(retry.header("Idempotent-Replayed") == "true")
        #expect(try retry.json == json)
        #expect(try api.level(point, products[0]) == 8)
        // The same sale_id with other content is refused.
        let changed = try client.request("POST", path, headers: [terminal], body: Self.sale(1, [(products[0], 3, 85_000)]))
        #expect(changed.status == 409)
        #expect(try api.level(point, products[0]) == 8)

        let fetched = try client.request("GET", "\(path)/\(P.id(1))", headers: [terminal])
        #expect(fetched.status == 200)
        #expect(try fetched.json == json)
        #expect(try client.request("GET", "\(path)/\(P.id(1).uppercased())", headers: [terminal]).status == 200)
        #expect(try client.request("GET", "\(path)/\(P.id(2))", headers: [terminal]).status == 404)
        #expect(try client.request("GET", "\(path)/not-a-uuid", headers: [terminal]).status == 404)
        // By the server's id too: what the Location names and a dashboard holds.
        let byID = try client.request("GET", "\(path)/\(saleID)", headers: [terminal])
        #expect(byID.status == 200)
        #expect(try byID.json == json)
        for wrong in ["\(saleID + 1)", "0", "-\(saleID)", "+\(saleID)", "0\(saleID)", "\(saleID)x", "99999999999999999999"] {
            #expect(try client.request("GET", "\(path)/\(wrong)", headers: [terminal]).status == 404, "\(wrong)")
        }
        // The sale's stock changes reach the feed like any other.
        let feed = try client.request("GET", "/api/v1/points-of-sale/\(point)/inventory/feed", headers: [terminal]).json
        let last = try #require(feed["items"]?.arrayValue?.last)
        #expect(last["product_id"]?.int64Value == products[1])
        #expect(last["level"]?.int64Value == 2)
    }

    @Test func aSaleBelowZeroRecordsNothing() throws {
        let response = try client.request("POST", path, headers: [terminal],
                                          body: Self.sale(1, [(products[0], 1, 85_000), (products[1], 4, 120_000)]))
        #expect(response.status == 409)
        #expect(try response.json["type"]?.stringValue == "https://ocop.example/problems/stock-below-zero")
        #expect(try P.errorFields(response) == ["lines[1].product_id"])
        #expect(try api.level(point, products[0]) == 10)
        #expect(try client.request("GET", path, headers: [terminal]).json["items"]?.arrayValue?.isEmpty == true)
        // Once stock is received the same sale goes through.
        #expect(try api.postChanges(point, [P.adjust(902, products[1], 5, "received", at: 30)], as: terminal).status == 200)
        let again = try client.request("POST", path, headers: [terminal],
                                       body: Self.sale(1, [(products[0], 1, 85_000), (products[1], 4, 120_000)]))
        #expect(again.status == 201)
        #expect(try api.level(point, products[1]) == 4)
    }

    @Test func invalidSalesAre422() throws {
        let p = products[0]
        func fields(_ body: String) throws -> Set<String> {
            let response = try client.request("POST", path, headers: [terminal], body: body)
            #expect(response.status == 422, "\(body) → \(response.status) \(response.text)")
            return try P.errorFields(response)
        }
        #expect(try fields(#"{"sale_id":"x","sold_at":"yesterday","payment":"cheque","lines":[],"note":"hi"}"#)
                == ["sale_id", "sold_at", "payment", "note"])
        #expect(try fields(#"{"sale_id":"\#(P.id(1))","sold_at":"\#(P.at(0))","payment":"cash","lines":[]}"#) == ["lines"])
        #expect(try fields(#"{"sale_id":"\#(P.id(1))","sold_at":"\#(P.at(0))","payment":"cash","lines":[{"product_id":\#(p),"quantity":0,"unit_price_vnd":-5},{"product_id":\#(p)},7]}"#)
                == ["lines[0].quantity", "lines[0].unit_price_vnd", "lines[1].quantity", "lines[1].unit_price_vnd", "lines[2]"])
        #expect(try fields(Self.sale(1, [(999, 1, 1)])) == ["lines[0].product_id"])
        // Σ quantity × unit_price_vnd beyond a 64-bit integer.
        let huge = Array(repeating: (p, 1_000_000, Int64(1_000_000_000_000)), count: 10)
        #expect(try fields(Self.sale(1, huge)) == ["lines"])
        // Within 64 bits but over one sale's ceiling (10^12 đồng), so reports' sums always fit.
        #expect(try fields(Self.sale(1, [(p, 9_000_000, Int64(1_000_000_000_000))])) == ["lines"])
        #expect(try fields(Self.sale(1, [(p, 1, 1)], at: 36 * 60)) == ["sold_at"])
        #expect(try client.request("GET", path, headers: [terminal]).json["items"]?.arrayValue?.isEmpty == true)
    }

    @Test func listByDayPaymentAndCSV() throws {
        // 23:30 on the 8th and 00:30 on the 9th in Quảng Ninh: different days there, the same day in UTC.
        let late = #"{"sale_id":"\#(P.id(1))","sold_at":"2025-03-08T23:30:00+07:00","payment":"cash","lines":[{"product_id":\#(products[0]),"quantity":1,"unit_price_vnd":85000}]}"#
        let next = #"{"sale_id":"\#(P.id(2))","sold_at":"2025-03-08T17:30:00Z","payment":"e_wallet","lines":[{"product_id":\#(products[0]),"quantity":1,"unit_price_vnd":85000}]}"#
        for body in [Self.sale(3, [(products[1], 1, 120_000)], at: 60, payment: "card"), late, next] {
            #expect(try client.request("POST", path, headers: [terminal], body: body).status == 201)
        }
        func ids(_ query: String) throws -> [String] {
            let response = try client.request("GET", "\(path)?\(query)", headers: [terminal])
            #expect(response.status == 200, "\(query): \(response.text)")
            return try response.json["items"]?.arrayValue?.compactMap { $0["sale_id"]?.stringValue } ?? []
        }
        #expect(try ids("") == [P.id(2), P.id(1), P.id(3)])
        #expect(try ids("from=2025-03-09") == [P.id(2)])
        #expect(try ids("to=2025-03-08") == [P.id(1), P.id(3)])
        #expect(try ids("from=2025-03-08&to=2025-03-08&payment=card") == [P.id(3)])
        #expect(try ids("limit=2").count == 2)
        for bad in ["from=08/03/2025", "from=2025-03-09&to=2025-03-08", "payment=cheque", "sort=total"] {
            #expect(try client.request("GET", "\(path)?\(bad)", headers: [terminal]).status == 422, "\(bad)")
        }
        let page = try client.request("GET", "\(path)?limit=2", headers: [terminal])
        let link = try #require(page.header("Link"))
        let rest = try client.request("GET", String(link.dropFirst().prefix { $0 != ">" }), headers: [terminal])
        #expect(try rest.json["items"]?.arrayValue?.compactMap { $0["sale_id"]?.stringValue } == [P.id(3)])
        let csv = try client.request("GET", "\(path).csv", headers: [api.admin])
        #expect(csv.status == 200)
        let lines = csv.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "id,sale_id,point_of_sale_id,sold_at,sold_on,payment,units,total_vnd,lines,created_at")
        #expect(lines.count == 4)
        #expect(lines[1].contains(",e_wallet,1,85000,\(products[0])×1@85000,"))
    }

    @Test func salesBelongToTheirPointOfSale() throws {
        let created = try client.request("POST", path, headers: [terminal], body: Self.sale(1, [(products[0], 1, 1)]))
        #expect(created.status == 201)
        let saleID = try #require(try created.json["id"]?.int64Value)
        let other = try api.pointOfSale("QN-DB-CP-01")
        let otherTerminal = try api.terminal(other)
        // Another terminal may neither read nor write here; anonymous callers nothing.
        #expect(try client.request("GET", path, headers: [otherTerminal]).status == 403)
        #expect(try client.request("GET", "\(path)/\(P.id(1))", headers: [otherTerminal]).status == 403)
        #expect(try client.request("POST", path, headers: [otherTerminal], body: Self.sale(2, [(products[0], 1, 1)])).status == 403)
        #expect(try client.request("POST", path, body: Self.sale(2, [(products[0], 1, 1)])).status == 401)
        // Through the other point's own path the sale is not found, and its id cannot be reused there.
        let elsewhere = "/api/v1/points-of-sale/\(other)/sales"
        #expect(try client.request("GET", "\(elsewhere)/\(P.id(1))", headers: [api.admin]).status == 404)
        #expect(try client.request("GET", "\(elsewhere)/\(saleID)", headers: [api.admin]).status == 404, "by its id neither")
        #expect(try client.request("GET", "\(path)/\(saleID)", headers: [otherTerminal]).status == 403)
        #expect(try client.request("POST", elsewhere, headers: [otherTerminal], body: Self.sale(1, [(products[0], 1, 1)])).status == 409)
    }
}
