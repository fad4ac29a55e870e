import OCOP
import SQLite
import Testing

/// The products report on a province whose answers are known by hand (`ReportProvince`).
@Suite struct ReportStoreTests {
    let database: Database
    let province: ReportProvince

    init() throws {
        database = try makeDatabase()
        province = try ReportProvince.build(database)
    }

    func report(_ asOf: String, withinDays: Int? = nil, from: String? = nil, to: String? = nil) throws -> ProductReport {
        let query = try ProductReportQuery(asOf: ReportProvince.day(asOf), withinDays: withinDays,
                                           from: from.map(ReportProvince.day), to: to.map(ReportProvince.day))
        return try database.read { try ProductReportStore.report($0, query) }
    }

    func stars(_ report: ProductReport) -> [Int] { report.certified.byStars.map(\.products) }

    // MARK: Certified products

    @Test func certifiedProductsByEveryBreakdownMidway() throws {
        // 2024-06-30: A2 (5★), C1 (4★), D1, F1, H1 (3★). B1 was revoked on 2024-05-01; E1 not yet decided.
        let certified = try report("2024-06-30").certified
        #expect(certified.total == 5)
        #expect(certified.byStars.map(\.stars) == [.three, .four, .five])
        #expect(certified.byStars.map(\.products) == [3, 1, 1])
        #expect(certified.byGroup.map(\.group) == ["food", "beverage", "herbal", "handicraft", "ornamental", "tourism"])
        #expect(certified.byGroup.map(\.products) == [3, 0, 1, 0, 0, 1])
        #expect(certified.byGroup.first?.name == "Thực phẩm")
        #expect(certified.byDistrict == [DistrictCount(district: "Ba Chẽ", products: 2),
                                         DistrictCount(district: "Bình Liêu", products: 2),
                                         DistrictCount(district: nil, products: 1)])
        #expect(certified.byCommune == [CommuneCount(district: "Ba Chẽ", commune: "Thanh Sơn", products: 2),
                                        CommuneCount(district: "Bình Liêu", commune: "Đồng Văn", products: 1),
                                        CommuneCount(district: "Bình Liêu", commune: "Hoành Mô", products: 1),
                                        CommuneCount(district: nil, commune: nil, products: 1)])
        #expect(certified.byProducerKind == [ProducerKindCount(kind: .enterprise, products: 1, producers: 1),
                                             ProducerKindCount(kind: .cooperative, products: 3, producers: 2),
                                             ProducerKindCount(kind: .cooperativeGroup, products: 0, producers: 0),
                                             ProducerKindCount(kind: .household, products: 1, producers: 1)])
        #expect(certified.producers == 4)
    }

    @Test func certifiedProductsAtTheEnd() throws {
        // 2024-12-31: A2 5★, C1 and E1 4★, F2 3★ (F1 renewed). D1 and H1 expired; H's 2-star re-evaluation certifies nothing.
        let certified = try report("2024-12-31").certified
        #expect(certified.total == 4)
        #expect(certified.byStars.map(\.products) == [1, 2, 1])
        #expect(certified.byGroup.map(\.products) == [2, 0, 0, 1, 0, 1])
        #expect(certified.byProducerKind.map(\.products) == [1, 2, 0, 1])
        #expect(certified.byProducerKind.map(\.producers) == [1, 2, 0, 1])
    }

    @Test func asOfLeavesOutWhatWasDecidedLater() throws {
        #expect(try report("2024-11-24").certified.byGroup.first { $0.group == "handicraft" }?.products == 0)
        #expect(try report("2024-11-25").certified.byGroup.first { $0.group == "handicraft" }?.products == 1)
        // Before anything was decided there is nothing.
        #expect(try report("2021-01-09").certified.total == 0)
        #expect(try report("2021-01-10").certified.total == 1)
    }

    @Test func revocationCountsFromItsDay() throws {
        #expect(try report("2024-04-30").certified.byGroup.first { $0.group == "beverage" }?.products == 1)
        #expect(try report("2024-05-01").certified.byGroup.first { $0.group == "beverage" }?.products == 0)
    }

    @Test func renewalTakesOverOnItsDecisionDayAndCountsTheProductOnce() throws {
        // F1 (until 2024-12-20) is renewed by F2 decided 2024-12-01: one tourism product on either side.
        for day in ["2024-11-30", "2024-12-01", "2024-12-21"] {
            let tourism = try report(day).certified.byGroup.first { $0.group == "tourism" }
            #expect(tourism?.products == 1, "\(day)")
        }
        // The expiring list follows the same rule: F1 is listed until F2 is decided.
        #expect(try report("2024-11-30", withinDays: 30).expiring.map(\.certificateID) == [province.certificates["F1"]])
        #expect(try report("2024-12-01", withinDays: 30).expiring.isEmpty)
    }

    @Test func aProductWithOverlappingCertificatesCountsOnceWithTheLatest() throws {
        // B1 (3★) was revoked on 2024-05-01; a decision backdated to 2024-04-25 gave B 4 stars (a
        // database from before decisions dated ahead of a revocation were refused, so written here
        // as it was stored). Between the two days both certificates were valid: B counts once,
        // under the newer one.
        try database.write { db in
            let product = province.products["B"] ?? 0
            try db.run("""
                INSERT INTO certificates (number, product_id, stars, council_level, legal_basis, district, commune,
                                          decided_on, expires_on, status_recorded, created_at, updated_at, version)
                SELECT '77/QĐ-UBND/B', p.id, 4, 'province', 'Quyết định 148/QĐ-TTg', pr.district, pr.commune,
                       '2024-04-25', '2027-04-25', 'active', '2024-05-02T05:00:00Z', '2024-05-02T05:00:00Z', 1
                FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.id = ?
                """, [.integer(product)])
            try db.run("UPDATE products SET current_certificate_id = ? WHERE id = ?",
                       [.integer(db.lastInsertRowID), .integer(product)])
        }
        let certified = try report("2024-04-28").certified
        #expect(certified.total == 6)
        #expect(stars(try report("2024-04-28")) == [3, 2, 1])
        #expect(certified.byGroup.first { $0.group == "beverage" }?.products == 1)
        #expect(certified.byProducerKind.first?.products == 2)
    }

    @Test func expiredCertificatesLapseTheDayAfterTheirLastValidDay() throws {
        // D1's last valid day is 2024-09-01.
        #expect(try report("2024-09-01").certified.byGroup.first { $0.group == "herbal" }?.products == 1)
        #expect(try report("2024-09-02").certified.byGroup.first { $0.group == "herbal" }?.products == 0)
    }

    // MARK: Expiring

    @Test func expiringWithinTheWindowSoonestFirst() throws {
        let within90 = try report("2024-06-30").expiring
        #expect(within90.map(\.certificateID) == [province.certificates["D1"]])
        let d1 = try #require(within90.first)
        #expect(d1.productID == province.products["D"])
        #expect(d1.productCode == "QN-D")
        #expect(d1.productName == "Sản phẩm D")
        #expect(d1.stars == .three)
        #expect(d1.expiresOn == ReportProvince.day("2024-09-01"))
        #expect(d1.daysLeft == 63)
        #expect(d1.number == "2021-09-01/QĐ-UBND/QN-D")
        // The window's last day is included; the day after is not.
        #expect(try report("2024-06-30", withinDays: 97).expiring.map(\.certificateID)
                == [province.certificates["D1"], province.certificates["H1"]])
        #expect(try report("2024-06-30", withinDays: 96).expiring.count == 1)
        // On its last valid day a certificate is still expiring, with 0 days left.
        #expect(try report("2024-09-01", withinDays: 1).expiring.map(\.daysLeft) == [0])
        // A revoked certificate is not expiring: B1 would end 2025-06-15.
        #expect(try report("2025-06-01", withinDays: 30).expiring.isEmpty)
    }

    // MARK: Expired and re-entered

    @Test func expiredInThePeriodAndReentered() throws {
        // A1 expired on 2024-01-11 and A re-entered at the central round of 2024-02-20 (renewed after expiry).
        let first = try report("2024-06-30", from: "2024-01-01", to: "2024-06-30").expired
        #expect(first == ExpiredCertificates(from: ReportProvince.day("2024-01-01"), to: ReportProvince.day("2024-06-30"),
                                             expired: 1, reentered: 1))
        // Default period: the six months up to as_of. D1 (expired 2024-09-02) never came back; H1
        // (2024-10-06) came back with 2 stars; F1 did not expire, it was renewed before its end.
        let second = try report("2024-12-31").expired
        #expect(second.from == ReportProvince.day("2024-06-30"))
        #expect(second.to == ReportProvince.day("2024-12-31"))
        #expect(second.expired == 2)
        #expect(second.reentered == 1)
    }

    @Test func expiryDayBoundsAndRevokedCertificates() throws {
        // A1's last valid day is 2024-01-10, so it expired ON 2024-01-11.
        #expect(try report("2024-06-30", from: "2024-01-11", to: "2024-01-11").expired.expired == 1)
        #expect(try report("2024-06-30", from: "2024-01-10", to: "2024-01-10").expired.expired == 0)
        #expect(try report("2024-06-30", from: "2024-01-12", to: "2024-06-30").expired.expired == 0)
        // B1 was revoked before its end (2025-06-15): it never expired.
        #expect(try report("2025-12-31", from: "2025-06-01", to: "2025-12-31").expired.expired == 0)
    }

    @Test func reentryCountsOnlyEvaluationsHeldByAsOf() throws {
        // H1 expired 2024-10-06; H was re-evaluated on 2024-11-15. As of 2024-11-14 it had not come back yet.
        let before = try report("2024-11-14", from: "2024-10-01", to: "2024-10-31").expired
        #expect(before.expired == 1)
        #expect(before.reentered == 0)
        #expect(try report("2024-11-15", from: "2024-10-01", to: "2024-10-31").expired.reentered == 1)
    }

    /// Records D (whose D1 ends 2024-09-01 and was never renewed) in a round held on `heldOn`, with 2 stars.
    func reevaluateD(heldOn: String) throws {
        try database.write { db in
            let round = try EvaluationRoundStore.create(
                db, EvaluationRoundFields(name: "Đánh giá bổ sung", councilLevel: .province, heldOn: ReportProvince.day(heldOn)),
                actor: .system, now: ReportProvince.noon(heldOn))
            _ = try EvaluationResultStore.record(
                db, roundID: round.id, EvaluationInput(productID: province.products["D"] ?? 0,
                                                       memberScores: ReportProvince.scores(stars: 2), mandatoryCriteriaMet: true),
                today: ReportProvince.day(heldOn), actor: .system, now: ReportProvince.noon(heldOn))
        }
    }

    @Test func reentryWindowOpensTheDayTheCertificateStartsExpiring() throws {
        // D1 ends 2024-09-01, so it started expiring (30 days' notice) on 2024-08-02.
        try reevaluateD(heldOn: "2024-08-02")
        let expired = try report("2024-12-31", from: "2024-09-01", to: "2024-09-30").expired
        #expect(expired.expired == 1)
        #expect(expired.reentered == 1)
    }

    @Test func evaluationBeforeTheNoticePeriodIsNotAReentry() throws {
        try reevaluateD(heldOn: "2024-08-01")
        #expect(try report("2024-12-31", from: "2024-09-01", to: "2024-09-30").expired.reentered == 0)
        // The evaluation that led to the certificate itself is what the window keeps out: stretch the
        // notice period back past A1's own round (2020-12-20) and A would count as re-entered before it did.
        let early = try ProductReportQuery(asOf: ReportProvince.day("2024-02-19"), from: ReportProvince.day("2024-01-01"),
                                           to: ReportProvince.day("2024-02-19"))
        #expect(try database.read { try ProductReportStore.expired($0, early) }.reentered == 0)
        #expect(try database.read { try ProductReportStore.expired($0, early, noticeDays: 2000) }.reentered == 1)
    }

    // MARK: Raw materials

    @Test func rawMaterialTotalsBySchemeAndKind() throws {
        try province.addRawMaterials(database)
        let totals = try report("2024-06-30").rawMaterials
        #expect(totals.byScheme.map(\.scheme) == [.vietGAP, .vietGAHP, .organic, .other])
        let vietGAP = try #require(totals.byScheme.first)
        #expect(vietGAP.areas == 3)
        #expect(vietGAP.areaM2 == 3_227_600)
        #expect(vietGAP.establishments == 2, "P1 once, plus the site without a producer")
        #expect(vietGAP.byKind == [SchemeKindTotal(kind: .cultivation, areas: 2, areaM2: 3_223_500, establishments: 1),
                                   SchemeKindTotal(kind: .aquaculture, areas: 1, areaM2: 4_100, establishments: 1)])
        #expect(totals.byScheme[1] == SchemeTotal(scheme: .vietGAHP, areas: 0, areaM2: 0, establishments: 0, byKind: []))
        #expect(totals.byScheme[2] == SchemeTotal(scheme: .organic, areas: 1, areaM2: 3_290_000, establishments: 1, byKind: [
            SchemeKindTotal(kind: .forest, areas: 1, areaM2: 3_290_000, establishments: 1),
        ]))
        #expect(totals.registeredAreas == 6)
        #expect(totals.packingFacilities == 2)
    }

    @Test func rawMaterialCertificationsCountOnTheirValidDaysOnly() throws {
        try province.addRawMaterials(database)
        // VN-QN-BL-003's first VietGAP certificate ends 2024-06-29, its next starts 2024-07-01.
        func cultivation(_ day: String) throws -> SchemeKindTotal? {
            try report(day).rawMaterials.byScheme.first?.byKind.first { $0.kind == .cultivation }
        }
        #expect(try cultivation("2024-06-29")?.areas == 3)
        #expect(try cultivation("2024-06-29")?.establishments == 2)
        #expect(try cultivation("2024-06-30")?.areas == 2)
        #expect(try cultivation("2024-07-01")?.areas == 3)
        // Before any certificate started there is nothing certified.
        #expect(try report("2021-01-01").rawMaterials.byScheme.allSatisfy { $0.areas == 0 && $0.byKind.isEmpty })
    }

    // MARK: Query rules and numbers

    @Test func queryDefaultsAndRules() throws {
        let asOf = ReportProvince.day("2024-08-31")
        let defaults = try ProductReportQuery(asOf: asOf)
        #expect(defaults.withinDays == 90)
        #expect(defaults.from == ReportProvince.day("2024-02-29"))
        #expect(defaults.to == asOf)
        #expect(defaults.expiringThrough == ReportProvince.day("2024-11-29"))
        let onlyTo = try ProductReportQuery(asOf: asOf, to: ReportProvince.day("2024-06-30"))
        #expect(onlyTo.from == ReportProvince.day("2023-12-30"))
        #expect(try ProductReportQuery(asOf: asOf, withinDays: 1).withinDays == 1)
        #expect(try ProductReportQuery(asOf: asOf, withinDays: 3650).withinDays == 3650)
        #expect(throws: DomainError.invalid([FieldError("within_days", "must be an integer from 1 to 3650")])) {
            try ProductReportQuery(asOf: asOf, withinDays: 0)
        }
        #expect(throws: DomainError.invalid([FieldError("to", "must not be after as_of (2024-08-31)")])) {
            try ProductReportQuery(asOf: asOf, to: ReportProvince.day("2024-09-01"))
        }
        do {
            _ = try ProductReportQuery(asOf: asOf, withinDays: 3651, from: ReportProvince.day("2024-08-02"),
                                       to: ReportProvince.day("2024-08-01"))
            Issue.record("an inverted period was accepted")
        } catch {
            guard case .invalid(let errors) = error else { Issue.record("\(error)"); return }
            #expect(errors.map(\.field) == ["within_days", "from"])
        }
        // A one-day period is a period.
        #expect(try ProductReportQuery(asOf: asOf, from: asOf, to: asOf).from == asOf)
    }

    @Test func sharesAndHectaresUseIntegerArithmetic() {
        #expect(ReportNumbers.percent(160, of: 393) == "40.7")
        #expect(ReportNumbers.percent(108, of: 393) == "27.5")
        #expect(ReportNumbers.percent(71, of: 71) == "100.0")
        #expect(ReportNumbers.percent(0, of: 5) == "0.0")
        #expect(ReportNumbers.percent(1, of: 8) == "12.5")   // 12.5 exactly
        #expect(ReportNumbers.percent(1, of: 16) == "6.3")   // 6.25 rounds half up
        #expect(ReportNumbers.percent(3, of: 0) == nil)
        #expect(ReportNumbers.hectares(squareMetres: 3_223_500) == "322.35")
        #expect(ReportNumbers.hectares(squareMetres: 4_100) == "0.41")
        #expect(ReportNumbers.hectares(squareMetres: 3_290_000) == "329.00")
        #expect(ReportNumbers.hectares(squareMetres: 49) == "0.00")
        #expect(ReportNumbers.hectares(squareMetres: 50) == "0.01")
        #expect(ReportNumbers.hectares(squareMetres: 10_005) == "1.00")
        #expect(ReportNumbers.hectares(squareMetres: 0) == "0.00")
    }
}
