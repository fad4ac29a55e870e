import Foundation
@testable import OCOP
import SQLite
import Testing

/// Migration 0019 on a database of before: the seeded product groups get `created_at`,
/// `updated_at` and `version` like every item, dated when 0003 seeded them.
@Suite struct ProductGroupMigrationTests {
    @Test func groupsSeededBeforeAreDatedWhenTheyWereSeeded() throws {
        let database = try MigrationFixture.database(through: "0018_results_deletable", before: "0019_product_groups_dated")
        defer { database.close() }
        try database.write { db in
            try db.run("UPDATE schema_migrations SET applied_at = '2025-03-04T05:06:07.000Z' WHERE name = '0003_products'")
        }
        try database.migrate(Schema.migrator)

        let groups = try database.read { try ProductGroup.all($0) }
        #expect(groups.count == ProductTaxonomy.groups.count)
        #expect(groups.allSatisfy {
            $0.createdAt.description == "2025-03-04T05:06:07Z" && $0.updatedAt == $0.createdAt && $0.version == 1
        })
    }
}
