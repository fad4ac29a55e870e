import JSON
import OCOP
import SQLite
import Testing

@Suite struct RawMaterialAreaStoreTests {
    let database: Database
    init() throws { database = try makeDatabase() }

    typealias F = QualityFixtures

    func vietGAP(_ number: String = "VietGAP-TT-24-01", from: String = "2024-01-15", until: String = "2026-01-14") -> AreaCertification {
        AreaCertification(scheme: .vietGAP, number: number, validFrom: F.day(from), validUntil: F.day(until))
    }

    func fields(_ code: String = "VN-QN-BL-0001", kind: AreaKind = .cultivation, areaM2: Int64 = 3_223_500,
                market: MarketScope = .domestic, district: String? = "Bình Liêu", producerID: Int64? = nil,
                certifications: [AreaCertification]? = nil) -> RawMaterialAreaFields {
        RawMaterialAreaFields(code: code, name: "Vùng trồng dong riềng Đồng Văn", kind: kind, areaM2: areaM2,
                              commune: "Đồng Văn", district: district, producerID: producerID, market: market,
                              certifications: certifications ?? [vietGAP()])
    }

    func errorFields(_ body: () throws -> Void) -> Set<String> {
        do {
            try body()
        } catch let error as DomainError {
            if case .invalid(let errors) = error { return Set(errors.map(\.field)) }
            Issue.record("expected invalid, got \(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
        return []
    }

    @Test func createGetAndAudit() throws {
        let producer = try database.write { try F.producer($0) }
        let organic = AreaCertification(scheme: .organic, number: "HC-09", validFrom: F.day("2023-05-01"),
                                        validUntil: F.day("2026-04-30"))
        let area = try database.write {
            try RawMaterialAreaStore.create($0, fields(producerID: producer, certifications: [vietGAP(), organic]),
                                            actor: .system, now: testNow)
        }
        #expect(area.version == 1)
        let fetched = try #require(try database.read { try RawMaterialAreaStore.get($0, id: area.id) })
        #expect(fetched == area)
        #expect(fetched.fields.certifications.map(\.scheme) == [.vietGAP, .organic])   // order kept
        #expect(fetched.fields.areaM2 == 3_223_500)
        let audit = try database.read { try AuditLog.list($0, AuditLog.Query()) }
        let entry = try #require(audit.items.first)
        #expect(entry.entity == "raw_material_area")
        #expect(entry.action == "create")
        #expect(entry.changes["area_m2"]?.int64Value == 3_223_500)
        #expect(entry.changes["certifications"]?.arrayValue?.count == 2)
        #expect(entry.changes["certifications"]?.arrayValue?[1]["scheme"]?.stringValue == "organic")
    }

    @Test func certificationValidityIncludesBothEnds() {
        let c = vietGAP(from: "2024-01-15", until: "2026-01-14")
        #expect(!c.isValid(on: F.day("2024-01-14")))
        #expect(c.isValid(on: F.day("2024-01-15")))
        #expect(c.isValid(on: F.day("2025-06-30")))
        #expect(c.isValid(on: F.day("2026-01-14")))
        #expect(!c.isValid(on: F.day("2026-01-15")))
        let oneDay = vietGAP(from: "2024-02-29", until: "2024-02-29")
        #expect(fields(certifications: [oneDay]).validate().isEmpty)
        #expect(oneDay.isValid(on: F.day("2024-02-29")))
    }

    @Test func validationReportsEveryBrokenRule() throws {
        var bad = fields("VN QN 01", areaM2: 0, certifications: [
            vietGAP("A-1", from: "2025-01-02", until: "2025-01-01"),   // ends before it starts
            vietGAP("   "),
            vietGAP("A-2"), vietGAP("A-2"),                           // listed twice
        ])
        bad.name = "  "
        let broken = errorFields { _ = try database.write { try RawMaterialAreaStore.create($0, bad, actor: .system, now: testNow) } }
        #expect(broken == ["code", "name", "area_m2", "certifications[0].valid_until", "certifications[1].number",
                           "certifications[3].number"])
        #expect(fields(areaM2: -5).validate().map(\.field) == ["area_m2"])
        #expect(fields(areaM2: RawMaterialAreaFields.maxAreaM2 + 1).validate().map(\.field) == ["area_m2"])
        #expect(fields(areaM2: 1).validate().isEmpty)
        #expect(fields("-starts-with-dash").validate().map(\.field) == ["code"])
        #expect(fields("Mã-vùng").validate().map(\.field) == ["code"])   // no diacritics in codes
        #expect(fields("VN-QNIO/0012_a.b").validate().isEmpty)
        let tooMany = fields(certifications: (0...RawMaterialAreaFields.maxCertifications).map { vietGAP("N\($0)") })
        #expect(tooMany.validate().map(\.field) == ["certifications"])
        // Same number under two schemes is two certificates.
        var organic = vietGAP("X-1"); organic.scheme = .organic
        #expect(fields(certifications: [vietGAP("X-1"), organic]).validate().isEmpty)
        #expect(try database.read { try RawMaterialAreaStore.list($0, RawMaterialAreaQuery()) }.items.isEmpty)
    }

    @Test func producerMustExist() throws {
        let broken = errorFields {
            _ = try database.write { try RawMaterialAreaStore.create($0, fields(producerID: 4242), actor: .system, now: testNow) }
        }
        #expect(broken == ["producer_id"])
    }

    @Test func codesAreUnique() throws {
        _ = try database.write { try RawMaterialAreaStore.create($0, fields("VN-1"), actor: .system, now: testNow) }
        #expect(throws: DomainError.conflict("a raw-material area with code VN-1 already exists")) {
            try database.write { try RawMaterialAreaStore.create($0, fields("VN-1"), actor: .system, now: testNow) }
        }
        let other = try database.write { try RawMaterialAreaStore.create($0, fields("VN-2"), actor: .system, now: testNow) }
        #expect(throws: DomainError.self) {
            try database.write { try RawMaterialAreaStore.replace($0, id: other.id, with: fields("VN-1"), ifVersion: nil, actor: .system, now: testNow) }
        }
    }

    @Test func replaceSwapsCertificationsAsAWholeAndBumpsVersionOnlyOnChange() throws {
        let area = try database.write { try RawMaterialAreaStore.create($0, fields(), actor: .system, now: testNow) }
        let same = try database.write {
            try RawMaterialAreaStore.replace($0, id: area.id, with: area.fields, ifVersion: 1, actor: .system, now: testNow)
        }
        #expect(same.version == 1)
        var changed = area.fields
        var livestock = vietGAP("GAHP-7", from: "2024-03-01", until: "2027-02-28")
        livestock.scheme = .vietGAHP
        changed.certifications = [livestock]
        let replaced = try database.write {
            try RawMaterialAreaStore.replace($0, id: area.id, with: changed, ifVersion: 1, actor: .system, now: testNow)
        }
        #expect(replaced.version == 2)
        let fetched = try #require(try database.read { try RawMaterialAreaStore.get($0, id: area.id) })
        #expect(fetched.fields.certifications == [livestock])
        #expect(throws: DomainError.staleVersion(current: 2)) {
            try database.write { try RawMaterialAreaStore.replace($0, id: area.id, with: area.fields, ifVersion: 1, actor: .system, now: testNow) }
        }
        changed.certifications = []
        _ = try database.write { try RawMaterialAreaStore.replace($0, id: area.id, with: changed, ifVersion: 2, actor: .system, now: testNow) }
        #expect(try database.read { try RawMaterialAreaStore.get($0, id: area.id) }?.fields.certifications.isEmpty == true)
        let audit = try database.read { try AuditLog.list($0, AuditLog.Query()) }
        #expect(audit.items.map(\.action) == ["update", "update", "create"])
        #expect(audit.items[1].changes["certifications"]?["to"]?.arrayValue?.first?["scheme"]?.stringValue == "VietGAHP")
        #expect(audit.items[1].changes["code"] == nil)   // only what changed
    }

    @Test func linkedProductsShowAndBlockDelete() throws {
        let (area, product) = try database.write { db in
            let producer = try F.producer(db)
            let area = try RawMaterialAreaStore.create(db, fields(), actor: .system, now: testNow)
            let product = try F.product(db, producerID: producer)
            try F.link(db, productID: product, areaID: area.id)
            return (area, product)
        }
        #expect(try database.read { try RawMaterialAreaStore.get($0, id: area.id) }?.productIDs == [product])
        #expect(throws: DomainError.self) {
            try database.write { try RawMaterialAreaStore.delete($0, id: area.id, ifVersion: nil, actor: .system, now: testNow) }
        }
        #expect(try database.read { try RawMaterialAreaStore.get($0, id: area.id) } != nil)
        try database.write { db in try db.run("DELETE FROM product_areas") }
        #expect(throws: DomainError.staleVersion(current: 1)) {
            try database.write { try RawMaterialAreaStore.delete($0, id: area.id, ifVersion: 3, actor: .system, now: testNow) }
        }
        try database.write { try RawMaterialAreaStore.delete($0, id: area.id, ifVersion: 1, actor: .system, now: testNow) }
        #expect(try database.read { try RawMaterialAreaStore.get($0, id: area.id) } == nil)
        // Certifications go with the area (ON DELETE CASCADE), search rows too.
        #expect(try database.read { try $0.scalarInt("SELECT count(*) FROM area_certifications") } == 0)
        var query = RawMaterialAreaQuery()
        query.text = "dong van"
        #expect(try database.read { try RawMaterialAreaStore.list($0, query) }.items.isEmpty)
        #expect(throws: DomainError.notFound(entity: "raw_material_area", id: String(area.id))) {
            try database.write { try RawMaterialAreaStore.delete($0, id: area.id, ifVersion: nil, actor: .system, now: testNow) }
        }
    }

    @Test func listFiltersSearchesAndPages() throws {
        let (ids, owner) = try database.write { db -> ([Int64], Int64) in
            let owner = try F.producer(db)
            var organic = vietGAP("HC-1"); organic.scheme = .organic
            var ids: [Int64] = []
            ids.append(try RawMaterialAreaStore.create(db, fields("C-3", kind: .cultivation, market: .export, producerID: owner), actor: .system, now: testNow).id)
            ids.append(try RawMaterialAreaStore.create(db, RawMaterialAreaFields(
                code: "A-1", name: "Nuôi hàu Vân Đồn", kind: .aquaculture, areaM2: 4_100, commune: "Đài Xuyên",
                district: "Vân Đồn", market: .domestic, certifications: [vietGAP("NT-1")]), actor: .system, now: testNow).id)
            ids.append(try RawMaterialAreaStore.create(db, fields("F-2", kind: .forest, district: "Ba Chẽ", certifications: [organic]), actor: .system, now: testNow).id)
            return (ids, owner)
        }
        func codes(_ configure: (inout RawMaterialAreaQuery) -> Void) throws -> [String] {
            var query = RawMaterialAreaQuery()
            configure(&query)
            return try database.read { try RawMaterialAreaStore.list($0, query) }.items.map(\.fields.code)
        }
        #expect(try codes { _ in } == ["C-3", "A-1", "F-2"])
        #expect(try codes { $0.kind = .aquaculture } == ["A-1"])
        #expect(try codes { $0.market = .export } == ["C-3"])
        #expect(try codes { $0.producerID = owner } == ["C-3"])
        #expect(try codes { $0.scheme = .organic } == ["F-2"])
        #expect(try codes { $0.scheme = .vietGAP } == ["C-3", "A-1"])
        #expect(try codes { $0.scheme = .vietGAHP }.isEmpty)
        #expect(try codes { $0.district = "Vân Đồn" } == ["A-1"])
        #expect(try codes { $0.commune = "Đài Xuyên" } == ["A-1"])
        #expect(try codes { $0.text = "VAN DON hau" } == ["A-1"])
        #expect(try codes { $0.text = "f 2" } == ["F-2"])
        #expect(try codes { $0.text = "!!!" }.isEmpty)
        #expect(try codes { $0.sort = .code } == ["A-1", "C-3", "F-2"])
        #expect(try codes { $0.sort = .idDescending } == ["F-2", "A-1", "C-3"])
        // Paging by code, one at a time, with certifications attached on every page.
        var query = RawMaterialAreaQuery()
        query.sort = .codeDescending
        query.limit = PageSize(1)!
        var seen: [String] = []
        while true {
            let page = try database.read { try RawMaterialAreaStore.list($0, query) }
            #expect(page.items.allSatisfy { $0.fields.certifications.count == 1 })
            seen += page.items.map(\.fields.code)
            guard let next = page.nextCursor else { break }
            query.cursor = Cursor(encoded: next)
        }
        #expect(seen == ["F-2", "C-3", "A-1"])
        query.sort = .id
        #expect(throws: DomainError.self) { try database.read { try RawMaterialAreaStore.list($0, query) } }
        #expect(ids.count == 3)
    }

    @Test func validityChangesAreSeenAcrossDays() throws {
        let area = try database.write {
            try RawMaterialAreaStore.create($0, fields(certifications: [vietGAP(from: "2024-12-20", until: "2025-01-31")]),
                                            actor: .system, now: testNow)   // written on 12 December 2024
        }
        #expect(!area.validityChangedSinceUpdate(today: F.day("2024-12-12")))
        #expect(!area.validityChangedSinceUpdate(today: F.day("2024-12-19")))
        #expect(area.validityChangedSinceUpdate(today: F.day("2024-12-20")))    // became valid
        #expect(area.validityChangedSinceUpdate(today: F.day("2025-02-01")))    // lapsed after its last day
        var none = area
        none.fields.certifications = []
        #expect(!none.validityChangedSinceUpdate(today: F.day("2030-01-01")))
        var stable = area
        stable.fields.certifications = [vietGAP(from: "2020-01-01", until: "2030-12-31")]
        #expect(!stable.validityChangedSinceUpdate(today: F.day("2029-06-01")))
    }
}
