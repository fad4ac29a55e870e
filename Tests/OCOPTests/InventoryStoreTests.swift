import Dispatch
import OCOP
import SQLite
import Synchronization
import Testing

/// The ledger on a real SQLite file: batches, duplicates, all-or-nothing, the below-zero rule.
@Suite struct InventoryStoreTests {
    typealias F = InventoryFixtures
    let database: Database
    let point: Int64
    let products: [Int64]

    init() throws { (database, point, products) = try F.setUp() }

    @Test func batchAppliesAndReportsLevels() throws {
        let (a, b) = (products[0], products[1])
        let result = try F.apply(database, point, [
            F.count(1, a, 20, at: 0), F.adjust(2, a, -3, .sold, at: 5), F.adjust(3, b, 6, .received, at: 2),
        ])
        #expect(result.outcomes == [.applied, .applied, .applied])
        #expect(result.levels.map(\.productID) == [a, b])
        #expect(result.levels.map(\.level) == [17, 6])
        #expect(result.levels[0].productCode == "P-1")
        #expect(result.levels[0].lastCountAt == F.at(0))
        #expect(result.levels[1].lastCountAt == nil)
        #expect(result.levels.map(\.version) == [1, 1])
        #expect(try F.level(database, point, products[2]) == 0)   // never stocked: level 0, version 0
        #expect(try database.read { try InventoryStore.level($0, pointOfSaleID: point, productID: products[2]) }?.version == 0)
        #expect(try database.read { try InventoryStore.level($0, pointOfSaleID: point, productID: 999) } == nil)
        let audit = try database.read { try AuditLog.list($0, { var q = AuditLog.Query(); q.entity = .inventory; return q }()) }
        #expect(audit.items.count == 1)
        #expect(audit.items.first?.changes["applied"]?.int64Value == 3)
    }

    @Test func theSameBatchTwiceIsAppliedOnce() throws {
        let batch = [F.count(1, products[0], 10, at: 0), F.adjust(2, products[0], -4, .sold, at: 1)]
        _ = try F.apply(database, point, batch)
        let again = try F.apply(database, point, batch)
        #expect(again.outcomes == [.duplicate, .duplicate])
        #expect(again.levels.first?.level == 6)
        #expect(again.levels.first?.version == 1)        // nothing new: the level did not move
        #expect(try F.rows(database, "inventory_changes") == 2)
        #expect(try F.rows(database, "inventory_feed") == 1)
        #expect(try F.rows(database, "audit_log WHERE entity = 'inventory'") == 1)
        // A retry that adds one new change: only that one is applied.
        let mixed = try F.apply(database, point, batch + [F.adjust(3, products[0], -1, .damaged, at: 2)])
        #expect(mixed.outcomes == [.duplicate, .duplicate, .applied])
        #expect(mixed.levels.first?.level == 5)
        // The same change twice inside one batch: the second is a duplicate of the first.
        let twice = try F.apply(database, point, [F.adjust(4, products[1], 2, .received, at: 0), F.adjust(4, products[1], 2, .received, at: 0)])
        #expect(twice.outcomes == [.applied, .duplicate])
        #expect(try F.level(database, point, products[1]) == 2)
    }

    @Test func concurrentDeliveriesApplyOnce() throws {
        let batch = (1...20).map { F.adjust($0, products[$0 % 3], 1, .received, at: $0) }
        let outcomes = Mutex<[[ChangeOutcome]]>([])
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                let result = try F.apply(database, point, batch)
                outcomes.withLock { $0.append(result.outcomes) }
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        let all = outcomes.withLock { $0 }
        #expect(all.count == 8)
        #expect(all.filter { $0.allSatisfy { $0 == .applied } }.count == 1)
        #expect(all.filter { $0.allSatisfy { $0 == .duplicate } }.count == 7)
        #expect(try products.map { try F.level(database, point, $0) } == [6, 7, 7])
        #expect(try F.rows(database, "inventory_changes") == 20)
    }

    @Test func oneBadChangeChangesNothing() throws {
        _ = try F.apply(database, point, [F.count(1, products[0], 5, at: 0)])
        let before = try snapshot()
        let invalid = [F.adjust(2, products[0], 3, .received, at: 1), F.adjust(3, 999, 1, .received, at: 1),
                       F.adjust(4, products[1], 2, .sold, at: 1)]
        do {
            _ = try F.apply(database, point, invalid)
            Issue.record("an invalid batch was accepted")
        } catch let DomainError.invalid(errors) {
            #expect(Set(errors.map(\.field)) == ["changes[1].product_id", "changes[2].adjust"])
        }
        // Same change id, other content, inside one batch.
        do {
            _ = try F.apply(database, point, [F.adjust(5, products[0], 1, .received, at: 1), F.adjust(5, products[0], 2, .received, at: 1)])
            Issue.record("a batch repeating a change id with other content was accepted")
        } catch let DomainError.invalid(errors) {
            #expect(errors.map(\.field) == ["changes[1].change_id"])
        }
        #expect(try snapshot() == before)
    }

    @Test func belowZeroRefusesTheWholeBatch() throws {
        let (a, b) = (products[0], products[1])
        _ = try F.apply(database, point, [F.count(1, a, 5, at: 10), F.count(2, b, 5, at: 10)])
        let before = try snapshot()
        #expect(throws: InventoryError.belowZero([StockShortfall(productID: a, level: -1)])) {
            _ = try F.apply(database, point, [F.adjust(3, b, -5, .sold, at: 11), F.adjust(4, a, -6, .sold, at: 11)])
        }
        #expect(try snapshot() == before)
        // An adjustment before the last count is history: it cannot take the level below zero.
        let history = try F.apply(database, point, [F.adjust(5, a, -100, .sold, at: 9)])
        #expect(history.levels.first?.level == 5)
        // A late count that becomes the anchor counts too: 2 − (nothing after 12) = 2; then −3 after it is refused.
        _ = try F.apply(database, point, [F.count(6, a, 2, at: 12)])
        #expect(throws: InventoryError.belowZero([StockShortfall(productID: a, level: -1)])) {
            _ = try F.apply(database, point, [F.adjust(7, a, -3, .sold, at: 13)])
        }
        // A count can always correct it.
        let corrected = try F.apply(database, point, [F.count(8, a, 9, at: 14), F.adjust(7, a, -3, .sold, at: 15)])
        #expect(corrected.levels.first?.level == 6)
    }

    /// Issue #4: "a `change_id` already applied is skipped, not applied again, and reported as
    /// such" — whatever the change now sent with it says; other content is reported apart.
    @Test func aChangeIDReusedWithOtherContentIsSkippedAndReported() throws {
        _ = try F.apply(database, point, [F.adjust(1, products[0], 4, .received, at: 0)])
        let other = try database.write { try F.pointOfSale($0, "QN-DB-CP-01") }
        let mixed = try F.apply(database, point, [F.adjust(2, products[0], 1, .received, at: 0), F.adjust(1, products[0], 5, .received, at: 0)])
        #expect(mixed.outcomes == [.applied, .duplicateWithOtherContent])
        #expect(mixed.appliedCount == 1 && mixed.duplicateCount == 1)
        #expect(mixed.levels.first?.level == 5)   // 4 + 1: the reused id's 5 was not applied
        let before = try snapshot()
        // The same content at another point of sale is not the same change either: skipped there too.
        let elsewhere = try F.apply(database, other, [F.adjust(1, products[0], 4, .received, at: 0)])
        #expect(elsewhere.outcomes == [.duplicateWithOtherContent])
        // The offset a device wrote is presentation: the same instant written in UTC is the same change.
        let utc = InventoryChange(changeID: F.id(1), productID: products[0],
                                  occurredAt: Timestamp(rfc3339: F.at(0).description)!, movement: .adjust(4, .received))
        #expect(try F.apply(database, point, [utc]).outcomes == [.duplicate])
        #expect(try snapshot() == before)
        #expect(throws: DomainError.notFound(entity: "point_of_sale", id: "77")) {
            _ = try F.apply(database, 77, [F.adjust(9, products[0], 1, .received, at: 0)])
        }
    }

    @Test func feedListsEveryLevelChangeInOrder() throws {
        let empty = try database.read { try InventoryStore.feed($0, pointOfSaleID: point, afterSeq: 0, limit: 10) }
        #expect(empty.entries.isEmpty && empty.lastSeq == 0 && !empty.hasMore)
        _ = try F.apply(database, point, [F.count(1, products[0], 5, at: 0), F.count(2, products[1], 3, at: 0)])
        _ = try F.apply(database, point, [F.adjust(3, products[0], -1, .sold, at: 1), F.adjust(4, products[0], -1, .sold, at: 2)])
        let other = try database.write { try F.pointOfSale($0, "QN-DB-CP-01") }
        _ = try F.apply(database, other, [F.count(5, products[0], 50, at: 0)])
        let page = try database.read { try InventoryStore.feed($0, pointOfSaleID: point, afterSeq: 0, limit: 2) }
        #expect(page.entries.map(\.productID) == [products[0], products[1]])
        #expect(page.entries.map(\.level) == [5, 3])
        #expect(page.entries[0].changeIDs == [F.id(1).text])
        #expect(page.hasMore)
        let rest = try database.read { try InventoryStore.feed($0, pointOfSaleID: point, afterSeq: page.lastSeq, limit: 2) }
        #expect(rest.entries.map(\.level) == [3])
        #expect(rest.entries[0].changeIDs == [F.id(3).text, F.id(4).text])
        #expect(rest.entries[0].version == 2)
        #expect(!rest.hasMore)
        #expect(rest.entries[0].seq > page.lastSeq)
        let nothingNew = try database.read { try InventoryStore.feed($0, pointOfSaleID: point, afterSeq: rest.lastSeq, limit: 2) }
        #expect(nothingNew.entries.isEmpty && nothingNew.lastSeq == rest.lastSeq)
    }

    @Test func setLevelIsCompareAndSet() throws {
        let p = products[0]
        func set(_ level: Int64, ifVersion: VersionMatch?) throws -> InventoryLevel {
            try database.write {
                try InventoryStore.setLevel($0, pointOfSaleID: point, productID: p, level: level, ifVersion: ifVersion,
                                            actor: .system, now: F.now)
            }
        }
        #expect(throws: DomainError.staleVersion(current: 0)) { _ = try set(4, ifVersion: nil) }   // "*" needs a level
        #expect(throws: DomainError.staleVersion(current: 0)) { _ = try set(4, ifVersion: 1) }
        let first = try set(4, ifVersion: 0)
        #expect(first.level == 4 && first.version == 1 && first.lastCountAt == F.now)
        _ = try F.apply(database, point, [F.adjust(1, p, -1, .sold, at: 0)])   // device time before the set: history
        #expect(try F.level(database, point, p) == 4)
        #expect(throws: DomainError.staleVersion(current: 2)) { _ = try set(9, ifVersion: 1) }
        // Sets at the same server millisecond still take effect in the order they were made.
        let second = try set(9, ifVersion: 2)
        #expect(second.level == 9 && second.version == 3)
        #expect(second.lastCountAt == Timestamp(millisecondsSinceEpoch: F.now.millisecondsSinceEpoch + 1))
        #expect(try set(7, ifVersion: nil).level == 7)
        // A device count ahead of the server's clock does not make a set silently ineffective.
        _ = try F.apply(database, point, [F.count(2, p, 30, at: 12 * 60)])   // 21:00, an hour after the server's "now"
        #expect(try set(5, ifVersion: 5).level == 5)
        // Nor does an adjustment stamped ahead of it: the set is the level, not the level plus
        // what the device dated later (a PUT of 20 once answered 16).
        _ = try F.apply(database, point, [F.adjust(3, p, -4, .sold, at: 13 * 60)])   // 22:00
        #expect(try F.level(database, point, p) == 1)
        #expect(try set(20, ifVersion: 7).level == 20)
        #expect(try F.level(database, point, p) == 20)
        #expect(try database.read { try InventoryStore.verifyLevels($0) }.isEmpty)
        #expect(throws: DomainError.notFound(entity: "product", id: "999")) {
            _ = try database.write { try InventoryStore.setLevel($0, pointOfSaleID: point, productID: 999, level: 1,
                                                                 ifVersion: 0, actor: .system, now: F.now) }
        }
        let count = try database.read { try $0.scalarInt("SELECT count(*) FROM inventory_changes WHERE kind = 'count'") }
        #expect(count == 6)
    }

    @Test func verifyLevelsFindsADriftedLevel() throws {
        _ = try F.apply(database, point, [F.count(1, products[0], 5, at: 0), F.adjust(2, products[1], 3, .received, at: 0)])
        #expect(try database.read { try InventoryStore.verifyLevels($0) }.isEmpty)
        try database.write { try $0.run("UPDATE inventory_levels SET level = 4 WHERE product_id = ?", [.integer(products[0])]) }
        #expect(try database.read { try InventoryStore.verifyLevels($0) }
                == [InventoryStore.LevelMismatch(pointOfSaleID: point, productID: products[0], stored: 4, computed: 5)])
    }

    @Test func aProductWithStockCannotBeDeleted() throws {
        _ = try F.apply(database, point, [F.count(1, products[0], 5, at: 0)])
        #expect(throws: DomainError.self) {
            try database.write { try ProductStore.delete($0, id: products[0], ifVersion: nil, actor: .system, now: F.now) }
        }
        try database.write { try ProductStore.delete($0, id: products[2], ifVersion: nil, actor: .system, now: F.now) }
    }

    /// A 1,000-change batch over 50 products applies whole (its speed is measured by `ocop-bench run --suite inventory`).
    @Test func aThousandChangeBatch() throws {
        let extra = try database.write { db -> [Int64] in
            let producer = try ProductFixtures.producer(db, "Hợp tác xã Thử")
            return try (1...47).map { try ProductFixtures.product(db, "Q-\($0)", name: "Hàng \($0)", producer: producer) }
        }
        let many = products + extra
        let batch = (1...1000).map { n in
            n <= 50 ? F.count(n, many[n - 1], 1000, at: 0) : F.adjust(n, many[n % 50], -1, .sold, at: n)
        }
        _ = try F.apply(database, point, batch)
        #expect(try F.level(database, point, many[0]) == 1000 - 19)
        #expect(try database.read { try InventoryStore.verifyLevels($0) }.isEmpty)

        // Terminals' usual batch: 20 changes over 10 products, 100 times; every change lands once.
        for round in 0..<100 {
            let batch = (0..<20).map { i in F.adjust(10_000 + round * 20 + i, many[(round + i) % 10], 1, .received, at: 2000) }
            _ = try database.write { db in
                try InventoryStore.apply(db, pointOfSaleID: point, changes: batch, actor: .system, now: F.now)
            }
        }
        #expect(try database.read { try InventoryStore.verifyLevels($0) }.isEmpty)
    }

    /// Everything a batch can touch, to show a refused batch left no trace.
    private func snapshot() throws -> [String] {
        try database.read { db in
            try ["inventory_changes", "inventory_levels", "inventory_feed", "audit_log"].map { table in
                try db.all("SELECT * FROM \(table) ORDER BY 1, 2") { row in
                    (0..<row.columnCount).map { row.value($0).description }.joined(separator: "|")
                }.joined(separator: "\n")
            }
        }
    }
}
