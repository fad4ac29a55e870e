import Foundation
import SQLite
import Testing
@testable import OCOP
import TestSupport

/// Migration 0004_products_extra rebuilds the product search index with prefix indexes.
@Suite struct ProductSchemaTests {
    @Test func prefixMigrationKeepsIndexedTextAndAddsPrefixes() throws {
        let path = Scratch.path("ocop-schema") + "/ocop.sqlite"
        let database = try Database(path: path)
        var upTo3 = Migrator()
        upTo3.register("0001_core", Schema.createCore)
        upTo3.register("0002_producers", Schema.createProducers)
        upTo3.register("0003_products", Schema.createProducts)
        try database.migrate(upTo3)
        try database.write { try $0.run("INSERT INTO products_search (rowid, folded) VALUES (7, 'mien dong binh lieu')") }

        try database.migrate(Schema.migrator)
        let names = try database.read { try Migrator.appliedMigrations($0) }
        #expect(names.contains("0004_products_extra"))
        let sql = try database.read { try $0.first("SELECT sql FROM sqlite_master WHERE name = 'products_search'") { $0.string(0) } }
        #expect(sql?.contains("prefix = '1 2 3 4 5 6 7'") == true)
        let found = try database.read {
            try $0.all("SELECT rowid FROM products_search WHERE products_search MATCH ?", [.text(#""mie"* "bin"*"#)]) { $0.int64(0) }
        }
        #expect(found == [7])
    }
}
