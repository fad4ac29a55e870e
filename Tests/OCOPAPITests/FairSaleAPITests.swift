import Foundation
import JSON
import OCOP
import Testing

/// `/api/v1/fairs/{id}/booths/{bid}/sales` end to end: officers and the booth's own token, days within the fair,
/// one entry per booth and day corrected in place, lines for shown products, idempotent retries.
@Suite struct FairSaleAPITests {
    let api: TradeAPI
    let fair: Int64
    let booth: Int64
    let products: [Int64]

    init() throws {
        api = try TradeAPI()
        fair = try api.fair("Hội chợ OCOP Quảng Ninh", from: "2024-04-26", to: "2024-05-02")
        let producer = try api.producer("Hợp tác xã Miến dong Bình Liêu")
        products = [try api.product("QN-1", producer: producer), try api.product("QN-2", producer: producer),
                    try api.product("QN-3", producer: producer)]
        booth = try api.booth(fair: fair, producer: producer, products: Array(products.prefix(2)))
        api.today("2024-04-27")
    }

    var sales: String { "/api/v1/fairs/\(fair)/booths/\(booth)/sales" }

    @Test func recordReadCorrectDelete() throws {
        let created = try api.post(sales, #"""
            {"day":"2024-04-26","revenue_vnd":25000000000,
             "units":[{"product_id":\#(products[0]),"units":1200,"revenue_vnd":18000000000},{"product_id":\#(products[1]),"units":40}]}
            """#)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(try created.json["id"]?.int64Value)
        #expect(created.header("Location") == "\(sales)/\(id)")
        let json = try created.json
        #expect(json["revenue_vnd"]?.int64Value == 25_000_000_000)   // tens of billions: exact integers
        #expect(json["booth_id"]?.int64Value == booth)
        #expect(json["fair_id"]?.int64Value == fair)
        let lines = try #require(json["units"]?.arrayValue)
        #expect(lines.map { $0["units"]?.int64Value } == [1200, 40])
        #expect(lines[1]["revenue_vnd"]?.isNull == true)
        // One entry per booth and day: a second is a conflict, the first is corrected in place.
        let again = try api.post(sales, #"{"day":"2024-04-26","revenue_vnd":1}"#)
        #expect(again.status == 409)
        let fixed = try api.patch("\(sales)/\(id)", #"{"revenue_vnd":25500000000}"#, ifMatch: "W/\"1\"")
        #expect(fixed.status == 200, "\(fixed.text)")
        #expect(try fixed.json["units"]?.arrayValue?.count == 2)   // merge patch keeps the lines
        #expect(try api.patch("\(sales)/\(id)", #"{"revenue_vnd":26000000000}"#, ifMatch: "W/\"1\"").status == 412)
        let replaced = try api.request("PUT", "\(sales)/\(id)", #"{"day":"2024-04-26","revenue_vnd":7000000}"#)
        #expect(try replaced.json["units"]?.arrayValue?.isEmpty == true)
        #expect(try api.get("\(sales)/\(id)", headers: [("If-None-Match", "W/\"3\"")]).status == 304)
        #expect(try api.request("DELETE", "\(sales)/\(id)").status == 204)
        #expect(try api.get("\(sales)/\(id)").status == 404)
    }

    @Test func rulesAre422s() throws {
        let outside = try api.post(sales, #"{"day":"2024-05-03","revenue_vnd":1000}"#)
        #expect(outside.status == 422)
        #expect(try TradeAPI.errorFields(outside) == ["day"])
        #expect(try TradeAPI.errorFields(api.post(sales, #"{"day":"2024-04-25","revenue_vnd":1000}"#)) == ["day"])
        #expect(try TradeAPI.errorFields(api.post(sales, #"{"day":"2024-04-26"}"#)) == ["revenue_vnd"])
        #expect(try TradeAPI.errorFields(api.post(sales, #"{"day":"2024-04-26","revenue_vnd":-5}"#)) == ["revenue_vnd"])
        #expect(try TradeAPI.errorFields(api.post(sales, #"{"day":"2024-04-26","revenue_vnd":12.5}"#)) == ["revenue_vnd"])
        let notShown = try api.post(sales, #"{"day":"2024-04-26","revenue_vnd":1000,"units":[{"product_id":\#(products[2]),"units":1}]}"#)
        #expect(try TradeAPI.errorFields(notShown) == ["units[0].product_id"])
        let tooMuch = try api.post(sales, #"""
            {"day":"2024-04-26","revenue_vnd":1000,"units":[{"product_id":\#(products[0]),"units":1,"revenue_vnd":1001}]}
            """#)
        #expect(try TradeAPI.errorFields(tooMuch) == ["units"])
        let badLines = try api.post(sales, #"{"day":"2024-04-26","revenue_vnd":1000,"units":[{"units":1},{"product_id":1,"units":1,"price":2},3]}"#)
        #expect(try TradeAPI.errorFields(badLines) == ["units[0].product_id", "units[1].price", "units[2]"])
        #expect(try api.post("/api/v1/fairs/\(fair)/booths/999/sales", #"{"day":"2024-04-26","revenue_vnd":1}"#).status == 404)
    }

    @Test func officersOnlyReadsIncluded() throws {
        try api.sale(fair: fair, booth: booth, on: "2024-04-26", 1000)
        #expect(try api.client.request("GET", sales).status == 401)
        let pos = try api.server.token("pos", pointOfSale: 1)
        #expect(try api.client.request("GET", sales, headers: [bearer(pos)]).status == 403)
        #expect(try api.client.request("POST", sales, headers: [bearer(pos)], body: #"{"day":"2024-04-27","revenue_vnd":1}"#).status == 403)
        #expect(try api.client.request("GET", sales, headers: [bearer(TestServer.adminToken)]).status == 200)
    }

    @Test func aBoothRecordsItsOwnTakingsAndNothingElse() throws {
        let token = try api.server.token("booth", fairBooth: booth)
        let own = [bearer(token)]
        let created = try api.client.request("POST", sales, headers: own, body: #"{"day":"2024-04-26","revenue_vnd":3500000}"#)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(try created.json["id"]?.int64Value)
        #expect(try api.client.request("PATCH", "\(sales)/\(id)", headers: own + [("If-Match", "W/\"1\"")],
                                       body: #"{"revenue_vnd":3600000}"#).status == 200)
        let listed = try api.client.request("GET", sales, headers: own)
        #expect(try listed.json["items"]?.arrayValue?.compactMap { $0["revenue_vnd"]?.int64Value } == [3_600_000])
        // The office sees what the booth recorded, under the booth token's name in the audit trail.
        #expect(try api.ids(sales) == [id])
        let tokens = try api.client.request("GET", "/api/v1/tokens", headers: [bearer(TestServer.adminToken)])
        let tokenID = try #require(try tokens.json["items"]?.arrayValue?
            .first { $0["fair_booth_id"]?.int64Value == booth }?["id"]?.int64Value)
        let audit = try api.get("/api/v1/audit?entity=fair_sale&entity_id=\(id)").json["items"]?.arrayValue ?? []
        #expect(audit.compactMap { $0["token_id"]?.int64Value } == [tokenID, tokenID])

        // Another booth of the same fair: refused before any lookup, reads included.
        let producer = try api.producer("Hợp tác xã Chè Đường Hoa")
        let neighbour = try api.booth(fair: fair, producer: producer)
        let theirs = "/api/v1/fairs/\(fair)/booths/\(neighbour)/sales"
        try api.sale(fair: fair, booth: neighbour, on: "2024-04-26", 9_000)
        #expect(try api.client.request("GET", theirs, headers: own).status == 403)
        #expect(try api.client.request("POST", theirs, headers: own, body: #"{"day":"2024-04-27","revenue_vnd":1}"#).status == 403)
        #expect(try api.client.request("GET", "/api/v1/fairs/\(fair)/booths/999/sales", headers: own).status == 403)
        #expect(try api.ids(theirs).count == 1)
        // Nothing beyond its takings: no domain writes, no reports, no tokens.
        #expect(try api.client.request("POST", "/api/v1/producers", headers: own, body: #"{"name":"X","kind":"household"}"#).status == 403)
        #expect(try api.client.request("GET", "/api/v1/reports/fairs", headers: own).status == 403)
        #expect(try api.client.request("GET", "/api/v1/tokens", headers: own).status == 403)
        #expect(try api.client.request("DELETE", "/api/v1/fairs/\(fair)/booths/\(booth)", headers: own).status == 403)
        // Public reads stay public.
        #expect(try api.client.request("GET", "/api/v1/fairs/\(fair)", headers: own).status == 200)
    }

    @Test func aBoothTokenMustNameABooth() throws {
        let admin = [bearer(TestServer.adminToken)]
        func fields(_ body: String) throws -> [String] {
            try TradeAPI.errorFields(api.client.request("POST", "/api/v1/tokens", headers: admin, body: body))
        }
        #expect(try fields(#"{"name":"Gian hàng","role":"booth"}"#) == ["fair_booth_id"])
        #expect(try fields(#"{"name":"Gian hàng","role":"booth","fair_booth_id":\#(booth + 1000)}"#) == ["fair_booth_id"])
        #expect(try fields(#"{"name":"Cán bộ","role":"officer","fair_booth_id":\#(booth)}"#) == ["fair_booth_id"])
        #expect(try fields(#"{"name":"Gian hàng","role":"booth","fair_booth_id":"\#(booth)"}"#) == ["fair_booth_id"])
        let created = try api.client.request("POST", "/api/v1/tokens", headers: admin,
                                             body: #"{"name":"Gian hàng Miến dong","role":"booth","fair_booth_id":\#(booth)}"#)
        #expect(created.status == 201)
        #expect(try created.json["fair_booth_id"]?.int64Value == booth)
        #expect(try created.json["point_of_sale_id"]?.isNull == true)
    }

    /// A booth whose token is still active is not deleted, as for a point of sale: the token
    /// would be left bound to nothing. Revoked, the booth goes.
    @Test func aBoothWithAnActiveTokenIsDeletedOnlyOnceItIsRevoked() throws {
        let admin = [bearer(TestServer.adminToken)]
        let created = try api.client.request("POST", "/api/v1/tokens", headers: admin,
                                             body: #"{"name":"Gian hàng Miến dong","role":"booth","fair_booth_id":\#(booth)}"#)
        #expect(created.status == 201)
        let tokenID = try #require(try created.json["id"]?.int64Value)
        let secret = try #require(try created.json["token"]?.stringValue)
        let path = "/api/v1/fairs/\(fair)/booths/\(booth)"
        let refused = try api.request("DELETE", path)
        #expect(refused.status == 409)
        #expect(refused.header("Content-Type") == "application/problem+json")
        #expect(try refused.json["detail"]?.stringValue?.contains("revoke") == true)
        #expect(try api.get(path).status == 200)
        // Still bound, still working.
        #expect(try api.client.request("GET", sales, headers: [bearer(secret)]).status == 200)
        #expect(try api.client.request("DELETE", "/api/v1/tokens/\(tokenID)", headers: admin).status == 204)
        #expect(try api.request("DELETE", path).status == 204)
        #expect(try api.get(path).status == 404)
    }

    @Test func listInDayOrderRangeAndCSV() throws {
        api.today("2024-05-02")
        for (day, revenue) in [("2024-04-29", 3_000), ("2024-04-26", 1_000), ("2024-05-02", 4_000), ("2024-04-27", 2_000)] {
            try api.sale(fair: fair, booth: booth, on: day, Int64(revenue))
        }
        let page = try api.get("\(sales)?limit=3")
        let items = try #require(try page.json["items"]?.arrayValue)
        #expect(items.compactMap { $0["day"]?.stringValue } == ["2024-04-26", "2024-04-27", "2024-04-29"])
        let cursor = try #require(try page.json["next_cursor"]?.stringValue)
        let rest = try api.get("\(sales)?limit=3&cursor=\(cursor)")
        #expect(try rest.json["items"]?.arrayValue?.compactMap { $0["revenue_vnd"]?.int64Value } == [4_000])
        let range = try api.get("\(sales)?from=2024-04-27&to=2024-04-29")
        #expect(try range.json["items"]?.arrayValue?.count == 2)
        // Swapped ends are a mistake to name, not an empty page that reads as "no takings".
        #expect(try TradeAPI.errorFields(api.get("\(sales)?from=2024-04-29&to=2024-04-27")) == ["from"])
        let csv = try api.get(sales, headers: [("Accept", "text/csv")])
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(csv.text.split(separator: "\r\n").count == 5)
    }

    /// Takings are counted, not forecast: a day of the fair that has not come yet (in Vietnam)
    /// is refused, and the same entry is taken once that day has come.
    @Test func aDayThatHasNotComeIsRefused() throws {
        let body = #"{"day":"2024-04-28","revenue_vnd":5000000}"#
        let early = try api.post(sales, body)
        #expect(early.status == 422, "\(early.text)")
        #expect(try TradeAPI.errorFields(early) == ["day"])
        #expect(try api.ids(sales).isEmpty)
        api.today("2024-04-28")
        #expect(try api.post(sales, body).status == 201)
    }

    @Test func aRetriedPostIsRecordedOnce() throws {
        api.today("2024-04-28")
        let body = #"{"day":"2024-04-28","revenue_vnd":5000000}"#
        let first = try api.post(sales, body, headers: [("Idempotency-Key", "booth-day-2024-04-28")])
        let retry = try api.post(sales, body, headers: [("Idempotency-Key", "booth-day-2024-04-28")])
        #expect(first.status == 201 && retry.status == 201)
        #expect(retry.header("Idempotent-Replayed") == "true")
        #expect(try retry.json["id"]?.int64Value == first.json["id"]?.int64Value)
        #expect(try api.ids(sales).count == 1)
    }
}
