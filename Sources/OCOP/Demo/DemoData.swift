import SQLite

/// A demo province resembling Quang Ninh (DOMAIN.md figures): producers of every kind, about
/// four hundred products over the six groups, raw-material areas and packing facilities, two
/// provincial evaluation rounds and a central one, certificates in every status, inspections.
///
/// Loaded once into an empty database, in one write transaction, through the stores and flows
/// the API uses (so search text, audit entries and derived state are what production writes).
/// Deterministic for a given day; dates are counted back from `now` so that whenever it is
/// loaded some certificates are active, some expire this month, some expired, were renewed or
/// were revoked.
public enum DemoData {
    /// Loads the demo data unless producers already exist (a restart must not duplicate it).
    /// Returns whether it loaded anything: a database that already has producers is left alone.
    @discardableResult
    public static func load(into database: Database, now: Timestamp) throws -> Bool {
        try database.write { db in
            guard try ProducerStore.count(db) == 0 else { return false }
            var builder = DemoBuilder(db: db, now: now)
            try builder.build()
            return true
        }
    }
}

/// Builds the demo province step by step; each step reads what the previous ones made.
struct DemoBuilder {
    let db: Connection
    let now: Timestamp
    /// The calendar day in Asia/Ho_Chi_Minh every date is counted back from.
    let today: CivilDate
    var random = SeededGenerator(seed: 2024)
    var producers: [DemoProducer] = []
    var products: [DemoProduct] = []
    /// Raw-material area ids by producer id, for the products made from them.
    var areasByProducer: [Int64: [Int64]] = [:]
    /// Who went through which certification path (`certify`), for the inspections that follow.
    var certificationPlan = CertificationPlan()

    init(db: Connection, now: Timestamp) {
        self.db = db
        self.now = now
        self.today = CivilDate.today(at: now)
    }

    mutating func build() throws {
        try makeProducers()
        try makeRawMaterials()
        try makePackingFacilities()
        try makeProducts()
        try certify()
        try inspect()
        try makePointsOfSale()
        try makeTrade()
    }

    /// A deterministic pick in `0..<count`.
    mutating func pick(_ count: Int) -> Int { Int(random.next() % UInt64(max(count, 1))) }

    /// `items` in a deterministic shuffled order (Fisher–Yates with the seeded generator).
    mutating func shuffled<T>(_ items: [T]) -> [T] { Self.shuffled(items, using: &random) }

    /// `items` shuffled with `generator` (Fisher–Yates).
    static func shuffled<T>(_ items: [T], using generator: inout SeededGenerator) -> [T] {
        var items = items
        guard items.count > 1 else { return items }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        return items
    }
}

/// A demo producer and what it makes.
struct DemoProducer {
    let id: Int64
    let kind: ProducerKind
    let speciality: DemoCatalogue.Speciality
    let district: String
    let commune: String
    /// The place its products are named after ("Bình Liêu", "Hoành Mô", "Bãi Cháy Bảo An").
    let label: String
    /// Its position in creation order (GS1 company numbers are derived from it).
    let serial: Int
}

/// A demo product, as the certification plan sees it.
struct DemoProduct {
    let id: Int64
    let code: String
    let producer: DemoProducer
    let group: String
    /// The producer's main product (every producer other than a cooperative group keeps one certified).
    let flagship: Bool
}

/// SplitMix64: a tiny deterministic generator so demo data is the same every time.
struct SeededGenerator: RandomNumberGenerator {
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

extension Int {
    /// Zero-padded decimal of at least `width` digits (codes like "QN-TP-0012").
    func padded(_ width: Int) -> String {
        let text = String(self)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
