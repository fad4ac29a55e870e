/// Why migrations could not be applied.
public enum MigrationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The database records migrations this binary does not know: it is newer than the code.
    case unknownMigrations([String])
    /// The same name was registered twice.
    case duplicateName(String)

    /// One line for logs.
    public var description: String {
        switch self {
        case .unknownMigrations(let names):
            return "database has migrations this binary does not know (it is newer): \(names.joined(separator: ", "))"
        case .duplicateName(let name):
            return "migration \"\(name)\" is registered twice"
        }
    }
}

/// Named, append-only schema migrations recorded in `schema_migrations`.
public struct Migrator: Sendable {
    private struct Migration: Sendable {
        let name: String
        let rebuildsTables: Bool
        let migrate: @Sendable (Connection) throws -> Void
    }

    private var migrations: [Migration] = []

    /// No migrations yet.
    public init() {}

    /// Names registered, in order.
    public var names: [String] { migrations.map(\.name) }

    /// The migrations up to and including `name`: a database as that release left it (for
    /// upgrade tests); nil when `name` is not registered.
    public func prefix(through name: String) -> Migrator? {
        guard let last = migrations.firstIndex(where: { $0.name == name }) else { return nil }
        var earlier = Migrator()
        earlier.migrations = Array(migrations[...last])
        return earlier
    }

    /// Appends a migration; names are permanent once shipped (never rename or reorder).
    ///
    /// `rebuildsTables`: the migration replaces a table others reference (to drop a constraint,
    /// which ALTER TABLE cannot): it runs with foreign keys off, and every reference must still
    /// hold before it commits (lang_altertable.html §7). Dropping a referenced table with
    /// foreign keys on would fail, or delete and re-point the rows that refer to it.
    public mutating func register(_ name: String, rebuildsTables: Bool = false,
                                  _ migrate: @escaping @Sendable (Connection) throws -> Void) {
        migrations.append(Migration(name: name, rebuildsTables: rebuildsTables, migrate: migrate))
    }

    /// Names registered but not yet recorded in the database, in order.
    public func pending(_ db: Connection) throws -> [String] {
        let applied = Set(try Self.appliedMigrations(db))
        return names.filter { !applied.contains($0) }
    }

    /// Names recorded in the database that are not registered here: the database is newer.
    public func unknown(_ db: Connection) throws -> [String] {
        let known = Set(names)
        return try Self.appliedMigrations(db).filter { !known.contains($0) }
    }

    /// Names recorded in the database, in order.
    public static func appliedMigrations(_ db: Connection) throws -> [String] {
        let exists = try db.scalarInt(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") ?? 0
        guard exists > 0 else { return [] }
        // rowid order is insertion order: the order they were applied.
        return try db.all("SELECT name FROM schema_migrations ORDER BY rowid") { $0.string(0) }
    }

    /// Applies every registered migration not yet recorded, each in its own transaction with its record in table `schema_migrations(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`. Append-only: a recorded name the code doesn't know → throws (the database is newer than the binary).
    public func migrate(_ db: Connection) throws {
        var seen = Set<String>()
        for migration in migrations where !seen.insert(migration.name).inserted {
            throw MigrationError.duplicateName(migration.name)
        }
        try db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        let unknown = try unknown(db)
        guard unknown.isEmpty else { throw MigrationError.unknownMigrations(unknown) }
        let done = Set(try Self.appliedMigrations(db))
        for migration in migrations where !done.contains(migration.name) {
            // A no-op inside a transaction, so set before it; set back whatever happens.
            if migration.rebuildsTables { try db.execute("PRAGMA foreign_keys = OFF") }
            defer { if migration.rebuildsTables { try? db.execute("PRAGMA foreign_keys = ON") } }
            // The schema change and its record commit together or not at all,
            // so a failed migration is retried whole on the next start.
            try db.transaction {
                try migration.migrate(db)
                if migration.rebuildsTables, let broken = try db.first("PRAGMA foreign_key_check", [], { row in
                    "\(row.string(0)) row \(row.int64(1)) refers to a missing \(row.string(2))"
                }) {
                    throw SQLiteError(extendedCode: SQLiteError.constraintForeignKey,
                                      message: "migration \(migration.name) broke a reference: \(broken)")
                }
                try db.run(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    [.text(migration.name)])
            }
        }
    }
}
