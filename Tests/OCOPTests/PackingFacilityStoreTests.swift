import JSON
import OCOP
import SQLite
import Testing

@Suite struct PackingFacilityStoreTests {
    let database: Database
    init() throws { database = try makeDatabase() }

    func fields(_ code: String = "VN-QN-PK-001", name: String = "Cơ sở đóng gói Tiên Yên", market: MarketScope = .export,
                producerID: Int64? = nil) -> PackingFacilityFields {
        PackingFacilityFields(code: code, name: name, commune: "Tiên Yên", district: "Tiên Yên",
                              address: "Khu phố Ba Chẽ, Tiên Yên", producerID: producerID, market: market)
    }

    @Test func createReplaceDeleteWithAudit() throws {
        let producer = try database.write { try QualityFixtures.producer($0) }
        let facility = try database.write { try PackingFacilityStore.create($0, fields(producerID: producer), actor: .system, now: testNow) }
        #expect(try database.read { try PackingFacilityStore.get($0, id: facility.id) } == facility)
        var changed = facility.fields
        changed.market = .domestic
        let same = try database.write { try PackingFacilityStore.replace($0, id: facility.id, with: facility.fields, ifVersion: 1, actor: .system, now: testNow) }
        #expect(same.version == 1)
        let replaced = try database.write { try PackingFacilityStore.replace($0, id: facility.id, with: changed, ifVersion: 1, actor: .system, now: testNow) }
        #expect(replaced.version == 2)
        #expect(throws: DomainError.staleVersion(current: 2)) {
            try database.write { try PackingFacilityStore.delete($0, id: facility.id, ifVersion: 1, actor: .system, now: testNow) }
        }
        try database.write { try PackingFacilityStore.delete($0, id: facility.id, ifVersion: 2, actor: .system, now: testNow) }
        #expect(try database.read { try PackingFacilityStore.get($0, id: facility.id) } == nil)
        let audit = try database.read { try AuditLog.list($0, AuditLog.Query()) }
        #expect(audit.items.filter { $0.entity == "packing_facility" }.map(\.action) == ["delete", "update", "create"])
        #expect(audit.items[1].changes["market"]?["to"]?.stringValue == "domestic")
    }

    @Test func validationUniquenessAndProducer() throws {
        var bad = fields("bad code", name: " ")
        bad.address = ""
        do {
            _ = try database.write { try PackingFacilityStore.create($0, bad, actor: .system, now: testNow) }
            Issue.record("expected invalid")
        } catch let error as DomainError {
            guard case .invalid(let errors) = error else { Issue.record("\(error)"); return }
            #expect(Set(errors.map(\.field)) == ["code", "name", "address"])
        }
        #expect(throws: DomainError.invalid("producer_id", "names no registered producer (77)")) {
            try database.write { try PackingFacilityStore.create($0, fields(producerID: 77), actor: .system, now: testNow) }
        }
        _ = try database.write { try PackingFacilityStore.create($0, fields("P-1"), actor: .system, now: testNow) }
        #expect(throws: DomainError.conflict("a packing facility with code P-1 already exists")) {
            try database.write { try PackingFacilityStore.create($0, fields("P-1"), actor: .system, now: testNow) }
        }
    }

    @Test func listFiltersAndSearch() throws {
        try database.write { db in
            _ = try PackingFacilityStore.create(db, fields("P-2", name: "Đóng gói hải sản Vân Đồn", market: .export), actor: .system, now: testNow)
            _ = try PackingFacilityStore.create(db, PackingFacilityFields(code: "P-1", name: "Kho Ba Chẽ", district: "Ba Chẽ", market: .domestic), actor: .system, now: testNow)
        }
        func codes(_ configure: (inout PackingFacilityQuery) -> Void) throws -> [String] {
            var query = PackingFacilityQuery()
            configure(&query)
            return try database.read { try PackingFacilityStore.list($0, query) }.items.map(\.fields.code)
        }
        #expect(try codes { _ in } == ["P-2", "P-1"])
        #expect(try codes { $0.sort = .code } == ["P-1", "P-2"])
        #expect(try codes { $0.market = .domestic } == ["P-1"])
        #expect(try codes { $0.district = "Ba Chẽ" } == ["P-1"])
        #expect(try codes { $0.commune = "Tiên Yên" } == ["P-2"])
        #expect(try codes { $0.text = "hai san van don" } == ["P-2"])
        #expect(try codes { $0.text = "ba che" }.sorted() == ["P-1", "P-2"])   // P-2's address is in Ba Chẽ street
        var query = PackingFacilityQuery()
        query.limit = PageSize(1)!
        let first = try database.read { try PackingFacilityStore.list($0, query) }
        #expect(first.items.map(\.fields.code) == ["P-2"])
        query.cursor = first.nextCursor.flatMap(Cursor.init(encoded:))
        let second = try database.read { try PackingFacilityStore.list($0, query) }
        #expect(second.items.map(\.fields.code) == ["P-1"])
        #expect(second.nextCursor == nil)
    }
}
