import JSON
import OCOP
import SQLite
import Testing

/// Sales entries: one per booth and day, only on the fair's days, lines only for products the
/// booth shows and adding up to no more than the day's takings.
@Suite struct FairSaleStoreTests {
    typealias F = FairFixtures
    let database: Database
    let fair: Fair
    let booth: Booth
    let products: [Int64]

    init() throws {
        database = try makeDatabase()
        (fair, booth, products) = try database.write { db in
            let fair = try F.fair(db)
            let producer = try F.producer(db)
            let products = [try F.product(db, "QN-A", producer: producer), try F.product(db, "QN-B", producer: producer),
                            try F.product(db, "QN-C", producer: producer)]
            let booth = try F.booth(db, fair: fair.id, .producer(id: producer), products: Array(products.prefix(2)))
            return (fair, booth, products)
        }
    }

    @Test func fieldRules() {
        let day = F.day("2024-04-27")
        #expect(FairSaleFields(day: day, revenueVND: 0).validate().isEmpty)
        #expect(FairSaleFields(day: day, revenueVND: -1).validate().map(\.field) == ["revenue_vnd"])
        #expect(FairSaleFields(day: day, revenueVND: FairSaleFields.maximumRevenueVND + 1).validate().map(\.field) == ["revenue_vnd"])
        let lines = [FairSaleLine(productID: 1, units: 3, revenueVND: 600), FairSaleLine(productID: 1, units: -1),
                     FairSaleLine(productID: 0, units: 1, revenueVND: -5)]
        #expect(FairSaleFields(day: day, revenueVND: 1000, lines: lines).validate().map(\.field)
                == ["units[1].product_id", "units[1].units", "units[2].product_id", "units[2].revenue_vnd"])
        let over = [FairSaleLine(productID: 1, units: 3, revenueVND: 600), FairSaleLine(productID: 2, units: 1, revenueVND: 401)]
        #expect(FairSaleFields(day: day, revenueVND: 1000, lines: over).validate().map(\.field) == ["units"])
        let exact = [FairSaleLine(productID: 1, units: 3, revenueVND: 600), FairSaleLine(productID: 2, units: 1, revenueVND: 400)]
        #expect(FairSaleFields(day: day, revenueVND: 1000, lines: exact).validate().isEmpty)
    }

    @Test func onlyOnTheFairsDays() throws {
        try database.write { db in
            #expect(F.invalidFields { try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-25", 1) } == ["day"])
            #expect(F.invalidFields { try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-05-03", 1) } == ["day"])
            try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-26", 1)
            try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-05-02", 1)
        }
    }

    @Test func oneEntryPerBoothAndDayCorrectedInPlace() throws {
        let sale = try database.write { db in try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-27", 12_000_000) }
        #expect(F.conflicts { _ = try database.write { db in try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-27", 1) } })
        let fixed = try database.write { db in
            try FairSaleStore.replace(db, fairID: fair.id, boothID: booth.id, id: sale.id,
                                      with: FairSaleFields(day: F.day("2024-04-27"), revenueVND: 12_500_000,
                                                           lines: [FairSaleLine(productID: products[0], units: 50, revenueVND: 10_000_000)]),
                                      ifVersion: 1, actor: .system, now: testNow)
        }
        #expect(fixed.version == 2)
        let read = try database.read { try FairSaleStore.get($0, fairID: fair.id, boothID: booth.id, id: sale.id) }
        #expect(read == fixed)
        // Moving an entry onto a day that has one is the same conflict.
        let other = try database.write { db in try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-28", 1) }
        #expect(F.conflicts {
            try database.write { db in
                _ = try FairSaleStore.replace(db, fairID: fair.id, boothID: booth.id, id: other.id,
                                              with: FairSaleFields(day: F.day("2024-04-27"), revenueVND: 1), ifVersion: nil,
                                              actor: .system, now: testNow)
            }
        })
        try database.write { db in
            try FairSaleStore.delete(db, fairID: fair.id, boothID: booth.id, id: other.id, ifVersion: 1, actor: .system, now: testNow)
        }
        var query = AuditLog.Query()
        query.entity = .fairSale
        let audit = try database.read { try AuditLog.list($0, query) }
        #expect(audit.items.map(\.action) == ["delete", "create", "update", "create"])
        #expect(audit.items[2].changes["revenue_vnd"]?["to"]?.int64Value == 12_500_000)
    }

    @Test func linesNameOnlyProductsTheBoothShows() throws {
        try database.write { db in
            #expect(F.invalidFields {
                try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-27", 1_000,
                           lines: [FairSaleLine(productID: products[0], units: 1), FairSaleLine(productID: products[2], units: 1)])
            } == ["units[1].product_id"])
            let sale = try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-27", 1_000,
                                  lines: [FairSaleLine(productID: products[1], units: 4), FairSaleLine(productID: products[0], units: 1, revenueVND: 300)])
            #expect(try FairSaleStore.get(db, fairID: fair.id, boothID: booth.id, id: sale.id)?.fields.lines == sale.fields.lines)
        }
    }

    @Test func aCorrectedDayTakesItsLinesAlongAndABoothChangeItsFigures() throws {
        let sale = try database.write { db in
            try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-27", 1_000,
                       lines: [FairSaleLine(productID: products[0], units: 7, revenueVND: 600)])
        }
        func ranked(_ day: String) throws -> [Int64] {
            try database.read { try FairReportStore.topProducts($0, from: F.day(day), to: F.day(day), limit: 10) }.map(\.units)
        }
        #expect(try ranked("2024-04-27") == [7])
        _ = try database.write { db in
            try FairSaleStore.replace(db, fairID: fair.id, boothID: booth.id, id: sale.id,
                                      with: FairSaleFields(day: F.day("2024-04-29"), revenueVND: 1_000, lines: sale.fields.lines),
                                      ifVersion: 1, actor: .system, now: testNow)
        }
        #expect(try ranked("2024-04-27").isEmpty)
        #expect(try ranked("2024-04-29") == [7])
        // The entry follows its booth when the booth turns out to be an outside exhibitor's.
        func figures() throws -> (FairTotals, [Int64]) {
            try database.read { db in
                (try FairReportStore.totals(db, from: F.day("2024-04-01"), to: F.day("2024-05-31")),
                 try FairReportStore.topProducers(db, from: F.day("2024-04-01"), to: F.day("2024-05-31"), limit: 5).map(\.producerID))
            }
        }
        #expect(try figures().0.localRevenueVND == 1_000)
        #expect(try figures().1 == [booth.fields.exhibitor.producerID ?? 0])
        _ = try database.write { db in
            try BoothStore.replace(db, fairID: fair.id, id: booth.id,
                                   with: BoothFields(exhibitor: .outside(name: "HTX Chè", province: "Thái Nguyên"),
                                                     productIDs: booth.fields.productIDs),
                                   ifVersion: 1, actor: .system, now: testNow)
        }
        #expect(try figures().0.localRevenueVND == 0)
        #expect(try figures().0.revenueVND == 1_000)
        #expect(try figures().1.isEmpty)
    }

    @Test func wrongParentsAreNotFound() throws {
        try database.write { db in
            let other = try F.fair(db, F.fields("Khác"))
            #expect(throws: DomainError.notFound(entity: "fair_booth", id: String(booth.id))) {
                try F.sale(db, fair: other.id, booth: booth.id, on: "2024-04-27", 1)
            }
            #expect(throws: DomainError.notFound(entity: "fair", id: "999")) {
                try F.sale(db, fair: 999, booth: booth.id, on: "2024-04-27", 1)
            }
        }
    }

    @Test func listsInDayOrderWithRangeAndPages() throws {
        try database.write { db in
            for day in ["2024-04-29", "2024-04-26", "2024-05-01", "2024-04-27"] {
                try F.sale(db, fair: fair.id, booth: booth.id, on: day, 1_000)
            }
        }
        var query = FairSaleQuery(fairID: fair.id, boothID: booth.id)
        query.limit = PageSize(3)!
        let first = try database.read { try FairSaleStore.list($0, query) }
        #expect(first.items.map(\.fields.day.description) == ["2024-04-26", "2024-04-27", "2024-04-29"])
        query.cursor = first.nextCursor.flatMap(Cursor.init(encoded:))
        let second = try database.read { try FairSaleStore.list($0, query) }
        #expect(second.items.map(\.fields.day.description) == ["2024-05-01"])
        #expect(second.nextCursor == nil)
        var range = FairSaleQuery(fairID: fair.id, boothID: booth.id)
        range.from = F.day("2024-04-27")
        range.to = F.day("2024-04-29")
        #expect(try database.read { try FairSaleStore.list($0, range) }.items.count == 2)
    }
}
