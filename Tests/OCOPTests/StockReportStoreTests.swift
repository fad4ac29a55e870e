import JSON
import OCOP
import SQLite
import Testing

/// The stock report and the low-stock thresholds it applies, on a real SQLite file.
///
/// Levels: A: P-1 = 0, P-2 = 5, P-3 = 6, P-4 never stocked; B: P-1 = 3, P-2 = 0, P-3 = 6.
@Suite struct StockReportStoreTests {
    typealias F = InventoryFixtures
    let database: Database
    let a: Int64, b: Int64
    let products: [Int64]

    init() throws {
        let (database, a, products) = try F.setUp(products: 4)
        self.database = database
        self.a = a
        self.products = products
        b = try database.write { try F.pointOfSale($0, "QN-DB-CP-02", name: "Cửa hàng OCOP Cẩm Phả", kind: .store) }
        _ = try F.apply(database, a, [F.count(1, products[0], 0, at: 0), F.count(2, products[1], 5, at: 0),
                                      F.count(3, products[2], 6, at: 0)])
        _ = try F.apply(database, b, [F.count(4, products[0], 3, at: 0), F.count(5, products[1], 0, at: 0),
                                      F.count(6, products[2], 6, at: 0)])
    }

    func lines(_ change: (inout StockReportQuery) -> Void = { _ in }) throws -> [String] {
        var query = StockReportQuery()
        change(&query)
        return try database.read { try StockReportStore.list($0, query) }.items.map(describe)
    }

    func describe(_ alert: StockAlert) -> String {
        let point = alert.pointOfSaleID == a ? "A" : "B"
        return "\(point) \(alert.productCode) \(alert.level)/\(alert.threshold) \(alert.status.rawValue)"
    }

    func setThreshold(_ product: Int, _ value: Int64?, ifVersion: VersionMatch? = nil) throws -> StockThreshold {
        try database.write {
            try StockThresholdStore.set($0, productID: products[product], value: value, ifVersion: ifVersion, actor: .system,
                                        now: F.now)
        }
    }

    @Test func statusRule() {
        #expect(StockStatus.of(level: 0, threshold: 5) == .out)
        #expect(StockStatus.of(level: 0, threshold: 0) == .out)
        #expect(StockStatus.of(level: 1, threshold: 5) == .low)
        #expect(StockStatus.of(level: 5, threshold: 5) == .low)
        #expect(StockStatus.of(level: 6, threshold: 5) == nil)
        #expect(StockStatus.of(level: 1, threshold: 0) == nil)
    }

    @Test func outAndLowUnderTheDefaultThreshold() throws {
        #expect(StockThreshold.defaultValue == 5)
        // P-4 was never stocked at A: not "out" there. P-3 at 6 is above the threshold.
        #expect(try lines() == ["A P-1 0/5 out", "A P-2 5/5 low", "B P-1 3/5 low", "B P-2 0/5 out"])
        #expect(try lines { $0.status = .out } == ["A P-1 0/5 out", "B P-2 0/5 out"])
        #expect(try lines { $0.status = .low } == ["A P-2 5/5 low", "B P-1 3/5 low"])
        #expect(try lines { $0.pointOfSaleID = b } == ["B P-1 3/5 low", "B P-2 0/5 out"])
    }

    @Test func aProductsOwnThresholdAppliesAtEveryPointOfSale() throws {
        _ = try setThreshold(2, 10)
        _ = try setThreshold(1, 0)
        #expect(try lines() == ["A P-1 0/5 out", "A P-3 6/10 low", "B P-1 3/5 low", "B P-2 0/0 out", "B P-3 6/10 low"])
        // A sale that empties the shelf moves the product from low to out.
        _ = try F.apply(database, b, [F.adjust(7, products[0], -3, .sold, at: 5)])
        #expect(try lines { $0.pointOfSaleID = b; $0.status = .out } == ["B P-1 0/5 out", "B P-2 0/0 out"])
    }

    @Test func pagesFollowTheCursorWithoutGapsOrRepeats() throws {
        _ = try setThreshold(2, 10)
        let all = try lines()
        var query = StockReportQuery()
        query.limit = PageSize(2)!
        var seen: [String] = []
        var pages = 0
        while true {
            let page = try database.read { try StockReportStore.list($0, query) }
            seen += page.items.map(describe)
            pages += 1
            guard let next = page.nextCursor else { break }
            query.cursor = Cursor(encoded: next)
        }
        #expect(seen == all && pages == 3)
        query.cursor = Cursor(sort: "-sold_at", values: ["1", "2"])
        #expect(throws: DomainError.invalid("cursor", "is not a cursor this list gave out")) {
            try database.read { try StockReportStore.list($0, query) }
        }
    }

    @Test func theReportWalksTheLevelsInKeyOrderWithoutSorting() throws {
        let plan = try database.read { db in
            try db.all("""
                EXPLAIN QUERY PLAN
                SELECT l.point_of_sale_id FROM inventory_levels l
                LEFT JOIN stock_thresholds t ON t.product_id = l.product_id
                JOIN points_of_sale s ON s.id = l.point_of_sale_id
                JOIN products p ON p.id = l.product_id
                WHERE l.level <= coalesce(t.low_stock_threshold, 5) AND (l.point_of_sale_id, l.product_id) > (1, 2)
                ORDER BY l.point_of_sale_id, l.product_id LIMIT 51
                """) { $0.string(3) }
        }
        #expect(plan.first?.contains("l USING PRIMARY KEY") == true, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }

    @Test func thresholdsStartAtTheDefaultAndAreVersioned() throws {
        let initial = try #require(try database.read { try StockThresholdStore.get($0, productID: products[0]) })
        #expect(initial == .neverSet(productID: products[0]))
        #expect(initial.value == 5 && initial.isDefault && initial.version == 0)

        let set = try setThreshold(0, 12, ifVersion: 0)
        #expect(set.value == 12 && !set.isDefault && set.version == 1 && set.createdAt == F.now && set.updatedAt == F.now)
        // The same value again changes nothing; a stale If-Match is refused.
        #expect(try setThreshold(0, 12) == set)
        #expect(throws: DomainError.staleVersion(current: 1)) { try setThreshold(0, 3, ifVersion: 0) }
        #expect(throws: DomainError.invalid("low_stock_threshold", "must be an integer from 0 to 1000000000")) {
            try setThreshold(0, -1)
        }
        // Back to the default: the version keeps growing, so the ETag of the first set never matches again.
        let reset = try setThreshold(0, nil, ifVersion: 1)
        #expect(reset.value == 5 && reset.isDefault && reset.version == 2)
        #expect(try setThreshold(0, nil) == reset)
        #expect(try setThreshold(0, 12).version == 3)

        let audit = try database.read { db in
            try db.all("SELECT action, changes FROM audit_log WHERE entity = 'product' AND entity_id = ? ORDER BY id",
                       [.text(String(products[0]))]) { "\($0.string(0)) \($0.string(1))" }
        }
        #expect(audit.suffix(3) == [
            #"set_low_stock_threshold {"low_stock_threshold":{"from":null,"to":12}}"#,
            #"reset_low_stock_threshold {"low_stock_threshold":{"from":12,"to":null}}"#,
            #"set_low_stock_threshold {"low_stock_threshold":{"from":null,"to":12}}"#,
        ])
        #expect(try database.read { try StockThresholdStore.get($0, productID: 9_999) } == nil)
        #expect(throws: DomainError.notFound(entity: "product", id: "9999")) {
            try database.write { try StockThresholdStore.set($0, productID: 9_999, value: 1, ifVersion: nil, actor: .system, now: F.now) }
        }
    }

    @Test func aThresholdGoesWithItsProductAndStockKeepsAProduct() throws {
        // P-4 has never been stocked: it can be deleted, and its threshold goes with it.
        _ = try setThreshold(3, 7)
        try database.write { try ProductStore.delete($0, id: products[3], ifVersion: nil, actor: .system, now: F.now) }
        #expect(try database.read { try $0.scalarInt("SELECT count(*) FROM stock_thresholds") } == 0)
        // P-3 has stock at two points of sale: it stays, and the message says why.
        #expect(throws: DomainError.conflict(
            "product \(products[2]) has 2 stock level(s) at points of sale; it cannot be deleted")) {
            try database.write { try ProductStore.delete($0, id: products[2], ifVersion: nil, actor: .system, now: F.now) }
        }
    }
}
