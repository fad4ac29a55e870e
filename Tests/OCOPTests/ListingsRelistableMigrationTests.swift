import Foundation
@testable import OCOP
import SQLite
import Testing

/// Migration 0023 rebuilds `listings` so that its uniqueness covers live listings only: every
/// listing keeps its id, fields, version and history (the rebuild must not let the history's
/// ON DELETE CASCADE fire), and a product whose listing was deleted before can be listed again.
@Suite struct ListingsRelistableMigrationTests {
    typealias F = FairFixtures

    @Test func listingsAndTheirHistoriesSurviveAndADeletedOneFreesItsPlace() throws {
        let database = try MigrationFixture.database(through: "0022_shorter_name_keys", before: "0023_listings_relistable")
        defer { database.close() }
        let (products, voso, deleted, live) = try database.write { db in
            let producer = try F.producer(db)
            let products = [try F.product(db, "QN-1", producer: producer), try F.product(db, "QN-2", producer: producer)]
            let voso = try #require(try PlatformStore.get(db, code: "voso")?.id)
            let deleted = try ListingStore.create(db, ListingFields(productID: products[0], platformID: voso, listedOn: F.day("2024-01-05")),
                                                  today: F.day("2024-01-10"), actor: .system, now: F.noon("2024-01-10"))
            try ListingStore.delete(db, id: deleted.id, ifVersion: nil, today: F.day("2024-02-01"), actor: .system, now: F.noon("2024-02-01"))
            let live = try ListingStore.create(db, ListingFields(productID: products[1], platformID: voso, priceVND: 85_000,
                                                                 listedOn: F.day("2024-01-05")),
                                               today: F.day("2024-01-10"), actor: .system, now: F.noon("2024-01-10"))
            return (products, voso, deleted, live)
        }
        /// Lists `product` on Voso on 1 March 2024.
        func list(_ product: Int64) throws -> Listing {
            try database.write {
                try ListingStore.create($0, ListingFields(productID: product, platformID: voso, listedOn: F.day("2024-03-01")),
                                        today: F.day("2024-03-01"), actor: .system, now: F.noon("2024-03-01"))
            }
        }
        func history() throws -> [String] {
            try database.read { db in
                try db.all("SELECT listing_id, valid_from, valid_until, status FROM listing_history ORDER BY 1, 2") {
                    "\($0.int64(0)) \($0.string(1)) \($0.string(2)) \($0.string(3))"
                }
            }
        }
        // Before: the deleted listing holds its product's place on the platform for good.
        #expect(F.conflicts { _ = try list(products[0]) })
        let historyBefore = try history()
        #expect(historyBefore.count == 3)

        try database.migrate(Schema.migrator)

        #expect(try history() == historyBefore)
        #expect(try database.read { try ListingStore.get($0, id: live.id) } == live)
        #expect(try database.read { try ListingStore.get($0, id: deleted.id) } == nil)
        #expect(try list(products[0]).id > live.id)
        // Still one live listing per product and platform, now enforced by the partial index.
        #expect(F.conflicts { _ = try list(products[1]) })
        let indexes = try database.read { db in
            try db.all("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'listings' AND sql IS NOT NULL ORDER BY name") {
                $0.string(0)
            }
        }
        #expect(indexes == ["listings_by_platform", "listings_by_product", "listings_by_status", "listings_live_once"])
    }
}
