import Foundation
import JSON
import OCOP
import Testing

/// `/api/v1/listings` end to end: one per product and platform, fixed product and platform,
/// history that follows the clock, filters, CSV and delete.
@Suite struct ListingAPITests {
    let api: TradeAPI
    let products: [Int64]

    init() throws {
        api = try TradeAPI(now: "2024-01-10T09:00:00+07:00")
        let producer = try api.producer("Hợp tác xã Miến dong Bình Liêu")
        products = [try api.product("QN-1", producer: producer), try api.product("QN-2", producer: producer)]
    }

    @Test func createDefaultsAndOnePerProductAndPlatform() throws {
        let created = try api.post("/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":2,"url":"https://voso.vn/p/1","price_vnd":85000}"#)
        #expect(created.status == 201, "\(created.text)")
        let json = try created.json
        #expect(json["status"]?.stringValue == "active")
        #expect(json["accepts_non_cash"]?.boolValue == false)
        #expect(json["listed_on"]?.stringValue == "2024-01-10")   // today by default
        #expect(json["history"]?.arrayValue?.count == 1)
        #expect(try api.client.request("GET", "/api/v1/listings/\(json["id"]?.int64Value ?? 0)").status == 200)   // public
        let second = try api.post("/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":2}"#)
        #expect(second.status == 409)
        #expect(try api.post("/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":3}"#).status == 201)
    }

    @Test func rulesAre422s() throws {
        let bad = try api.post("/api/v1/listings", #"{"platform_id":2,"status":"live","accepts_non_cash":"yes","listed_on":"2024-02-30"}"#)
        #expect(try TradeAPI.errorFields(bad) == ["product_id", "status", "accepts_non_cash", "listed_on"])
        let future = try api.post("/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":2,"listed_on":"2024-01-11"}"#)
        #expect(try TradeAPI.errorFields(future) == ["listed_on"])
        let missing = try api.post("/api/v1/listings", #"{"product_id":999,"platform_id":99}"#)
        #expect(try TradeAPI.errorFields(missing) == ["product_id", "platform_id"])
        let readOnly = try api.post("/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":2,"history":[]}"#)
        #expect(try TradeAPI.errorFields(readOnly) == ["history"])
    }

    @Test func changesAreDatedByTheDayTheyAreMade() throws {
        let id = try api.create("/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":2,"listed_on":"2024-01-05"}"#)
        let path = "/api/v1/listings/\(id)"
        api.today("2024-03-01")
        let paused = try api.patch(path, #"{"status":"paused"}"#, ifMatch: "W/\"1\"")
        #expect(paused.status == 200, "\(paused.text)")
        api.today("2024-05-20")
        let back = try api.patch(path, #"{"status":"active","accepts_non_cash":true}"#)
        let history = try #require(try back.json["history"]?.arrayValue)
        #expect(history.compactMap { $0["valid_from"]?.stringValue } == ["2024-01-05", "2024-03-01", "2024-05-20"])
        #expect(history.compactMap { $0["status"]?.stringValue } == ["active", "paused", "active"])
        #expect(history.compactMap { $0["accepts_non_cash"]?.boolValue } == [false, false, true])
        // A start moved onto or past the pause would erase it: 422, and the history stays.
        let erasing = try api.patch(path, #"{"listed_on":"2024-03-01"}"#)
        #expect(erasing.status == 422, "\(erasing.text)")
        #expect(try TradeAPI.errorFields(erasing) == ["listed_on"])
        #expect(try api.get(path).json["history"]?.arrayValue?.count == 3)
        #expect(try api.get(path).json["version"]?.int64Value == 3)
        // Product and platform are fixed; history is read-only; a PUT must restate listed_on.
        #expect(try TradeAPI.errorFields(api.patch(path, #"{"product_id":\#(products[1]),"platform_id":3}"#)) == ["product_id", "platform_id"])
        #expect(try TradeAPI.errorFields(api.patch(path, #"{"history":[]}"#)) == ["history"])
        let put = try api.request("PUT", path, #"{"product_id":\#(products[0]),"platform_id":2,"status":"active","accepts_non_cash":true}"#)
        #expect(try TradeAPI.errorFields(put) == ["listed_on"])
        // Echoing the GET back changes nothing.
        let current = try api.get(path)
        let same = try api.request("PUT", path, current.text)
        #expect(same.status == 200, "\(same.text)")
        #expect(try same.json["version"]?.int64Value == 3)
    }

    @Test func filtersCSVAndDelete() throws {
        let a = try api.create("/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":2,"accepts_non_cash":true}"#)
        let b = try api.create("/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":3,"status":"paused"}"#)
        let c = try api.create("/api/v1/listings", #"{"product_id":\#(products[1]),"platform_id":1}"#)
        #expect(try api.ids("/api/v1/listings") == [a, b, c])
        #expect(try api.ids("/api/v1/listings?product_id=\(products[0])") == [a, b])
        #expect(try api.ids("/api/v1/listings?platform_id=1") == [c])
        #expect(try api.ids("/api/v1/listings?status=paused") == [b])
        #expect(try api.ids("/api/v1/listings?accepts_non_cash=true") == [a])
        #expect(try TradeAPI.errorFields(api.get("/api/v1/listings?status=gone&accepts_non_cash=1")) == ["status", "accepts_non_cash"])
        let csv = try api.get("/api/v1/listings.csv?status=paused")
        let lines = csv.text.split(separator: "\r\n")
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("\(b),\(products[0]),3,,,paused,false,2024-01-10,"))
        #expect(try api.request("DELETE", "/api/v1/listings/\(b)", headers: [("If-Match", "W/\"1\"")]).status == 204)
        // Gone for the API; its history stays for the reports (EcommerceReportAPITests).
        #expect(try api.ids("/api/v1/listings") == [a, c])
        #expect(try api.get("/api/v1/listings/\(b)").status == 404)
        #expect(try api.request("DELETE", "/api/v1/listings/\(b)").status == 404)
        #expect(try api.client.request("DELETE", "/api/v1/listings/\(a)").status == 401)

        // The product may be listed on that platform again: a new listing, from the day the
        // deleted one was removed on (here today) — not before, when the old one still counted.
        api.today("2024-01-20")
        let early = try api.request("POST", "/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":3,"listed_on":"2024-01-09"}"#)
        #expect(early.status == 422, "\(early.text)")
        #expect(try TradeAPI.errorFields(early) == ["listed_on"])
        let again = try api.request("POST", "/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":3}"#)
        #expect(again.status == 201, "\(again.text)")
        let relisted = try #require(try again.json["id"]?.int64Value)
        #expect(relisted > c)
        #expect(try again.json["version"]?.int64Value == 1)
        #expect(try again.json["listed_on"]?.stringValue == "2024-01-20")
        #expect(try api.ids("/api/v1/listings?product_id=\(products[0])") == [a, relisted])
        // And a second live one is still a conflict.
        #expect(try api.request("POST", "/api/v1/listings", #"{"product_id":\#(products[0]),"platform_id":3}"#).status == 409)
        // Nor can the relisting's start be moved back over the deleted one's days afterwards: the
        // reports counted the product twice on each of them.
        let movedBack = try api.request("PATCH", "/api/v1/listings/\(relisted)", #"{"listed_on":"2024-01-09"}"#)
        #expect(movedBack.status == 422, "\(movedBack.text)")
        #expect(try TradeAPI.errorFields(movedBack) == ["listed_on"])
        #expect(try api.get("/api/v1/listings/\(relisted)").json["listed_on"]?.stringValue == "2024-01-20")
        // A start from the removal day on is still the listing's to move.
        let later = try api.request("PATCH", "/api/v1/listings/\(relisted)", #"{"listed_on":"2024-01-19"}"#)
        #expect(later.status == 200, "\(later.text)")
        #expect(try api.request("PATCH", "/api/v1/listings/\(relisted)", #"{"price_vnd":120000}"#).status == 200)
    }

    /// A removed listing is the product's listing history, so the product stays, and the 409
    /// says that this is what holds it (not certificates or stock it never had).
    @Test func aRemovedListingKeepsItsProductAndSaysSo() throws {
        let listing = try api.create("/api/v1/listings", #"{"product_id":\#(products[1]),"platform_id":2}"#)
        #expect(try api.request("DELETE", "/api/v1/listings/\(listing)").status == 204)
        let refused = try api.request("DELETE", "/api/v1/products/\(products[1])")
        #expect(refused.status == 409)
        let detail = try #require(try refused.json["detail"]?.stringValue)
        #expect(detail.contains("1 e-commerce listing(s) (removed ones stay as its listing history)"), "\(detail)")
        #expect(!detail.contains("certificate"))
        #expect(try api.get("/api/v1/products/\(products[1])").status == 200)
    }
}
