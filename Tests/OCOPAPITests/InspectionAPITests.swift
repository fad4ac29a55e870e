import Foundation
import JSON
import Testing

/// Inspections end to end. The clock stands at 00:30 on 10 March 2025 in Asia/Ho_Chi_Minh,
/// which is still 9 March in UTC: "today" for inspected_on must be the Vietnamese day.
@Suite struct InspectionAPITests {
    typealias F = QualityAPIFixtures
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)
    let productID: Int64

    init() throws {
        server = try TestServer(clock: { QualityAPIFixtures.instant("2025-03-10T00:30:00+07:00") })
        client = try server.client()
        productID = try F.product(server, producerID: try F.producer(server))
    }

    func body(_ on: String = "2025-03-05", kind: String = "labeling", result: String = "pass",
              findings: String? = nil, extra: String = "") -> String {
        let findingsJSON = findings.map { #","findings":"\#($0)""# } ?? ""
        return #"{"inspected_on":"\#(on)","agency":"Chi cục An toàn vệ sinh thực phẩm Quảng Ninh","kind":"\#(kind)","result":"\#(result)"\#(findingsJSON)\#(extra)}"#
    }

    func create(_ body: String, product: Int64? = nil, headers: [(String, String)]? = nil) throws -> WireResponse {
        try client.request("POST", "/api/v1/products/\(product ?? productID)/inspections", headers: headers ?? [admin], body: body)
    }

    func createID(_ body: String, product: Int64? = nil) throws -> Int64 {
        let response = try create(body, product: product)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json["id"]?.int64Value)
    }

    @Test func createReadAndCache() throws {
        let created = try create(body("2025-03-10", findings: "Nhãn đủ thông tin"))
        #expect(created.status == 201, "\(created.text)")
        let json = try created.json
        let id = try #require(json["id"]?.int64Value)
        #expect(created.header("Location") == "/api/v1/inspections/\(id)")
        #expect(created.header("ETag") == "W/\"1\"")
        #expect(json["product_id"]?.int64Value == productID)
        #expect(json["inspected_on"]?.stringValue == "2025-03-10")   // today in Vietnam, tomorrow in UTC
        #expect(json["findings"]?.stringValue == "Nhãn đủ thông tin")
        let fetched = try client.request("GET", "/api/v1/inspections/\(id)", headers: [admin])
        #expect(try fetched.json == json)
        #expect(try client.request("GET", "/api/v1/inspections/\(id)", headers: [admin, ("If-None-Match", "W/\"1\"")]).status == 304)
        #expect(try client.request("GET", "/api/v1/inspections/777", headers: [admin]).status == 404)
    }

    @Test func officersOnlyEvenForReads() throws {
        let id = try createID(body())
        let pos = try server.token("pos", pointOfSale: 4)
        for target in ["/api/v1/products/\(productID)/inspections", "/api/v1/inspections", "/api/v1/inspections/\(id)"] {
            let anonymous = try client.request("GET", target)
            #expect(anonymous.status == 401, "\(target)")
            #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(try client.request("GET", target, headers: [bearer(pos)]).status == 403, "\(target)")
        }
        #expect(try create(body(), headers: []).status == 401)
        #expect(try create(body(), headers: [bearer(pos)]).status == 403)
        #expect(try client.request("DELETE", "/api/v1/inspections/\(id)", headers: [bearer(pos)]).status == 403)
        let officer = try server.token("officer")
        #expect(try client.request("GET", "/api/v1/inspections/\(id)", headers: [bearer(officer)]).status == 200)
        #expect(try create(body(), headers: [bearer(officer)]).status == 201)
    }

    @Test func invalidInspections() throws {
        let future = try create(body("2025-03-11"))
        #expect(future.status == 422)
        #expect(try F.errorFields(future) == ["inspected_on"])
        let failNoFindings = try create(body(result: "fail"))
        #expect(try F.errorFields(failNoFindings) == ["findings"])
        let types = try create(#"{"inspected_on":"10/03/2025","agency":"","kind":"hygiene","result":"ok","product_id":1,"colour":"red"}"#)
        #expect(types.status == 422)
        #expect(try F.errorFields(types) == ["inspected_on", "agency", "kind", "result", "product_id", "colour"])
        let blankAgency = try create(#"{"inspected_on":"2025-03-01","agency":"  ","kind":"other","result":"pass"}"#)
        #expect(try F.errorFields(blankAgency) == ["agency"])
        #expect(try create(body(), product: 9999).status == 404)
        #expect(try client.request("GET", "/api/v1/products/9999/inspections", headers: [admin]).status == 404)
        #expect(try F.ids(try client.request("GET", "/api/v1/inspections", headers: [admin])).isEmpty)
    }

    @Test func patchPutDeleteWithVersions() throws {
        let id = try createID(body(kind: "food_safety"))
        let patched = try client.request("PATCH", "/api/v1/inspections/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                         body: #"{"findings":"Mẫu lưu đạt"}"#, contentType: "application/merge-patch+json")
        #expect(patched.status == 200, "\(patched.text)")
        #expect(try patched.json["findings"]?.stringValue == "Mẫu lưu đạt")
        #expect(patched.header("ETag") == "W/\"2\"")
        #expect(try client.request("PATCH", "/api/v1/inspections/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                   body: #"{"findings":null}"#).status == 412)
        let moveProduct = try client.request("PATCH", "/api/v1/inspections/\(id)", headers: [admin], body: #"{"product_id":99}"#)
        #expect(try F.errorFields(moveProduct) == ["product_id"])
        let future = try client.request("PATCH", "/api/v1/inspections/\(id)", headers: [admin], body: #"{"inspected_on":"2025-04-01"}"#)
        #expect(try F.errorFields(future) == ["inspected_on"])

        var object = try #require(try patched.json.objectValue)
        object["agency"] = .string("Cục Quản lý thị trường")
        let put = try client.request("PUT", "/api/v1/inspections/\(id)", headers: [admin, ("If-Match", "W/\"2\"")],
                                     body: JSONValue.object(object).serializedString())
        #expect(put.status == 200, "\(put.text)")
        #expect(try put.json["version"]?.int64Value == 3)
        #expect(try F.underReview(server, productID)?.flag == false)

        #expect(try client.request("DELETE", "/api/v1/inspections/\(id)", headers: [admin, ("If-Match", "W/\"1\"")]).status == 412)
        #expect(try client.request("DELETE", "/api/v1/inspections/\(id)", headers: [admin]).status == 204)
        #expect(try client.request("GET", "/api/v1/inspections/\(id)", headers: [admin]).status == 404)
        #expect(try client.request("PATCH", "/api/v1/inspections/\(id)", headers: [admin], body: #"{"findings":null}"#).status == 404)
        let audit = try client.request("GET", "/api/v1/audit?entity=inspection&entity_id=\(id)", headers: [admin])
        #expect(try audit.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["delete", "update", "update", "create"])
    }

    @Test func officeListFiltersAndCSV() throws {
        let other = try F.product(server, producerID: try F.producer(server, "Hộ Chả mực Hạ Long"), code: "QN-SP-002", name: "Chả mực Hạ Long")
        let a = try createID(body("2025-01-10", kind: "labeling", result: "pass"))
        let b = try createID(body("2025-02-20", kind: "food_safety", result: "fail", findings: "Vượt ngưỡng Coliforms"), product: other)
        let c = try createID(body("2025-02-01", kind: "packaging", result: "fail", findings: "Bao bì rách"))
        let d = try createID(body("2024-12-01", kind: "food_safety", result: "fail", findings: "Hàn the"))
        func ids(_ query: String, product: Int64? = nil) throws -> [Int64] {
            let target = product.map { "/api/v1/products/\($0)/inspections" } ?? "/api/v1/inspections"
            let response = try client.request("GET", "\(target)?\(query)", headers: [admin])
            #expect(response.status == 200, "\(query): \(response.text)")
            return try F.ids(response)
        }
        #expect(try ids("") == [b, c, a, d])
        #expect(try ids("result=fail") == [b, c, d])
        #expect(try ids("result=fail&kind=food_safety") == [b, d])
        #expect(try ids("result=fail&kind=food_safety&from=2025-01-01&to=2025-03-10") == [b])
        #expect(try ids("from=2025-02-01&to=2025-02-01") == [c])
        #expect(try ids("product_id=\(other)") == [b])
        #expect(try ids("", product: productID) == [c, a, d])
        #expect(try ids("kind=food_safety", product: productID) == [d])
        #expect(try ids("limit=2") == [b, c])
        let first = try client.request("GET", "/api/v1/inspections?limit=3", headers: [admin])
        let link = try #require(first.header("Link"))
        let next = String(link.dropFirst().prefix { $0 != ">" })
        #expect(try F.ids(try client.request("GET", next, headers: [admin])) == [d])
        for bad in ["from=2025-13-01", "to=yesterday", "from=2025-03-01&to=2025-02-01", "kind=hygiene", "result=ok",
                    "status=fail", "product_id=-1", "cursor=abc"] {
            #expect(try client.request("GET", "/api/v1/inspections?\(bad)", headers: [admin]).status == 422, "\(bad)")
        }
        #expect(try client.request("GET", "/api/v1/products/\(productID)/inspections?product_id=\(other)", headers: [admin]).status == 422)

        let csv = try client.request("GET", "/api/v1/inspections.csv?result=fail&kind=food_safety", headers: [admin])
        #expect(csv.status == 200)
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        let lines = F.csvLines(csv)
        #expect(lines.first == "id,product_id,product_code,product_name,inspected_on,agency,kind,result,findings,created_at,updated_at,version")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("\(b),\(other),QN-SP-002,Chả mực Hạ Long,2025-02-20,"))
        #expect(lines[1].contains(",food_safety,fail,Vượt ngưỡng Coliforms,"))
        let productCSV = try client.request("GET", "/api/v1/products/\(productID)/inspections", headers: [admin, ("Accept", "text/csv")])
        #expect(F.csvLines(productCSV).count == 4)
    }
}
