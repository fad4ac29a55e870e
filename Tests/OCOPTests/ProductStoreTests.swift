import JSON
import OCOP
import SQLite
import Testing

@Suite struct ProductStoreTests {
    let database: Database
    init() throws { database = try makeDatabase() }

    typealias F = ProductFixtures

    @Test func createStoresFourteenDigitGTINAreasAndImagesAndAudits() throws {
        let product = try database.write { db -> Product in
            let producer = try F.producer(db)
            let a1 = try F.area(db, "VN-QN-BL-001"), a2 = try F.area(db, "VN-QN-BL-002")
            var fields = F.fields(producer: producer, gtin: "8931234567897")
            fields.rawMaterialAreaIDs = [a2, a1]
            fields.imageURLs = ["https://ocop.quangninh.gov.vn/img/mien.jpg"]
            return try ProductStore.create(db, fields, actor: .system, now: testNow)
        }
        #expect(product.version == 1)
        let fetched = try #require(try database.read { try ProductStore.get($0, id: product.id) })
        #expect(fetched == product)
        #expect(fetched.fields.gtin?.digits == "08931234567897")
        #expect(fetched.fields.rawMaterialAreaIDs.count == 2)
        #expect(fetched.fields.rawMaterialAreaIDs == product.fields.rawMaterialAreaIDs)   // order kept
        #expect(fetched.fields.originProvince == "Quảng Ninh")
        #expect(fetched.status(on: F.today) == .notCertified)
        #expect(fetched.stars(on: F.today) == nil)
        let stored = try database.read { try $0.first("SELECT gtin FROM products", []) { $0.string(0) } }
        #expect(stored == "08931234567897")
        let audit = try database.read { try AuditLog.list($0, AuditLog.Query()) }
        let entry = try #require(audit.items.first { $0.entity == "product" })
        #expect(entry.action == "create")
        #expect(entry.entityID == product.id)
        #expect(entry.changes["gtin"]?.stringValue == "08931234567897")
    }

    @Test func rulesAndReferencesAreReportedTogetherAndNothingIsWritten() throws {
        let producer = try database.write { try F.producer($0) }
        var fields = F.fields("QN 2024/1", name: "  ", producer: producer, group: "beverage", subgroup: "food_honey")
        fields.priceVND = -1
        fields.imageURLs = ["javascript:alert(1)", "https://ok.vn/a.jpg", "http://"]
        fields.rawMaterialAreaIDs = [999, 999]
        let errors = try invalidFields { try ProductStore.create($0, fields, actor: .system, now: testNow) }
        #expect(errors == ["code", "name", "price_vnd", "raw_material_area_ids[1]", "image_urls[0]", "image_urls[2]",
                           "subgroup", "raw_material_area_ids[0]"])
        fields = F.fields(producer: 4242, group: "souvenir")
        #expect(try invalidFields { try ProductStore.create($0, fields, actor: .system, now: testNow) } == ["producer_id", "group"])
        fields = F.fields(producer: producer, subgroup: "nope")
        #expect(try invalidFields { try ProductStore.create($0, fields, actor: .system, now: testNow) } == ["subgroup"])
        #expect(try database.read { try ProductStore.count($0) } == 0)
    }

    @Test func codesAndGTINsAreUniqueWhateverTheGTINLength() throws {
        let producer = try database.write { try F.producer($0) }
        _ = try database.write { try ProductStore.create($0, F.fields("QN-1", producer: producer, gtin: "8931234567897"), actor: .system, now: testNow) }
        #expect(throws: DomainError.conflict("product 1 already has code QN-1")) {
            try database.write { try ProductStore.create($0, F.fields("QN-1", producer: producer), actor: .system, now: testNow) }
        }
        // The same number written as GTIN-14 is the same product.
        #expect(throws: DomainError.conflict("product 1 already has GTIN 08931234567897")) {
            try database.write { try ProductStore.create($0, F.fields("QN-2", producer: producer, gtin: "08931234567897"), actor: .system, now: testNow) }
        }
        #expect(try database.read { try ProductStore.count($0) } == 1)
    }

    @Test func replaceBumpsVersionOnlyOnChangeAndReplacesAreas() throws {
        let (product, area) = try database.write { db -> (Product, Int64) in
            let producer = try F.producer(db)
            var fields = F.fields(producer: producer)
            fields.rawMaterialAreaIDs = [try F.area(db, "A-1")]
            return (try ProductStore.create(db, fields, actor: .system, now: testNow), try F.area(db, "A-2"))
        }
        let same = try database.write { try ProductStore.replace($0, id: product.id, with: product.fields, ifVersion: 1, actor: .system, now: testNow) }
        #expect(same.version == 1)
        var fields = product.fields
        fields.rawMaterialAreaIDs = [area]
        fields.priceVND = 90_000
        let changed = try database.write { try ProductStore.replace($0, id: product.id, with: fields, ifVersion: 1, actor: .system, now: testNow) }
        #expect(changed.version == 2)
        #expect(try database.read { try ProductStore.get($0, id: product.id) }?.fields.rawMaterialAreaIDs == [area])
        #expect(throws: DomainError.staleVersion(current: 2)) {
            try database.write { try ProductStore.replace($0, id: product.id, with: product.fields, ifVersion: 1, actor: .system, now: testNow) }
        }
        var query = AuditLog.Query()
        query.entity = .product
        let audit = try database.read { try AuditLog.list($0, query) }
        #expect(audit.items.map(\.action) == ["update", "create"])
        #expect(audit.items[0].changes["price_vnd"]?["to"]?.int64Value == 90_000)
        #expect(audit.items[0].changes["name"] == nil)
    }

    @Test func deleteRefusesAProductWithHistory() throws {
        let (plain, certified, inspected) = try database.write { db -> (Int64, Int64, Int64) in
            let producer = try F.producer(db)
            let plain = try F.product(db, "P-1", name: "Chè Đường Hoa", producer: producer)
            let certified = try F.product(db, "P-2", name: "Ba kích", producer: producer)
            try F.certificate(db, product: certified, stars: 4, decided: "2024-01-10", expires: "2027-01-10")
            let inspected = try F.product(db, "P-3", name: "Nước mắm", producer: producer)
            try db.run("""
                INSERT INTO inspections (product_id, inspected_on, agency, kind, result, created_at, updated_at)
                VALUES (?, '2024-11-01', 'Chi cục ATVSTP', 'food_safety', 'pass', ?, ?)
                """, [.integer(inspected), .text(testNow.description), .text(testNow.description)])
            return (plain, certified, inspected)
        }
        try database.write { try ProductStore.delete($0, id: plain, ifVersion: 1, actor: .system, now: testNow) }
        #expect(try database.read { try ProductStore.get($0, id: plain) } == nil)
        var query = ProductQuery(today: F.today)
        query.text = "che duong hoa"
        #expect(try database.read { try ProductStore.list($0, query) }.items.isEmpty)
        for id in [certified, inspected] {
            #expect(throws: DomainError.self) {
                try database.write { try ProductStore.delete($0, id: id, ifVersion: nil, actor: .system, now: testNow) }
            }
            #expect(try database.read { try ProductStore.get($0, id: id) } != nil)
        }
        #expect(throws: DomainError.notFound(entity: "product", id: String(plain))) {
            try database.write { try ProductStore.delete($0, id: plain, ifVersion: nil, actor: .system, now: testNow) }
        }
    }

    /// Status and stars come from the current certificate's dates on the day asked;
    /// the SQL filters must agree with `Product.status(on:)` for every product on every day.
    @Test func statusAndStarFiltersAgreeWithDerivedValues() throws {
        let ids = try database.write { db -> [String: Int64] in
            let producer = try F.producer(db)
            var ids: [String: Int64] = [:]
            for key in ["active5", "expiring4", "expired3", "revoked4", "none", "review3", "renewed", "today3", "reviewRevoked"] {
                ids[key] = try F.product(db, "P-\(key)", name: key, producer: producer)
            }
            try F.certificate(db, product: ids["active5"]!, stars: 5, decided: "2023-12-30", expires: "2026-12-30")
            try F.certificate(db, product: ids["expiring4"]!, stars: 4, decided: "2022-01-05", expires: "2025-01-05")
            try F.certificate(db, product: ids["expired3"]!, stars: 3, decided: "2021-12-11", expires: "2024-12-11")
            try F.certificate(db, product: ids["revoked4"]!, stars: 4, decided: "2024-01-02", expires: "2027-01-02", revokedOn: "2024-11-20")
            try F.certificate(db, product: ids["review3"]!, stars: 3, decided: "2024-06-01", expires: "2027-06-01")
            try F.certificate(db, product: ids["reviewRevoked"]!, stars: 4, decided: "2023-01-02", expires: "2026-01-02", revokedOn: "2024-12-01")
            for key in ["review3", "reviewRevoked"] {
                try db.run("UPDATE products SET under_review = 1 WHERE id = ?", [.integer(ids[key]!)])
            }
            let old = try F.certificate(db, product: ids["renewed"]!, stars: 3, decided: "2021-03-01", expires: "2024-03-01")
            let new = try F.certificate(db, product: ids["renewed"]!, stars: 4, decided: "2024-02-01", expires: "2027-02-01")
            // A current certificate that is marked renewed never happens in the flows; the rule must still hold.
            try db.run("UPDATE certificates SET renewed_by_id = ? WHERE id = ?", [.integer(new), .integer(old)])
            try db.run("UPDATE products SET current_certificate_id = ? WHERE id = ?", [.integer(old), .integer(ids["renewed"]!)])
            try F.certificate(db, product: ids["today3"]!, stars: 3, decided: "2021-12-12", expires: "2024-12-12")
            return ids
        }
        let all = try database.read { try ProductStore.list($0, ProductQuery(today: F.today)) }.items
        let name = { (id: Int64) in all.first { $0.id == id }?.fields.name ?? "?" }
        let expected: [String: ProductStatus] = [
            "active5": .certified, "expiring4": .certified, "expired3": .expired, "revoked4": .revoked,
            "none": .notCertified, "review3": .underReview, "renewed": .notCertified, "today3": .certified,
            "reviewRevoked": .underReview,
        ]
        #expect(all.count == expected.count)
        for product in all { #expect(product.status(on: F.today) == expected[product.fields.name], "\(product.fields.name)") }
        #expect(all.first { $0.fields.name == "expiring4" }?.certificate?.status(on: F.today) == .expiring)
        #expect(all.first { $0.fields.name == "review3" }?.stars(on: F.today) == .three)   // under review keeps its stars
        #expect(all.first { $0.fields.name == "expired3" }?.stars(on: F.today) == nil)

        // On three days around an expiry, SQL and Swift agree for every status.
        for day in [F.today, F.today.adding(days: 1), CivilDate(year: 2025, month: 1, day: 6)!] {
            let products = try database.read { try ProductStore.list($0, ProductQuery(today: day)) }.items
            for status in ProductStatus.allCases {
                var query = ProductQuery(today: day)
                query.status = status
                let listed = Set(try database.read { try ProductStore.list($0, query) }.items.map(\.id))
                let derived = Set(products.filter { $0.status(on: day) == status }.map(\.id))
                #expect(listed == derived, "\(status) on \(day): \(listed.map(name)) vs \(derived.map(name))")
            }
            for stars in StarRating.allCases {
                var exact = ProductQuery(today: day)
                exact.stars = stars
                #expect(Set(F.ids(try database.read { try ProductStore.list($0, exact) }))
                        == Set(products.filter { $0.stars(on: day) == stars }.map(\.id)))
                var minimum = ProductQuery(today: day)
                minimum.starsMin = stars
                #expect(Set(F.ids(try database.read { try ProductStore.list($0, minimum) }))
                        == Set(products.filter { ($0.stars(on: day)?.rawValue ?? 0) >= stars.rawValue }.map(\.id)))
            }
        }
        // Expiry on the exact day: certified (expiring) on its last day, expired the next.
        var certified = ProductQuery(today: F.today)
        certified.status = .certified
        #expect(try database.read { try ProductStore.list($0, certified) }.items.contains { $0.id == ids["today3"] })
        certified.today = F.today.adding(days: 1)
        #expect(try !database.read { try ProductStore.list($0, certified) }.items.contains { $0.id == ids["today3"] })

        var expiring = ProductQuery(today: F.today)
        expiring.expiresBefore = CivilDate(year: 2025, month: 1, day: 1)
        #expect(Set(F.ids(try database.read { try ProductStore.list($0, expiring) }))
                == [ids["expired3"]!, ids["today3"]!, ids["renewed"]!])
    }

    @Test func searchIgnoresCaseAndDiacriticsFoldsDAndFollowsProducerRenames() throws {
        let (mien, chaMuc, producer) = try database.write { db -> (Int64, Int64, Int64) in
            let binhLieu = try F.producer(db)
            let dongTam = try F.producer(db, "Công ty Đồng Tâm", commune: "Hồng Gai", district: "Hạ Long")
            let mien = try F.product(db, "QN-BL-01", name: "Miến dong Bình Liêu", producer: binhLieu)
            let chaMuc = try F.product(db, "QN-HL-07", name: "Chả mực Hạ Long", producer: dongTam,
                                       description: "Giã tay từ mực tươi vùng vịnh")
            return (mien, chaMuc, dongTam)
        }
        func search(_ text: String) throws -> [Int64] {
            var query = ProductQuery(today: F.today)
            query.text = text
            return F.ids(try database.read { try ProductStore.list($0, query) })
        }
        #expect(try search("mien dong binh lieu") == [mien])
        #expect(try search("MIẾN DONG") == [mien])
        #expect(try search("Miến dong Bình Liêu") == [mien])
        #expect(try search("cha muc ha long") == [chaMuc])
        #expect(try search("dong tam") == [chaMuc])           // Đ → d, through the producer's name
        #expect(try search("đồng tâm") == [chaMuc])
        #expect(try search("muc tuoi") == [chaMuc])           // description
        #expect(try search("qn-hl-07") == [chaMuc])           // code
        #expect(try search("dong").sorted() == [mien, chaMuc].sorted())
        #expect(try search("xyz").isEmpty)
        #expect(try search("!!!").isEmpty)

        try database.write { db in
            guard let current = try ProducerStore.get(db, id: producer) else { return }
            var fields = current.fields
            fields.name = "Hợp tác xã Vân Đồn"
            _ = try ProducerStore.replace(db, id: producer, with: fields, ifVersion: nil, actor: .system, now: testNow)
        }
        #expect(try search("dong tam").isEmpty)
        #expect(try search("van don") == [chaMuc])
    }

    @Test func plainFiltersAndVietnameseNameOrderWithCursors() throws {
        let names = ["Ư", "U", "Đ", "D", "Ơ", "Ô", "O", "Ă", "A", "Â"]
        let (first, second) = try database.write { db -> (Int64, Int64) in
            let first = try F.producer(db)
            let second = try F.producer(db, "Hộ Ông Thanh", commune: "Quảng Minh", district: "Hải Hà")
            for (i, n) in names.enumerated() {
                _ = try F.product(db, "V-\(i)", name: n, producer: i.isMultiple(of: 2) ? first : second,
                                  group: i < 8 ? "food" : "beverage", subgroup: i < 8 ? "food_tea" : nil)
            }
            return (first, second)
        }
        var query = ProductQuery(today: F.today)
        query.sort = .name
        query.limit = PageSize(3)!
        var seen: [String] = []
        while true {
            let page = try database.read { try ProductStore.list($0, query) }
            seen += page.items.map(\.fields.name)
            guard let next = page.nextCursor else { break }
            query.cursor = Cursor(encoded: next)
        }
        #expect(seen == ["A", "Ă", "Â", "D", "Đ", "O", "Ô", "Ơ", "U", "Ư"])
        query = ProductQuery(today: F.today)
        query.sort = .nameDescending
        #expect(try database.read { try ProductStore.list($0, query) }.items.map(\.fields.name) == seen.reversed())
        query.cursor = Cursor(sort: "id", values: ["3"])
        #expect(throws: DomainError.self) { try database.read { try ProductStore.list($0, query) } }

        func count(_ change: (inout ProductQuery) -> Void) throws -> Int {
            var query = ProductQuery(today: F.today)
            change(&query)
            return try database.read { try ProductStore.list($0, query) }.items.count
        }
        #expect(try count { $0.group = "beverage" } == 2)
        #expect(try count { $0.subgroup = "food_tea" } == 8)
        #expect(try count { $0.producerID = first } == 5)
        #expect(try count { $0.producerID = second; $0.group = "food" } == 4)
        #expect(try count { $0.district = "Hải Hà" } == 5)
        #expect(try count { $0.commune = "Đồng Văn" } == 5)
        #expect(try count { $0.commune = "Nowhere" } == 0)
    }

    @Test func groupsComeFromTheSeededTables() throws {
        let groups = try database.read { try ProductGroup.all($0) }
        #expect(groups.map(\.code) == ["food", "beverage", "herbal", "handicraft", "ornamental", "tourism"])
        #expect(groups.filter { !$0.gtinRequired }.map(\.code) == ["tourism"])
        #expect(groups[1].subgroups.map(\.code) == ["beverage_spirits", "beverage_alcoholic_other", "beverage_non_alcoholic"])
        #expect(groups.allSatisfy { !$0.subgroups.isEmpty })
    }

    /// The field names of the `DomainError.invalid` a write throws.
    private func invalidFields(_ body: @escaping (Connection) throws -> Product) throws -> [String] {
        do {
            _ = try database.write(body)
            Issue.record("expected invalid")
            return []
        } catch let error as DomainError {
            guard case .invalid(let errors) = error else { Issue.record("\(error)"); return [] }
            return errors.map(\.field)
        }
    }
}
