import Foundation
@testable import OCOP
import SQLite
import Testing
import TestSupport

/// Migration 0025 spells each CHECK's list of three or more allowed values out as equalities,
/// so that no INSERT or UPDATE builds a temporary b-tree of the list each time it runs.
@Suite struct ChecksSpelledOutMigrationTests {
    @Test(arguments: [
        ("kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'cooperative', 'cooperative_group', 'household')),",
         "kind TEXT NOT NULL CHECK ((kind = 'enterprise' OR kind = 'cooperative' OR kind = 'cooperative_group' OR kind = 'household')),"),
        ("CHECK (kind IN ('provincial_fair', 'local_fair',\n        'product_week'))",
         "CHECK ((kind = 'provincial_fair' OR kind = 'local_fair' OR kind = 'product_week'))"),
        ("CHECK (level IN (1,2, -3)) CHECK (b IN ('x', 'y', 'z'))",
         "CHECK ((level = 1 OR level = 2 OR level = -3)) CHECK ((b = 'x' OR b = 'y' OR b = 'z'))"),
        // Left as they are: two values, NOT IN, a subquery, an expression, a doubled quote.
        ("CHECK (result IN ('pass', 'fail'))", "CHECK (result IN ('pass', 'fail'))"),
        ("CHECK (a NOT IN ('x', 'y', 'z'))", "CHECK (a NOT IN ('x', 'y', 'z'))"),
        ("CHECK (a IN (SELECT x FROM t))", "CHECK (a IN (SELECT x FROM t))"),
        ("CHECK (a IN (1, 2, 1 + 2))", "CHECK (a IN (1, 2, 1 + 2))"),
        ("CHECK (a IN ('it''s', 'b', 'c'))", "CHECK (a IN ('it''s', 'b', 'c'))"),
        ("CREATE TABLE t (origin TEXT, within INTEGER)", "CREATE TABLE t (origin TEXT, within INTEGER)"),
    ])
    func spellsOutListsOfThreeOrMore(sql: String, spelled: String) {
        #expect(CheckLists.spelledOut(sql) == spelled)
    }

    /// A database of before keeps its rows and its rules; each table now inserts without a
    /// temporary b-tree, and the connection that migrated sees the new text at once.
    @Test func tablesKeepTheirRowsAndRulesWithoutTemporaryTrees() throws {
        let database = try MigrationFixture.database(through: "0024_token_secret_origin", before: "0025_checks_spelled_out")
        defer { database.close() }
        try database.write { db in
            try db.run("""
                INSERT INTO producers (id, name, name_key, kind, created_at, updated_at)
                VALUES (7, 'HTX Đồn Đạc', x'01', 'cooperative_group', '2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z')
                """)
        }
        let path = try #require(try database.read { try $0.first("PRAGMA database_list") { $0.string(2) } })
        #expect(try Self.treesBuiltByInserts(path).contains("producers"))

        try database.migrate(Schema.migrator)

        #expect(try Self.treesBuiltByInserts(path) == [])
        try database.read { db in
            #expect(try db.scalarInt("SELECT count(*) FROM producers WHERE id = 7 AND kind = 'cooperative_group'") == 1)
            #expect(try db.first("PRAGMA integrity_check") { $0.string(0) } == "ok")
            for table in try db.all("SELECT sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL", [], { $0.string(0) }) {
                #expect(CheckLists.spelledOut(table) == table)
            }
        }
        try database.write { db in
            // The connection that migrated, which goes on serving, compiles from the new text.
            let program = try db.all("""
                EXPLAIN INSERT INTO producers (name, name_key, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                """, Array(repeating: .null, count: 5), { $0.string(1) })
            #expect(program.contains("Halt") && !program.contains("OpenEphemeral"))
            for kind in ProducerKind.allCases {
                try db.run("""
                    INSERT INTO producers (name, name_key, kind, created_at, updated_at) VALUES ('x', x'01', ?, 't', 't')
                    """, [.text(kind.rawValue)])
            }
            for kind in ["Cooperative", "cooperative ", "", "other"] {
                let error = #expect(throws: SQLiteError.self) {
                    try db.run("INSERT INTO producers (name, name_key, kind, created_at, updated_at) VALUES ('x', x'01', ?, 't', 't')",
                               [.text(kind)])
                }
                #expect(error?.message.contains("CHECK constraint failed") == true, "\(kind)")
            }
            #expect(throws: SQLiteError.self) { try db.run("UPDATE producers SET kind = 'cooperatives' WHERE id = 7") }
        }
    }

    /// A database made today has no list for an insert to build a tree of: a later migration
    /// that creates a table with one again fails here.
    @Test func aFreshDatabaseInsertsWithoutTemporaryTrees() throws {
        let path = Scratch.path("ocop-0025") + "/ocop.sqlite"
        let database = try Database(path: path)
        defer { database.close() }
        try database.migrate(Schema.migrator)
        #expect(try Self.treesBuiltByInserts(path) == [])
    }

    /// The tables whose INSERT program opens a temporary b-tree, every value a parameter
    /// (constant values would let SQLite decide a CHECK while compiling). On a
    /// connection of its own, which nothing else uses: a cached EXPLAIN is not prepared again
    /// after the schema changes, and lists a program whose schema objects are gone. Not a
    /// read-only one: SQLite leaves CHECKs out of the schema of a database it cannot write.
    private static func treesBuiltByInserts(_ path: String) throws -> [String] {
        let db = try Connection(path: path)
        let tables = try db.all("""
            SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'
            """, [], { $0.string(0) })
        return try tables.filter { table in
            let columns = try db.all("SELECT count(*) FROM pragma_table_info(?)", [.text(table)], { $0.int(0) }).first ?? 0
            let values = Array(repeating: "?", count: columns).joined(separator: ", ")
            return try db.all("EXPLAIN INSERT INTO \"\(table)\" VALUES (\(values))", Array(repeating: .null, count: columns), { $0.string(1) }).contains("OpenEphemeral")
        }
    }
}
