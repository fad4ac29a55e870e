import JSON
import OCOP
import SQLite
import Testing

/// Platforms: the seeded three, code rules and uniqueness, and the delete guard.
@Suite struct PlatformStoreTests {
    typealias F = FairFixtures
    let database: Database
    init() throws { database = try makeDatabase() }

    @Test func theMigrationSeedsTheProvincesPlatformVosoAndPostmart() throws {
        let page = try database.read { try PlatformStore.list($0, PlatformQuery()) }
        #expect(page.items.map(\.fields.code) == ["province_ocop", "voso", "postmart"])
        #expect(page.items.map(\.fields.kind) == [.provincial, .national, .national])
        #expect(page.items[0].fields.name == "Sàn TMĐT OCOP Quảng Ninh")
        #expect(page.items.allSatisfy { $0.version == 1 })
        #expect(try database.read { try PlatformStore.get($0, code: "voso") }?.id == page.items[1].id)
    }

    @Test func codeRules() {
        func errors(_ code: String, url: String? = nil) -> [String] {
            PlatformFields(code: code, name: "Sàn", url: url, kind: .marketplace).validate().map(\.field)
        }
        #expect(errors("shopee").isEmpty)
        #expect(errors("tiktok_shop2").isEmpty)
        for bad in ["Shopee", "s", "2shop", "shop-ee", "sàn", "shop ee", String(repeating: "a", count: 41)] {
            #expect(errors(bad) == ["code"], "\(bad)")
        }
        #expect(errors("shopee", url: "javascript:alert(1)") == ["url"])
        #expect(errors("shopee", url: "https://shopee.vn") == [])
    }

    @Test func codesAreUniqueAndWritesAreAudited() throws {
        let shopee = try database.write {
            try PlatformStore.create($0, PlatformFields(code: "shopee", name: "Shopee", url: "https://shopee.vn", kind: .marketplace),
                                     actor: .system, now: testNow)
        }
        #expect(F.conflicts {
            try database.write { _ = try PlatformStore.create($0, PlatformFields(code: "voso", name: "Voso 2", kind: .national), actor: .system, now: testNow) }
        })
        var renamed = shopee.fields
        renamed.code = "postmart"
        #expect(F.conflicts {
            try database.write { _ = try PlatformStore.replace($0, id: shopee.id, with: renamed, ifVersion: nil, actor: .system, now: testNow) }
        })
        renamed.code = "shopee_mall"
        #expect(try database.write { try PlatformStore.replace($0, id: shopee.id, with: renamed, ifVersion: 1, actor: .system, now: testNow) }.version == 2)
        var query = AuditLog.Query()
        query.entity = .platform
        #expect(try database.read { try AuditLog.list($0, query) }.items.map(\.action) == ["update", "create"])
    }

    @Test func aPlatformWithListingsStays() throws {
        let voso = try #require(try database.read { try PlatformStore.get($0, code: "voso") })
        try database.write { db in
            let product = try F.product(db, "QN-1", producer: try F.producer(db))
            _ = try ListingStore.create(db, ListingFields(productID: product, platformID: voso.id, listedOn: F.day("2024-01-05")),
                                        today: F.day("2024-12-12"), actor: .system, now: testNow)
        }
        #expect(F.conflicts { try database.write { try PlatformStore.delete($0, id: voso.id, ifVersion: nil, actor: .system, now: testNow) } })
        let postmart = try #require(try database.read { try PlatformStore.get($0, code: "postmart") })
        try database.write { try PlatformStore.delete($0, id: postmart.id, ifVersion: 1, actor: .system, now: testNow) }
        #expect(try database.read { try PlatformStore.get($0, id: postmart.id) } == nil)
    }
}
