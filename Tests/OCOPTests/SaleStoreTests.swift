import OCOP
import SQLite
import Testing

/// Sales on a real SQLite file: recorded exactly once, moving stock in the same transaction.
@Suite struct SaleStoreTests {
    typealias F = InventoryFixtures
    let database: Database
    let point: Int64
    let products: [Int64]

    init() throws {
        (database, point, products) = try F.setUp(products: 2)
        _ = try F.apply(database, point, [F.count(900, products[0], 10, at: 0), F.count(901, products[1], 4, at: 0)])
    }

    func sale(_ n: Int, lines: [SaleLine]? = nil, at minutes: Int = 30, payment: PaymentMethod = .cash) -> SaleInput {
        SaleInput(saleID: F.id(n), soldAt: F.at(minutes),
                  lines: lines ?? [SaleLine(productID: products[0], quantity: 2, unitPriceVND: 85_000),
                                   SaleLine(productID: products[1], quantity: 1, unitPriceVND: 120_000)],
                  payment: payment)
    }

    func record(_ input: SaleInput, at pointOfSale: Int64? = nil) throws -> (sale: Sale, replayed: Bool) {
        try database.write { try SaleStore.record($0, pointOfSaleID: pointOfSale ?? point, input, actor: .system, now: F.now) }
    }

    @Test func aSaleRecordsRevenueAndMovesStock() throws {
        let (sale, replayed) = try record(sale(1))
        #expect(!replayed)
        #expect(sale.totalVND == 290_000 && sale.units == 3)
        #expect(sale.soldOn == CivilDate("2025-03-08"))
        #expect(try F.level(database, point, products[0]) == 8)
        #expect(try F.level(database, point, products[1]) == 3)
        let stored = try #require(try database.read { try SaleStore.get($0, saleID: F.id(1)) })
        #expect(stored == sale)
        // Its stock changes are ordinary ledger entries with ids derived from the sale.
        let ids = try database.read { try $0.all("SELECT change_id FROM inventory_changes WHERE sale_id = ? ORDER BY change_id",
                                                  [.integer(sale.id)]) { $0.string(0) } }
        #expect(Set(ids) == [sale.input.changeID(line: 0).text, sale.input.changeID(line: 1).text])
        #expect(try database.read { try InventoryStore.verifyLevels($0) }.isEmpty)
    }

    @Test func aRetriedSaleIsRecordedOnce() throws {
        let first = try record(sale(1))
        // The retry may write the same instant in another offset: it is the same sale.
        let utc = SaleInput(saleID: F.id(1), soldAt: Timestamp(rfc3339: F.at(30).description)!, lines: sale(1).lines, payment: .cash)
        let retry = try record(utc)
        #expect(retry.replayed)
        #expect(retry.sale == first.sale)
        #expect(try F.level(database, point, products[0]) == 8)
        #expect(try F.rows(database, "sales") == 1)
        #expect(try F.rows(database, "audit_log WHERE entity = 'sale'") == 1)
        // The same sale_id with other content, or at another point of sale, is a conflict.
        #expect(throws: DomainError.self) { _ = try record(sale(1, payment: .card)) }
        let other = try database.write { try F.pointOfSale($0, "QN-DB-CP-01") }
        #expect(throws: DomainError.self) { _ = try record(sale(1), at: other) }
        #expect(try F.rows(database, "sales") == 1)
    }

    @Test func aSaleBelowZeroRecordsNothing() throws {
        let tooMany = sale(2, lines: [SaleLine(productID: products[0], quantity: 1, unitPriceVND: 85_000),
                                      SaleLine(productID: products[1], quantity: 5, unitPriceVND: 120_000)])
        #expect(throws: InventoryError.belowZero([StockShortfall(productID: products[1], level: -1)])) { _ = try record(tooMany) }
        #expect(try F.rows(database, "sales") == 0)
        #expect(try F.rows(database, "sale_lines") == 0)
        #expect(try F.level(database, point, products[0]) == 10)
        // Two lines of one product add up.
        let split = sale(3, lines: [SaleLine(productID: products[1], quantity: 3, unitPriceVND: 1),
                                    SaleLine(productID: products[1], quantity: 2, unitPriceVND: 1)])
        #expect(throws: InventoryError.belowZero([StockShortfall(productID: products[1], level: -1)])) { _ = try record(split) }
    }

    @Test func invalidSales() throws {
        func fields(_ input: SaleInput) -> Set<String> {
            do {
                _ = try record(input)
                return []
            } catch let DomainError.invalid(errors) {
                return Set(errors.map(\.field))
            } catch {
                return ["unexpected \(error)"]
            }
        }
        #expect(fields(sale(1, lines: [])) == ["lines"])
        #expect(fields(sale(1, lines: [SaleLine(productID: 999, quantity: 0, unitPriceVND: -1)]))
                == ["lines[0].product_id", "lines[0].quantity", "lines[0].unit_price_vnd"])
        // Σ quantity × price beyond Int64: 10 × (10^6 × 10^12) = 10^19.
        let huge = SaleLine(productID: products[0], quantity: 1_000_000, unitPriceVND: ProductFields.maximumPriceVND)
        #expect(huge.amountVND == 1_000_000_000_000_000_000)
        #expect(fields(sale(1, lines: Array(repeating: huge, count: 10))) == ["lines"])
        // Within Int64 but over the ceiling that keeps report sums in range: 10^12 + 1 đồng.
        let atCeiling = SaleLine(productID: products[0], quantity: 1, unitPriceVND: SaleInput.maximumTotalVND)
        let justOver = [atCeiling, SaleLine(productID: products[1], quantity: 1, unitPriceVND: 1)]
        #expect(fields(sale(1, lines: justOver)) == ["lines"])
        #expect(fields(sale(2, lines: [atCeiling])) == [], "a total of exactly the ceiling is a sale")
        #expect(fields(sale(1, at: 36 * 60)) == ["sold_at"])   // 21:00 the next day: over a day after the server's clock
        #expect(try F.rows(database, "sales") == 1)
        #expect(throws: DomainError.notFound(entity: "point_of_sale", id: "77")) { _ = try record(sale(1), at: 77) }
    }

    @Test func listsByVietnameseDayNewestFirst() throws {
        // 2025-03-08 23:30 and 2025-03-09 00:30 in Hà Nội time are the 8th and the 9th there,
        // though both fall on the 8th in UTC.
        let late = SaleInput(saleID: F.id(1), soldAt: Timestamp(rfc3339: "2025-03-08T23:30:00+07:00")!,
                             lines: [SaleLine(productID: products[0], quantity: 1, unitPriceVND: 10)], payment: .cash)
        let afterMidnight = SaleInput(saleID: F.id(2), soldAt: Timestamp(rfc3339: "2025-03-08T17:30:00Z")!,
                                      lines: [SaleLine(productID: products[0], quantity: 1, unitPriceVND: 10)], payment: .eWallet)
        let morning = sale(3, at: 60, payment: .bankTransfer)
        for input in [late, afterMidnight, morning] { _ = try record(input) }
        func ids(_ build: (inout SaleQuery) -> Void) throws -> [ClientUUID] {
            var query = SaleQuery(pointOfSaleID: point)
            build(&query)
            return try database.read { try SaleStore.list($0, query) }.items.map(\.input.saleID)
        }
        #expect(try ids { _ in } == [F.id(2), F.id(1), F.id(3)])
        #expect(try ids { $0.from = CivilDate("2025-03-09") } == [F.id(2)])
        #expect(try ids { $0.to = CivilDate("2025-03-08") } == [F.id(1), F.id(3)])
        #expect(try ids { $0.payment = .bankTransfer } == [F.id(3)])
        #expect(try database.read { try SaleStore.get($0, saleID: F.id(2)) }?.soldOn == CivilDate("2025-03-09"))
        var query = SaleQuery(pointOfSaleID: point)
        query.limit = PageSize(2)!
        let first = try database.read { try SaleStore.list($0, query) }
        query.cursor = first.nextCursor.flatMap(Cursor.init(encoded:))
        let second = try database.read { try SaleStore.list($0, query) }
        #expect((first.items + second.items).map(\.input.saleID) == [F.id(2), F.id(1), F.id(3)])
        #expect(second.nextCursor == nil)
    }
}
