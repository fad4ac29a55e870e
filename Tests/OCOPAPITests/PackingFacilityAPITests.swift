import Foundation
import JSON
import Testing

/// `/api/v1/packing-facilities` end to end.
@Suite struct PackingFacilityAPITests {
    typealias F = QualityAPIFixtures
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)
    let path = "/api/v1/packing-facilities"

    init() throws {
        server = try TestServer()
        client = try server.client()
    }

    func body(_ code: String = "VN-QN-PK-001", name: String = "Cơ sở đóng gói hải sản Vân Đồn", market: String = "export",
              extra: String = "") -> String {
        #"{"code":"\#(code)","name":"\#(name)","commune":"Đông Xá","district":"Vân Đồn","address":"Thôn 6, Đông Xá","market":"\#(market)"\#(extra)}"#
    }

    func createID(_ body: String) throws -> Int64 {
        let response = try client.request("POST", path, headers: [admin], body: body)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json["id"]?.int64Value)
    }

    @Test func crudWithETagsAndAudit() throws {
        let owner = try F.producer(server)
        let created = try client.request("POST", path, headers: [admin], body: body(extra: #","producer_id":\#(owner)"#))
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(try created.json["id"]?.int64Value)
        #expect(created.header("Location") == "\(path)/\(id)")
        #expect(created.header("ETag") == "W/\"1\"")
        #expect(try created.json["producer_id"]?.int64Value == owner)
        #expect(try created.json["name"]?.stringValue == "Cơ sở đóng gói hải sản Vân Đồn")

        let fetched = try client.request("GET", "\(path)/\(id)")
        #expect(try fetched.json == created.json)
        #expect(try client.request("GET", "\(path)/\(id)", headers: [("If-None-Match", "W/\"1\"")]).status == 304)

        let patched = try client.request("PATCH", "\(path)/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                         body: #"{"market":"domestic","address":null}"#, contentType: "application/merge-patch+json")
        #expect(patched.status == 200, "\(patched.text)")
        #expect(try patched.json["market"]?.stringValue == "domestic")
        #expect(try patched.json["address"]?.isNull == true)
        #expect(try patched.json["commune"]?.stringValue == "Đông Xá")
        #expect(patched.header("ETag") == "W/\"2\"")
        #expect(try client.request("PATCH", "\(path)/\(id)", headers: [admin, ("If-Match", "W/\"1\"")], body: #"{"name":"X"}"#).status == 412)

        var object = try #require(try patched.json.objectValue)
        object["name"] = .string("Xưởng đóng gói Cái Rồng")
        let put = try client.request("PUT", "\(path)/\(id)", headers: [admin], body: JSONValue.object(object).serializedString())
        #expect(put.status == 200, "\(put.text)")
        #expect(try put.json["version"]?.int64Value == 3)
        object["version"] = .number(JSONNumber(Int64(9)))
        #expect(try client.request("PUT", "\(path)/\(id)", headers: [admin], body: JSONValue.object(object).serializedString()).status == 422)

        #expect(try client.request("DELETE", "\(path)/\(id)", headers: [admin, ("If-Match", "W/\"2\"")]).status == 412)
        #expect(try client.request("DELETE", "\(path)/\(id)", headers: [admin]).status == 204)
        #expect(try client.request("GET", "\(path)/\(id)").status == 404)
        let audit = try client.request("GET", "/api/v1/audit?entity=packing_facility&entity_id=\(id)", headers: [admin])
        #expect(try audit.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["delete", "update", "update", "create"])
    }

    @Test func accessAndValidation() throws {
        #expect(try client.request("GET", path).status == 200)
        #expect(try client.request("POST", path, body: body()).status == 401)
        let pos = try server.token("pos", pointOfSale: 1)
        #expect(try client.request("POST", path, headers: [bearer(pos)], body: body()).status == 403)
        let officer = try server.token("officer")
        #expect(try client.request("POST", path, headers: [bearer(officer)], body: body()).status == 201)

        let duplicate = try client.request("POST", path, headers: [admin], body: body())
        #expect(duplicate.status == 409)
        let invalid = try client.request("POST", path, headers: [admin], body: #"{"code":"bad code","market":"eu","colour":1}"#)
        #expect(invalid.status == 422)
        #expect(Set(try F.errorFields(invalid)) == ["name", "market", "code", "colour"])   // type and rule errors in one answer
        #expect(try F.errorFields(invalid).count == 4, "each field once")
        let rules = try client.request("POST", path, headers: [admin], body: body("bad code", name: " "))
        #expect(try F.errorFields(rules) == ["code", "name"])
        let producer = try client.request("POST", path, headers: [admin], body: body("P-9", extra: #","producer_id":99"#))
        #expect(try F.errorFields(producer) == ["producer_id"])
        #expect(try F.ids(try client.request("GET", path)).count == 1)
    }

    @Test func filtersSearchAndCSV() throws {
        let owner = try F.producer(server)
        let vanDon = try createID(body("P-2", extra: #","producer_id":\#(owner)"#))
        let baChe = try createID(#"{"code":"P-1","name":"Kho sơ chế quế Ba Chẽ","district":"Ba Chẽ","market":"domestic"}"#)
        func ids(_ query: String) throws -> [Int64] {
            let response = try client.request("GET", "\(path)?\(query)")
            #expect(response.status == 200, "\(query): \(response.text)")
            return try F.ids(response)
        }
        #expect(try ids("market=domestic") == [baChe])
        #expect(try ids("producer_id=\(owner)") == [vanDon])
        #expect(try ids("district=Ba+Ch%E1%BA%BD") == [baChe])
        #expect(try ids("commune=%C4%90%C3%B4ng+X%C3%A1") == [vanDon])
        #expect(try ids("q=QUE+ba+che") == [baChe])
        #expect(try ids("q=hai+san") == [vanDon])
        #expect(try ids("sort=code") == [baChe, vanDon])
        #expect(try ids("sort=-id&limit=1") == [baChe])
        for bad in ["kind=forest", "market=eu", "sort=name", "producer_id=0"] {
            #expect(try client.request("GET", "\(path)?\(bad)").status == 422, "\(bad)")
        }
        let csv = try client.request("GET", "\(path).csv?sort=code")
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        let lines = F.csvLines(csv)
        #expect(lines.first == "id,code,name,commune,district,address,producer_id,market,created_at,updated_at,version")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("\(baChe),P-1,Kho sơ chế quế Ba Chẽ,,Ba Chẽ,,,domestic,"))
        #expect(lines[2].contains("\"Thôn 6, Đông Xá\""))
    }
}
