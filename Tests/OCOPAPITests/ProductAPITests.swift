import Foundation
import JSON
import OCOP
import Testing

/// The products resource end to end: real socket, real SQLite file.
@Suite struct ProductAPITests {
    let f: ProductAPIFixtures
    var client: TestClient { f.client }
    var admin: (String, String) { f.admin }

    init() throws { f = try ProductAPIFixtures() }

    @Test func productGroupsListTheSixGroupsWithSubgroups() throws {
        let response = try client.request("GET", "/api/v1/product-groups")
        #expect(response.status == 200)
        let items = try #require(try response.json["items"]?.arrayValue)
        #expect(items.compactMap { $0["code"]?.stringValue } == ["food", "beverage", "herbal", "handicraft", "ornamental", "tourism"])
        #expect(items.compactMap { $0["gtin_required"]?.boolValue } == [true, true, true, true, true, false])
        #expect(items[0]["name"]?.stringValue == "Thực phẩm")
        let subgroups = try #require(items[5]["subgroups"]?.arrayValue)
        #expect(subgroups.first?["code"]?.stringValue == "tourism_community")
        #expect(subgroups.first?["name"]?.stringValue == "Du lịch cộng đồng")
        #expect(try response.json["next_cursor"]?.isNull == true)
        // Every item has created_at, updated_at and version (API.md): seeded with the schema.
        for group in items {
            let created = try #require(group["created_at"]?.stringValue)
            #expect(Timestamp(rfc3339: created) != nil)
            #expect(group["updated_at"]?.stringValue == created)
            #expect(group["version"]?.int64Value == 1)
        }
        #expect(try client.request("GET", "/api/v1/product-groups?group=food").status == 422)

        // Paged like every list (API.md): limit, an opaque cursor, Link to the next page.
        var codes: [String] = []
        var target = "/api/v1/product-groups?limit=4"
        while true {
            let page = try client.request("GET", target)
            #expect(page.status == 200)
            codes += try #require(try page.json["items"]?.arrayValue).compactMap { $0["code"]?.stringValue }
            guard let next = try page.json["next_cursor"]?.stringValue else {
                #expect(page.header("Link") == nil)
                break
            }
            #expect(page.header("Link")?.contains("cursor=\(next)") == true)
            target = "/api/v1/product-groups?limit=4&cursor=\(next)"
        }
        #expect(codes == ["food", "beverage", "herbal", "handicraft", "ornamental", "tourism"])
        #expect(try client.request("GET", "/api/v1/product-groups?limit=0").status == 422)
        #expect(try client.request("GET", "/api/v1/product-groups?cursor=bm9wZQ").status == 422)
    }

    @Test func createThenReadBackExactly() throws {
        let producer = try f.producer()
        let body = #"{"code":"QN-2024-0012","name":"Miến dong Bình Liêu","producer_id":\#(producer),"group":"food","subgroup":"food_processed_plant","description":"Sợi miến dai, trong","unit":"gói 500g","price_vnd":85000,"gtin":"8931234567897","raw_material_area_ids":[],"image_urls":["https://ocop.quangninh.gov.vn/a.jpg"]}"#
        let created = try f.create(body)
        #expect(created.status == 201, "\(created.text)")
        let json = try created.json
        let id = try #require(json["id"]?.int64Value)
        #expect(created.header("Location") == "/api/v1/products/\(id)")
        #expect(created.header("ETag") == "W/\"1\"")
        #expect(json["gtin"]?.stringValue == "08931234567897")
        #expect(json["origin_province"]?.stringValue == "Quảng Ninh")
        #expect(json["price_vnd"]?.int64Value == 85000)
        #expect(json["stars"]?.isNull == true)
        #expect(json["certificate"]?.isNull == true)
        #expect(json["status"]?.stringValue == "not_certified")
        #expect(json["image_urls"]?.arrayValue?.count == 1)
        #expect(json["version"]?.int64Value == 1)

        let fetched = try client.request("GET", "/api/v1/products/\(id)")
        #expect(fetched.status == 200)
        #expect(try fetched.json == json)
        let cached = try client.request("GET", "/api/v1/products/\(id)", headers: [("If-None-Match", "W/\"1\"")])
        #expect(cached.status == 304)
        #expect(try client.request("GET", "/api/v1/products/999").status == 404)
        #expect(try client.request("GET", "/api/v1/products/abc").status == 404)

        let audit = try client.request("GET", "/api/v1/audit?entity=product&entity_id=\(id)", headers: [admin])
        #expect(try audit.json["items"]?.arrayValue?.first?["action"]?.stringValue == "create")
    }

    @Test func writesNeedAnOfficerOrAdmin() throws {
        let producer = try f.producer()
        let body = #"{"code":"QN-1","name":"Chè","producer_id":\#(producer),"group":"food"}"#
        #expect(try f.create(body, headers: []).status == 401)
        let pos = try f.server.token("pos", pointOfSale: 1)
        #expect(try f.create(body, headers: [bearer(pos)]).status == 403)
        #expect(try client.request("POST", "/api/v1/products/import", headers: [bearer(pos)], body: "code\n", contentType: "text/csv").status == 403)
        #expect(try client.request("POST", "/api/v1/products/import", body: "code\n", contentType: "text/csv").status == 401)
        let officer = try f.server.token("officer")
        let created = try f.create(body, headers: [bearer(officer)])
        #expect(created.status == 201)
        let id = try #require(try created.json["id"]?.int64Value)
        #expect(try client.request("DELETE", "/api/v1/products/\(id)").status == 401)
        #expect(try client.request("DELETE", "/api/v1/products/\(id)", headers: [bearer(pos)]).status == 403)
        #expect(try client.request("PATCH", "/api/v1/products/\(id)", headers: [bearer(pos)], body: "{}").status == 403)
    }

    @Test func invalidBodiesListEveryFieldAndChangeNothing() throws {
        let producer = try f.producer()
        let missing = try f.create(#"{"name":"X","colour":"red","price_vnd":-1}"#)
        #expect(missing.status == 422)
        #expect(Set(try ProductAPIFixtures.errorFields(missing)) == ["code", "producer_id", "group", "colour", "price_vnd"])

        let badRules = try f.create(#"{"code":"QN 1","name":"X","producer_id":\#(producer),"group":"food","gtin":"8931234567890","image_urls":["javascript:x"]}"#)
        // Type and rule errors together, each field once: a form is fixed in one round trip.
        #expect(Set(try ProductAPIFixtures.errorFields(badRules)) == ["gtin", "code", "image_urls[0]"])
        // An element refused for its type is left out: the array's rules wait (they would name
        // index 0 for the element at 1), the other fields' rules do not.
        let shifted = try f.create(#"{"code":"QN-9","name":"","producer_id":\#(producer),"group":"food","image_urls":[5,"javascript:x"]}"#)
        #expect(Set(try ProductAPIFixtures.errorFields(shifted)) == ["image_urls[0]", "name"])
        let rulesOnly = try f.create(#"{"code":"QN 1","name":"X","producer_id":\#(producer),"group":"food","image_urls":["javascript:x"]}"#)
        #expect(try ProductAPIFixtures.errorFields(rulesOnly) == ["code", "image_urls[0]"])

        let references = try f.create(#"{"code":"QN-1","name":"X","producer_id":9999,"group":"beverage","subgroup":"food_tea","raw_material_area_ids":[77]}"#)
        #expect(references.status == 422)
        #expect(try ProductAPIFixtures.errorFields(references) == ["producer_id", "subgroup", "raw_material_area_ids[0]"])

        let wrongTypes = try f.create(#"{"code":"QN-1","name":"X","producer_id":"1","group":"food","raw_material_area_ids":"1","image_urls":[1],"gtin":8931234567897}"#)
        #expect(Set(try ProductAPIFixtures.errorFields(wrongTypes)) == ["producer_id", "raw_material_area_ids", "image_urls[0]", "gtin"])

        let readOnly = try f.create(#"{"code":"QN-1","name":"X","producer_id":\#(producer),"group":"food","stars":5,"status":"certified"}"#)
        // Once each: a read-only field is not also reported as unknown.
        #expect(try ProductAPIFixtures.errorFields(readOnly).sorted() == ["stars", "status"])
        #expect(try readOnly.json["detail"]?.stringValue == "2 fields are invalid")

        #expect(try f.create(#"{"code":"QN-1""#).status == 400)
        let media = try client.request("POST", "/api/v1/products", headers: [admin], body: "{}", contentType: "text/plain")
        #expect(media.status == 415)
        #expect(try f.ids("/api/v1/products").isEmpty)
    }

    @Test func duplicateCodesAndGTINsAreConflicts() throws {
        let producer = try f.producer()
        _ = try f.product("QN-1", "Chè", producer: producer, extra: #","gtin":"8931234567897""#)
        let code = try f.create(#"{"code":"QN-1","name":"Khác","producer_id":\#(producer),"group":"food"}"#)
        #expect(code.status == 409)
        #expect(code.header("Content-Type") == "application/problem+json")
        let gtin = try f.create(#"{"code":"QN-2","name":"Khác","producer_id":\#(producer),"group":"food","gtin":"08931234567897"}"#)
        #expect(gtin.status == 409)
        #expect(try f.ids("/api/v1/products").count == 1)
    }

    @Test func patchMergesArraysReplaceAndVersionsGuard() throws {
        let producer = try f.producer()
        let id = try f.product("QN-1", "Chè Đường Hoa", producer: producer,
                               extra: #","unit":"hộp 100g","image_urls":["https://a.vn/1.jpg","https://a.vn/2.jpg"]"#)
        let patched = try client.request("PATCH", "/api/v1/products/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                         body: #"{"unit":null,"price_vnd":120000,"image_urls":["https://a.vn/3.jpg"]}"#,
                                         contentType: "application/merge-patch+json")
        #expect(patched.status == 200, "\(patched.text)")
        let json = try patched.json
        #expect(json["unit"]?.isNull == true)
        #expect(json["price_vnd"]?.int64Value == 120000)
        #expect(json["image_urls"]?.arrayValue?.compactMap(\.stringValue) == ["https://a.vn/3.jpg"])
        #expect(json["name"]?.stringValue == "Chè Đường Hoa")
        #expect(patched.header("ETag") == "W/\"2\"")

        let stale = try client.request("PATCH", "/api/v1/products/\(id)", headers: [admin, ("If-Match", "W/\"1\"")], body: #"{"unit":"x"}"#)
        #expect(stale.status == 412)
        #expect(try client.request("PATCH", "/api/v1/products/\(id)", headers: [admin], body: #"{"code":null}"#).status == 422)
        #expect(try client.request("PATCH", "/api/v1/products/\(id)", headers: [admin], body: #"{"status":"revoked"}"#).status == 422)
        #expect(try client.request("PATCH", "/api/v1/products/999", headers: [admin], body: #"{"unit":"x"}"#).status == 404)
        let unchanged = try client.request("PATCH", "/api/v1/products/\(id)", headers: [admin], body: #"{"unit":null}"#)
        #expect(try unchanged.json["version"]?.int64Value == 2)   // no change, no new version
    }

    @Test func putReplacesAndAcceptsEchoedReadOnlyFields() throws {
        let producer = try f.producer()
        let id = try f.product("QN-1", "Chè", producer: producer, extra: #","unit":"hộp""#)
        try f.certificate(product: id, stars: 4, decided: "2024-01-10", expires: "2099-01-10")
        var object = try #require(try client.request("GET", "/api/v1/products/\(id)").json.objectValue)
        #expect(object["stars"]?.int64Value == 4)
        object["name"] = .string("Chè xanh")
        object["unit"] = nil
        let put = try client.request("PUT", "/api/v1/products/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                     body: JSONValue.object(object).serializedString())
        #expect(put.status == 200, "\(put.text)")
        #expect(try put.json["unit"]?.isNull == true)
        #expect(try put.json["stars"]?.int64Value == 4)
        object["stars"] = .number(JSONNumber(Int64(5)))
        let forged = try client.request("PUT", "/api/v1/products/\(id)", headers: [admin], body: JSONValue.object(object).serializedString())
        #expect(forged.status == 422)
        #expect(try ProductAPIFixtures.errorFields(forged).contains("stars"))
    }

    @Test func deleteRemovesOnlyProductsWithoutHistory() throws {
        let producer = try f.producer()
        let plain = try f.product("QN-1", "Chè", producer: producer)
        let certified = try f.product("QN-2", "Ba kích", producer: producer)
        try f.certificate(product: certified, stars: 3, decided: "2024-01-10", expires: "2027-01-10")
        #expect(try client.request("DELETE", "/api/v1/products/\(plain)", headers: [admin, ("If-Match", "W/\"7\"")]).status == 412)
        #expect(try client.request("DELETE", "/api/v1/products/\(plain)", headers: [admin]).status == 204)
        #expect(try client.request("GET", "/api/v1/products/\(plain)").status == 404)
        #expect(try client.request("DELETE", "/api/v1/products/\(plain)", headers: [admin]).status == 404)
        let refused = try client.request("DELETE", "/api/v1/products/\(certified)", headers: [admin])
        #expect(refused.status == 409)
        #expect(try client.request("GET", "/api/v1/products/\(certified)").status == 200)
        // A producer that still owns products stays too.
        #expect(try client.request("DELETE", "/api/v1/producers/\(producer)", headers: [admin]).status == 409)
    }

    @Test func idempotencyKeyReplaysTheCreate() throws {
        let producer = try f.producer()
        let body = #"{"code":"QN-1","name":"Trà hoa vàng","producer_id":\#(producer),"group":"food"}"#
        let first = try f.create(body, headers: [admin, ("Idempotency-Key", "k-1")])
        let retry = try f.create(body, headers: [admin, ("Idempotency-Key", "k-1")])
        #expect(first.status == 201)
        #expect(retry.status == 201)
        #expect(retry.body == first.body)
        #expect(retry.header("Idempotent-Replayed") == "true")
        let other = try f.create(#"{"code":"QN-2","name":"Khác","producer_id":\#(producer),"group":"food"}"#,
                                 headers: [admin, ("Idempotency-Key", "k-1")])
        #expect(other.status == 422)
        #expect(try f.ids("/api/v1/products").count == 1)
    }
}
