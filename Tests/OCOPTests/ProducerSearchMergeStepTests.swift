@testable import OCOP
import SQLite
import Testing

/// The producers' search index merges its segments only in the server's steps (migration 0028):
/// flushes pile segments up, a step merges eight or more of a level into one, and searches
/// find the same producers before and after.
@Suite struct ProducerSearchMergeStepTests {
    @Test func flushesAddSegmentsAndStepsMergeThem() throws {
        let database = try makeDatabase()
        defer { database.close() }
        #expect(try SearchMergesWiderMigrationTests.automerge(database, "producers_search") == 0)
        #expect(try database.read { try $0.scalarInt("SELECT v FROM producers_search_config WHERE k = 'usermerge'") } == 8)

        var created: [Int64] = []
        for flush in 0..<12 {
            created += try database.write { db in
                try (0..<5).map { n in
                    try ProducerStore.create(db, ProducerFields(name: "Hợp tác xã Trà hoa vàng \(flush)-\(n)", kind: .cooperative),
                                             actor: .system, now: testNow).id
                }
            }
            #expect(try ProducerStore.indexPendingSearch(database))
        }
        #expect(try !ProducerStore.indexPendingSearch(database))   // nothing waits: no write
        #expect(try segments(database) == 12)   // one per flush: no flush merged any
        let found = try search(database, "tra hoa vang")
        #expect(found == created.sorted())

        for _ in 0..<4 { try ProducerStore.mergeSearchStep(database) }
        let merged = try segments(database)
        #expect(merged < 12 && merged <= 5, "segments after the steps: \(merged)")
        #expect(try search(database, "tra hoa vang") == found)
        #expect(try search(database, "hop tac 7-3").count == 1)

        // Too few segments on any level for a merge of eight: a step writes nothing.
        try ProducerStore.mergeSearchStep(database)
        #expect(try segments(database) == merged)
        try database.write { try $0.run("INSERT INTO producers_search (producers_search) VALUES ('integrity-check')") }
    }

    private func segments(_ database: Database) throws -> Int64 {
        try database.read { try $0.scalarInt("SELECT count(DISTINCT segid) FROM producers_search_idx") } ?? -1
    }

    private func search(_ database: Database, _ text: String) throws -> [Int64] {
        var query = ProducerQuery()
        query.text = text
        query.limit = PageSize(100) ?? .default
        return try ProducerStore.list(database, query).items.map(\.id).sorted()
    }
}
