import Foundation
import JSON
import OCOP
import Testing

/// `GET /api/v1/reports/products` end to end: data made through the API on a moving clock
/// (producers, products, rounds, scores, decisions, a revocation, a growing area), then the report.
///
/// Timeline: X (enterprise P1, Bình Liêu/Đồng Văn, food), Y (household P2, Ba Chẽ/Thanh Sơn, herbal) and
/// Z (P1, tourism) are certified on 2021-06-10 (last valid day 2024-06-10). On 2024-07-01 X is re-evaluated
/// (renewed on 2024-07-05) and W (P2, food) is certified then too; Y is not re-evaluated; Z is revoked
/// (not re-applied) on 2024-07-05. Today is 2024-09-01.
@Suite struct ReportAPITests {
    let clock = CertificationClock("2021-06-10T09:00:00+07:00")
    let server: TestServer
    let api: CertificationAPI
    let ids: [String: Int64]

    init() throws {
        let clock = self.clock
        server = try TestServer(clock: { clock.now() })
        api = try CertificationAPI(server: server)
        var ids: [String: Int64] = [:]
        func created(_ response: WireResponse) throws -> Int64 {
            #expect(response.status == 201, "\(response.text)")
            return try #require(try response.json["id"]?.int64Value)
        }
        ids["P1"] = try created(api.post("/api/v1/producers",
            #"{"name":"Công ty TNHH Miến dong Bình Liêu","kind":"enterprise","district":"Bình Liêu","commune":"Đồng Văn"}"#))
        ids["P2"] = try created(api.post("/api/v1/producers",
            #"{"name":"Hộ kinh doanh Lý Thị Mai","kind":"household","district":"Ba Chẽ","commune":"Thanh Sơn"}"#))
        for (key, producer, group, name) in [("X", "P1", "food", "Miến dong Bình Liêu"), ("Y", "P2", "herbal", "Ba kích tím Ba Chẽ"),
                                             ("Z", "P1", "tourism", "Tour du lịch cộng đồng Bình Liêu"),
                                             ("W", "P2", "food", "Mật ong rừng Ba Chẽ")] {
            ids[key] = try created(api.post("/api/v1/products", #"""
                {"code":"QN-\#(key)","name":"\#(name)","producer_id":\#(ids[producer] ?? 0),"group":"\#(group)"}
                """#))
        }
        let first = try api.round(heldOn: "2021-06-01")
        for (key, scores) in [("X", ["35", "20", "30"]), ("Y", ["25", "15", "20"]), ("Z", ["25", "15", "20"])] {
            let result = try created(api.record(round: first, product: ids[key] ?? 0, [scores]))
            ids[key + "1"] = try created(api.decide(round: first, result: result, number: "55/QĐ-UBND", on: "2021-06-10"))
        }
        clock.set("2024-07-05T09:00:00+07:00")
        let second = try api.round(heldOn: "2024-07-01")
        for (key, scores) in [("X", ["35", "20", "30"]), ("W", ["25", "15", "20"])] {
            let result = try created(api.record(round: second, product: ids[key] ?? 0, [scores]))
            ids[key + "2"] = try created(api.decide(round: second, result: result, number: "312/QĐ-UBND", on: "2024-07-05"))
        }
        #expect(try api.post("/api/v1/certificates/\(ids["Z1"] ?? 0)/revoke", #"{"reason":"not_reapplied"}"#).status == 200)
        _ = try created(api.post("/api/v1/raw-material-areas", #"""
            {"code":"VN-QN-BL-001","kind":"cultivation","area_m2":3223500,"producer_id":\#(ids["P1"] ?? 0),"market":"domestic",
             "certifications":[{"scheme":"VietGAP","number":"VG-001","valid_from":"2023-01-01","valid_until":"2025-12-31"}]}
            """#))
        _ = try created(api.post("/api/v1/packing-facilities", #"{"code":"QN-DG-01","name":"Cơ sở đóng gói Vân Đồn","market":"export"}"#))
        clock.set("2024-09-01T09:00:00+07:00")
        self.ids = ids
    }

    func report(_ query: String = "", headers: [(String, String)] = []) throws -> WireResponse {
        try api.get("/api/v1/reports/products" + query, headers: headers)
    }

    @Test func onlyOfficersAndAdminsReadReports() throws {
        let anonymous = try api.client.request("GET", "/api/v1/reports/products")
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate") != nil)
        let pos = try server.token("pos", pointOfSale: 1)
        #expect(try api.client.request("GET", "/api/v1/reports/products", headers: [bearer(pos)]).status == 403)
        #expect(try api.client.request("GET", "/api/v1/reports/products", headers: [bearer(TestServer.adminToken)]).status == 200)
        #expect(try report().status == 200)
    }

    @Test func todaysReportFromRecordedData() throws {
        let response = try report()
        #expect(response.status == 200, "\(response.text)")
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        let body = try response.json
        #expect(body["as_of"]?.stringValue == "2024-09-01")
        let certified = try #require(body["certified_products"])
        // X2 (4★) and W2 (3★) are valid today; X1, Y1, Z1 expired (Z1 revoked since).
        #expect(certified["total"]?.int64Value == 2)
        #expect(certified["producers"]?.int64Value == 2)
        let byStars = try #require(certified["by_stars"]?.arrayValue)
        #expect(byStars.map { $0["stars"]?.int64Value } == [3, 4, 5])
        #expect(byStars.map { $0["products"]?.int64Value } == [1, 1, 0])
        #expect(byStars.map { $0["share_percent"]?.stringValue } == ["50.0", "50.0", "0.0"])
        let byGroup = try #require(certified["by_group"]?.arrayValue)
        #expect(byGroup.count == 6)
        #expect(byGroup.first?["group"]?.stringValue == "food")
        #expect(byGroup.first?["name"]?.stringValue == "Thực phẩm")
        #expect(byGroup.first?["products"]?.int64Value == 2)
        let byDistrict = try #require(certified["by_district"]?.arrayValue)
        #expect(byDistrict.map { $0["district"]?.stringValue } == ["Ba Chẽ", "Bình Liêu"])
        let byCommune = try #require(certified["by_commune"]?.arrayValue)
        #expect(byCommune.map { $0["commune"]?.stringValue } == ["Thanh Sơn", "Đồng Văn"])
        let kinds = try #require(certified["by_producer_kind"]?.arrayValue)
        #expect(kinds.map { $0["kind"]?.stringValue } == ["enterprise", "cooperative", "cooperative_group", "household"])
        #expect(kinds.map { $0["products"]?.int64Value } == [1, 0, 0, 1])
        #expect(kinds.map { $0["producers"]?.int64Value } == [1, 0, 0, 1])
        #expect(kinds[1]["share_percent"]?.stringValue == "0.0")

        let expiring = try #require(body["expiring"])
        #expect(expiring["within_days"]?.int64Value == 90)
        #expect(expiring["through"]?.stringValue == "2024-11-30")
        #expect(expiring["count"]?.int64Value == 0)
        #expect(expiring["certificates"]?.arrayValue?.isEmpty == true)

        // Default period 2024-03-01 … 2024-09-01: X1, Y1, Z1 expired on 2024-06-11; X came back on 2024-07-01.
        let expired = try #require(body["expired"])
        #expect(expired["from"]?.stringValue == "2024-03-01")
        #expect(expired["to"]?.stringValue == "2024-09-01")
        #expect(expired["certificates"]?.int64Value == 3)
        #expect(expired["reentered_evaluation"]?.int64Value == 1)
        #expect(expired["reentered_share_percent"]?.stringValue == "33.3")

        let raw = try #require(body["raw_materials"])
        let vietGAP = try #require(raw["by_scheme"]?.arrayValue?.first)
        #expect(vietGAP["scheme"]?.stringValue == "VietGAP")
        #expect(vietGAP["area_m2"]?.int64Value == 3_223_500)
        #expect(vietGAP["area_ha"]?.stringValue == "322.35")
        #expect(vietGAP["establishments"]?.int64Value == 1)
        #expect(vietGAP["by_kind"]?.arrayValue?.first?["kind"]?.stringValue == "cultivation")
        #expect(raw["by_scheme"]?.arrayValue?.map { $0["scheme"]?.stringValue } == ["VietGAP", "VietGAHP", "organic", "other"])
        #expect(raw["registered_areas"]?.int64Value == 1)
        #expect(raw["packing_facilities"]?.int64Value == 1)
    }

    /// DOMAIN.md: "Certificates issued before keep the address as issued." P2 moves to a merged
    /// commune (the 2025 reform); its certificates, and every report counting them, keep Ba Chẽ /
    /// Thanh Sơn. A certificate issued after the move carries the new place.
    @Test func certificatesKeepThePlaceTheyWereIssuedAt() throws {
        let before = try report("?as_of=2024-08-01").json["certified_products"]?["by_commune"]
        let moved = try api.client.request("PATCH", "/api/v1/producers/\(ids["P2"] ?? 0)",
                                           headers: [api.officer, ("Content-Type", "application/merge-patch+json")],
                                           body: #"{"district":null,"commune":"Xã Ba Chẽ"}"#)
        #expect(moved.status == 200, "\(moved.text)")
        let certificate = try api.get("/api/v1/certificates/\(ids["W2"] ?? 0)").json
        #expect(certificate["district"]?.stringValue == "Ba Chẽ")
        #expect(certificate["commune"]?.stringValue == "Thanh Sơn")
        #expect(try report("?as_of=2024-08-01").json["certified_products"]?["by_commune"] == before)
        let communes = try report().json["certified_products"]?["by_commune"]?.arrayValue ?? []
        #expect(communes.map { $0["commune"]?.stringValue } == ["Thanh Sơn", "Đồng Văn"])

        // Re-evaluated after the move: the new certificate is issued to where the producer is now.
        clock.set("2024-09-10T09:00:00+07:00")
        let round = try api.round(heldOn: "2024-09-05")
        let result = try #require(try api.record(round: round, product: ids["W"] ?? 0, [["25", "15", "20"]]).json["id"]?.int64Value)
        let renewed = try api.decide(round: round, result: result, number: "401/QĐ-UBND", on: "2024-09-10").json
        #expect(renewed["district"]?.isNull == true)
        #expect(renewed["commune"]?.stringValue == "Xã Ba Chẽ")
        let now = try report().json["certified_products"]?["by_commune"]?.arrayValue ?? []
        #expect(now.map { $0["commune"]?.stringValue } == ["Đồng Văn", "Xã Ba Chẽ"])
    }

    @Test func asOfAndWindowsAreParameters() throws {
        // Before the first decision nothing was certified.
        #expect(try report("?as_of=2021-06-09").json["certified_products"]?["total"]?.int64Value == 0)
        let early = try report("?as_of=2021-06-10").json
        #expect(early["certified_products"]?["total"]?.int64Value == 3)
        // Looking ahead from 2027-06-10, X2 and W2 end on 2027-07-05.
        let ahead = try report("?as_of=2027-06-10&within_days=30").json
        let certificates = try #require(ahead["expiring"]?["certificates"]?.arrayValue)
        #expect(certificates.map { $0["certificate_id"]?.int64Value } == [ids["X2"], ids["W2"]])
        let first = try #require(certificates.first)
        #expect(first["number"]?.stringValue == "312/QĐ-UBND/QN-X")
        #expect(first["product_id"]?.int64Value == ids["X"])
        #expect(first["product_code"]?.stringValue == "QN-X")
        #expect(first["product_name"]?.stringValue == "Miến dong Bình Liêu")
        #expect(first["stars"]?.int64Value == 4)
        #expect(first["expires_on"]?.stringValue == "2027-07-05")
        #expect(first["days_left"]?.int64Value == 25)
        #expect(try report("?as_of=2027-06-10&within_days=24").json["expiring"]?["count"]?.int64Value == 0)
        // A period with no expiry.
        let quiet = try report("?from=2024-07-01&to=2024-08-31").json["expired"]
        #expect(quiet?["certificates"]?.int64Value == 0)
        #expect(quiet?["reentered_share_percent"]?.isNull == true)
    }

    @Test func badParametersAre422() throws {
        for (query, field) in [("?as_of=2024-02-30", "as_of"), ("?within_days=0", "within_days"),
                               ("?within_days=3651", "within_days"), ("?within_days=abc", "within_days"),
                               ("?to=2024-09-02", "to"), ("?from=2024-08-02&to=2024-08-01", "from"),
                               ("?colour=red", "colour"), ("?table=by_stars", "table"), ("?table=pie", "table"),
                               // Derived dates must stay YYYY-MM-DD: no "+10000-03-30", no year 0000.
                               ("?as_of=9999-12-31", "as_of"), ("?as_of=0001-01-01", "as_of"), ("?as_of=1899-12-31", "as_of")] {
            let response = try report(query)
            #expect(response.status == 422, "\(query)")
            #expect(try CertificationAPI.fields(response) == [field], "\(query): \(response.text)")
        }
    }

    @Test func csvIsOneNamedTable() throws {
        let noTable = try report(headers: [("Accept", "text/csv")])
        #expect(noTable.status == 422)
        #expect(try CertificationAPI.fields(noTable) == ["table"])
        let stars = try api.get("/api/v1/reports/products.csv?table=by_stars")
        #expect(stars.status == 200)
        #expect(stars.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(stars.header("Content-Disposition") == "attachment; filename=\"products-report-by_stars-2024-09-01.csv\"")
        #expect(Array(stars.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: stars.body.dropFirst(3), as: UTF8.self)
                == "stars,products,share_percent\r\n3,1,50.0\r\n4,1,50.0\r\n5,0,0.0\r\n")
        let expiring = try report("?as_of=2027-06-10&within_days=30&table=expiring", headers: [("Accept", "text/csv")])
        let lines = String(decoding: expiring.body.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(lines.first == "certificate_id,number,product_id,product_code,product_name,stars,expires_on,days_left")
        #expect(lines.dropFirst().first == "\(ids["X2"] ?? 0),312/QĐ-UBND/QN-X,\(ids["X"] ?? 0),QN-X,Miến dong Bình Liêu,4,2027-07-05,25")
        let raw = try api.get("/api/v1/reports/products.csv?table=raw_materials")
        let rawLines = String(decoding: raw.body.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(rawLines.prefix(3) == ["scheme,kind,areas,area_m2,area_ha,establishments",
                                       "VietGAP,all,1,3223500,322.35,1", "VietGAP,cultivation,1,3223500,322.35,1"])
        #expect(rawLines.count == 6, "header, VietGAP total and kind, then one line per other scheme")
        for table in ["by_group", "by_district", "by_commune", "by_producer_kind"] {
            let response = try api.get("/api/v1/reports/products.csv?table=\(table)")
            #expect(response.status == 200, "\(table)")
        }
        let communes = try api.get("/api/v1/reports/products.csv?table=by_commune")
        #expect(String(decoding: communes.body.dropFirst(3), as: UTF8.self)
                == "district,commune,products,share_percent\r\nBa Chẽ,Thanh Sơn,1,50.0\r\nBình Liêu,Đồng Văn,1,50.0\r\n")
    }
}
