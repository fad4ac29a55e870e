import Foundation
@testable import OCOP
import SQLite
import Testing
import TestSupport

/// A database of before a migration, for a test of what the migration does to data stored
/// under the schema before it.
enum MigrationFixture {
    /// A database in a fresh temporary file, migrated through `previous`, the migration that comes
    /// just before `next` (checked). The caller closes it.
    static func database(through previous: String, before next: String) throws -> Database {
        let path = Scratch.path("ocop-" + next.prefix(4)) + "/ocop.sqlite"
        let database = try Database(path: path)
        let migrations = try #require(Schema.migrator.prefix(through: previous))
        #expect(Schema.migrator.names.starts(with: migrations.names + [next]))
        try database.migrate(migrations)
        return database
    }
}
