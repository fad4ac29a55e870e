import OCOP
import SQLite
import Testing

/// E-commerce coverage on the report province of `ReportProvince` (certificates through the real
/// flows), with listings whose histories change over 2024.
///
/// Certified: on 2024-02-01 B, C, D, F, H; on 2024-06-30 A, C, D, F, H (B revoked, A renewed);
/// on 2024-12-12 A, C, E, F. Listings: the province's platform lists A, B, C, F and the uncertified G
/// from 2024-01-05 and E from 2024-12-01; Voso lists A (non-cash) and C from 2024-01-05, C paused on
/// 2024-06-01, D (non-cash) from 2024-06-15; Postmart lists C from 2024-02-10. H is listed nowhere.
@Suite struct EcommerceReportTests {
    typealias F = FairFixtures
    let database: Database
    let province: ReportProvince
    let platforms: [String: Int64]

    init() throws {
        database = try makeDatabase()
        province = try ReportProvince.build(database)
        let province = self.province
        platforms = try database.read { db in
            Dictionary(uniqueKeysWithValues: try PlatformStore.list(db, PlatformQuery()).items.map { ($0.fields.code, $0.id) })
        }
        let platforms = self.platforms
        func list(_ product: String, on platform: String, from listedOn: String, nonCash: Bool = false,
                  today: String = "2024-12-12") throws -> Listing {
            try database.write { db in
                try ListingStore.create(db, ListingFields(productID: province.products[product] ?? 0, platformID: platforms[platform] ?? 0,
                                                          acceptsNonCash: nonCash, listedOn: F.day(listedOn)),
                                        today: F.day(today), actor: .system, now: F.noon(today))
            }
        }
        for product in ["A", "B", "C", "F", "G"] { _ = try list(product, on: "province_ocop", from: "2024-01-05", today: "2024-01-05") }
        _ = try list("A", on: "voso", from: "2024-01-05", nonCash: true, today: "2024-01-05")
        let c = try list("C", on: "voso", from: "2024-01-05", today: "2024-01-05")
        _ = try list("C", on: "postmart", from: "2024-02-10", today: "2024-02-10")
        var paused = c.fields
        paused.status = .paused
        _ = try database.write {
            try ListingStore.replace($0, id: c.id, with: paused, ifVersion: 1, today: F.day("2024-06-01"), actor: .system,
                                     now: F.noon("2024-06-01"))
        }
        _ = try list("D", on: "voso", from: "2024-06-15", nonCash: true, today: "2024-06-15")
        _ = try list("E", on: "province_ocop", from: "2024-12-01", today: "2024-12-01")
    }

    func report(_ day: String, limit: Int? = 100) throws -> EcommerceReport {
        try database.read { try EcommerceReportStore.report($0, try EcommerceReportQuery(asOf: F.day(day), unlistedLimit: limit)) }
    }

    /// (listed, share, non-cash listings, non-cash share, active listings) per platform code.
    func figures(_ report: EcommerceReport) -> [String: [String?]] {
        Dictionary(uniqueKeysWithValues: report.platforms.map {
            ($0.code, [String($0.listedProducts), $0.sharePercent, String($0.nonCashListings), $0.nonCashSharePercent,
                       String($0.activeListings)])
        })
    }

    @Test func midYear() throws {
        let report = try report("2024-06-30")
        #expect(report.certifiedProducts == 5)
        #expect(report.platforms.map(\.code) == ["province_ocop", "voso", "postmart"])
        #expect(report.platforms.allSatisfy { $0.certifiedProducts == 5 })
        #expect(figures(report) == [
            "province_ocop": ["3", "60.0", "0", "0.0", "5"],   // A, C, F; B (revoked) and G (never certified) don't count
            "voso": ["2", "40.0", "2", "100.0", "2"],          // A and D; C is paused since 2024-06-01
            "postmart": ["1", "20.0", "0", "0.0", "1"],
        ])
        #expect(report.unlisted.count == 1)
        #expect(report.unlisted.products.map(\.productID) == [province.products["H"]])
        #expect(report.unlisted.products.first?.stars == .three)
        #expect(report.unlisted.products.first?.expiresOn == F.day("2024-10-05"))
        #expect(report.unlisted.products.first?.producerName == "Hộ kinh doanh Lý Thị Mai")
    }

    @Test func anEarlierDayIgnoresLaterCertificatesAndListings() throws {
        let report = try report("2024-02-01")
        #expect(report.certifiedProducts == 5)   // B, C, D, F, H: A's renewal is a month away
        #expect(figures(report) == [
            "province_ocop": ["3", "60.0", "0", "0.0", "5"],   // B, C, F; A is listed but between certificates
            "voso": ["1", "20.0", "0", "0.0", "2"],            // C, not yet paused; D not yet listed
            "postmart": ["0", "0.0", "0", nil, "0"],           // C is listed from 2024-02-10
        ])
        #expect(report.unlisted.count == 2)
        #expect(report.unlisted.products.map(\.productID) == [province.products["D"], province.products["H"]])
        let capped = try self.report("2024-02-01", limit: 1)
        #expect(capped.unlisted.count == 2)
        #expect(capped.unlisted.products.map(\.productID) == [province.products["D"]])
        let all = try self.report("2024-02-01", limit: nil)
        #expect(all.unlisted.products.count == 2)
    }

    @Test func yearEnd() throws {
        let report = try report("2024-12-12")
        #expect(report.certifiedProducts == 4)   // A, C, E, F
        #expect(figures(report) == [
            "province_ocop": ["4", "100.0", "0", "0.0", "6"],
            "voso": ["1", "25.0", "1", "100.0", "2"],          // A; D's certificate ended on 2024-09-01
            "postmart": ["1", "25.0", "0", "0.0", "1"],
        ])
        #expect(report.unlisted.count == 0 && report.unlisted.products.isEmpty)
    }

    @Test func aListingCountsFromTheDayItWentUpAndAChangeFromTheDayItWasMade() throws {
        func listed(_ day: String, _ code: String) throws -> Int {
            try report(day).platforms.first { $0.code == code }?.listedProducts ?? -1
        }
        #expect(try listed("2024-01-04", "province_ocop") == 0)
        #expect(try listed("2024-01-05", "province_ocop") == 4)   // A (A1 valid to 2024-01-10), B, C, F
        #expect(try listed("2024-05-31", "voso") == 2)            // A and C
        #expect(try listed("2024-06-01", "voso") == 1)            // C paused that day
        #expect(try listed("2024-06-14", "voso") == 1)
        #expect(try listed("2024-06-15", "voso") == 2)            // D listed that day
        #expect(try listed("2024-02-09", "postmart") == 0)
        #expect(try listed("2024-02-10", "postmart") == 1)
    }

    @Test func theDenominatorIsTheProductsReportsCertifiedTotal() throws {
        for day in ["2023-06-01", "2024-01-10", "2024-01-11", "2024-02-01", "2024-03-01", "2024-05-01", "2024-06-30",
                    "2024-11-30", "2024-12-01", "2024-12-21"] {
            let products = try database.read { try ProductReportStore.certified($0, asOf: F.day(day)) }
            #expect(try report(day).certifiedProducts == products.total, "\(day)")
        }
    }

    @Test func noPlatformsStillCountsTheCertified() throws {
        try database.write { db in try db.run("DELETE FROM listings"); try db.run("DELETE FROM platforms") }
        let report = try report("2024-06-30")
        #expect(report.platforms.isEmpty)
        #expect(report.certifiedProducts == 5)
        #expect(report.unlisted.count == 5)
    }

    @Test func queryLimits() {
        #expect(throws: DomainError.self) { try EcommerceReportQuery(asOf: F.day("2024-01-01"), unlistedLimit: 0) }
        #expect(throws: DomainError.self) { try EcommerceReportQuery(asOf: F.day("2024-01-01"), unlistedLimit: 501) }
    }
}
