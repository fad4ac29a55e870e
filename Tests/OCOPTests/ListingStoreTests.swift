import JSON
import OCOP
import SQLite
import Testing

/// Listings: one per product and platform, fixed product and platform, references, and the
/// history that every change of status or non-cash acceptance leaves, effective the day it is made.
@Suite struct ListingStoreTests {
    typealias F = FairFixtures
    let database: Database
    let products: [Int64]
    let voso: Int64
    let postmart: Int64

    init() throws {
        database = try makeDatabase()
        (products, voso, postmart) = try database.write { db in
            let producer = try F.producer(db)
            let products = [try F.product(db, "QN-1", producer: producer), try F.product(db, "QN-2", producer: producer)]
            return (products, try PlatformStore.get(db, code: "voso")?.id ?? 0, try PlatformStore.get(db, code: "postmart")?.id ?? 0)
        }
    }

    func create(_ fields: ListingFields, today: String = "2024-01-10") throws -> Listing {
        try database.write { try ListingStore.create($0, fields, today: F.day(today), actor: .system, now: F.noon(today)) }
    }

    func replace(_ id: Int64, _ fields: ListingFields, on today: String, ifVersion: VersionMatch? = nil) throws -> Listing {
        try database.write {
            try ListingStore.replace($0, id: id, with: fields, ifVersion: ifVersion, today: F.day(today), actor: .system, now: F.noon(today))
        }
    }

    @Test func oneListingPerProductAndPlatform() throws {
        let listing = try create(ListingFields(productID: products[0], platformID: voso, url: "https://voso.vn/p/1", priceVND: 85_000,
                                               listedOn: F.day("2024-01-05")))
        #expect(try database.read { try ListingStore.get($0, id: listing.id) } == listing)
        #expect(listing.history.entries == [ListingHistoryEntry(validFrom: F.day("2024-01-05"),
                                                                state: ListingState(status: .active, acceptsNonCash: false))])
        #expect(F.conflicts { _ = try create(ListingFields(productID: products[0], platformID: voso, listedOn: F.day("2024-01-06"))) })
        _ = try create(ListingFields(productID: products[0], platformID: postmart, listedOn: F.day("2024-01-06")))
        _ = try create(ListingFields(productID: products[1], platformID: voso, listedOn: F.day("2024-01-06")))
    }

    @Test func fieldsAndReferencesAreChecked() throws {
        #expect(F.invalidFields {
            _ = try create(ListingFields(productID: 999, platformID: 998, url: "ftp://x", priceVND: -1, listedOn: F.day("2024-01-11")))
        } == ["url", "price_vnd", "listed_on", "product_id", "platform_id"])
        let listing = try create(ListingFields(productID: products[0], platformID: voso, listedOn: F.day("2024-01-05")))
        var moved = listing.fields
        moved.productID = products[1]
        moved.platformID = postmart
        #expect(F.invalidFields { _ = try replace(listing.id, moved, on: "2024-02-01") } == ["product_id", "platform_id"])
    }

    @Test func changesTakeEffectTheDayTheyAreMadeAndStayInTheHistory() throws {
        let listing = try create(ListingFields(productID: products[0], platformID: voso, listedOn: F.day("2024-01-05")))
        var fields = listing.fields
        fields.status = .paused
        let paused = try replace(listing.id, fields, on: "2024-03-01", ifVersion: 1)
        #expect(paused.version == 2)
        fields.priceVND = 90_000   // a price change is not history
        #expect(try replace(listing.id, fields, on: "2024-04-01").history == paused.history)
        fields.status = .active
        fields.acceptsNonCash = true
        let back = try replace(listing.id, fields, on: "2024-05-20")
        #expect(back.history.entries.map(\.validFrom.description) == ["2024-01-05", "2024-03-01", "2024-05-20"])
        #expect(back.history.state(on: F.day("2024-04-01"))?.status == .paused)
        let stored = try #require(try database.read { try ListingStore.get($0, id: listing.id) })
        #expect(stored.history == back.history)
        #expect(stored.fields.status == .active && stored.fields.acceptsNonCash)
        // listed_on is corrected within the first period; past the first recorded change (here the
        // pause of 2024-03-01) it would erase that change, so it is refused and nothing is written.
        for erasing in ["2024-03-01", "2024-04-01"] {
            fields.listedOn = F.day(erasing)
            #expect(F.invalidFields { _ = try replace(listing.id, fields, on: "2024-06-01") } == ["listed_on"])
        }
        #expect(try database.read { try ListingStore.get($0, id: listing.id) }?.history == back.history)
        fields.listedOn = F.day("2024-02-29")
        let corrected = try replace(listing.id, fields, on: "2024-06-01")
        #expect(corrected.history.entries.map(\.validFrom.description) == ["2024-02-29", "2024-03-01", "2024-05-20"])
        fields.listedOn = F.day("2023-12-01")
        let earlier = try replace(listing.id, fields, on: "2024-06-01")
        #expect(earlier.history.entries.map(\.validFrom.description) == ["2023-12-01", "2024-03-01", "2024-05-20"])
        #expect(earlier.history.state(on: F.day("2024-01-01"))?.status == .active)
        var query = AuditLog.Query()
        query.entity = .listing
        let audit = try database.read { try AuditLog.list($0, query) }
        #expect(audit.items.map(\.action) == ["update", "update", "update", "update", "update", "create"])
        #expect(audit.items[4].changes["status"]?["to"]?.stringValue == "paused")
    }

    @Test func filtersPagesAndDelete() throws {
        let a = try create(ListingFields(productID: products[0], platformID: voso, acceptsNonCash: true, listedOn: F.day("2024-01-05")))
        let b = try create(ListingFields(productID: products[0], platformID: postmart, status: .paused, listedOn: F.day("2024-01-05")))
        let c = try create(ListingFields(productID: products[1], platformID: voso, listedOn: F.day("2024-01-05")))
        func ids(_ configure: (inout ListingQuery) -> Void) throws -> [Int64] {
            var query = ListingQuery()
            configure(&query)
            return try database.read { try ListingStore.list($0, query) }.items.map(\.id)
        }
        #expect(try ids { _ in } == [a.id, b.id, c.id])
        #expect(try ids { $0.productID = products[0] } == [a.id, b.id])
        #expect(try ids { $0.platformID = voso } == [a.id, c.id])
        #expect(try ids { $0.status = .paused } == [b.id])
        #expect(try ids { $0.acceptsNonCash = true } == [a.id])
        var query = ListingQuery()
        query.limit = PageSize(2)!
        let first = try database.read { try ListingStore.list($0, query) }
        query.cursor = first.nextCursor.flatMap(Cursor.init(encoded:))
        #expect(try database.read { try ListingStore.list($0, query) }.items.map(\.id) == [c.id])
        let historyBefore = try database.read {
            try $0.scalarInt("SELECT count(*) FROM listing_history WHERE listing_id = ?", [.integer(b.id)])
        }
        try database.write {
            try ListingStore.delete($0, id: b.id, ifVersion: 1, today: F.day("2024-06-01"), actor: .system, now: testNow)
        }
        // Gone for the API, kept for the reports: its past stays, plus "removed" from that day.
        #expect(try ids { _ in } == [a.id, c.id])
        #expect(try database.read { try ListingStore.get($0, id: b.id) } == nil)
        #expect(try database.read {
            try $0.scalarInt("SELECT count(*) FROM listing_history WHERE listing_id = ?", [.integer(b.id)])
        } == (historyBefore ?? 0) + 1)
        #expect(throws: DomainError.notFound(entity: "listing", id: String(b.id))) {
            try database.write {
                try ListingStore.delete($0, id: b.id, ifVersion: nil, today: F.day("2024-06-02"), actor: .system, now: testNow)
            }
        }
    }

    /// A DELETE's 204 does not lock the product out of the platform: it may be listed there again
    /// as a new listing, from the day the deleted one was removed on, and the two histories follow
    /// each other so that no report counts the product twice on one day.
    @Test func aDeletedListingsProductCanBeListedThereAgain() throws {
        /// The first product listed on Voso from `listedOn`, created on `today`.
        func listOnVoso(from listedOn: String, today: String) throws -> Listing {
            try create(ListingFields(productID: products[0], platformID: voso, listedOn: F.day(listedOn)), today: today)
        }
        func delete(_ listing: Listing, on day: String) throws {
            try database.write {
                try ListingStore.delete($0, id: listing.id, ifVersion: nil, today: F.day(day), actor: .system, now: F.noon(day))
            }
        }
        // Each day counts the product once: the old listing before it was removed, the new one from then.
        func active(on day: String) throws -> Int {
            try database.read { try EcommerceReportStore.coverage($0, asOf: F.day(day)) }
                .platforms.first { $0.platformID == voso }?.activeListings ?? -1
        }

        let first = try listOnVoso(from: "2024-01-05", today: "2024-01-10")
        try delete(first, on: "2024-03-01")
        // Not before that day: the deleted listing was active until then.
        #expect(F.invalidFields { _ = try listOnVoso(from: "2024-02-29", today: "2024-03-10") } == ["listed_on"])
        let again = try listOnVoso(from: "2024-03-01", today: "2024-03-10")
        #expect(again.id != first.id)
        #expect(again.version == 1)
        #expect(try database.read { try ListingStore.get($0, id: again.id) } == again)
        // One live listing per product and platform still.
        #expect(F.conflicts { _ = try listOnVoso(from: "2024-03-05", today: "2024-03-10") })
        #expect(try [active(on: "2024-01-04"), active(on: "2024-02-29"), active(on: "2024-03-01"), active(on: "2024-03-10")]
            == [0, 1, 1, 1])
        // Deleted again, and again listed later: the latest removal is the one that counts.
        try delete(again, on: "2024-04-01")
        #expect(F.invalidFields { _ = try listOnVoso(from: "2024-03-20", today: "2024-04-02") } == ["listed_on"])
        let third = try listOnVoso(from: "2024-04-02", today: "2024-04-02")
        #expect(try active(on: "2024-04-01") == 0)
        #expect(try active(on: "2024-04-02") == 1)
        #expect(try database.read { try ListingStore.list($0, ListingQuery()) }.items.map(\.id) == [third.id])
    }
}
