import Foundation
import JSON
import OCOP
import Testing

/// `/api/v1/platforms` end to end: the seeded three, access, codes, patches and the delete guard.
@Suite struct PlatformAPITests {
    let api: TradeAPI
    init() throws { api = try TradeAPI() }

    @Test func seededAndReadableByAnyone() throws {
        let response = try api.client.request("GET", "/api/v1/platforms")
        #expect(response.status == 200)
        let items = try #require(try response.json["items"]?.arrayValue)
        #expect(items.compactMap { $0["code"]?.stringValue } == ["province_ocop", "voso", "postmart"])
        #expect(items.first?["name"]?.stringValue == "Sàn TMĐT OCOP Quảng Ninh")
        #expect(items.first?["kind"]?.stringValue == "provincial")
        #expect(try api.ids("/api/v1/platforms?kind=national").count == 2)
        let csv = try api.client.request("GET", "/api/v1/platforms.csv")
        #expect(csv.text.contains("voso,Voso.vn,https://voso.vn,national"))
    }

    /// A URL stored before the rule grew stricter (RFC 3986 only) stays through later edits; a
    /// new or changed URL meets today's rule.
    @Test func aURLStoredUnderTheOldRuleStaysEditable() throws {
        let created = try api.post("/api/v1/platforms", #"{"code":"sendo","name":"Sendo","url":"https://sendo.vn","kind":"marketplace"}"#)
        let id = try #require(try created.json["id"]?.int64Value)
        try api.server.app.services.database.write { db in
            try db.run("UPDATE platforms SET url = 'https://sendo.vn/shop|ocop' WHERE id = ?", [.integer(id)])
        }
        let kept = try api.patch("/api/v1/platforms/\(id)", #"{"kind":"social"}"#)
        #expect(kept.status == 200, "\(kept.text)")
        #expect(try kept.json["url"]?.stringValue == "https://sendo.vn/shop|ocop")
        #expect(try TradeAPI.errorFields(api.patch("/api/v1/platforms/\(id)", #"{"url":"https://sendo.vn/shop|qn"}"#)) == ["url"])
        #expect(try api.post("/api/v1/platforms", #"{"code":"sendo2","name":"Sendo","url":"https://sendo.vn/shop|ocop","kind":"marketplace"}"#).status == 422)
        #expect(try api.patch("/api/v1/platforms/\(id)", #"{"url":"https://sendo.vn/shop%7Cocop"}"#).status == 200)
    }

    @Test func createPatchAndConflicts() throws {
        let body = #"{"code":"shopee","name":"Shopee","url":"https://shopee.vn","kind":"marketplace"}"#
        #expect(try api.client.request("POST", "/api/v1/platforms", body: body).status == 401)
        let created = try api.post("/api/v1/platforms", body)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(try created.json["id"]?.int64Value)
        #expect(created.header("Location") == "/api/v1/platforms/\(id)")
        #expect(try api.post("/api/v1/platforms", body).status == 409)
        let bad = try api.post("/api/v1/platforms", #"{"code":"Tiki Shop","name":"","url":"tiki.vn","kind":"shop"}"#)
        #expect(Set(try TradeAPI.errorFields(bad)) == ["kind", "code", "name", "url"])   // type and rule errors in one answer
        let rules = try api.post("/api/v1/platforms", #"{"code":"Tiki Shop","name":" ","url":"tiki.vn","kind":"marketplace"}"#)
        #expect(Set(try TradeAPI.errorFields(rules)) == ["code", "name", "url"])
        let patched = try api.patch("/api/v1/platforms/\(id)", #"{"kind":"social","url":null}"#, ifMatch: "W/\"1\"")
        #expect(patched.status == 200, "\(patched.text)")
        #expect(try patched.json["url"]?.isNull == true)
        #expect(try patched.json["kind"]?.stringValue == "social")
        #expect(try api.patch("/api/v1/platforms/\(id)", #"{"code":"voso"}"#).status == 409)
        // Admins write too.
        let admin = try api.client.request("POST", "/api/v1/platforms", headers: [bearer(TestServer.adminToken)],
                                           body: #"{"code":"tiktok_shop","name":"TikTok Shop","kind":"social"}"#)
        #expect(admin.status == 201)
    }

    @Test func aPlatformWithListingsStays() throws {
        let producer = try api.producer("HTX Miến dong")
        let product = try api.product("QN-1", producer: producer)
        _ = try api.create("/api/v1/listings", #"{"product_id":\#(product),"platform_id":2,"listed_on":"2024-01-05"}"#)
        #expect(try api.request("DELETE", "/api/v1/platforms/2").status == 409)
        #expect(try api.request("DELETE", "/api/v1/platforms/3").status == 204)
        #expect(try api.get("/api/v1/platforms/3").status == 404)
    }
}
