import OCOP
import SQLite
import Testing

/// The sales report on a real SQLite file: exact sums per group over Vietnamese calendar days.
///
/// Four sales over three points of sale (A sells three, B one, C nothing):
///   1. A, 2025-03-07 23:59:59 +07, cash: product 0 × 2 @ 85,000 + product 1 × 1 @ 120,000 = 290,000
///   2. A, 2025-03-08 00:30 +07 (written in UTC, 17:30Z the day before), card: product 0 × 1 @ 85,000
///   3. A, 2025-03-08 10:00 +07, e_wallet: product 0 × 1 @ 85,000 + product 0 × 2 @ 80,000 = 245,000
///   4. B, 2025-03-05 09:00 +07, bank_transfer: product 2 × 4 @ 50,000 = 200,000
@Suite struct SalesReportStoreTests {
    typealias F = InventoryFixtures
    let database: Database
    let a: Int64, b: Int64, c: Int64
    let products: [Int64]
    static let today = CivilDate("2025-03-08")!

    init() throws {
        let (database, a, products) = try F.setUp(products: 3)
        self.database = database
        self.a = a
        self.products = products
        (b, c) = try database.write { db in
            (try F.pointOfSale(db, "QN-DB-CP-02", name: "Cửa hàng OCOP Cẩm Phả", kind: .store),
             try F.pointOfSale(db, "QN-DB-CT-03", name: "Ki-ốt OCOP Cô Tô", kind: .kiosk))
        }
        for point in [a, b, c] {
            _ = try F.apply(database, point, products.enumerated().map { i, product in
                InventoryChange(changeID: .derived(from: "stock-\(point)-\(i)"), productID: product,
                                occurredAt: Timestamp(rfc3339: "2025-03-01T08:00:00+07:00")!, movement: .count(100))
            })
        }
        try sell(1, at: "2025-03-07T23:59:59+07:00", a, .cash, [(0, 2, 85_000), (1, 1, 120_000)])
        try sell(2, at: "2025-03-07T17:30:00Z", a, .card, [(0, 1, 85_000)])
        try sell(3, at: "2025-03-08T10:00:00+07:00", a, .eWallet, [(0, 1, 85_000), (0, 2, 80_000)])
        try sell(4, at: "2025-03-05T09:00:00+07:00", b, .bankTransfer, [(2, 4, 50_000)])
    }

    func sell(_ n: Int, at time: String, _ point: Int64, _ payment: PaymentMethod,
              _ lines: [(product: Int, quantity: Int64, price: Int64)]) throws {
        let input = SaleInput(saleID: F.id(n), soldAt: Timestamp(rfc3339: time)!,
                              lines: lines.map { SaleLine(productID: products[$0.product], quantity: $0.quantity, unitPriceVND: $0.price) },
                              payment: payment)
        _ = try database.write { try SaleStore.record($0, pointOfSaleID: point, input, actor: .system, now: F.now) }
    }

    func report(_ groupBy: SalesGrouping, from: String? = "2025-03-02", to: String? = "2025-03-08",
                point: Int64? = nil) throws -> SalesReport {
        let query = try SalesReportQuery(today: Self.today, from: from.flatMap(CivilDate.init), to: to.flatMap(CivilDate.init),
                                         groupBy: groupBy, pointOfSaleID: point)
        return try database.read { try SalesReportStore.report($0, query) }
    }

    static let allFour = SalesFigures(revenueVND: 820_000, units: 11, sales: 4, nonCashVND: 530_000)

    @Test func perPointOfSaleWithZerosForAPointThatSoldNothing() throws {
        let report = try report(.pointOfSale)
        #expect(report.total == Self.allFour)
        #expect(report.total.nonCashSharePercent == "64.6")   // 530,000 / 820,000 = 64.63 %
        #expect(report.groups.map(\.key) == [
            .pointOfSale(id: a, code: "QN-DB-HL-01", name: "Điểm bán OCOP Hạ Long"),
            .pointOfSale(id: b, code: "QN-DB-CP-02", name: "Cửa hàng OCOP Cẩm Phả"),
            .pointOfSale(id: c, code: "QN-DB-CT-03", name: "Ki-ốt OCOP Cô Tô"),
        ])
        #expect(report.groups.map(\.figures) == [
            SalesFigures(revenueVND: 620_000, units: 7, sales: 3, nonCashVND: 330_000),
            SalesFigures(revenueVND: 200_000, units: 4, sales: 1, nonCashVND: 200_000),
            .zero,
        ])
        #expect(report.groups.map(\.figures.nonCashSharePercent) == ["53.2", "100.0", nil])
    }

    @Test func perProductCountsASaleOnceForEachProductItHolds() throws {
        let report = try report(.product)
        #expect(report.groups.map(\.key) == [
            .product(id: products[0], code: "P-1", name: "Sản phẩm 1"),
            .product(id: products[2], code: "P-3", name: "Sản phẩm 3"),
            .product(id: products[1], code: "P-2", name: "Sản phẩm 2"),
        ])
        #expect(report.groups.map(\.figures) == [
            // Sale 3 has two lines of product 0: one sale, three units.
            SalesFigures(revenueVND: 500_000, units: 6, sales: 3, nonCashVND: 330_000),
            SalesFigures(revenueVND: 200_000, units: 4, sales: 1, nonCashVND: 200_000),
            SalesFigures(revenueVND: 120_000, units: 1, sales: 1, nonCashVND: 0),
        ])
        #expect(report.groups.map(\.figures.nonCashSharePercent) == ["66.0", "100.0", "0.0"])
        // Sale 1 holds two products, so the groups count five sales; the total counts it once.
        #expect(report.groups.map(\.figures.sales).reduce(0, +) == 5)
        #expect(report.total == Self.allFour)
    }

    @Test func perDayInVietnamEveryDayIncludingQuietOnes() throws {
        let report = try report(.day)
        #expect(report.groups.map(\.key) == (2...8).map { .day(CivilDate("2025-03-0\($0)")!) })
        let revenue = Dictionary(uniqueKeysWithValues: report.groups.compactMap { group -> (String, Int64)? in
            guard case .day(let day) = group.key else { return nil }
            return (day.description, group.figures.revenueVND)
        })
        // 23:59:59 +07 is still the 7th; 17:30Z on the 7th is 00:30 on the 8th in Quảng Ninh.
        #expect(revenue == ["2025-03-02": 0, "2025-03-03": 0, "2025-03-04": 0, "2025-03-05": 200_000, "2025-03-06": 0,
                            "2025-03-07": 290_000, "2025-03-08": 330_000])
        #expect(try self.report(.day, from: "2025-03-07", to: "2025-03-07").total.revenueVND == 290_000)
        #expect(try self.report(.day, from: "2025-03-08", to: "2025-03-08").total
                == SalesFigures(revenueVND: 330_000, units: 4, sales: 2, nonCashVND: 330_000))
    }

    @Test func perPaymentAllFourMethodsInTheirOrder() throws {
        let report = try report(.payment)
        #expect(report.groups.map(\.key) == [.payment(.cash), .payment(.card), .payment(.bankTransfer), .payment(.eWallet)])
        #expect(report.groups.map(\.figures.revenueVND) == [290_000, 85_000, 200_000, 245_000])
        #expect(report.groups.map(\.figures.nonCashSharePercent) == ["0.0", "100.0", "100.0", "100.0"])
        let none = try self.report(.payment, from: "2025-02-01", to: "2025-02-28")
        #expect(none.total == .zero && none.total.nonCashSharePercent == nil)
        #expect(none.groups.count == 4 && none.groups.allSatisfy { $0.figures == .zero })
    }

    @Test func onePointOfSale() throws {
        let report = try report(.pointOfSale, point: b)
        #expect(report.total == SalesFigures(revenueVND: 200_000, units: 4, sales: 1, nonCashVND: 200_000))
        #expect(report.groups.map(\.key) == [.pointOfSale(id: b, code: "QN-DB-CP-02", name: "Cửa hàng OCOP Cẩm Phả")])
        #expect(try self.report(.product, point: a).groups.count == 2)
        #expect(throws: DomainError.invalid("point_of_sale_id", "names no point of sale (99)")) {
            try self.report(.day, point: 99)
        }
    }

    @Test func periodDefaultsAndLimits() throws {
        let query = try SalesReportQuery(today: Self.today)
        #expect(query.from == CivilDate("2025-02-07") && query.to == Self.today && query.groupBy == .pointOfSale)
        #expect(query.days.count == 30)
        // Half given: only from runs up to today, only to takes the 30 days up to it.
        let fromOnly = try SalesReportQuery(today: Self.today, from: CivilDate("2025-01-01"))
        #expect(fromOnly.from == CivilDate("2025-01-01") && fromOnly.to == Self.today)
        let toOnly = try SalesReportQuery(today: Self.today, to: CivilDate("2024-12-31"))
        #expect(toOnly.from == CivilDate("2024-12-02") && toOnly.to == CivilDate("2024-12-31"))
        let year = try SalesReportQuery(today: Self.today, from: CivilDate("2024-01-01"), to: CivilDate("2024-12-31"))
        #expect(year.days.count == 366)
        #expect(throws: DomainError.invalid("from", "must be at most 366 days before to, both included (2024-12-31)")) {
            try SalesReportQuery(today: Self.today, from: CivilDate("2023-12-31"), to: CivilDate("2024-12-31"))
        }
        #expect(throws: DomainError.invalid("from", "must not be after to (2025-03-08)")) {
            try SalesReportQuery(today: Self.today, from: CivilDate("2025-03-09"))
        }
    }

    @Test func sharesAreExactIntegerArithmetic() {
        #expect(SalesFigures.percent(1, of: 3) == "33.3")
        #expect(SalesFigures.percent(2, of: 3) == "66.7")
        #expect(SalesFigures.percent(1, of: 16) == "6.3")   // 6.25 rounds half up
        #expect(SalesFigures.percent(0, of: 7) == "0.0")
        #expect(SalesFigures.percent(.max, of: .max) == "100.0")   // part × 1000 would overflow Int64
        #expect(SalesFigures.percent(.max / 3, of: .max) == "33.3")
        #expect(SalesFigures.percent(0, of: 0) == nil)
    }

    @Test func sumsBeyondInt64AreAConflictNotACrash() throws {
        // Two sales of 5 × 10^18 đồng each: each fits, their sum does not. The API caps a sale at
        // 10^12 đồng since (`SaleInput.maximumTotalVND`), so they are written as a database from
        // before the cap could hold them.
        _ = try F.apply(database, c, [F.count(800, products[0], 20_000_000, at: 0)])
        for n in [901, 902] {
            let input = SaleInput(saleID: F.id(n), soldAt: F.at(60),
                                  lines: [SaleLine(productID: products[0], quantity: 5_000_000, unitPriceVND: 200_000)],
                                  payment: .card)
            _ = try database.write { try SaleStore.record($0, pointOfSaleID: c, input, actor: .system, now: F.now) }
        }
        try database.write { db in
            try db.run("""
                UPDATE sale_lines SET unit_price_vnd = 1000000000000, amount_vnd = 5000000000000000000
                WHERE sale_id IN (SELECT id FROM sales WHERE point_of_sale_id = ?)
                """, [.integer(c)])
            try db.run("UPDATE sales SET total_vnd = 5000000000000000000 WHERE point_of_sale_id = ?", [.integer(c)])
        }
        do {
            _ = try report(.pointOfSale)
            Issue.record("expected a conflict")
        } catch let error as DomainError {
            guard case .conflict(let message, _) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("shorter period or one point of sale"))
        }
        // Point A alone still adds up.
        #expect(try report(.payment, point: a).total.revenueVND == 620_000)
    }
}
