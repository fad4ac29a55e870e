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

    /// A cursor handed out before 0022 holds a full key: it resumes exactly where the same
    /// cursor made today does, in both directions.
    @Test func cursorsMadeBeforeTheMigrationResumeExactly() throws {
        let database = try makeDatabase()
        defer { database.close() }
        let names = ["ab", "aB", "Ab", "àb", "ab", "ác", "b", "B"]
        let ids = try database.write { db in try names.map { try FairFixtures.producer(db, $0) } }
        for sort in [ProducerSort.name, .nameDescending] {
            var query = ProducerQuery()
            query.sort = sort
            query.limit = PageSize(3)!
            let first = try ProducerStore.list(database, query)
            guard let last = first.items.last, let index = ids.firstIndex(of: last.id) else {
                Issue.record("no first page")
                continue
            }
            query.cursor = first.nextCursor.flatMap { Cursor(encoded: $0) }
            let today = try ProducerStore.list(database, query).items.map(\.id)
            let fullKey = VietnameseCollation.sortKey(names[index], trimmed: false)
            query.cursor = Cursor(sort: query.cursor?.sort ?? "", values: [Hex.encode(fullKey), String(last.id)])
            let old = try ProducerStore.list(database, query).items.map(\.id)
            #expect(old == today, "\(sort)")
            #expect(!today.isEmpty)
        }
    }

    /// `trimmed` turns a full key into today's key and leaves today's keys alone.
    @Test func trimmingAFullKeyGivesTodaysKey() {
        for name in ["", "a", "Hợp tác xã 12345", "ANH", "à", "\u{0301}a", "Ωμέγα 下", "Đặng Thị Hà"] {
            let today = VietnameseCollation.sortKey(name)
            #expect(VietnameseCollation.trimmed(VietnameseCollation.sortKey(name, trimmed: false)) == today, "\(name)")
            #expect(VietnameseCollation.trimmed(today) == today, "\(name)")
        }
        #expect(VietnameseCollation.trimmed([1, 2, 3]) == [1, 2, 3])
    }
}
