import Foundation
import SQLite
import Testing
@testable import OCOP

/// Migration 0022 computes every stored name key again in the shorter form.
@Suite struct NameKeyMigrationTests {
    @Test func storedKeysBecomeTheShortFormAndKeepTheirOrder() throws {
        let database = try makeDatabase()
        defer { database.close() }
        let names = ["Hợp tác xã Trà hoa vàng", "hợp tác xã trà hoa vàng", "Hợp tác xã Trà Hoa Vàng", "Cơ sở Ba Kích", "Ân"]
        let ids = try database.write { db in
            let producers = try names.map { try FairFixtures.producer(db, $0) }
            let product = try FairFixtures.product(db, "QN-0001", producer: producers[0], name: "Miến dong Bình Liêu")
            // As an older release stored them: every weight written out.
            for (id, name) in zip(producers, names) {
                try db.run("UPDATE producers SET name_key = ? WHERE id = ?",
                           [.blob(VietnameseCollation.sortKey(name, trimmed: false)), .integer(id)])
            }
            try db.run("UPDATE products SET name_key = ? WHERE id = ?",
                       [.blob(VietnameseCollation.sortKey("Miến dong Bình Liêu", trimmed: false)), .integer(product)])
            return producers
        }
        try database.write { try Schema.shortenNameKeys($0) }

        let stored = try database.read { db in
            try db.all("SELECT name, name_key FROM producers ORDER BY name_key, id") { ($0.string(0), $0.blob(1)) }
        }
        #expect(stored.count == ids.count)
        for (name, key) in stored { #expect(key == VietnameseCollation.sortKey(name), "\(name)") }
        #expect(stored.map(\.0) == names.sorted(by: VietnameseCollation.areInIncreasingOrder))
        let productKey = try database.read { try $0.first("SELECT name_key FROM products") { $0.blob(0) } }
        #expect(productKey == VietnameseCollation.sortKey("Miến dong Bình Liêu"))
        #expect((productKey?.count ?? 0) < VietnameseCollation.sortKey("Miến dong Bình Liêu", trimmed: false).count)
    }
}
