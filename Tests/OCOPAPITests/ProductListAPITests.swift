import Foundation
import JSON
import Testing

/// Product lists end to end: filters over derived certification state on an injected clock,
/// search, Vietnamese order, paging and CSV export.
@Suite struct ProductListAPITests {
    /// 10:00 on 12 Dec 2024 in Hạ Long.
    let clock = ProductTestClock("2024-12-12T10:00:00+07:00")
    let f: ProductAPIFixtures
    var client: TestClient { f.client }

    init() throws { f = try ProductAPIFixtures(clock: clock) }

    struct Catalogue {
        let active5, expiring4, expired3, revoked4, none, beverage: Int64
    }

    func catalogue() throws -> Catalogue {
        let binhLieu = try f.producer("Hợp tác xã Nông sản Bình Liêu")
        let haLong = try f.producer("Công ty Đồng Tâm", district: "Hạ Long", commune: "Hồng Gai")
        let c = Catalogue(
            active5: try f.product("QN-1", "Miến dong Bình Liêu", producer: binhLieu, extra: #","description":"Sợi miến dai""#),
            expiring4: try f.product("QN-2", "Chả mực Hạ Long", producer: haLong),
            expired3: try f.product("QN-3", "Ba kích tím", producer: binhLieu),
            revoked4: try f.product("QN-4", "Nước mắm Cái Rồng", producer: haLong),
            none: try f.product("QN-5", "Ấn phẩm du lịch", producer: binhLieu, group: "tourism"),
            beverage: try f.product("QN-6", "Rượu Đình Lập", producer: haLong, group: "beverage"))
        try f.certificate(product: c.active5, stars: 5, decided: "2024-03-01", expires: "2027-03-01")
        try f.certificate(product: c.expiring4, stars: 4, decided: "2022-01-05", expires: "2025-01-05")
        try f.certificate(product: c.expired3, stars: 3, decided: "2021-12-11", expires: "2024-12-11")
        try f.certificate(product: c.revoked4, stars: 4, decided: "2024-01-02", expires: "2027-01-02", revokedOn: "2024-11-20")
        try f.certificate(product: c.beverage, stars: 3, decided: "2024-06-01", expires: "2027-06-01")
        return c
    }

    @Test func derivedFieldsFollowTheCurrentCertificate() throws {
        let c = try catalogue()
        let json = try client.request("GET", "/api/v1/products/\(c.expiring4)").json
        #expect(json["stars"]?.int64Value == 4)
        #expect(json["status"]?.stringValue == "certified")
        let certificate = try #require(json["certificate"]?.objectValue)
        #expect(certificate.keys == ["id", "number", "stars", "decided_on", "expires_on", "status"])
        #expect(certificate["status"]?.stringValue == "expiring")
        #expect(certificate["expires_on"]?.stringValue == "2025-01-05")
        let expired = try client.request("GET", "/api/v1/products/\(c.expired3)").json
        #expect(expired["stars"]?.isNull == true)
        #expect(expired["status"]?.stringValue == "expired")
        #expect(expired["certificate"]?["stars"]?.int64Value == 3)
        let revoked = try client.request("GET", "/api/v1/products/\(c.revoked4)").json
        #expect(revoked["status"]?.stringValue == "revoked")
        #expect(revoked["stars"]?.isNull == true)
    }

    @Test func filtersOnStarsStatusPlaceGroupAndExpiry() throws {
        let c = try catalogue()
        #expect(try f.ids("/api/v1/products?stars=4") == [c.expiring4])
        #expect(try f.ids("/api/v1/products?stars=3") == [c.beverage])           // the expired 3-star no longer counts
        #expect(try f.ids("/api/v1/products?stars_min=4") == [c.active5, c.expiring4])
        #expect(try f.ids("/api/v1/products?status=certified") == [c.active5, c.expiring4, c.beverage])
        #expect(try f.ids("/api/v1/products?status=expired") == [c.expired3])
        #expect(try f.ids("/api/v1/products?status=revoked") == [c.revoked4])
        #expect(try f.ids("/api/v1/products?status=not_certified") == [c.none])
        #expect(try f.ids("/api/v1/products?status=under_review").isEmpty)
        #expect(try f.ids("/api/v1/products?group=beverage") == [c.beverage])
        #expect(try f.ids("/api/v1/products?group=food&stars_min=3") == [c.active5, c.expiring4])
        #expect(try f.ids("/api/v1/products?district=\(ProductAPIFixtures.encode("Hạ Long"))") == [c.expiring4, c.revoked4, c.beverage])
        #expect(try f.ids("/api/v1/products?commune=\(ProductAPIFixtures.encode("Đồng Văn"))&status=certified") == [c.active5])
        #expect(try f.ids("/api/v1/products?expires_before=2025-02-01") == [c.expiring4, c.expired3])
        let producer = try #require(try client.request("GET", "/api/v1/products/\(c.none)").json["producer_id"]?.int64Value)
        #expect(try f.ids("/api/v1/products?producer_id=\(producer)") == [c.active5, c.expired3, c.none])
        #expect(try f.ids("/api/v1/products?subgroup=food_tea").isEmpty)
    }

    @Test func badQueryParametersAre422() throws {
        for query in ["stars=6", "stars=0", "stars_min=x", "status=certified_ish", "expires_before=2024-13-01",
                      "expires_before=12/12/2024", "producer_id=abc", "sort=price", "colour=red", "limit=501",
                      "cursor=%21", "group=food&group=beverage", "q=",
                      // Not in the taxonomy: textiles is the group the 2023 decision dropped.
                      "group=textiles", "subgroup=bogus"] {
            let response = try client.request("GET", "/api/v1/products?\(query)")
            #expect(response.status == 422, "\(query): \(response.status)")
            #expect(response.header("Content-Type") == "application/problem+json")
        }
    }

    @Test func searchIsDiacriticAndCaseInsensitiveWithD() throws {
        let c = try catalogue()
        func search(_ q: String) throws -> [Int64] { try f.ids("/api/v1/products?q=\(ProductAPIFixtures.encode(q))") }
        #expect(try search("mien dong binh lieu") == [c.active5])
        #expect(try search("MIẾN DONG BÌNH LIÊU") == [c.active5])
        #expect(try search("dinh lap") == [c.beverage])         // Đình → dinh
        #expect(try search("dong tam") == [c.expiring4, c.revoked4, c.beverage])   // the producer's name
        #expect(try search("soi mien") == [c.active5])           // the description
        #expect(try search("dong tam mam") == [c.revoked4])
        #expect(try search("ca rong&status=revoked") == [])      // the & is encoded: part of the text
        #expect(try f.ids("/api/v1/products?q=cai+rong&status=revoked") == [c.revoked4])
        #expect(try search("khong co") == [])
    }

    @Test func sortsByNameInVietnameseOrderAcrossPages() throws {
        let producer = try f.producer()
        for (i, name) in ["Đông", "Dương", "Ấn", "An", "Bình", "Ân"].enumerated() {
            _ = try f.product("V-\(i)", name, producer: producer)
        }
        var names: [String] = []
        var target = "/api/v1/products?sort=name&limit=4"
        while true {
            let page = try client.request("GET", target)
            names += try #require(try page.json["items"]?.arrayValue).compactMap { $0["name"]?.stringValue }
            guard let link = page.header("Link") else { break }
            target = String(link.dropFirst().prefix { $0 != ">" })
            #expect(target.contains("sort=name"))
        }
        #expect(names == ["An", "Ân", "Ấn", "Bình", "Dương", "Đông"])
        let descending = try client.request("GET", "/api/v1/products?sort=-name").json["items"]?.arrayValue
        #expect(descending?.compactMap { $0["name"]?.stringValue } == names.reversed())
    }

    @Test func exportsCSVWithDerivedColumns() throws {
        let c = try catalogue()
        for response in [try client.request("GET", "/api/v1/products.csv?status=certified"),
                         try client.request("GET", "/api/v1/products?status=certified", headers: [("Accept", "text/csv")])] {
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/csv; charset=utf-8")
            #expect(Array(response.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = String(decoding: response.body.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
            #expect(lines.first == "id,code,name,producer_id,group,subgroup,description,unit,price_vnd,gtin,origin_province,raw_material_area_ids,image_urls,stars,status,certificate_number,certificate_expires_on,created_at,updated_at,version")
            #expect(lines.count == 4)
            #expect(lines[1].hasPrefix("\(c.active5),QN-1,Miến dong Bình Liêu,"))
            #expect(lines[1].contains(",5,certified,"))
            #expect(lines[2].contains(",4,certified,\(c.expiring4)/QĐ-UBND-2022-01-05,2025-01-05,"))
        }
        #expect(try client.request("GET", "/api/v1/products/\(c.none).csv").status == 404)
    }

    /// Status is right when read, including across midnight and for a cache that revalidates:
    /// the version has not changed, yet the representation has.
    @Test func statusTurnsOnTheExactDayAndRevalidationSeesIt() throws {
        let producer = try f.producer()
        let id = try f.product("QN-1", "Chè Đường Hoa", producer: producer)
        try f.certificate(product: id, stars: 4, decided: "2021-12-13", expires: "2024-12-13")   // its last day is tomorrow
        let today = try client.request("GET", "/api/v1/products/\(id)")
        #expect(try today.json["status"]?.stringValue == "certified")
        #expect(try today.json["certificate"]?["status"]?.stringValue == "expiring")
        #expect(try client.request("GET", "/api/v1/products/\(id)", headers: [("If-None-Match", "W/\"1\"")]).status == 304)
        #expect(try f.ids("/api/v1/products?stars=4") == [id])

        clock.advance(days: 1)   // 2024-12-13, the last valid day
        #expect(try client.request("GET", "/api/v1/products/\(id)").json["status"]?.stringValue == "certified")

        clock.advance(days: 1)   // 2024-12-14: expired, with no write in between
        let revalidated = try client.request("GET", "/api/v1/products/\(id)", headers: [("If-None-Match", "W/\"1\"")])
        #expect(revalidated.status == 200)
        #expect(revalidated.header("ETag") == "W/\"1\"")
        #expect(try revalidated.json["status"]?.stringValue == "expired")
        #expect(try revalidated.json["stars"]?.isNull == true)
        #expect(try f.ids("/api/v1/products?stars=4").isEmpty)
        #expect(try f.ids("/api/v1/products?status=expired") == [id])
    }
}
