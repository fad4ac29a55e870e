import JSON
import OCOP
import SQLite
import TestSupport
@testable import OCOPAPI
import Testing

/// A list page written straight from the rows (`ProducerColumns`) is, byte for byte, the page
/// written from `Producer`s, with the same next cursor, whatever the rows hold.
@Suite struct ProducerListStreamTests {
    @Test func streamedPagesAreThePagesOfProducers() throws {
        let database = try Database(path: Scratch.path("producer-stream") + "/ocop.sqlite")
        try database.migrate(Schema.migrator)
        try database.write { db in
            for i in 0..<7 {
                let fields = ProducerFields(
                    name: ["Hợp tác xã Miến dong Bình Liêu", "Ơ", "Zebra", "an", "Ân", "Đồn Đạc", "Chè Tân Dân"][i],
                    kind: ProducerKind.allCases[i % 4], taxCode: i % 2 == 0 ? "570000000\(i)" : nil,
                    commune: i % 3 == 0 ? nil : "Đồng Văn", district: "Bình Liêu", address: nil,
                    phone: i == 4 ? "0203 3800037" : nil, email: "lienhe\(i)@ocop-quangninh.vn",
                    representative: i == 2 ? nil : "Phạm Thị Nga")
                // One instant on a whole second, whose text has no milliseconds.
                let now = Timestamp(millisecondsSinceEpoch: 1_733_990_400_000 + Int64(i) * 1_001 + (i == 3 ? -3_003 : 0))
                _ = try ProducerStore.create(db, fields, actor: .system, now: now)
            }
            // What no API write stores, but a row may hold: text JSON must escape, and bytes
            // that are not UTF-8 (the model repairs them, and so must the stream).
            try db.run(#"UPDATE producers SET name = 'Công ty "Chè" \ Đường' || char(9) || char(1) || char(8232) WHERE id = 2"#)
            try db.run("UPDATE producers SET address = 'Thôn 1' || char(10) || 'xã', representative = CAST(x'4e67e0a0ff41' AS TEXT) WHERE id = 3")
            try db.run("UPDATE producers SET email = CAST(x'c0af' AS TEXT), version = 9 WHERE id = 5")
            // Instants stored in other RFC 3339 forms than the one every write stores.
            try db.run("UPDATE producers SET updated_at = '2024-12-12T15:00:00.5+07:00' WHERE id = 4")
            try db.run("UPDATE producers SET created_at = '2024-12-12t08:00:00.000z' WHERE id = 6")
            try db.run("UPDATE producers SET created_at = '2024-12-12T08:00:00.000Z', updated_at = '2024-12-12T08:00:01.0009Z' WHERE id = 7")
        }
        var pages = 0
        for sort in ProducerSort.allCases {
            for kind in [nil, ProducerKind.cooperative] {
                for limit in [1, 2, 3, 50] {
                    var query = ProducerQuery()
                    query.sort = sort
                    query.kind = kind
                    query.limit = try #require(PageSize(limit))
                    while true {
                        let page = try ProducerStore.list(database, query)
                        var fromProducers = JSONWriter()
                        for producer in page.items { ProducerRepresentation.write(producer, to: &fromProducers) }
                        var fromRows = JSONWriter()
                        let next = try ProducerStore.forEachListed(database, query) {
                            try ProducerRepresentation.write($0, to: &fromRows)
                        }
                        #expect(String(decoding: fromRows.bytes, as: UTF8.self) == String(decoding: fromProducers.bytes, as: UTF8.self),
                                "sort \(sort), kind \(String(describing: kind)), limit \(limit)")
                        #expect(fromRows.bytes == fromProducers.bytes)
                        #expect(next == page.nextCursor)
                        pages += 1
                        guard let next else { break }
                        query.cursor = Cursor(encoded: next)
                        #expect(query.cursor != nil)
                    }
                }
            }
        }
        #expect(pages > 60)
        // The repaired text is there, as JSON can carry it.
        var row = JSONWriter()
        var only = ProducerQuery()
        only.limit = try #require(PageSize(50))
        _ = try ProducerStore.forEachListed(database, only) { if $0.id == 3 { try ProducerRepresentation.write($0, to: &row) } }
        #expect(String(decoding: row.bytes, as: UTF8.self).contains(#""representative":"Ng\#u{FFFD}\#u{FFFD}A""#))
    }

    /// A row the model refuses (a kind or a timestamp that no write stores) is refused alike.
    @Test func corruptRowsAreRefusedAlike() throws {
        let database = try Database(path: Scratch.path("producer-stream-corrupt") + "/ocop.sqlite")
        try database.migrate(Schema.migrator)
        try database.write { db in
            _ = try ProducerStore.create(db, ProducerFields(name: "Ơ", kind: .household), actor: .system,
                                         now: Timestamp(millisecondsSinceEpoch: 1_733_990_400_000))
        }
        for corruption in ["created_at = 'yesterday'", "updated_at = '2024-13-45T00:00:00Z'"] {
            try database.write { db in try db.run("UPDATE producers SET \(corruption)") }
            #expect(throws: DomainError.self) { try ProducerStore.list(database, ProducerQuery()) }
            var writer = JSONWriter()
            #expect(throws: DomainError.self) {
                try ProducerStore.forEachListed(database, ProducerQuery()) { try ProducerRepresentation.write($0, to: &writer) }
            }
        }
    }
}
