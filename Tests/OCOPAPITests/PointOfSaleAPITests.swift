import Foundation
import JSON
import Testing

/// `/api/v1/points-of-sale` end to end: real socket, real SQLite file.
@Suite struct PointOfSaleAPITests {
    let api: PointOfSaleAPI
    var client: TestClient { api.client }
    var admin: (String, String) { api.admin }

    init() throws { api = try PointOfSaleAPI() }

    static let full = #"{"code":"QN-DB-HL-01","name":"Trung tâm Giới thiệu sản phẩm OCOP Quảng Ninh","kind":"ocop_center","commune":"Hồng Hải","district":"Hạ Long","address":"Số 1 đường Trần Quốc Nghiễn","opened_on":"2019-04-20","manager":"Nguyễn Thị Hoa","phone":"0203 3838 123","has_ocop_sign":true,"has_shelves":true,"has_price_list":true,"channels":[{"kind":"facebook","url":"https://facebook.com/ocopquangninh"},{"kind":"zalo","url":"https://zalo.me/ocopqn"}]}"#

    @Test func createReadBackAndCache() throws {
        let created = try client.request("POST", "/api/v1/points-of-sale", headers: [admin], body: Self.full)
        #expect(created.status == 201, "\(created.text)")
        let json = try created.json
        let id = try #require(json["id"]?.int64Value)
        #expect(created.header("Location") == "/api/v1/points-of-sale/\(id)")
        #expect(created.header("ETag") == "W/\"1\"")
        #expect(json["name"]?.stringValue == "Trung tâm Giới thiệu sản phẩm OCOP Quảng Ninh")
        #expect(json["kind"]?.stringValue == "ocop_center")
        #expect(json["opened_on"]?.stringValue == "2019-04-20")
        #expect(json["compliant"]?.boolValue == true)
        #expect(json["channels"]?.arrayValue?.count == 2)
        #expect(json["channels"]?.arrayValue?.first?["kind"]?.stringValue == "facebook")
        #expect(json["created_at"]?.stringValue == "2025-03-08T13:00:00Z")
        // Anyone reads the registry: it tells shoppers where to buy.
        let fetched = try client.request("GET", "/api/v1/points-of-sale/\(id)")
        #expect(fetched.status == 200)
        #expect(try fetched.json == json)
        #expect(try client.request("GET", "/api/v1/points-of-sale/\(id)", headers: [("If-None-Match", "W/\"1\"")]).status == 304)
        #expect(try client.request("GET", "/api/v1/points-of-sale/999").status == 404)
        // Absent checklist items are false, so a new point is not compliant until inspected.
        let minimal = try client.request("POST", "/api/v1/points-of-sale", headers: [admin],
                                         body: #"{"code":"QN-KIOSK-1","name":"Ki-ốt Bãi Cháy","kind":"kiosk"}"#)
        #expect(try minimal.json["compliant"]?.boolValue == false)
        #expect(try minimal.json["has_ocop_sign"]?.boolValue == false)
        #expect(try minimal.json["channels"]?.arrayValue?.isEmpty == true)
    }

    @Test func onlyOfficersWriteTheRegistry() throws {
        let body = #"{"code":"QN-01","name":"Cửa hàng","kind":"store"}"#
        #expect(try client.request("POST", "/api/v1/points-of-sale", body: body).status == 401)
        let id = try api.pointOfSale("QN-00")
        let terminal = try api.terminal(id)
        #expect(try client.request("POST", "/api/v1/points-of-sale", headers: [terminal], body: body).status == 403)
        // Not even its own point of sale: a terminal writes only inventory and sales.
        let patch = try client.request("PATCH", "/api/v1/points-of-sale/\(id)", headers: [terminal], body: #"{"has_shelves":true}"#)
        #expect(patch.status == 403)
        #expect(try client.request("DELETE", "/api/v1/points-of-sale/\(id)", headers: [terminal]).status == 403)
        let officer = bearer(try api.server.token("officer"))
        #expect(try client.request("POST", "/api/v1/points-of-sale", headers: [officer], body: body).status == 201)
    }

    @Test func invalidBodiesChangeNothing() throws {
        func fields(_ body: String) throws -> Set<String> {
            let response = try client.request("POST", "/api/v1/points-of-sale", headers: [admin], body: body)
            #expect(response.status == 422, "\(body) → \(response.status)")
            return try PointOfSaleAPI.errorFields(response)
        }
        #expect(try fields(#"{"name":"A","kind":"shop","colour":"red"}"#) == ["code", "kind", "colour"])
        #expect(try fields(#"{"code":"QN 1","name":"A","kind":"store","phone":"call me"}"#) == ["code", "phone"])
        #expect(try fields(#"{"code":"QN-1","name":"A","kind":"store","has_shelves":"yes","opened_on":"2024-02-30"}"#)
                == ["has_shelves", "opened_on"])
        #expect(try fields(#"{"code":"QN-1","name":"A","kind":"store","compliant":true}"#) == ["compliant"])
        // Channel rules (a web address) wait until every channel is well-typed, so one slip is
        // reported once and no index is shifted; other fields' rules do not wait.
        #expect(try fields(#"{"code":"QN-1","name":"A","kind":"store","channels":[{"kind":"myspace","url":"https://x.vn"},{"kind":"zalo","url":"zalo.me/1"},{"kind":"zalo"}]}"#)
                == ["channels[0].kind", "channels[2].url"])
        #expect(Set(try fields(#"{"code":"","name":"","kind":"x"}"#)) == ["kind", "code", "name"])
        #expect(try fields(#"{"code":"QN-1","name":"A","kind":"store","channels":[{"kind":"zalo","url":"https://zalo.me/1"},{"kind":"zalo","url":"zalo.me/1"}]}"#)
                == ["channels[1].url"])
        #expect(try fields(#"{"code":"QN-1","name":"A","kind":"store","channels":{"facebook":"https://facebook.com/x"}}"#) == ["channels"])
        #expect(try client.request("GET", "/api/v1/points-of-sale").json["items"]?.arrayValue?.isEmpty == true)
        _ = try api.pointOfSale("QN-1")
        let duplicate = try client.request("POST", "/api/v1/points-of-sale", headers: [admin],
                                           body: #"{"code":"QN-1","name":"B","kind":"store"}"#)
        #expect(duplicate.status == 409)
    }

    @Test func patchAndPutWithIfMatch() throws {
        let created = try client.request("POST", "/api/v1/points-of-sale", headers: [admin], body: Self.full)
        let id = try #require(try created.json["id"]?.int64Value)
        let path = "/api/v1/points-of-sale/\(id)"
        let stale = try client.request("PATCH", path, headers: [admin, ("If-Match", "W/\"9\"")], body: #"{"has_price_list":false}"#)
        #expect(stale.status == 412)
        let patched = try client.request("PATCH", path, headers: [admin, ("If-Match", "W/\"1\"")],
                                         body: #"{"has_price_list":false,"channels":[{"kind":"tiktok","url":"https://tiktok.com/@ocopqn"}],"manager":null}"#)
        #expect(patched.status == 200, "\(patched.text)")
        let json = try patched.json
        #expect(json["compliant"]?.boolValue == false)
        #expect(json["version"]?.int64Value == 2)
        #expect(json["manager"]?.isNull == true)
        #expect(json["channels"]?.arrayValue?.map { $0["kind"]?.stringValue } == ["tiktok"])
        #expect(json["opened_on"]?.stringValue == "2019-04-20")   // untouched fields stay
        // PUT takes back what GET gave, read-only fields included, as long as they are unchanged.
        guard case .object(var object) = json else { Issue.record("not an object"); return }
        object["has_price_list"] = .bool(true)
        let put = try client.request("PUT", path, headers: [admin], body: JSONValue.object(object).serializedString())
        #expect(put.status == 200, "\(put.text)")
        #expect(try put.json["compliant"]?.boolValue == true)
        object["version"] = .number(JSONNumber(7))
        #expect(try client.request("PUT", path, headers: [admin], body: JSONValue.object(object).serializedString()).status == 422)

        // A patch that names `compliant` asks for it: one that would undo it while asking to keep
        // it is refused and changes nothing; echoing it with a change that keeps it is fine.
        let contradicted = try client.request("PATCH", path, headers: [admin], body: #"{"has_price_list":false,"compliant":true}"#)
        #expect(contradicted.status == 422)
        #expect(try contradicted.json["errors"]?.arrayValue?.first?["field"]?.stringValue == "compliant")
        let unchanged = try client.request("GET", path, headers: [admin]).json
        #expect(unchanged["has_price_list"]?.boolValue == true)
        #expect(unchanged["version"]?.int64Value == 3)
        #expect(try client.request("PATCH", path, headers: [admin], body: #"{"manager":"Chị Lan","compliant":true}"#).status == 200)
    }

    @Test func filtersAndCSV() throws {
        let a = try api.pointOfSale("QN-01", name: "Trung tâm OCOP Hạ Long", kind: "ocop_center",
                                    extra: #","district":"Hạ Long","has_ocop_sign":true,"has_shelves":true,"has_price_list":true"#)
        let b = try api.pointOfSale("QN-02", name: "Cửa hàng đặc sản Vân Đồn", extra: #","district":"Vân Đồn","commune":"Cái Rồng","has_shelves":true"#)
        let c = try api.pointOfSale("QN-03", name: "Gian hàng trực tuyến", kind: "online",
                                    extra: #","channels":[{"kind":"website","url":"https://ocop.quangninh.gov.vn"}]"#)
        func ids(_ query: String) throws -> [Int64] {
            let response = try client.request("GET", "/api/v1/points-of-sale?\(query)")
            #expect(response.status == 200, "\(query): \(response.text)")
            return try response.json["items"]?.arrayValue?.compactMap { $0["id"]?.int64Value } ?? []
        }
        #expect(try ids("compliant=false") == [b, c])
        #expect(try ids("compliant=true") == [a])
        #expect(try ids("kind=online") == [c])
        #expect(try ids("district=V%C3%A2n%20%C4%90%E1%BB%93n") == [b])
        #expect(try ids("commune=C%C3%A1i+R%E1%BB%93ng") == [b])
        #expect(try ids("q=van+don") == [b])
        #expect(try ids("sort=-code&limit=2") == [c, b])
        for bad in ["compliant=maybe", "kind=shop", "colour=red", "limit=0"] {
            #expect(try client.request("GET", "/api/v1/points-of-sale?\(bad)").status == 422, "\(bad)")
        }
        let csv = try client.request("GET", "/api/v1/points-of-sale.csv?compliant=false")
        #expect(csv.status == 200)
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(Array(csv.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = csv.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("id,code,name,kind,"))
        #expect(lines[0].contains("compliant"))
        #expect(lines[2].contains("website https://ocop.quangninh.gov.vn"))
    }

    @Test func deleteRemovesOneWithoutHistoryAndNeverOneWithLiveTokens() throws {
        let bare = try api.pointOfSale("QN-BARE")
        #expect(try client.request("DELETE", "/api/v1/points-of-sale/\(bare)", headers: [admin]).status == 204)
        #expect(try client.request("GET", "/api/v1/points-of-sale/\(bare)").status == 404)

        let busy = try api.pointOfSale("QN-BUSY")
        _ = try api.terminal(busy)
        let withToken = try client.request("DELETE", "/api/v1/points-of-sale/\(busy)", headers: [admin])
        #expect(withToken.status == 409)
        #expect(try withToken.json["detail"]?.stringValue?.contains("token") == true)
        #expect(try client.request("GET", "/api/v1/points-of-sale/\(busy)").status == 200)
    }

    /// API.md: DELETE "archives where history must stay". A shop that closes leaves the API, while
    /// its sales stay in the reports of the days it sold.
    @Test func deleteArchivesOneWithHistory() throws {
        let closing = try api.pointOfSale("QN-CLOSING")
        let product = try api.products(1)[0]
        #expect(try api.postChanges(closing, [PointOfSaleAPI.count(1, product, 5, at: 0)]).status == 200)
        let sale = #"{"sale_id":"\#(PointOfSaleAPI.id(2))","sold_at":"\#(PointOfSaleAPI.at(60))","payment":"cash","#
            + #""lines":[{"product_id":\#(product),"quantity":2,"unit_price_vnd":50000}]}"#
        #expect(try client.request("POST", "/api/v1/points-of-sale/\(closing)/sales", headers: [admin], body: sale).status == 201)
        let stale = try client.request("DELETE", "/api/v1/points-of-sale/\(closing)", headers: [admin, ("If-Match", "W/\"9\"")])
        #expect(stale.status == 412)

        let archived = try client.request("DELETE", "/api/v1/points-of-sale/\(closing)", headers: [admin, ("If-Match", "W/\"1\"")])
        #expect(archived.status == 204, "\(archived.text)")
        // Out of the API: the item, the lists, its inventory, new sales and terminals.
        #expect(try client.request("GET", "/api/v1/points-of-sale/\(closing)").status == 404)
        #expect(try !client.request("GET", "/api/v1/points-of-sale?limit=500").text.contains("QN-CLOSING"))
        #expect(try client.request("GET", "/api/v1/points-of-sale?q=closing").json["items"]?.arrayValue?.isEmpty == true)
        #expect(try client.request("GET", "/api/v1/points-of-sale/\(closing)/inventory", headers: [admin]).status == 404)
        #expect(try api.postChanges(closing, [PointOfSaleAPI.count(3, product, 9, at: 1)]).status == 404)
        #expect(try client.request("POST", "/api/v1/tokens", headers: [admin],
                                   body: #"{"name":"Quầy","role":"pos","point_of_sale_id":\#(closing)}"#).status == 422)
        #expect(try client.request("DELETE", "/api/v1/points-of-sale/\(closing)", headers: [admin]).status == 404)
        #expect(try !client.request("GET", "/api/v1/reports/stock?limit=500", headers: [admin]).text.contains("QN-CLOSING"))
        // Its sale stays where it happened, by id and in the grouped report.
        let report = "/api/v1/reports/sales?from=2025-03-08&to=2025-03-08"
        let one = try client.request("GET", report + "&point_of_sale_id=\(closing)", headers: [admin])
        #expect(one.status == 200, "\(one.text)")
        #expect(try one.json["total"]?["revenue_vnd"]?.int64Value == 100_000)
        let grouped = try client.request("GET", report + "&group_by=point_of_sale", headers: [admin])
        #expect(try grouped.json["groups"]?.arrayValue?.contains { $0["point_of_sale_code"]?.stringValue == "QN-CLOSING" } == true,
                "\(grouped.text)")
        // Not on a later day it did not trade.
        let later = try client.request("GET", "/api/v1/reports/sales?from=2025-03-09&to=2025-03-09&group_by=point_of_sale",
                                       headers: [admin])
        #expect(try !later.text.contains("QN-CLOSING"))
        // The audit says what happened; its code stays taken, as the reports name it.
        let audit = try client.request("GET", "/api/v1/audit?entity=point_of_sale&entity_id=\(closing)", headers: [admin])
        #expect(try audit.json["items"]?.arrayValue?.first?["action"]?.stringValue == "archive")
        #expect(try client.request("POST", "/api/v1/points-of-sale", headers: [admin],
                                   body: #"{"code":"QN-CLOSING","name":"Mới","kind":"store"}"#).status == 409)
        // The product itself is protected: its stock history references it.
        #expect(try client.request("DELETE", "/api/v1/products/\(product)", headers: [admin]).status == 409)
    }
}
