import OCOP
import SQLite
import Testing

/// The demo province: loaded once, deterministic, fast, and shaped like DOMAIN.md's Quang Ninh on
/// whatever day it is loaded (dates are counted back from that day).
@Suite struct DemoDataTests {
    /// Days the demo must hold up on: a plain day, the last day of a leap February, a 31st, the day
    /// after the district councils were abolished, and one whose first round falls under the 2019 rules.
    static let days = ["2026-11-29T10:00:00+07:00", "2028-02-29T23:30:00+07:00", "2027-01-31T08:00:00+07:00",
                       "2025-07-06T09:00:00+07:00", "2024-12-12T15:00:00+07:00"]

    static func instant(_ text: String) throws -> Timestamp { try #require(Timestamp(rfc3339: text)) }

    func loaded(_ day: String) throws -> (Database, CivilDate) {
        let database = try makeDatabase()
        let now = try Self.instant(day)
        try DemoData.load(into: database, now: now)
        return (database, CivilDate.today(at: now))
    }

    @Test(arguments: days) func certificatesInEveryStatusAndSomeExpiringThisMonth(day: String) throws {
        let (database, today) = try loaded(day)
        let certificates = try database.read { db in
            try db.all("SELECT id FROM certificates") { $0.int64(0) }.compactMap { try CertificateStore.get(db, id: $0) }
        }
        var byStatus: [CertificateStatus: Int] = [:]
        for certificate in certificates { byStatus[certificate.status(on: today), default: 0] += 1 }
        for status in CertificateStatus.allCases {
            #expect((byStatus[status] ?? 0) > 0, "no \(status) certificate on \(today)")
        }
        let thisMonth = certificates.filter {
            $0.status(on: today) == .expiring && $0.expiresOn.year == today.year && $0.expiresOn.month == today.month
        }
        // On 29 February no certificate can end that day (36 months after a 29 February is the 28th).
        if today.day < CivilDate.daysInMonth(year: today.year, month: today.month) || today.month != 2 {
            #expect(thisMonth.count >= 1, "nothing expires in the month of \(today)")
        }
        let revokedReasons = Set(certificates.compactMap(\.revocation?.reason))
        #expect(revokedReasons == [.notReapplied, .violation])
    }

    @Test(arguments: days) func theReportShowsTheArticlesFigures(day: String) throws {
        let (database, today) = try loaded(day)
        let report = try database.read { try ProductReportStore.report($0, try ProductReportQuery(asOf: today)) }
        // 216 producers hold 3–5-star products: 53 enterprises, 89 cooperatives, 74 households.
        #expect(report.certified.byProducerKind.map(\.producers) == [53, 89, 0, 74])
        #expect(report.certified.producers == 216)
        #expect(report.certified.byStars.allSatisfy { $0.products > 0 })
        #expect(report.certified.byGroup.allSatisfy { $0.products > 0 })
        // Of the certificates that expired in the last six months, 71 re-entered evaluation.
        #expect(report.expired.expired == 104)
        #expect(report.expired.reentered == 71)
        #expect(!report.expiring.isEmpty)
        let vietGAP = try #require(report.rawMaterials.byScheme.first { $0.scheme == .vietGAP })
        let cultivation = try #require(vietGAP.byKind.first { $0.kind == .cultivation })
        #expect(ReportNumbers.hectares(squareMetres: cultivation.areaM2) == "322.35")
        #expect(cultivation.areas == 30)
        #expect(cultivation.establishments == 27)
        #expect(vietGAP.byKind.first { $0.kind == .aquaculture }
                == SchemeKindTotal(kind: .aquaculture, areas: 1, areaM2: 4_100, establishments: 1))
        #expect(report.rawMaterials.byScheme.first { $0.scheme == .organic }?.areaM2 == 3_290_000)
        #expect((report.rawMaterials.byScheme.first { $0.scheme == .vietGAHP }?.areas ?? 0) > 0)
        #expect(report.rawMaterials.registeredAreas == 60)
        #expect(report.rawMaterials.packingFacilities == 9)
    }

    @Test func producersProductsAndGroups() throws {
        let (database, today) = try loaded(Self.days[0])
        try database.read { db in
            let kinds = try db.all("SELECT kind, count(*) FROM producers GROUP BY kind ORDER BY kind") { "\($0.string(0))=\($0.int(1))" }
            #expect(kinds == ["cooperative=89", "cooperative_group=12", "enterprise=53", "household=74"])
            let products = try ProductStore.count(db)
            #expect((380...430).contains(products), "\(products) products")
            let groups = try db.all("SELECT group_code FROM products GROUP BY group_code") { $0.string(0) }
            #expect(Set(groups) == ["food", "beverage", "herbal", "handicraft", "ornamental", "tourism"])
            // Every product carries a valid 893 GTIN except the tourism services, which need none.
            #expect(try db.scalarInt("SELECT count(*) FROM products WHERE group_code = 'tourism' AND gtin IS NOT NULL") == 0)
            let gtins = try db.all("SELECT gtin FROM products WHERE group_code <> 'tourism'") { $0.optionalString(0) }
            #expect(gtins.allSatisfy { $0.flatMap(GTIN.init)?.digits.hasPrefix("0893") == true })
            // The README's examples exist.
            for name in ["Miến dong Bình Liêu", "Chả mực Hạ Long", "Ba kích tím Ba Chẽ", "Trà hoa vàng Ba Chẽ", "Rượu mơ Yên Tử",
                         "Sá sùng khô Vân Đồn", "Nước mắm Cái Rồng", "Gà Tiên Yên", "Tour du lịch cộng đồng Bình Liêu"] {
                #expect(try db.scalarInt("SELECT count(*) FROM products WHERE name = ?", [.text(name)]) == 1, "\(name)")
            }
            var search = ProductQuery(today: today)
            search.text = "mien dong binh lieu"
            #expect(try ProductStore.list(db, search).items.contains { $0.fields.name == "Miến dong Bình Liêu" })
            // Quality monitoring: two products wait for the officer, one lost its certificate after review.
            #expect(try db.scalarInt("SELECT count(*) FROM products WHERE under_review = 1") == 2)
            #expect(try db.scalarInt("SELECT count(*) FROM inspections WHERE result = 'fail' AND kind = 'food_safety'") == 4)
            #expect(try db.scalarInt("SELECT count(*) FROM inspections") ?? 0 > 50)
            let rounds = try db.all("SELECT name, council_level FROM evaluation_rounds ORDER BY held_on") { "\($0.string(1)): \($0.string(0))" }
            #expect(rounds == ["province: Đánh giá, phân hạng sản phẩm OCOP lần thứ 8 năm 2023",
                               "province: Đánh giá, phân hạng sản phẩm OCOP lần thứ 9 năm 2026",
                               "central: Đánh giá, phân hạng sản phẩm OCOP 5 sao cấp trung ương năm 2026"])
            // Every write went through the stores: each product has its audit entry and search row.
            #expect(try db.scalarInt("SELECT count(*) FROM audit_log WHERE entity = 'product' AND action = 'create'") == products)
            #expect(try db.scalarInt("SELECT count(*) FROM products_search") == products)
        }
    }

    @Test func deterministicAndLoadedOnlyOnce() throws {
        let now = try Self.instant(Self.days[0])
        func fingerprint(_ database: Database) throws -> [String] {
            try database.read { db in
                try db.all("SELECT code || '|' || name || '|' || coalesce(gtin, '') || '|' || coalesce(price_vnd, '') FROM products ORDER BY id") {
                    $0.string(0)
                } + db.all("SELECT number || '|' || decided_on || '|' || expires_on || '|' || stars FROM certificates ORDER BY id") {
                    $0.string(0)
                } + db.all("SELECT code || '|' || area_m2 || '|' || coalesce(producer_id, '') FROM raw_material_areas ORDER BY id") {
                    $0.string(0)
                }
            }
        }
        let first = try makeDatabase(), second = try makeDatabase()
        try DemoData.load(into: first, now: now)
        try DemoData.load(into: second, now: now)
        let print = try fingerprint(first)
        #expect(print == (try fingerprint(second)))
        try DemoData.load(into: first, now: now)
        #expect(try fingerprint(first) == print)
        #expect(try first.read { try ProducerStore.count($0) } == 228)
    }

    /// All or nothing: the demo is one write transaction (its speed is measured, not asserted).
    @Test func loadsInOneTransaction() throws {
        let database = try makeDatabase()
        let before = database.stats.commits
        try DemoData.load(into: database, now: try Self.instant(Self.days[0]))
        #expect(database.stats.commits - before == 1)
    }
}
