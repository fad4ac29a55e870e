import SQLite
import Testing
@testable import OCOP

/// `ProductStore.list` picks its plan by how many rows a filter matches (walk the page order,
/// or fetch the matches and sort). Both sides of `walkThreshold` must give the same rows.
@Suite struct ProductListPlanTests {
    typealias F = ProductFixtures
    let database: Database
    let all: [Product]

    init() throws {
        database = try makeDatabase()
        let count = ProductStore.walkThreshold + 300
        try database.write { db in
            let big = try F.producer(db, "Hợp tác xã Lớn", commune: "Hồng Gai", district: "Hạ Long")
            let small = try F.producer(db, "Hộ Nhỏ", commune: "Thanh Lân", district: "Cô Tô")
            let words = ["Miến", "Chả", "Ba", "Rượu", "Trà", "Nước", "Đông", "Ấn"]
            for i in 0..<count {
                // Every 500th product is the small producer's and named "hiếm" (rare).
                let rare = i % 500 == 7
                let name = rare ? "Sản phẩm hiếm \(i)" : "\(words[i % words.count]) thường \(i)"
                let fields = ProductFields(code: "P-\(i)", name: name, producerID: rare ? small : big, group: "food")
                let id = try ProductStore.insert(db, fields, producerName: rare ? "Hộ Nhỏ" : "Hợp tác xã Lớn", actor: .system, now: testNow)
                if i % 10 < 9 {   // 90% four stars, valid
                    try F.certificate(db, product: id, stars: 4, decided: "2024-01-01", expires: "2027-01-01")
                } else if i % 100 == 9 {   // a few five stars
                    try F.certificate(db, product: id, stars: 5, decided: "2024-01-01", expires: "2027-01-01")
                }
            }
        }
        all = try database.read { db in try (1...Int64(count)).compactMap { try ProductStore.get(db, id: $0) } }
    }

    /// Every page of `query`, followed by cursor.
    func everything(_ change: (inout ProductQuery) -> Void) throws -> [Int64] {
        var query = ProductQuery(today: F.today)
        query.limit = PageSize(500)!
        change(&query)
        var ids: [Int64] = []
        while true {
            let page = try database.read { try ProductStore.list($0, query) }
            ids += page.items.map(\.id)
            guard let next = page.nextCursor else { return ids }
            query.cursor = Cursor(encoded: next)
        }
    }

    @Test func bothSidesOfTheThresholdAgreeWithAFullScan() throws {
        let stars = { (p: Product) in p.stars(on: F.today) }
        let smallProducer = all.first { $0.fields.name.hasPrefix("Sản phẩm hiếm") }?.fields.producerID
        let cases: [(String, (inout ProductQuery) -> Void, (Product) -> Bool)] = [
            ("many four stars", { $0.stars = .four }, { stars($0) == .four }),
            ("few five stars", { $0.stars = .five }, { stars($0) == .five }),
            ("stars_min 4", { $0.starsMin = .four }, { (stars($0)?.rawValue ?? 0) >= 4 }),
            ("not certified", { $0.status = .notCertified }, { stars($0) == nil }),
            ("big district", { $0.district = "Hạ Long" }, { $0.fields.producerID != smallProducer }),
            ("small district", { $0.district = "Cô Tô" }, { $0.fields.producerID == smallProducer }),
            ("small commune, four stars", { $0.commune = "Thanh Lân"; $0.stars = .four },
             { $0.fields.producerID == smallProducer && stars($0) == .four }),
            ("many matches", { $0.text = "thuong" }, { $0.fields.name.contains("thường") }),
            ("few matches", { $0.text = "hiem" }, { $0.fields.name.contains("hiếm") }),
        ]
        for (label, change, predicate) in cases {
            let expected = all.filter(predicate).map(\.id)
            #expect(!expected.isEmpty, "\(label)")
            #expect(try everything(change) == expected, "\(label), by id")
            #expect(try everything { change(&$0); $0.sort = .idDescending } == expected.reversed(), "\(label), by -id")
            let byName = all.filter(predicate).sorted {
                ($0.fields.name == $1.fields.name) ? $0.id < $1.id : VietnameseCollation.areInIncreasingOrder($0.fields.name, $1.fields.name)
            }.map(\.id)
            #expect(try everything { change(&$0); $0.sort = .name } == byName, "\(label), by name")
        }
    }
}
