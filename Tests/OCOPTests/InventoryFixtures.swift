import OCOP
import SQLite

/// A seeded generator (SplitMix64), so a failing shuffle can be replayed from its seed.
struct InventoryRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Factories for inventory and sales tests, namespaced so other suites' helpers never collide.
enum InventoryFixtures {
    /// 2025-03-08T09:00:00+07:00: device times in the tests are around this morning.
    static let morning = Timestamp(rfc3339: "2025-03-08T09:00:00+07:00")!
    /// The server's clock in these tests: the same evening.
    static let now = Timestamp(rfc3339: "2025-03-08T20:00:00+07:00")!

    static func pointOfSale(_ db: Connection, _ code: String = "QN-DB-HL-01", name: String = "Điểm bán OCOP Hạ Long",
                            kind: PointOfSaleKind = .ocopCenter) throws -> Int64 {
        try PointOfSaleStore.create(db, PointOfSaleFields(code: code, name: name, kind: kind, district: "Hạ Long"),
                                    actor: .system, now: now).id
    }

    /// `count` products of one producer, codes P-1, P-2, …
    static func products(_ db: Connection, _ count: Int) throws -> [Int64] {
        let producer = try ProductFixtures.producer(db)
        return try (1...count).map { try ProductFixtures.product(db, "P-\($0)", name: "Sản phẩm \($0)", producer: producer) }
    }

    /// A point of sale and `products` products in a fresh database.
    static func setUp(products count: Int = 3) throws -> (Database, pointOfSale: Int64, products: [Int64]) {
        let database = try makeDatabase()
        let point = try database.write { try pointOfSale($0) }
        let ids = try database.write { try products($0, count) }
        return (database, point, ids)
    }

    /// A UUID whose text ends in `n` (readable in failures; the order of ids follows n).
    static func id(_ n: Int) -> ClientUUID {
        let digits = String(n)
        return ClientUUID("00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits)!
    }

    /// `minutes` after `morning`.
    static func at(_ minutes: Int, ms: Int64 = 0) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: morning.millisecondsSinceEpoch + Int64(minutes) * 60_000 + ms, utcOffsetSeconds: 7 * 3600)
    }

    static func count(_ n: Int, _ product: Int64, _ level: Int64, at minutes: Int) -> InventoryChange {
        InventoryChange(changeID: id(n), productID: product, occurredAt: at(minutes), movement: .count(level))
    }

    static func adjust(_ n: Int, _ product: Int64, _ delta: Int64, _ reason: AdjustReason, at minutes: Int) -> InventoryChange {
        InventoryChange(changeID: id(n), productID: product, occurredAt: at(minutes), movement: .adjust(delta, reason))
    }

    static func apply(_ database: Database, _ pointOfSale: Int64, _ changes: [InventoryChange],
                      actor: Actor = .system) throws -> InventoryBatchResult {
        try database.write { try InventoryStore.apply($0, pointOfSaleID: pointOfSale, changes: changes, actor: actor, now: now) }
    }

    static func level(_ database: Database, _ pointOfSale: Int64, _ product: Int64) throws -> Int64? {
        try database.read { try InventoryStore.level($0, pointOfSaleID: pointOfSale, productID: product)?.level }
    }

    static func rows(_ database: Database, _ table: String) throws -> Int64 {
        try database.read { try $0.scalarInt("SELECT count(*) FROM \(table)") ?? 0 }
    }

    /// A random history of `size` changes over `products`, with ties in time (minutes repeat)
    /// and every reason, whose complete set leaves no product below zero.
    static func scenario(_ rng: inout InventoryRandom, products: [Int64], size: Int) -> [InventoryChange] {
        while true {
            var changes: [InventoryChange] = []
            for n in 1...size {
                let product = products[Int.random(in: 0..<products.count, using: &rng)]
                // 30 distinct minutes for up to 60 changes: same-instant changes are common.
                let when = Int.random(in: 0..<30, using: &rng)
                let id = ClientUUID.derived(from: "scenario-\(rng.next())-\(n)")
                let occurred = at(when)
                if Int.random(in: 0..<10, using: &rng) < 3 {
                    changes.append(InventoryChange(changeID: id, productID: product, occurredAt: occurred,
                                                   movement: .count(Int64.random(in: 0...40, using: &rng))))
                } else {
                    let reason = AdjustReason.allCases[Int.random(in: 0..<AdjustReason.allCases.count, using: &rng)]
                    let size = Int64.random(in: 1...12, using: &rng)
                    changes.append(InventoryChange(changeID: id, productID: product, occurredAt: occurred,
                                                   movement: .adjust(reason.isInbound ? size : -size, reason)))
                }
            }
            let fine = products.allSatisfy { p in InventoryLevelRule.state(of: changes.filter { $0.productID == p }).level >= 0 }
            if fine { return changes }
        }
    }
}
