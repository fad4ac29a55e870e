import OCOP
import SQLite
import Testing

/// The overview on the hand-counted `ReportProvince`, plus fairs and points of sale around
/// `as_of` = 2024-11-01. On that day A2 (5★), C1 (4★) and F1 (3★) are valid: E1 and F2 are decided
/// later, B1 was revoked, D1 and H1 expired; F1's last day (2024-12-20) is 49 days away.
@Suite struct OverviewReportTests {
    let database: Database
    let province: ReportProvince
    let asOf = ReportProvince.day("2024-11-01")

    init() throws {
        database = try makeDatabase()
        province = try ReportProvince.build(database)
    }

    func overview(_ day: CivilDate? = nil) throws -> OverviewReport {
        let query = OverviewReportQuery(asOf: day ?? asOf)
        return try database.read { try OverviewReportStore.report($0, query) }
    }

    @Test func certifiedProductsProducersAndExpiringCertificates() throws {
        let report = try overview()
        #expect(report.certified.total == 3)
        #expect(report.certified.byStars.map(\.products) == [1, 1, 1])
        #expect(report.certified.byGroup.first { $0.group == "food" }?.products == 2)
        #expect(report.certified.byGroup.first { $0.group == "tourism" }?.products == 1)
        let kinds = Dictionary(uniqueKeysWithValues: report.producers.map { ($0.kind, $0) })
        #expect(report.producers.map(\.kind) == ProducerKind.allCases)
        #expect(kinds[.enterprise] == ProducerKindOverview(kind: .enterprise, registered: 1, certifiedProducers: 1, certifiedProducts: 1))
        #expect(kinds[.cooperative] == ProducerKindOverview(kind: .cooperative, registered: 2, certifiedProducers: 2, certifiedProducts: 2))
        #expect(kinds[.household] == ProducerKindOverview(kind: .household, registered: 1, certifiedProducers: 0, certifiedProducts: 0))
        #expect(kinds[.cooperativeGroup]?.registered == 1)
        #expect(report.expiring.map(\.certificateID) == [province.certificates["F1"]])
        #expect(report.expiring.first?.daysLeft == 49)
        #expect(report.expiringThrough == ReportProvince.day("2025-01-30"))
        // A month later E1 and F2 are decided and F1 is renewed: it no longer expires.
        let later = try overview(ReportProvince.day("2024-12-12"))
        #expect(later.certified.total == 4)
        #expect(later.expiring.isEmpty)
        #expect(later.producers.first { $0.kind == .household }?.certifiedProducers == 1)
    }

    @Test func fairsOfTheYearSoFarCountOnlyTheirDaysInTheYear() throws {
        try database.write { db in
            let producer = province.producers["P1"] ?? 0
            // Straddles New Year: its 2023 takings belong to last year's overview.
            let winter = try FairFixtures.fair(db, FairFixtures.fields("Hội chợ Xuân", from: "2023-12-29", to: "2024-01-02",
                                                                       visitors: 5_000))
            let ours = try FairFixtures.booth(db, fair: winter.id, .producer(id: producer))
            try FairFixtures.sale(db, fair: winter.id, booth: ours.id, on: "2023-12-30", 7_000_000)
            try FairFixtures.sale(db, fair: winter.id, booth: ours.id, on: "2024-01-02", 3_000_000)
            let week = try FairFixtures.fair(db, FairFixtures.fields("Tuần hàng OCOP tại Hà Nội", kind: .productWeek,
                                                                     from: "2024-10-28", to: "2024-11-03",
                                                                     province: "Hà Nội", visitors: 2_000))
            let local = try FairFixtures.booth(db, fair: week.id, .producer(id: producer))
            let outside = try FairFixtures.booth(db, fair: week.id, .outside(name: "HTX Chè Tân Cương", province: "Thái Nguyên"))
            try FairFixtures.sale(db, fair: week.id, booth: local.id, on: "2024-10-30", 12_000_000_000)
            try FairFixtures.sale(db, fair: week.id, booth: outside.id, on: "2024-10-31", 13_000_000_000)
            try FairFixtures.sale(db, fair: week.id, booth: local.id, on: "2024-11-02", 500)   // after as_of
            _ = try FairFixtures.fair(db, FairFixtures.fields("Hội chợ cuối năm", from: "2024-12-01", to: "2024-12-05"))
        }
        let fairs = try overview().fairs
        #expect(fairs == FairTotals(fairs: 2, inProvince: 1, visitors: 7_000, revenueVND: 25_003_000_000,
                                    localRevenueVND: 12_003_000_000))
        #expect(fairs.localSharePercent == "48.0")
    }

    @Test func pointsOfSaleOpenedByTheDayAndTheCompliantOnes() throws {
        try database.write { db in
            func point(_ code: String, opened: String?, compliant: Bool, shelves: Bool = true) throws {
                _ = try PointOfSaleStore.create(
                    db, PointOfSaleFields(code: code, name: "Điểm bán \(code)", kind: .store,
                                          openedOn: opened.map(ReportProvince.day), hasOCOPSign: compliant,
                                          hasShelves: shelves, hasPriceList: true),
                    actor: .system, now: testNow)
            }
            try point("DB-1", opened: "2023-01-01", compliant: true)
            try point("DB-2", opened: nil, compliant: true)
            try point("DB-3", opened: "2024-11-01", compliant: true, shelves: false)   // opened that day
            try point("DB-4", opened: "2024-11-02", compliant: true)                   // not yet open
        }
        let points = try overview().pointsOfSale
        #expect(points == PointOfSaleCounts(total: 3, compliant: 2))
        #expect(points.compliantSharePercent == "66.7")
    }

    @Test func theWindowsFollowTheDay() {
        let query = OverviewReportQuery(asOf: ReportProvince.day("2024-03-01"))
        #expect(query.yearStart == ReportProvince.day("2024-01-01"))
        #expect(query.salesFrom == ReportProvince.day("2024-02-01"))   // 30 days, 2024-03-01 included (29 in February)
    }

    @Test func everyPieceEqualsTheDetailedReport() throws {
        let report = try overview()
        try database.read { db in
            #expect(report.certified == (try ProductReportStore.certified(db, asOf: asOf)))
            let ecommerce = try EcommerceReportStore.report(db, try EcommerceReportQuery(asOf: asOf))
            #expect(report.ecommerce.certified == ecommerce.certifiedProducts)
            #expect(report.ecommerce.platforms == ecommerce.platforms)
            #expect(report.ecommerce.platforms.map(\.code) == ["province_ocop", "voso", "postmart"])
            let sales = try SalesReportStore.report(db, try SalesReportQuery(today: asOf))
            #expect(report.sales == sales.total)
        }
    }
}
