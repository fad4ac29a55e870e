import JSON
import OCOP
import SQLite
import Testing

@Suite struct ProducerStoreTests {
    let database: Database
    init() throws { database = try makeDatabase() }

    /// Every producer `query` lists, following its cursors page by page.
    private func allPages(_ query: ProducerQuery) throws -> [Producer] {
        var query = query
        var items: [Producer] = []
        while true {
            let page = try ProducerStore.list(database, query)
            items += page.items
            guard let next = page.nextCursor else { return items }
            query.cursor = Cursor(encoded: next)
        }
    }

    @Test func createGetAndAudit() throws {
        let producer = try database.write { try ProducerStore.create($0, makeFields(), actor: .system, now: testNow) }
        #expect(producer.version == 1)
        let fetched = try database.read { try ProducerStore.get($0, id: producer.id) }
        #expect(fetched == producer)
        let audit = try database.read { try AuditLog.list($0, AuditLog.Query()) }
        #expect(audit.items.count == 1)
        #expect(audit.items[0].action == "create")
        #expect(audit.items[0].changes["name"]?.stringValue == "Hợp tác xã Miến dong Bình Liêu")
    }

    @Test func replaceBumpsVersionOnlyOnRealChange() throws {
        let p = try database.write { try ProducerStore.create($0, makeFields(), actor: .system, now: testNow) }
        let same = try database.write { try ProducerStore.replace($0, id: p.id, with: p.fields, ifVersion: 1, actor: .system, now: testNow) }
        #expect(same.version == 1)
        var fields = p.fields
        fields.phone = "0912 345 678"
        let changed = try database.write { try ProducerStore.replace($0, id: p.id, with: fields, ifVersion: 1, actor: .system, now: testNow) }
        #expect(changed.version == 2)
        #expect(throws: DomainError.staleVersion(current: 2)) {
            try database.write { try ProducerStore.replace($0, id: p.id, with: p.fields, ifVersion: 1, actor: .system, now: testNow) }
        }
        let audit = try database.read { try AuditLog.list($0, AuditLog.Query()) }
        #expect(audit.items.map(\.action) == ["update", "create"])
        #expect(audit.items[0].changes["phone"]?["to"]?.stringValue == "0912 345 678")
    }

    @Test func validationRejectsBeforeWriting() throws {
        var fields = makeFields()
        fields.email = "no-at-sign"
        fields.taxCode = "123"
        fields.name = "   "
        do {
            _ = try database.write { try ProducerStore.create($0, fields, actor: .system, now: testNow) }
            Issue.record("expected invalid")
        } catch let error as DomainError {
            guard case .invalid(let errors) = error else { Issue.record("\(error)"); return }
            #expect(Set(errors.map(\.field)) == ["name", "email", "tax_code"])
        }
        #expect(try database.read { try ProducerStore.count($0) } == 0)
    }

    @Test func taxCodesAreUnique() throws {
        _ = try database.write { try ProducerStore.create($0, makeFields(taxCode: "5700000001"), actor: .system, now: testNow) }
        #expect(throws: DomainError.self) {
            try database.write { try ProducerStore.create($0, makeFields("B", taxCode: "5700000001"), actor: .system, now: testNow) }
        }
    }

    @Test func listFiltersSearchesAndPages() throws {
        try database.write { db in
            _ = try ProducerStore.create(db, makeFields("Vân Đồn Seafood", kind: .enterprise, district: "Vân Đồn"), actor: .system, now: testNow)
            for i in 0..<5 { _ = try ProducerStore.create(db, makeFields("Hộ \(i)", kind: .household), actor: .system, now: testNow) }
        }
        var query = ProducerQuery()
        query.text = "SEAFOOD van"
        #expect(try ProducerStore.list(database, query).items.map(\.fields.name) == ["Vân Đồn Seafood"])
        query.text = "dong van"   // every producer here is in commune Đồng Văn: place names are searchable too
        #expect(try ProducerStore.list(database, query).items.count == 6)
        query = ProducerQuery()
        query.kind = .household
        query.limit = PageSize(2)!
        let names = try allPages(query).map(\.fields.name)
        #expect(names == ["Hộ 0", "Hộ 1", "Hộ 2", "Hộ 3", "Hộ 4"])
        query = ProducerQuery()
        query.district = "Vân Đồn"
        #expect(try ProducerStore.list(database, query).items.count == 1)
    }

    /// A search walks the search index (`ProducerStore.list`): every page, in each sort and
    /// direction and with a kind filter, holds what filtering and sorting all rows gives.
    @Test func searchPagesLikeFilteringEveryRow() throws {
        let words = ["Hợp tác xã", "Công ty", "Hộ"]
        let kinds: [ProducerKind] = [.cooperative, .enterprise, .household]
        let made = try database.write { db in
            try (0..<60).map { i in
                try ProducerStore.create(db, makeFields("\(words[i % 3]) \(["Miến", "Mật ong", "Trà"][i % 5 % 3]) \(i)",
                                                        kind: kinds[i % 4 % 3]), actor: .system, now: testNow)
            }
        }
        for (text, kind) in [("hop tac", nil), ("mat ong", ProducerKind.household), ("xa", .cooperative), ("tra", nil)] {
            let folded = { (name: String) in TextFolding.fold(name) }
            let expected = made.filter { producer in
                text.split(separator: " ").allSatisfy { folded(producer.fields.name).contains($0) }
                    && (kind == nil || producer.fields.kind == kind)
            }
            #expect(!expected.isEmpty)
            let byName = expected.sorted { a, b in
                let (keyA, keyB) = (VietnameseCollation.sortKey(a.fields.name), VietnameseCollation.sortKey(b.fields.name))
                return keyA == keyB ? a.id < b.id : keyA.lexicographicallyPrecedes(keyB)
            }.map(\.id)
            let orders: [(ProducerSort, [Int64])] = [(.id, expected.map(\.id)), (.idDescending, expected.map(\.id).reversed()),
                                                     (.name, byName), (.nameDescending, byName.reversed())]
            for (sort, order) in orders {
                var query = ProducerQuery()
                query.text = text
                query.kind = kind
                query.sort = sort
                query.limit = PageSize(4)!
                let seen = try allPages(query).map(\.id)
                #expect(seen == order, "q=\(text) kind=\(String(describing: kind)) sort=\(sort)")
            }
        }
    }

    @Test func nameSortPagesInVietnameseOrder() throws {
        let names = ["Ư", "U", "Đ", "D", "Ơ", "Ô", "O", "Ă", "A", "Â"]
        try database.write { db in for n in names { _ = try ProducerStore.create(db, makeFields(n), actor: .system, now: testNow) } }
        var query = ProducerQuery()
        query.sort = .name
        query.limit = PageSize(3)!
        let seen = try allPages(query).map(\.fields.name)
        #expect(seen == ["A", "Ă", "Â", "D", "Đ", "O", "Ô", "Ơ", "U", "Ư"])
        query.sort = .nameDescending
        query.cursor = nil
        query.limit = .default
        #expect(try ProducerStore.list(database, query).items.map(\.fields.name) == seen.reversed())
    }

    @Test func cursorOfAnotherSortIsRejected() throws {
        var query = ProducerQuery()
        query.sort = .name
        query.cursor = Cursor(sort: "id", values: ["5"])
        #expect(throws: DomainError.self) { try ProducerStore.list(database, query) }
    }

    @Test func deleteRemovesFromSearchToo() throws {
        let p = try database.write { try ProducerStore.create($0, makeFields("Ba Chẽ Honey"), actor: .system, now: testNow) }
        var query = ProducerQuery()
        query.text = "ba che"
        #expect(try ProducerStore.list(database, query).items.map(\.id) == [p.id])   // indexed now
        try database.write { try ProducerStore.delete($0, id: p.id, ifVersion: nil, actor: .system, now: testNow) }
        #expect(try ProducerStore.list(database, query).items.isEmpty)
        #expect(throws: DomainError.notFound(entity: "producer", id: String(p.id))) {
            try database.write { try ProducerStore.delete($0, id: p.id, ifVersion: nil, actor: .system, now: testNow) }
        }
    }
}
