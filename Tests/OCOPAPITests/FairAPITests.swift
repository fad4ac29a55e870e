import Foundation
import JSON
import OCOP
import Testing

/// `/api/v1/fairs` end to end: access, validation, the status derived from the calendar (and what
/// a conditional GET may answer across it), visitor counts, filters, CSV and the delete guard.
@Suite struct FairAPITests {
    let api: TradeAPI
    init() throws { api = try TradeAPI() }

    let body = #"""
        {"name":"Hội chợ OCOP Quảng Ninh 2024","kind":"provincial_fair","starts_on":"2024-04-26","ends_on":"2024-05-02",
         "venue":"Cung Quy hoạch, Hội chợ và Triển lãm tỉnh","district":"Hạ Long","organizer":"Sở Công Thương"}
        """#

    @Test func createReadAndAccess() throws {
        let created = try api.post("/api/v1/fairs", body)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(try created.json["id"]?.int64Value)
        #expect(created.header("Location") == "/api/v1/fairs/\(id)")
        #expect(created.header("ETag") == "W/\"1\"")
        let json = try created.json
        #expect(json["province"]?.stringValue == "Quảng Ninh")   // the home province by default
        #expect(json["in_province"]?.boolValue == true)
        #expect(json["visitors"]?.int64Value == 0)
        #expect(json["status"]?.stringValue == "planned")
        // Anyone reads the calendar; only officers and admins write.
        let anonymous = try api.client.request("GET", "/api/v1/fairs/\(id)")
        #expect(anonymous.status == 200)
        #expect(try anonymous.json["name"]?.stringValue == "Hội chợ OCOP Quảng Ninh 2024")
        #expect(try api.client.request("POST", "/api/v1/fairs", body: body).status == 401)
        let pos = try api.server.token("pos", pointOfSale: 1)
        #expect(try api.client.request("POST", "/api/v1/fairs", headers: [bearer(pos)], body: body).status == 403)
        #expect(try api.get("/api/v1/fairs/999").status == 404)
    }

    @Test func invalidBodiesAre422WithEveryField() throws {
        let reversed = try api.post("/api/v1/fairs", #"""
            {"name":"Hội chợ","kind":"fair","starts_on":"2024-05-02","ends_on":"2024-04-31","visitors":-3,"colour":"đỏ"}
            """#)
        #expect(reversed.status == 422)
        #expect(try TradeAPI.errorFields(reversed) == ["kind", "ends_on", "visitors", "colour"])
        let order = try api.post("/api/v1/fairs", #"{"name":"Hội chợ","kind":"local_fair","starts_on":"2024-05-02","ends_on":"2024-04-30"}"#)
        #expect(try TradeAPI.errorFields(order) == ["ends_on"])
        let readOnly = try api.post("/api/v1/fairs", #"{"name":"Hội chợ","kind":"local_fair","starts_on":"2024-05-02","ends_on":"2024-05-02","status":"ended"}"#)
        #expect(try TradeAPI.errorFields(readOnly) == ["status"])
        let missing = try api.post("/api/v1/fairs", "{}")
        #expect(try TradeAPI.errorFields(missing) == ["name", "kind", "starts_on", "ends_on"])
    }

    /// A fair's days are of the years a `from`/`to` filter takes (1900–2999): one dated
    /// 0001-01-01 was stored and could then be found by no filter.
    @Test func daysOutsideTheFiltersYearsAre422AndStoreNothing() throws {
        for (from, to, outside) in [("0001-01-01", "0001-01-02", ["starts_on", "ends_on"]), ("1899-12-31", "1900-01-01", ["starts_on"]),
                                    ("2999-12-31", "3000-01-01", ["ends_on"])] {
            let refused = try api.post("/api/v1/fairs", #"{"name":"Hội chợ","kind":"local_fair","starts_on":"\#(from)","ends_on":"\#(to)"}"#)
            #expect(refused.status == 422, "\(from)…\(to)")
            #expect(try TradeAPI.errorFields(refused) == outside, "\(from)…\(to)")
            #expect(try refused.json["errors"]?.arrayValue?.first?["message"]?.stringValue?.contains("1900 to 2999") == true)
        }
        #expect(try api.get("/api/v1/fairs").json["items"]?.arrayValue?.isEmpty == true)
        let edges = try api.post("/api/v1/fairs", #"{"name":"Hội chợ","kind":"local_fair","starts_on":"1900-01-01","ends_on":"1900-01-02"}"#)
        #expect(edges.status == 201, "\(edges.text)")
        #expect(try api.get("/api/v1/fairs?from=1900-01-01&to=1900-01-05").json["items"]?.arrayValue?.count == 1)
    }

    @Test func statusFollowsTheCalendarAndConditionalGetsNoticeIt() throws {
        let id = try api.create("/api/v1/fairs", body)
        let path = "/api/v1/fairs/\(id)"
        #expect(try api.get(path, headers: [("If-None-Match", "W/\"1\"")]).status == 304)
        api.today("2024-04-26")
        // The copy W/"1" validated said "planned": never a 304 for it again, from the first
        // instant of the day, and the fair gets a version that says "running", audited.
        let running = try api.get(path, headers: [("If-None-Match", "W/\"1\"")])
        #expect(running.status == 200)
        #expect(try running.json["status"]?.stringValue == "running")
        let swept = try api.client.awaitETag("W/\"2\"", at: path, headers: [api.officer])
        #expect(swept.header("ETag") == "W/\"2\"")
        #expect(try swept.json["version"]?.int64Value == 2)
        #expect(try api.get(path, headers: [("If-None-Match", "W/\"2\"")]).status == 304)
        // A write based on the copy that said "planned" is stale.
        #expect(try api.patch(path, #"{"visitors":7000}"#, ifMatch: "W/\"1\"").status == 412)
        // Visitors are updated while it runs (merge patch, If-Match guards against lost updates).
        let counted = try api.patch(path, #"{"visitors":8000}"#, ifMatch: "W/\"2\"")
        #expect(counted.status == 200, "\(counted.text)")
        #expect(try counted.json["visitors"]?.int64Value == 8000)
        #expect(try api.patch(path, #"{"visitors":9000}"#, ifMatch: "W/\"2\"").status == 412)
        #expect(try api.get(path, headers: [("If-None-Match", "W/\"3\"")]).status == 304)
        api.today("2024-05-03")
        let ended = try api.get(path, headers: [("If-None-Match", "W/\"3\"")])
        #expect(ended.status == 200)
        #expect(try ended.json["status"]?.stringValue == "ended")
        #expect(try api.client.awaitETag("W/\"4\"", at: path, headers: [api.officer]).header("ETag") == "W/\"4\"")
        // The organiser's final count arrives later; officers may still correct it (audited).
        let final = try api.patch(path, #"{"visitors":12000}"#)
        #expect(try final.json["visitors"]?.int64Value == 12000)
        let audit = try api.client.request("GET", "/api/v1/audit?entity=fair&entity_id=\(id)", headers: [bearer(TestServer.adminToken)])
        let entries = try #require(try audit.json["items"]?.arrayValue)
        #expect(entries.compactMap { $0["changes"]?["visitors"]?["to"]?.int64Value } == [12000, 8000])
        let statuses = entries.filter { $0["action"]?.stringValue == "status_changed" }
        #expect(statuses.compactMap { $0["changes"]?["status"]?["to"]?.stringValue } == ["ended", "running"])
        #expect(statuses.allSatisfy { $0["token_id"]?.isNull == true })
        // PUT replaces: echoing the GET back (read-only fields unchanged) is accepted.
        let current = try api.get(path)
        let replaced = try api.request("PUT", path, current.text, headers: [("If-Match", "W/\"5\"")])
        #expect(replaced.status == 200, "\(replaced.text)")
        #expect(try replaced.json["version"]?.int64Value == 5)   // nothing changed
    }

    @Test func listFiltersAndCSV() throws {
        api.today("2024-07-01")
        let provincial = try api.fair("Hội chợ OCOP Quảng Ninh", from: "2024-04-26", to: "2024-05-02", visitors: 12000)
        let week = try api.fair("Tuần hàng OCOP Vân Đồn", kind: "product_week", from: "2024-06-28", to: "2024-07-03")
        let hanoi = try api.fair("Hội chợ Xúc tiến thương mại", kind: "domestic_programme", from: "2024-07-10", to: "2024-07-14",
                                 province: "Hà Nội")
        #expect(try api.ids("/api/v1/fairs") == [hanoi, week, provincial])   // newest first
        #expect(try api.ids("/api/v1/fairs?sort=starts_on") == [provincial, week, hanoi])
        #expect(try api.ids("/api/v1/fairs?status=running") == [week])
        #expect(try api.ids("/api/v1/fairs?status=ended") == [provincial])
        #expect(try api.ids("/api/v1/fairs?status=planned") == [hanoi])
        #expect(try api.ids("/api/v1/fairs?kind=domestic_programme") == [hanoi])
        #expect(try api.ids("/api/v1/fairs?from=2024-01-01&to=2024-06-30&sort=starts_on") == [provincial, week])
        #expect(try api.ids("/api/v1/fairs?province=H%C3%A0%20N%E1%BB%99i") == [hanoi])
        #expect(try api.ids("/api/v1/fairs?q=tuan+hang+van+don") == [week])
        #expect(try api.ids("/api/v1/fairs?limit=2&sort=starts_on").count == 2)
        let page = try api.get("/api/v1/fairs?limit=2&sort=starts_on")
        let link = try #require(page.header("Link"))
        #expect(link.contains("rel=\"next\""))
        // Following the cursor continues each order where the page ended; a cursor of one order is refused by another.
        let ascending = try #require(try page.json["next_cursor"]?.stringValue)
        #expect(try api.ids("/api/v1/fairs?limit=2&sort=starts_on&cursor=\(ascending)") == [hanoi])
        let newest = try #require(try api.get("/api/v1/fairs?limit=2").json["next_cursor"]?.stringValue)
        #expect(try api.ids("/api/v1/fairs?limit=2&cursor=\(newest)") == [provincial])
        #expect(try api.get("/api/v1/fairs?limit=2&sort=id&cursor=\(newest)").status == 422)
        let bad = try api.get("/api/v1/fairs?status=soon&from=2024-13-01&colour=red")
        #expect(bad.status == 422)
        #expect(Set(try TradeAPI.errorFields(bad)) == ["colour"])   // unknown parameters are reported first
        let badValues = try api.get("/api/v1/fairs?status=soon&from=2024-13-01")
        #expect(try TradeAPI.errorFields(badValues) == ["status", "from"])
        let csv = try api.get("/api/v1/fairs.csv?sort=starts_on")
        #expect(csv.status == 200)
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        let lines = csv.text.split(separator: "\r\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasSuffix("id,name,kind,starts_on,ends_on,venue,commune,district,province,in_province,organizer,visitors,status,created_at,updated_at,version"))
        #expect(lines[1].contains("Hội chợ OCOP Quảng Ninh,provincial_fair,2024-04-26,2024-05-02"))
        #expect(lines[1].contains(",12000,ended,"))
    }

    @Test func aFairWithBoothsStays() throws {
        let fair = try api.fair("Hội chợ", from: "2024-04-26", to: "2024-05-02")
        let booth = try api.booth(fair: fair, exhibitor: "HTX Chè Tân Cương", province: "Thái Nguyên")
        #expect(try api.request("DELETE", "/api/v1/fairs/\(fair)").status == 409)
        #expect(try api.request("DELETE", "/api/v1/fairs/\(fair)/booths/\(booth)").status == 204)
        #expect(try api.request("DELETE", "/api/v1/fairs/\(fair)", headers: [("If-Match", "W/\"7\"")]).status == 412)
        #expect(try api.request("DELETE", "/api/v1/fairs/\(fair)", headers: [("If-Match", "W/\"7\", W/\"8\"")]).status == 412)
        // Any one of several tags may match (RFC 9110 §13.1.1).
        #expect(try api.request("DELETE", "/api/v1/fairs/\(fair)", headers: [("If-Match", "W/\"7\", W/\"1\"")]).status == 204)
        #expect(try api.get("/api/v1/fairs/\(fair)").status == 404)
    }
}
