import JSON
import OCOP
import SQLite
import Testing

@Suite struct InspectionStoreTests {
    typealias F = QualityFixtures
    let database: Database
    let productID: Int64

    init() throws {
        database = try makeDatabase()
        productID = try database.write { db in try F.product(db, producerID: try F.producer(db)) }
    }

    func fields(_ on: String = "2024-12-10", kind: InspectionKind = .foodSafety, result: InspectionResult = .pass,
                findings: String? = nil) -> InspectionFields {
        InspectionFields(inspectedOn: F.day(on), agency: "Chi cục An toàn vệ sinh thực phẩm Quảng Ninh", kind: kind,
                         result: result, findings: findings ?? (result == .fail ? "Vượt ngưỡng vi sinh vật" : nil))
    }

    func create(_ f: InspectionFields, product: Int64? = nil, now: Timestamp = testNow) throws -> Inspection {
        try database.write { try InspectionStore.create($0, productID: product ?? productID, f, actor: .system, now: now) }
    }

    func state() throws -> (underReview: Bool, version: Int64) {
        try #require(try database.read { try F.productState($0, productID) })
    }

    @Test func inspectedOnMayNotBeInTheFutureInVietnam() throws {
        // 17:30 UTC on 11 December is already 00:30 on 12 December in Asia/Ho_Chi_Minh.
        let lateEvening = try #require(Timestamp(rfc3339: "2024-12-11T17:30:00Z"))
        #expect(fields("2024-12-12").validate(today: CivilDate.today(at: lateEvening)).isEmpty)
        #expect(fields("2024-12-13").validate(today: CivilDate.today(at: lateEvening)).map(\.field) == ["inspected_on"])
        let created = try create(fields("2024-12-12"), now: lateEvening)
        #expect(created.fields.inspectedOn == F.day("2024-12-12"))
        #expect(throws: DomainError.self) { try create(fields("2024-12-13"), now: lateEvening) }
    }

    @Test func failNeedsFindingsAndAgencyIsRequired() throws {
        var f = fields(result: .fail)
        f.findings = nil
        f.agency = "  "
        #expect(Set(f.validate(today: F.day("2024-12-12")).map(\.field)) == ["findings", "agency"])
        #expect(fields(result: .pass).validate(today: F.day("2024-12-12")).isEmpty)
        #expect(throws: DomainError.notFound(entity: "product", id: "999")) { try create(fields(), product: 999) }
    }

    @Test func onlyAFailedFoodSafetyInspectionFlagsTheProduct() throws {
        _ = try create(fields(kind: .foodSafety, result: .pass))
        _ = try create(fields(kind: .labeling, result: .fail))
        _ = try create(fields(kind: .packaging, result: .fail))
        _ = try create(fields(kind: .intellectualProperty, result: .fail))
        _ = try create(fields(kind: .other, result: .fail))
        #expect(try state() == (false, 1))
        #expect(InspectionFields.init(inspectedOn: F.day("2024-01-01"), agency: "x", kind: .foodSafety, result: .fail).flagsProductForReview)

        let failed = try create(fields(kind: .foodSafety, result: .fail))
        #expect(try state() == (true, 2))
        let audit = try database.read { try AuditLog.list($0, AuditLog.Query()) }
        #expect(audit.items[0].entity == "product")
        #expect(audit.items[0].action == "flag_under_review")
        #expect(audit.items[0].changes["under_review"]?["to"]?.boolValue == true)
        #expect(audit.items[0].changes["inspection_id"]?.int64Value == failed.id)
        #expect(audit.items[1].entity == "inspection")
        #expect(audit.items[1].changes["product_id"]?.int64Value == productID)

        // A second failure while a review is pending joins it: no new product version.
        _ = try create(fields("2024-12-11", kind: .foodSafety, result: .fail))
        #expect(try state() == (true, 2))
        let flags = try database.read { try AuditLog.list($0, AuditLog.Query()) }.items.filter { $0.action == "flag_under_review" }
        #expect(flags.count == 1)
    }

    @Test func changingToAFailureFlagsButChangingBackDoesNotClear() throws {
        let inspection = try create(fields(kind: .foodSafety, result: .pass))
        #expect(try state() == (false, 1))
        let failed = try database.write {
            try InspectionStore.replace($0, id: inspection.id, with: fields(kind: .foodSafety, result: .fail), ifVersion: 1,
                                        actor: .system, now: testNow)
        }
        #expect(failed.version == 2)
        #expect(try state() == (true, 2))
        // Only an officer's review lowers the flag; correcting the record does not.
        _ = try database.write {
            try InspectionStore.replace($0, id: inspection.id, with: fields(kind: .foodSafety, result: .pass), ifVersion: 2,
                                        actor: .system, now: testNow)
        }
        #expect(try state() == (true, 2))
        #expect(throws: DomainError.staleVersion(current: 3)) {
            try database.write {
                try InspectionStore.replace($0, id: inspection.id, with: fields(), ifVersion: 2, actor: .system, now: testNow)
            }
        }
        try database.write { try InspectionStore.delete($0, id: inspection.id, ifVersion: 3, actor: .system, now: testNow) }
        #expect(try database.read { try InspectionStore.get($0, id: inspection.id) } == nil)
        #expect(try state() == (true, 2))   // deleting the record does not decide the review either
        let actions = try database.read { try AuditLog.list($0, AuditLog.Query()) }.items
            .filter { $0.entity == "inspection" }.map(\.action)
        #expect(actions == ["delete", "update", "update", "create"])
    }

    @Test func replaceWithoutChangeKeepsVersion() throws {
        let inspection = try create(fields())
        let same = try database.write {
            try InspectionStore.replace($0, id: inspection.id, with: inspection.fields, ifVersion: 1, actor: .system, now: testNow)
        }
        #expect(same.version == 1)
        #expect(same.product.code == "QN-SP-001")
        #expect(same.product.name == "Miến dong Bình Liêu")
    }

    @Test func listsNewestFirstWithFiltersAndPages() throws {
        let other = try database.write { db in try F.product(db, producerID: try F.producer(db, "Hộ Chả mực"), code: "QN-SP-002", name: "Chả mực Hạ Long") }
        let a = try create(fields("2024-11-01", kind: .labeling, result: .pass))
        let b = try create(fields("2024-12-01", kind: .foodSafety, result: .fail))
        let c = try create(fields("2024-11-01", kind: .foodSafety, result: .pass), product: other)
        let d = try create(fields("2024-10-15", kind: .packaging, result: .fail), product: other)
        func ids(_ configure: (inout InspectionQuery) -> Void) throws -> [Int64] {
            var query = InspectionQuery()
            configure(&query)
            return try database.read { try InspectionStore.list($0, query) }.items.map(\.id)
        }
        #expect(try ids { _ in } == [b.id, c.id, a.id, d.id])   // same day: later entry first
        #expect(try ids { $0.productID = other } == [c.id, d.id])
        #expect(try ids { $0.result = .fail } == [b.id, d.id])
        #expect(try ids { $0.kind = .foodSafety } == [b.id, c.id])
        #expect(try ids { $0.from = F.day("2024-11-01"); $0.to = F.day("2024-11-30") } == [c.id, a.id])
        #expect(try ids { $0.to = F.day("2024-10-15") } == [d.id])
        #expect(try ids { $0.result = .fail; $0.kind = .foodSafety; $0.from = F.day("2024-12-01") } == [b.id])

        var query = InspectionQuery()
        query.limit = PageSize(1)!
        var seen: [Int64] = []
        while true {
            let page = try database.read { try InspectionStore.list($0, query) }
            seen += page.items.map(\.id)
            guard let next = page.nextCursor else { break }
            query.cursor = Cursor(encoded: next)
        }
        #expect(seen == [b.id, c.id, a.id, d.id])
        query.cursor = Cursor(sort: "id", values: ["1"])
        #expect(throws: DomainError.self) { try database.read { try InspectionStore.list($0, query) } }
        let listed = try database.read { try InspectionStore.list($0, InspectionQuery()) }.items
        #expect(listed.first?.product.name == "Miến dong Bình Liêu")
    }
}
