import OCOP
import SQLite
import Testing

/// The same set of changes, delivered in shuffled orders, split into different batches, with
/// retries, gives the same levels as the level rule over the whole set.
@Suite struct InventoryShuffleTests {
    typealias F = InventoryFixtures

    @Test(arguments: 0..<24) func shuffledDeliveriesAgree(seed: UInt64) throws {
        var rng = InventoryRandom(seed: 0x5EED_0000 &+ seed)
        let (database, point, products) = try F.setUp(products: 3)
        let history = F.scenario(&rng, products: products, size: 45)
        let expected = products.map { p in InventoryLevelRule.state(of: history.filter { $0.productID == p }).level }

        // Several terminals' outboxes: the history shuffled and cut into batches of 1 to 8.
        var batches: [[InventoryChange]] = []
        var rest = history.shuffled(using: &rng)[...]
        while !rest.isEmpty {
            let size = Int.random(in: 1...8, using: &rng)
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        var refused: [[InventoryChange]] = []
        var delivered: [[InventoryChange]] = []
        for batch in batches {
            // A bad link: now and then an earlier batch is sent again.
            if !delivered.isEmpty, Int.random(in: 0..<5, using: &rng) == 0 {
                let retry = delivered[Int.random(in: 0..<delivered.count, using: &rng)]
                #expect(try F.apply(database, point, retry).outcomes.allSatisfy { $0 == .duplicate })
            }
            if try deliver(batch, database, point) { delivered.append(batch) } else { refused.append(batch) }
        }
        // A refused batch (it would have gone below zero before the rest arrived) is retried
        // later, as a terminal does; what still cannot go alone is sent together at the end.
        var progress = true
        while progress && !refused.isEmpty {
            progress = false
            for (i, batch) in refused.enumerated().reversed() where try deliver(batch, database, point) {
                refused.remove(at: i)
                progress = true
            }
        }
        if !refused.isEmpty { #expect(try deliver(refused.flatMap { $0 }, database, point), "seed \(seed)") }

        #expect(try products.map { try F.level(database, point, $0) } == expected, "seed \(seed)")
        #expect(try F.rows(database, "inventory_changes") == Int64(history.count))
        #expect(try database.read { try InventoryStore.verifyLevels($0) }.isEmpty)
        // The feed's last word on each product is its level.
        let feed = try database.read { try InventoryStore.feed($0, pointOfSaleID: point, afterSeq: 0, limit: 1000) }
        for (p, level) in zip(products, expected) where feed.entries.contains(where: { $0.productID == p }) {
            #expect(feed.entries.last { $0.productID == p }?.level == level)
        }
    }

    /// Applies a batch; false when it is refused for going below zero (and then nothing changed).
    private func deliver(_ batch: [InventoryChange], _ database: Database, _ point: Int64) throws -> Bool {
        do {
            _ = try F.apply(database, point, batch)
            return true
        } catch InventoryError.belowZero {
            return false
        }
    }
}
