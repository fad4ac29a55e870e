import Foundation
import JSON
import Testing

/// `/api/v1/raw-material-areas` end to end: real socket, real SQLite file, a fixed clock
/// (10 March 2025 in Asia/Ho_Chi_Minh) so certification validity is deterministic.
@Suite struct RawMaterialAreaAPITests {
    typealias F = QualityAPIFixtures
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)
    let path = "/api/v1/raw-material-areas"

    static let certifications = #"[{"scheme":"VietGAP","number":"VietGAP-TT-24-0117","valid_from":"2024-01-15","valid_until":"2026-01-14"},{"scheme":"organic","number":"HC-2021-09","valid_from":"2021-01-01","valid_until":"2024-12-31"}]"#

    init() throws {
        server = try TestServer(clock: { QualityAPIFixtures.instant("2025-03-10T09:00:00+07:00") })
        client = try server.client()
    }

    func body(_ code: String = "VN-QN-BL-0001", kind: String = "cultivation", area: String = "3223500", market: String = "domestic",
              extra: String = "", certifications: String = RawMaterialAreaAPITests.certifications) -> String {
        #"{"code":"\#(code)","name":"Vùng trồng dong riềng Đồng Văn","kind":"\#(kind)","area_m2":\#(area),"commune":"Đồng Văn","district":"Bình Liêu","market":"\#(market)","certifications":\#(certifications)\#(extra)}"#
    }

    func create(_ body: String, headers: [(String, String)]? = nil) throws -> WireResponse {
        try client.request("POST", path, headers: headers ?? [admin], body: body)
    }

    func createID(_ body: String) throws -> Int64 {
        let response = try create(body)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json["id"]?.int64Value)
    }

    @Test func createThenReadBackWithDerivedValidity() throws {
        let created = try create(body())
        #expect(created.status == 201, "\(created.text)")
        let json = try created.json
        let id = try #require(json["id"]?.int64Value)
        #expect(created.header("Location") == "\(path)/\(id)")
        #expect(created.header("ETag") == "W/\"1\"")
        #expect(json["area_m2"]?.int64Value == 3_223_500)
        #expect(json["producer_id"]?.isNull == true)
        #expect(json["product_ids"]?.arrayValue == [])
        let certifications = try #require(json["certifications"]?.arrayValue)
        #expect(certifications.map { $0["scheme"]?.stringValue } == ["VietGAP", "organic"])
        #expect(certifications.map { $0["valid"]?.boolValue } == [true, false])   // organic ended 31 Dec 2024
        #expect(certifications[0]["valid_until"]?.stringValue == "2026-01-14")

        let fetched = try client.request("GET", "\(path)/\(id)")
        #expect(fetched.status == 200)
        #expect(try fetched.json == json)
        let cached = try client.request("GET", "\(path)/\(id)", headers: [("If-None-Match", "W/\"1\"")])
        #expect(cached.status == 304)
        #expect(try client.request("GET", "\(path)/999").status == 404)
        #expect(try client.request("GET", "\(path)/abc").status == 404)
    }

    /// `product_ids` is part of the area: linking or unlinking a product changes the area's
    /// version, so a cached copy is not revalidated with a 304, and the area's audit log says so.
    @Test func linkingAProductChangesTheAreasVersion() throws {
        let area = try createID(body())
        func etag() throws -> String? { try client.request("GET", "\(path)/\(area)").header("ETag") }
        #expect(try etag() == #"W/"1""#)
        let producer = try client.request("POST", "/api/v1/producers", headers: [admin],
                                          body: #"{"name":"Hợp tác xã Đồng Văn","kind":"cooperative"}"#).json["id"]?.int64Value
        let made = try client.request("POST", "/api/v1/products", headers: [admin], body: #"""
            {"code":"QN-BL-9","name":"Miến dong","producer_id":\#(producer ?? 0),"group":"food","raw_material_area_ids":[\#(area)]}
            """#)
        #expect(made.status == 201, "\(made.text)")
        let product = try #require(try made.json["id"]?.int64Value)
        let linked = try client.request("GET", "\(path)/\(area)", headers: [("If-None-Match", #"W/"1""#)])
        #expect(linked.status == 200)
        #expect(linked.header("ETag") == #"W/"2""#)
        #expect(try linked.json["product_ids"] == .array([.number(JSONNumber(product))]))
        let unlink = try client.request("PATCH", "/api/v1/products/\(product)",
                                        headers: [admin, ("Content-Type", "application/merge-patch+json")],
                                        body: #"{"raw_material_area_ids":[]}"#)
        #expect(unlink.status == 200)
        #expect(try etag() == #"W/"3""#)
        let renamed = try client.request("PATCH", "/api/v1/products/\(product)",
                                         headers: [admin, ("Content-Type", "application/merge-patch+json")],
                                         body: #"{"name":"Miến dong Bình Liêu"}"#)
        #expect(renamed.status == 200)
        #expect(try etag() == #"W/"3""#, "a change that does not touch the links leaves the area alone")
        let actions = try client.request("GET", "/api/v1/audit?entity=raw_material_area&entity_id=\(area)", headers: [admin])
            .json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
        #expect(Set(actions ?? []) == ["create", "product_linked", "product_unlinked"])
    }

    @Test func anyoneReadsOfficersWrite() throws {
        #expect(try client.request("GET", path).status == 200)
        let anonymous = try client.request("POST", path, body: body())
        #expect(anonymous.status == 401)
        let pos = try server.token("pos", pointOfSale: 2)
        #expect(try create(body(), headers: [bearer(pos)]).status == 403)
        let officer = try server.token("officer")
        #expect(try create(body(), headers: [bearer(officer)]).status == 201)
        let id = try #require(try F.ids(try client.request("GET", path)).first)
        #expect(try client.request("DELETE", "\(path)/\(id)").status == 401)
        #expect(try client.request("PATCH", "\(path)/\(id)", headers: [bearer(pos)], body: #"{"name":null}"#).status == 403)
    }

    @Test func areaMustBeWholeSquareMetres() throws {
        // A whole number written with a fraction or an exponent is that integer (JSON Schema's integer).
        for (i, area) in ["3223500.0", "3.2235e6"].enumerated() {
            let response = try create(body("VN-QN-BL-WHOLE-\(i)", area: area))
            #expect(response.status == 201, "\(area): \(response.text)")
            #expect(try response.json["area_m2"]?.int64Value == 3_223_500)
        }
        for (area, expected) in [("322.35", "322.35"), ("3.22355e2", "3.22355e2")] {
            let response = try create(body(area: area))
            #expect(response.status == 422, "\(area)")
            let error = try #require(try response.json["errors"]?.arrayValue?.first)
            #expect(error["field"]?.stringValue == "area_m2")
            #expect(error["message"]?.stringValue?.contains(expected) == true)
            #expect(error["message"]?.stringValue?.contains("3223500") == true)
        }
        for area in ["\"3223500\"", "0", "-1", "null", "99999999999999999999", "true"] {
            let response = try create(body(area: area))
            #expect(response.status == 422, "\(area): \(response.text)")
            #expect(try F.errorFields(response) == ["area_m2"], "\(area)")
        }
        let missing = try create(#"{"code":"X-1","kind":"forest","market":"export"}"#)
        #expect(try F.errorFields(missing) == ["area_m2"])
        #expect(try create(body(area: "1")).status == 201)
        #expect(try F.ids(try client.request("GET", path)).count == 3, "the two whole numbers written otherwise and 1; no refused one")
    }

    @Test func certificationsAreCheckedOneByOne() throws {
        let backwards = try create(body(certifications: #"[{"scheme":"VietGAP","number":"A","valid_from":"2025-02-01","valid_until":"2025-01-31"}]"#))
        #expect(backwards.status == 422)
        #expect(try F.errorFields(backwards) == ["certifications[0].valid_until"])
        let several = try create(body(certifications: #"[{"scheme":"GAP","number":"A","valid_from":"2025-02-30","valid_until":"2025-03-01","colour":"red"},"x",{"scheme":"other"}]"#))
        #expect(try F.errorFields(several) == ["certifications[0].scheme", "certifications[0].valid_from", "certifications[0].colour",
                                                "certifications[1]", "certifications[2].number", "certifications[2].valid_from",
                                                "certifications[2].valid_until"])
        let notArray = try create(body(certifications: #"{"scheme":"VietGAP"}"#))
        #expect(try F.errorFields(notArray) == ["certifications"])
        let twice = try create(body(certifications: #"[{"scheme":"VietGAP","number":"A","valid_from":"2024-01-01","valid_until":"2025-01-01"},{"scheme":"VietGAP","number":"A","valid_from":"2024-01-01","valid_until":"2025-01-01"}]"#))
        #expect(try F.errorFields(twice) == ["certifications[1].number"])
        let badValid = try create(body(certifications: #"[{"scheme":"VietGAP","number":"A","valid_from":"2024-01-01","valid_until":"2025-01-01","valid":"yes"}]"#))
        #expect(try F.errorFields(badValid) == ["certifications[0].valid"])
        // Echoing the derived `valid` back as shown is fine (it is recomputed, not stored); one that
        // contradicts the dates asks for what they do not give, and is refused like any read-only field.
        let contradicting = try create(body(certifications: #"[{"scheme":"VietGAP","number":"A","valid_from":"2024-01-01","valid_until":"2025-01-01","valid":true}]"#))
        #expect(try F.errorFields(contradicting) == ["certifications[0].valid"])
        #expect(contradicting.text.contains("says false"), "\(contradicting.text)")
        let echoed = try create(body(certifications: #"[{"scheme":"VietGAP","number":"A","valid_from":"2024-01-01","valid_until":"2025-01-01","valid":false}]"#))
        #expect(echoed.status == 201)
        #expect(try echoed.json["certifications"]?.arrayValue?.first?["valid"]?.boolValue == false)
        // None at all is allowed (null or absent).
        #expect(try create(body("VN-2", certifications: "null")).status == 201)
        #expect(try create(body("VN-3", certifications: "[]")).status == 201)
    }

    @Test func otherInvalidBodies() throws {
        let unknown = try create(body(extra: #","colour":"green","id":5,"product_ids":[1]"#))
        #expect(unknown.status == 422)
        #expect(try F.errorFields(unknown) == ["colour", "id", "product_ids"])
        let enums = try create(body(kind: "orchard", market: "abroad"))
        #expect(try F.errorFields(enums) == ["kind", "market"])
        let code = try create(body("VN QN 01"))
        #expect(try F.errorFields(code) == ["code"])
        let producer = try create(body(extra: #","producer_id":777"#))
        #expect(try F.errorFields(producer) == ["producer_id"])
        let malformed = try create(#"{"code":"#)
        #expect(malformed.status == 400)
        #expect(try F.ids(try client.request("GET", path)).isEmpty)
    }

    @Test func duplicateCodeIsConflict() throws {
        _ = try createID(body("VN-QN-DUP"))
        let again = try create(body("VN-QN-DUP"))
        #expect(again.status == 409)
        #expect(again.header("Content-Type") == "application/problem+json")
    }

    @Test func patchReplacesTheCertificationListAndGuardsVersions() throws {
        let id = try createID(body())
        let patched = try client.request("PATCH", "\(path)/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                         body: #"{"certifications":[{"scheme":"VietGAHP","number":"GAHP-3","valid_from":"2025-01-01","valid_until":"2027-12-31"}],"area_m2":4100}"#,
                                         contentType: "application/merge-patch+json")
        #expect(patched.status == 200, "\(patched.text)")
        let json = try patched.json
        #expect(json["certifications"]?.arrayValue?.count == 1)   // replaced, not merged (RFC 7396)
        #expect(json["certifications"]?.arrayValue?.first?["scheme"]?.stringValue == "VietGAHP")
        #expect(json["area_m2"]?.int64Value == 4100)
        #expect(json["name"]?.stringValue == "Vùng trồng dong riềng Đồng Văn")
        #expect(patched.header("ETag") == "W/\"2\"")

        let stale = try client.request("PATCH", "\(path)/\(id)", headers: [admin, ("If-Match", "W/\"1\"")], body: #"{"name":null}"#)
        #expect(stale.status == 412)
        let decimal = try client.request("PATCH", "\(path)/\(id)", headers: [admin], body: #"{"area_m2":0.5}"#)
        #expect(try F.errorFields(decimal) == ["area_m2"])
        let cleared = try client.request("PATCH", "\(path)/\(id)", headers: [admin], body: #"{"certifications":null,"name":null}"#)
        #expect(cleared.status == 200)
        #expect(try cleared.json["certifications"]?.arrayValue == [])
        #expect(try cleared.json["name"]?.isNull == true)
        #expect(try client.request("PATCH", "\(path)/424242", headers: [admin], body: #"{"name":null}"#).status == 404)
    }

    @Test func putAcceptsAnEchoedRepresentation() throws {
        let id = try createID(body())
        let owner = try F.producer(server)
        let product = try F.product(server, producerID: owner)
        try F.link(server, productID: product, areaID: id)
        let current = try client.request("GET", "\(path)/\(id)").json
        #expect(current["product_ids"]?.arrayValue?.compactMap(\.int64Value) == [product])
        var object = try #require(current.objectValue)
        object["market"] = .string("export")
        object["producer_id"] = .number(JSONNumber(owner))
        let put = try client.request("PUT", "\(path)/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                     body: JSONValue.object(object).serializedString())
        #expect(put.status == 200, "\(put.text)")
        #expect(try put.json["market"]?.stringValue == "export")
        #expect(try put.json["producer_id"]?.int64Value == owner)
        #expect(try put.json["certifications"]?.arrayValue?.count == 2)
        object["product_ids"] = .array([])
        let readOnly = try client.request("PUT", "\(path)/\(id)", headers: [admin], body: JSONValue.object(object).serializedString())
        #expect(readOnly.status == 422)
        #expect(try F.errorFields(readOnly).contains("product_ids"))
    }

    @Test func deleteRefusesWhileProductsUseTheArea() throws {
        let id = try createID(body())
        let product = try F.product(server, producerID: try F.producer(server))
        try F.link(server, productID: product, areaID: id)
        let refused = try client.request("DELETE", "\(path)/\(id)", headers: [admin])
        #expect(refused.status == 409)
        #expect(try refused.json["detail"]?.stringValue?.contains("\(product)") == true)
        try server.app.services.database.write { try $0.run("DELETE FROM product_areas") }
        #expect(try client.request("DELETE", "\(path)/\(id)", headers: [admin, ("If-Match", "W/\"5\"")]).status == 412)
        #expect(try client.request("DELETE", "\(path)/\(id)", headers: [admin]).status == 204)
        #expect(try client.request("GET", "\(path)/\(id)").status == 404)
        #expect(try client.request("DELETE", "\(path)/\(id)", headers: [admin]).status == 404)
        let audit = try client.request("GET", "/api/v1/audit?entity=raw_material_area&entity_id=\(id)", headers: [admin])
        #expect(try audit.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["delete", "create"])
    }

    @Test func filtersSearchAndSort() throws {
        let owner = try F.producer(server)
        let lua = try createID(body("C-3", market: "export", extra: #","producer_id":\#(owner)"#))
        let hau = try createID(#"{"code":"A-1","name":"Nuôi hàu Vân Đồn","kind":"aquaculture","area_m2":4100,"commune":"Đài Xuyên","district":"Vân Đồn","market":"domestic","certifications":[{"scheme":"VietGAP","number":"NT-1","valid_from":"2024-01-01","valid_until":"2026-12-31"}]}"#)
        let que = try createID(body("F-2", kind: "forest", certifications: #"[{"scheme":"organic","number":"HC-1","valid_from":"2024-01-01","valid_until":"2026-12-31"}]"#))
        func ids(_ query: String) throws -> [Int64] {
            let response = try client.request("GET", "\(path)?\(query)")
            #expect(response.status == 200, "\(query): \(response.text)")
            return try F.ids(response)
        }
        #expect(try ids("") == [lua, hau, que])
        #expect(try ids("kind=aquaculture") == [hau])
        #expect(try ids("market=export") == [lua])
        #expect(try ids("producer_id=\(owner)") == [lua])
        #expect(try ids("scheme=organic") == [lua, que])   // the default body lists an expired organic certificate
        #expect(try ids("scheme=VietGAP") == [lua, hau])
        #expect(try ids("district=V%C3%A2n%20%C4%90%E1%BB%93n") == [hau])
        #expect(try ids("commune=%C4%90%E1%BB%93ng+V%C4%83n") == [lua, que])
        #expect(try ids("q=dai+xuyen") == [hau])
        #expect(try ids("q=van+don") == [lua, hau, que])   // "don" is a prefix of "dong" (Đồng Văn)
        #expect(try ids("q=H%C3%80U") == [hau])
        #expect(try ids("sort=code") == [hau, lua, que])
        #expect(try ids("sort=-code&limit=2") == [que, lua])
        let page = try client.request("GET", "\(path)?sort=code&limit=2")
        let link = try #require(page.header("Link"))
        let next = String(link.dropFirst().prefix { $0 != ">" })
        #expect(try F.ids(try client.request("GET", next)) == [que])
        for bad in ["kind=orchard", "scheme=GAP", "market=eu", "producer_id=x", "colour=red", "sort=name", "limit=0", "cursor=zz"] {
            let response = try client.request("GET", "\(path)?\(bad)")
            #expect(response.status == 422, "\(bad)")
        }
    }

    @Test func exportsCSV() throws {
        let id = try createID(body())
        for response in [try client.request("GET", "\(path).csv"), try client.request("GET", path, headers: [("Accept", "text/csv")])] {
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/csv; charset=utf-8")
            #expect(Array(response.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = F.csvLines(response)
            #expect(lines.count == 2)
            #expect(lines[0] == "id,code,name,kind,area_m2,commune,district,producer_id,market,certifications,product_ids,created_at,updated_at,version")
            #expect(lines[1].hasPrefix("\(id),VN-QN-BL-0001,Vùng trồng dong riềng Đồng Văn,cultivation,3223500,"))
            #expect(lines[1].contains("VietGAP VietGAP-TT-24-0117 (2024-01-15–2026-01-14, valid); organic HC-2021-09 (2021-01-01–2024-12-31, not valid)"))
        }
        #expect(try client.request("GET", "\(path)/\(id).csv").status == 404)
    }

    @Test func conditionalGetSeesValidityChangeAtMidnight() throws {
        let clock = QualityTestClock(F.instant("2025-03-10T23:59:00+07:00"))
        let server = try TestServer(clock: { clock.now() })
        let client = try server.client()
        let created = try client.request("POST", path, headers: [admin], body: body(certifications: #"[{"scheme":"VietGAP","number":"A-1","valid_from":"2024-03-11","valid_until":"2025-03-10"}]"#))
        let id = try #require(try created.json["id"]?.int64Value)
        #expect(try created.json["certifications"]?.arrayValue?.first?["valid"]?.boolValue == true)
        let sameDay = try client.request("GET", "\(path)/\(id)", headers: [("If-None-Match", "W/\"1\"")])
        #expect(sameDay.status == 304)
        // One minute later it is 11 March in Vietnam: the certificate's last day has passed.
        clock.set(F.instant("2025-03-11T00:00:00+07:00"))
        // Never a 304 for the copy that said "valid", from the first instant of the day.
        let nextDay = try client.request("GET", "\(path)/\(id)", headers: [("If-None-Match", "W/\"1\"")])
        #expect(nextDay.status == 200)
        #expect(try nextDay.json["certifications"]?.arrayValue?.first?["valid"]?.boolValue == false)
        let listed = try client.request("GET", path)
        #expect(try listed.json["items"]?.arrayValue?.first?["certifications"]?.arrayValue?.first?["valid"]?.boolValue == false)
        // Within a second of midnight the area has a new version that says so, and 304 works again.
        let swept = try client.awaitETag("W/\"2\"", at: "\(path)/\(id)")
        #expect(swept.header("ETag") == "W/\"2\"")
        #expect(try client.request("GET", "\(path)/\(id)", headers: [("If-None-Match", "W/\"2\"")]).status == 304)
        let audit = try client.request("GET", "/api/v1/audit?entity=raw_material_area&entity_id=\(id)", headers: [admin])
        let entry = try #require(try audit.json["items"]?.arrayValue?.first)
        #expect(entry["action"]?.stringValue == "validity_changed")
        #expect(entry["changes"]?["certifications[0].valid"]?["from"]?.boolValue == true)
        #expect(entry["changes"]?["certifications[0].valid"]?["to"]?.boolValue == false)
        // A write based on the copy that said "valid" is stale; one on today's version goes in.
        #expect(try client.request("PATCH", "\(path)/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                   body: #"{"name":"Vùng cũ"}"#).status == 412)
        let patched = try client.request("PATCH", "\(path)/\(id)", headers: [admin, ("If-Match", "W/\"2\"")],
                                         body: #"{"name":"Vùng mới"}"#)
        #expect(patched.header("ETag") == "W/\"3\"")
    }
}
