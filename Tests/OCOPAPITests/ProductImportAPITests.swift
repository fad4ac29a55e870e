import Foundation
import JSON
import OCOP
import Testing

/// `POST /api/v1/products/import` end to end.
@Suite struct ProductImportAPITests {
    let f: ProductAPIFixtures
    var client: TestClient { f.client }
    var admin: (String, String) { f.admin }

    init() throws { f = try ProductAPIFixtures() }

    func post(_ csv: String, contentType: String = "text/csv; charset=utf-8", key: String? = nil) throws -> WireResponse {
        var headers = [admin]
        if let key { headers.append(("Idempotency-Key", key)) }
        return try client.request("POST", "/api/v1/products/import", headers: headers, body: csv, contentType: contentType)
    }

    @Test func importsAFileAndTheRowsAreProducts() throws {
        let producer = try f.producer()
        let csv = "\u{FEFF}code,name,producer_id,group,subgroup,description,unit,price_vnd,gtin,origin_province\r\n"
            + "QN-1,Miến dong Bình Liêu,\(producer),food,food_processed_plant,\"Sợi dai,\r\ntrong\",gói 500g,85000,8931234567897,\r\n"
            + "QN-2,\"Rượu \"\"Đình Lập\"\"\",\(producer),beverage,beverage_spirits,,chai,,,\r\n"
        let response = try post(csv)
        #expect(response.status == 201, "\(response.text)")
        let json = try response.json
        #expect(json["imported"]?.int64Value == 2)
        let ids = try #require(json["ids"]?.arrayValue).compactMap(\.int64Value)
        #expect(try f.ids("/api/v1/products") == ids)
        let first = try client.request("GET", "/api/v1/products/\(ids[0])").json
        #expect(first["description"]?.stringValue == "Sợi dai,\r\ntrong")
        #expect(first["gtin"]?.stringValue == "08931234567897")
        let second = try client.request("GET", "/api/v1/products/\(ids[1])").json
        #expect(second["name"]?.stringValue == "Rượu \"Đình Lập\"")
        #expect(try f.ids("/api/v1/products?q=dinh+lap") == [ids[1]])
    }

    /// The two list fields of a product are columns too, written as the export writes them
    /// (items separated by spaces): imported products were otherwise never linked to their
    /// growing areas, so the resolver had no traceability link for them. A bad item is named.
    @Test func areasAndImagesAreImportedAsTheExportWritesThem() throws {
        let producer = try f.producer()
        let created = try client.request("POST", "/api/v1/raw-material-areas", headers: [admin], body: """
            {"code":"VN-QN-BL-001","name":"Vùng trồng dong riềng Đồng Văn","kind":"cultivation","area_m2":125000,
             "producer_id":\(producer),"market":"domestic"}
            """)
        let area = try #require(try created.json["id"]?.int64Value, "\(created.text)")
        let csv = "code,name,producer_id,group,raw_material_area_ids,image_urls\r\n"
            + "QN-A,Miến dong,\(producer),food,\(area),https://ocop.quangninh.gov.vn/a.jpg https://ocop.quangninh.gov.vn/b.jpg\r\n"
            + "QN-B,Trà hoa vàng,\(producer),food,,\r\n"
        let response = try post(csv)
        #expect(response.status == 201, "\(response.text)")
        let ids = try #require(try response.json["ids"]?.arrayValue).compactMap(\.int64Value)
        let first = try client.request("GET", "/api/v1/products/\(ids[0])").json
        #expect(first["raw_material_area_ids"]?.arrayValue == [.number(JSONNumber(area))])
        #expect(first["image_urls"]?.arrayValue?.compactMap(\.stringValue)
                == ["https://ocop.quangninh.gov.vn/a.jpg", "https://ocop.quangninh.gov.vn/b.jpg"])
        let second = try client.request("GET", "/api/v1/products/\(ids[1])").json
        #expect(second["raw_material_area_ids"]?.arrayValue == [])
        // The export's own columns read back: an exported row's lists import as they are.
        let exported = try client.request("GET", "/api/v1/products.csv").text
        #expect(exported.contains("\(area),https://ocop.quangninh.gov.vn/a.jpg https://ocop.quangninh.gov.vn/b.jpg"))

        let bad = try post("code,name,producer_id,group,raw_material_area_ids,image_urls\r\n"
                           + "QN-C,X,\(producer),food,3 x,\r\nQN-D,Y,\(producer),food,424242,ftp://a\r\n")
        #expect(bad.status == 422, "\(bad.text)")
        #expect(try ProductAPIFixtures.errorFields(bad)
                == ["rows[2].raw_material_area_ids", "rows[3].raw_material_area_ids[0]", "rows[3].image_urls[0]"])
    }

    @Test func aBadFileListsEveryBadRowAndWritesNothing() throws {
        let producer = try f.producer()
        _ = try f.product("QN-OLD", "Đã có", producer: producer)
        let csv = """
            code,name,producer_id,group,gtin
            QN-1,Tốt,\(producer),food,
            QN-OLD,Trùng với cơ sở dữ liệu,\(producer),food,
            QN-3,,\(producer),tourism,123
            QN-1,Trùng trong tệp,\(producer),food,
            QN-5,Nhà sản xuất lạ,424242,food,

            """
        let response = try post(csv)
        #expect(response.status == 422)
        #expect(response.header("Content-Type") == "application/problem+json")
        let errors = try #require(try response.json["errors"]?.arrayValue)
        #expect(errors.compactMap { $0["field"]?.stringValue }
                == ["rows[3].code", "rows[4].name", "rows[4].gtin", "rows[5].code", "rows[6].producer_id"])
        #expect(errors.allSatisfy { ($0["message"]?.stringValue ?? "").isEmpty == false })
        #expect(try f.ids("/api/v1/products").count == 1)
        let audit = try client.request("GET", "/api/v1/audit?entity=product", headers: [admin])
        #expect(try audit.json["items"]?.arrayValue?.count == 1)
    }

    /// API.md: 409 for a duplicate code. A file whose only fault is codes other products hold
    /// gets it, listing every such row, as one product's POST would; nothing is imported.
    @Test func codesAlreadyHeldAreAConflict() throws {
        let producer = try f.producer()
        #expect(try post("code,name,producer_id,group\r\nQN-H1,Có rồi,\(producer),food\r\n").status == 201)
        let clash = try post("code,name,producer_id,group\r\nQN-H2,Mới,\(producer),food\r\nQN-H1,Trùng,\(producer),food\r\n")
        #expect(clash.status == 409, "\(clash.text)")
        #expect(clash.header("Content-Type") == "application/problem+json")
        #expect(try ProductAPIFixtures.errorFields(clash) == ["rows[3].code"])
        #expect(try f.ids("/api/v1/products?q=QN-H2").isEmpty)
    }

    @Test func headerSyntaxSizeAndMediaTypeProblems() throws {
        let producer = try f.producer()
        let unknown = try post("code,name,producer_id,group,stars\nQN-1,A,\(producer),food,5\n")
        #expect(unknown.status == 422)
        #expect(try ProductAPIFixtures.errorFields(unknown) == ["rows[1].stars"])
        #expect(unknown.text.contains("written by the export but kept by the server"))
        let syntax = try post("code,name,producer_id,group\nQN-1,\"A,\(producer),food\n")
        #expect(syntax.status == 400)
        #expect(try syntax.json["detail"]?.stringValue?.contains("line 2") == true)
        #expect(try post("code,name,producer_id,group\n").status == 422)
        #expect(try post("", contentType: "text/csv").status == 422)
        #expect(try post("code\n", contentType: "application/json").status == 415)
        #expect(try post("code\n", contentType: "text/csv; charset=windows-1258").status == 415)
        var big = "code,name,producer_id,group\n"
        for i in 0...ProductImport.maximumRows { big += "Q\(i),P,\(producer),food\n" }
        let tooBig = try post(big)
        #expect(tooBig.status == 413)
        #expect(try tooBig.json["detail"]?.stringValue?.contains("5000") == true)
        #expect(try client.request("GET", "/api/v1/products/import").status == 405)
        #expect(try f.ids("/api/v1/products").isEmpty)
    }

    @Test func idempotencyKeyReplaysTheImport() throws {
        let producer = try f.producer()
        let csv = "code,name,producer_id,group\nQN-1,Chè,\(producer),food\n"
        let first = try post(csv, key: "import-1")
        let retry = try post(csv, key: "import-1")
        #expect(first.status == 201)
        #expect(retry.status == 201)
        #expect(retry.body == first.body)
        #expect(retry.header("Idempotent-Replayed") == "true")
        #expect(try f.ids("/api/v1/products").count == 1)
        // Without the key the same file is a new request, and its codes now exist.
        let again = try post(csv)
        #expect(again.status == 409)
        #expect(try ProductAPIFixtures.errorFields(again) == ["rows[2].code"])
    }
}
