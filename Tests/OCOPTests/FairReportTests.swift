import OCOP
import SQLite
import Testing

/// The fair report on a province whose figures are known by hand.
///
/// - A provincial fair in Quảng Ninh, 26 Apr–2 May 2024, 12,000 visitors: producer X's booth (products a1, a2)
///   takes 5 + 2 billion, producer Y's 1 billion, an exhibitor from Thái Nguyên 6 billion, an exhibitor from
///   "quang ninh" (local, typed without diacritics) 0.5 billion.
/// - A product week in Quảng Ninh, 28 Jun–3 Jul, 3,000 visitors: X takes 1 billion on 29 Jun and 4 billion on 1 Jul.
/// - A domestic programme in Hà Nội, 10–12 Mar, 50,000 visitors: Y takes 2.5 billion (our producer: local).
/// - A local fair on 1 Sep, 999 visitors: the Thái Nguyên exhibitor takes 7 billion.
@Suite struct FairReportTests {
    typealias F = FairFixtures
    let database: Database
    let producers: [String: Int64]
    let products: [String: Int64]

    init() throws {
        database = try makeDatabase()
        (producers, products) = try database.write { db in
            let x = try F.producer(db, "Công ty TNHH Miến dong Bình Liêu", kind: .enterprise)
            let y = try F.producer(db, "Hợp tác xã Ba kích Ba Chẽ")
            let a1 = try F.product(db, "QN-A1", producer: x), a2 = try F.product(db, "QN-A2", producer: x)
            let b1 = try F.product(db, "QN-B1", producer: y)
            let provincial = try F.fair(db, F.fields("Hội chợ OCOP Quảng Ninh", from: "2024-04-26", to: "2024-05-02", visitors: 12_000))
            let xA = try F.booth(db, fair: provincial.id, .producer(id: x), products: [a1, a2])
            let yA = try F.booth(db, fair: provincial.id, .producer(id: y), products: [b1])
            let outside = try F.booth(db, fair: provincial.id, .outside(name: "HTX Chè Tân Cương", province: "Thái Nguyên"))
            let local = try F.booth(db, fair: provincial.id, .outside(name: "Công ty Than Hạ Long", province: "quang ninh"))
            try F.sale(db, fair: provincial.id, booth: xA.id, on: "2024-04-26", 5_000_000_000,
                       lines: [FairSaleLine(productID: a1, units: 100, revenueVND: 3_000_000_000),
                               FairSaleLine(productID: a2, units: 50, revenueVND: 1_000_000_000)])
            try F.sale(db, fair: provincial.id, booth: xA.id, on: "2024-04-27", 2_000_000_000)
            try F.sale(db, fair: provincial.id, booth: yA.id, on: "2024-04-26", 1_000_000_000,
                       lines: [FairSaleLine(productID: b1, units: 300, revenueVND: 900_000_000)])
            try F.sale(db, fair: provincial.id, booth: outside.id, on: "2024-04-26", 6_000_000_000)
            try F.sale(db, fair: provincial.id, booth: local.id, on: "2024-04-27", 500_000_000)

            let week = try F.fair(db, F.fields("Tuần hàng OCOP Vân Đồn", kind: .productWeek, from: "2024-06-28", to: "2024-07-03",
                                               visitors: 3_000))
            let xB = try F.booth(db, fair: week.id, .producer(id: x), products: [a1])
            try F.sale(db, fair: week.id, booth: xB.id, on: "2024-06-29", 1_000_000_000,
                       lines: [FairSaleLine(productID: a1, units: 10, revenueVND: 200_000_000)])
            try F.sale(db, fair: week.id, booth: xB.id, on: "2024-07-01", 4_000_000_000)

            let hanoi = try F.fair(db, F.fields("Hội chợ OCOP Hà Nội", kind: .domesticProgramme, from: "2024-03-10", to: "2024-03-12",
                                                district: nil, province: "Hà Nội", visitors: 50_000))
            let yC = try F.booth(db, fair: hanoi.id, .producer(id: y))
            try F.sale(db, fair: hanoi.id, booth: yC.id, on: "2024-03-11", 2_500_000_000)

            let autumn = try F.fair(db, F.fields("Phiên chợ Ba Chẽ", kind: .localFair, from: "2024-09-01", to: "2024-09-01", visitors: 999))
            let outsideD = try F.booth(db, fair: autumn.id, .outside(name: "HTX Chè Tân Cương", province: "Thái Nguyên"))
            try F.sale(db, fair: autumn.id, booth: outsideD.id, on: "2024-09-01", 7_000_000_000)
            return (["X": x, "Y": y], ["a1": a1, "a2": a2, "b1": b1])
        }
    }

    func report(_ from: String, _ to: String, top: Int? = nil) throws -> FairReport {
        let query = try FairReportQuery(today: F.day("2024-12-31"), from: F.day(from), to: F.day(to), top: top)
        return try database.read { try FairReportStore.report($0, query) }
    }

    @Test func firstHalfFromRecordedEvents() throws {
        let report = try report("2024-01-01", "2024-06-30")
        #expect(report.totals == FairTotals(fairs: 3, inProvince: 2, visitors: 65_000, revenueVND: 18_000_000_000,
                                            localRevenueVND: 12_000_000_000))
        #expect(report.totals.localSharePercent == "66.7")
        #expect(report.byKind.map(\.kind) == FairKind.allCases)
        let kinds = Dictionary(uniqueKeysWithValues: report.byKind.map { ($0.kind, $0.totals) })
        #expect(kinds[.provincialFair] == FairTotals(fairs: 1, inProvince: 1, visitors: 12_000, revenueVND: 14_500_000_000,
                                                     localRevenueVND: 8_500_000_000))
        #expect(kinds[.provincialFair]?.localSharePercent == "58.6")
        #expect(kinds[.productWeek] == FairTotals(fairs: 1, inProvince: 1, visitors: 3_000, revenueVND: 1_000_000_000,
                                                  localRevenueVND: 1_000_000_000))
        #expect(kinds[.domesticProgramme] == FairTotals(fairs: 1, inProvince: 0, visitors: 50_000, revenueVND: 2_500_000_000,
                                                        localRevenueVND: 2_500_000_000))
        #expect(kinds[.localFair] == FairTotals(fairs: 0, inProvince: 0, visitors: 0, revenueVND: 0, localRevenueVND: 0))
        #expect(kinds[.localFair]?.localSharePercent == nil)
        #expect(report.fairs.map(\.name) == ["Hội chợ OCOP Hà Nội", "Hội chợ OCOP Quảng Ninh", "Tuần hàng OCOP Vân Đồn"])
        #expect(report.fairs.map(\.booths) == [1, 4, 1])
        #expect(report.fairs.map(\.localBooths) == [1, 3, 1])
        // The product week straddles the half year: only its June takings belong here; its visitors count whole.
        #expect(report.fairs[2].revenueVND == 1_000_000_000)
        #expect(report.fairs[2].visitors == 3_000)
        #expect(report.topProducers.map(\.producerID) == [producers["X"], producers["Y"]])
        #expect(report.topProducers.map(\.revenueVND) == [8_000_000_000, 3_500_000_000])
        #expect(report.topProducers.map(\.fairs) == [2, 2])
        #expect(report.topProducers[0].kind == .enterprise)
        #expect(report.topProducts.map(\.productID) == [products["a1"], products["a2"], products["b1"]])
        #expect(report.topProducts.map(\.units) == [110, 50, 300])
        #expect(report.topProducts.map(\.revenueVND) == [3_200_000_000, 1_000_000_000, 900_000_000])
    }

    /// Issue #5's entries carry the day's revenue and optional per-product units. A day whose
    /// only line is one product is that product's takings; a line's own amount is its own; a day
    /// split over several products without amounts claims no product's revenue.
    @Test func aDaysOnlyProductEarnedTheDaysTakings() throws {
        try database.write { db in
            let fair = try F.fair(db, F.fields("Tuần hàng OCOP Hạ Long", kind: .productWeek, from: "2024-10-10", to: "2024-10-12",
                                               visitors: 800))
            let booth = try F.booth(db, fair: fair.id, .producer(id: producers["X"] ?? 0),
                                    products: [products["a1"] ?? 0, products["a2"] ?? 0])
            try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-10-10", 600_000_000,
                       lines: [FairSaleLine(productID: products["a2"] ?? 0, units: 20)])
            try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-10-11", 900_000_000,
                       lines: [FairSaleLine(productID: products["a1"] ?? 0, units: 5),
                               FairSaleLine(productID: products["a2"] ?? 0, units: 5)])
            try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-10-12", 700_000_000,
                       lines: [FairSaleLine(productID: products["a1"] ?? 0, units: 7, revenueVND: 100_000_000)])
        }
        let report = try report("2024-10-01", "2024-10-31")
        #expect(report.topProducts.map(\.productID) == [products["a2"], products["a1"]])
        #expect(report.topProducts.map(\.revenueVND) == [600_000_000, 100_000_000])
        #expect(report.topProducts.map(\.units) == [25, 12])
        #expect(report.topProducers.map(\.revenueVND) == [2_200_000_000])
    }

    @Test func secondHalfTakesTheRestOfTheStraddlingFair() throws {
        let report = try report("2024-07-01", "2024-12-31", top: 1)
        #expect(report.totals == FairTotals(fairs: 2, inProvince: 2, visitors: 3_999, revenueVND: 11_000_000_000,
                                            localRevenueVND: 4_000_000_000))
        #expect(report.totals.localSharePercent == "36.4")
        #expect(report.topProducers.map(\.producerID) == [producers["X"]])
        #expect(report.topProducts.isEmpty)   // no lines in the second half
        // The two halves add up to the year.
        let year = try self.report("2024-01-01", "2024-12-31")
        #expect(year.totals.revenueVND == 29_000_000_000)
        #expect(year.totals.fairs == 4)
    }

    @Test func totalsForTheOverviewMatchTheReport() throws {
        let totals = try database.read { try FairReportStore.totals($0, from: F.day("2024-01-01"), to: F.day("2024-06-30")) }
        #expect(totals == (try report("2024-01-01", "2024-06-30").totals))
    }

    @Test func aPeriodWithNothingIsZeros() throws {
        let report = try report("2023-01-01", "2023-06-30")
        #expect(report.totals == FairTotals(fairs: 0, inProvince: 0, visitors: 0, revenueVND: 0, localRevenueVND: 0))
        #expect(report.totals.localSharePercent == nil)
        #expect(report.fairs.isEmpty && report.topProducers.isEmpty && report.topProducts.isEmpty)
    }

    @Test func queryDefaultsToTheHalfYearAndChecksItsBounds() throws {
        let spring = try FairReportQuery(today: F.day("2024-05-10"))
        #expect((spring.from, spring.to, spring.top) == (F.day("2024-01-01"), F.day("2024-06-30"), 10))
        let autumn = try FairReportQuery(today: F.day("2024-07-01"))
        #expect((autumn.from, autumn.to) == (F.day("2024-07-01"), F.day("2024-12-31")))
        let fromOnly = try FairReportQuery(today: F.day("2025-01-01"), from: F.day("2024-03-01"))
        #expect((fromOnly.from, fromOnly.to) == (F.day("2024-03-01"), F.day("2024-06-30")))
        let toOnly = try FairReportQuery(today: F.day("2025-01-01"), to: F.day("2024-11-15"))
        #expect((toOnly.from, toOnly.to) == (F.day("2024-07-01"), F.day("2024-11-15")))
        #expect(throws: DomainError.self) { try FairReportQuery(today: F.day("2024-05-10"), from: F.day("2024-06-01"), to: F.day("2024-05-01")) }
        #expect(throws: DomainError.self) { try FairReportQuery(today: F.day("2024-05-10"), top: 0) }
        #expect(throws: DomainError.self) { try FairReportQuery(today: F.day("2024-05-10"), from: F.day("2000-01-01"), to: F.day("2024-01-01")) }
    }

    @Test func amountSharesUseExactIntegerArithmetic() {
        #expect(ReportNumbers.percent(amount: 12_000_000_000, of: 25_000_000_000) == "48.0")
        #expect(ReportNumbers.percent(amount: 1, of: 3) == "33.3")
        #expect(ReportNumbers.percent(amount: 2, of: 3) == "66.7")
        #expect(ReportNumbers.percent(amount: 1, of: 2_000) == "0.1")   // 0.05 rounds half up
        #expect(ReportNumbers.percent(amount: 0, of: 5) == "0.0")
        #expect(ReportNumbers.percent(amount: 5, of: 5) == "100.0")
        // Beyond where part × 1000 fits in Int64.
        #expect(ReportNumbers.percent(amount: Int64.max / 2, of: Int64.max) == "50.0")
        #expect(ReportNumbers.percent(amount: Int64.max, of: Int64.max) == "100.0")
        #expect(ReportNumbers.percent(amount: 9_000_000_000_000_000, of: 9_100_000_000_000_000) == "98.9")
        #expect(ReportNumbers.percent(amount: 0, of: 0) == nil)
        #expect(ReportNumbers.percent(amount: 6, of: 5) == nil)
        #expect(ReportNumbers.percent(amount: -1, of: 5) == nil)
    }
}
