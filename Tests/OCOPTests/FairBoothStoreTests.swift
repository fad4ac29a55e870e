import JSON
import OCOP
import SQLite
import Testing

/// Booths: the two exhibitor forms, `is_local`, the products a booth may show, and the guards
/// that keep sales lines pointing at products the booth shows.
@Suite struct FairBoothStoreTests {
    typealias F = FairFixtures
    let database: Database
    init() throws { database = try makeDatabase() }

    @Test func localIsOursOrFromTheHomeProvinceFolded() {
        #expect(Exhibitor.producer(id: 7).isLocal)
        #expect(Exhibitor.outside(name: "Công ty Than", province: "Quảng Ninh").isLocal)
        #expect(Exhibitor.outside(name: "Công ty Than", province: "quang ninh").isLocal)
        #expect(Exhibitor.outside(name: "Công ty Than", province: " Quảng  Ninh ").isLocal)
        #expect(!Exhibitor.outside(name: "HTX Chè Tân Cương", province: "Thái Nguyên").isLocal)
        #expect(!Exhibitor.outside(name: "HTX", province: "Quảng Nam").isLocal)
    }

    @Test func fieldRules() {
        #expect(BoothFields(exhibitor: .producer(id: 1), productIDs: [1, 2]).validate().isEmpty)
        #expect(BoothFields(exhibitor: .producer(id: 0)).validate().map(\.field) == ["producer_id"])
        #expect(BoothFields(exhibitor: .outside(name: " ", province: "")).validate().map(\.field) == ["exhibitor_name", "province"])
        #expect(BoothFields(exhibitor: .producer(id: 1), productIDs: [3, 0, 3]).validate().map(\.field)
                == ["product_ids[1]", "product_ids[2]"])
        #expect(BoothFields(exhibitor: .producer(id: 1), productIDs: Array(1...101)).validate().map(\.field) == ["product_ids"])
    }

    @Test func createsBothFormsAndStoresLocality() throws {
        let (fair, ours, outside, local) = try database.write { db in
            let fair = try F.fair(db)
            let producer = try F.producer(db)
            let product = try F.product(db, "QN-1", producer: producer)
            return (fair,
                    try F.booth(db, fair: fair.id, .producer(id: producer), products: [product]),
                    try F.booth(db, fair: fair.id, .outside(name: "HTX Chè Tân Cương", province: "Thái Nguyên")),
                    try F.booth(db, fair: fair.id, .outside(name: "Công ty Than Hạ Long", province: "quảng ninh")))
        }
        #expect(try database.read { try BoothStore.get($0, fairID: fair.id, id: ours.id) } == ours)
        #expect(try database.read { try BoothStore.get($0, fairID: fair.id + 1, id: ours.id) } == nil)
        #expect(ours.isLocal && !outside.isLocal && local.isLocal)
        var query = BoothQuery(fairID: fair.id)
        query.isLocal = true
        #expect(try database.read { try BoothStore.list($0, query) }.items.map(\.id) == [ours.id, local.id])
        query.isLocal = false
        #expect(try database.read { try BoothStore.list($0, query) }.items.map(\.id) == [outside.id])
        query.isLocal = nil
        query.limit = PageSize(2)!
        let first = try database.read { try BoothStore.list($0, query) }
        query.cursor = first.nextCursor.flatMap(Cursor.init(encoded:))
        let second = try database.read { try BoothStore.list($0, query) }
        #expect(first.items.map(\.id) + second.items.map(\.id) == [ours.id, outside.id, local.id])
        #expect(second.nextCursor == nil)
        #expect(first.items[0].fields.productIDs.count == 1)
    }

    @Test func referencesAreChecked() throws {
        try database.write { db in
            let fair = try F.fair(db)
            let p1 = try F.producer(db, "HTX A"), p2 = try F.producer(db, "HTX B")
            let mine = try F.product(db, "QN-A", producer: p1), theirs = try F.product(db, "QN-B", producer: p2)
            #expect(F.invalidFields { _ = try F.booth(db, fair: fair.id, .producer(id: 999)) } == ["producer_id"])
            #expect(F.invalidFields { _ = try F.booth(db, fair: fair.id, .producer(id: p1), products: [mine, theirs, 999]) }
                    == ["product_ids[1]", "product_ids[2]"])
            // An outside exhibitor may show registered products of any producer.
            _ = try F.booth(db, fair: fair.id, .outside(name: "Đại lý Hà Nội", province: "Hà Nội"), products: [mine, theirs])
            #expect(throws: DomainError.notFound(entity: "fair", id: "999")) {
                _ = try F.booth(db, fair: 999, .producer(id: p1))
            }
        }
    }

    @Test func oneBoothPerProducerPerFair() throws {
        try database.write { db in
            let fair = try F.fair(db), other = try F.fair(db, F.fields("Tuần hàng", kind: .productWeek))
            let producer = try F.producer(db)
            _ = try F.booth(db, fair: fair.id, .producer(id: producer))
            #expect(F.conflicts { _ = try F.booth(db, fair: fair.id, .producer(id: producer)) })
            _ = try F.booth(db, fair: other.id, .producer(id: producer))
            // Outside exhibitors are not keyed by name.
            _ = try F.booth(db, fair: fair.id, .outside(name: "HTX", province: "Hà Nội"))
            _ = try F.booth(db, fair: fair.id, .outside(name: "HTX", province: "Hà Nội"))
        }
    }

    @Test func aProductWithSalesLinesStaysOnTheBooth() throws {
        // One write per step, as requests do: a step that fails is undone alone.
        let (fair, booth, a, b, c) = try database.write { db in
            let fair = try F.fair(db)
            let producer = try F.producer(db)
            let a = try F.product(db, "QN-A", producer: producer), b = try F.product(db, "QN-B", producer: producer)
            let c = try F.product(db, "QN-C", producer: producer)
            let booth = try F.booth(db, fair: fair.id, .producer(id: producer), products: [a, b])
            try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-27", 1_000_000,
                       lines: [FairSaleLine(productID: a, units: 10, revenueVND: 600_000)])
            return (fair, booth, a, b, c)
        }
        func replace(_ products: [Int64], ifVersion: VersionMatch?) throws -> Booth {
            try database.write { db in
                try BoothStore.replace(db, fairID: fair.id, id: booth.id, with: BoothFields(exhibitor: booth.fields.exhibitor, productIDs: products),
                                       ifVersion: ifVersion, actor: .system, now: testNow)
            }
        }
        #expect(F.conflicts { _ = try replace([b, c], ifVersion: 1) })
        #expect(try database.read { try BoothStore.get($0, fairID: fair.id, id: booth.id) } == booth)
        let changed = try replace([c, a], ifVersion: 1)   // b had no lines: it may go; order follows the new list
        #expect(changed.version == 2)
        #expect(try database.read { try BoothStore.get($0, fairID: fair.id, id: booth.id) }?.fields.productIDs == [c, a])
        // A booth with sales entries cannot be deleted; without them it can.
        #expect(F.conflicts {
            try database.write { try BoothStore.delete($0, fairID: fair.id, id: booth.id, ifVersion: nil, actor: .system, now: testNow) }
        })
        let empty = try database.write { try F.booth($0, fair: fair.id, .outside(name: "HTX", province: "Lạng Sơn")) }
        try database.write { try BoothStore.delete($0, fairID: fair.id, id: empty.id, ifVersion: 1, actor: .system, now: testNow) }
        #expect(try database.read { try BoothStore.get($0, fairID: fair.id, id: empty.id) } == nil)
    }

    /// As for a point of sale: a live token must not be left bound to a booth that is gone.
    @Test func aBoothWithAnActiveTokenIsNotDeletedUntilItIsRevoked() throws {
        let (fair, booth, token) = try database.write { db in
            let fair = try F.fair(db)
            let booth = try F.booth(db, fair: fair.id, .outside(name: "HTX Nấm", province: "Hải Dương"))
            let (token, _) = try TokenStore.create(db, name: "Gian hàng nấm", role: .booth, pointOfSaleID: nil,
                                                   fairBoothID: booth.id, actor: .system, now: testNow)
            return (fair, booth, token)
        }
        func delete() throws {
            try database.write { try BoothStore.delete($0, fairID: fair.id, id: booth.id, ifVersion: nil, actor: .system, now: testNow) }
        }
        #expect(F.conflicts { try delete() })
        #expect(try database.read { try BoothStore.get($0, fairID: fair.id, id: booth.id) } == booth)
        try database.write { try TokenStore.revoke($0, id: token.id, actor: .system, now: testNow) }
        try delete()
        #expect(try database.read { try BoothStore.get($0, fairID: fair.id, id: booth.id) } == nil)
    }

    @Test func switchingFormsIsAnUpdateWithAudit() throws {
        try database.write { db in
            let fair = try F.fair(db)
            let producer = try F.producer(db)
            let booth = try F.booth(db, fair: fair.id, .outside(name: "HTX Miến dong", province: "Quảng Ninh"))
            let changed = try BoothStore.replace(db, fairID: fair.id, id: booth.id, with: BoothFields(exhibitor: .producer(id: producer)),
                                                 ifVersion: 1, actor: .system, now: testNow)
            #expect(changed.fields.exhibitor == .producer(id: producer))
            #expect(try BoothStore.get(db, fairID: fair.id, id: booth.id)?.fields.exhibitor == .producer(id: producer))
            var query = AuditLog.Query()
            query.entity = .fairBooth
            let audit = try AuditLog.list(db, query)
            #expect(audit.items.map(\.action) == ["update", "create"])
            #expect(audit.items[0].changes["producer_id"]?["to"]?.int64Value == producer)
            #expect(audit.items[0].changes["exhibitor_name"]?["to"] == .null)
        }
    }
}
