import Testing
import Synchronization
@testable import SQLite

@Suite struct MigratorTests {
    struct Boom: Error {}

    /// Records which migrations ran, from @Sendable closures.
    final class RunLog: Sendable {
        private let names = Mutex<[String]>([])
        func add(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    private func base(_ log: RunLog) -> Migrator {
        var m = Migrator()
        m.register("001_producer") { db in
            log.add("001_producer")
            try db.execute("CREATE TABLE producer (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        }
        m.register("002_producer_province") { db in
            log.add("002_producer_province")
            try db.execute("ALTER TABLE producer ADD COLUMN province TEXT NOT NULL DEFAULT 'Quảng Ninh'")
        }
        return m
    }

    @Test func aPrefixIsTheDatabaseAsAnEarlierReleaseLeftIt() {
        let all = base(RunLog())
        #expect(all.prefix(through: "001_producer")?.names == ["001_producer"])
        #expect(all.prefix(through: "002_producer_province")?.names == all.names)
        #expect(all.prefix(through: "003_unknown") == nil)
    }

    @Test func appliesInOrderAndIsIdempotent() throws {
        let db = try Connection(path: ":memory:")
        let log = RunLog()
        #expect(try Migrator.appliedMigrations(db) == [])
        try base(log).migrate(db)
        #expect(log.all == ["001_producer", "002_producer_province"])
        #expect(try Migrator.appliedMigrations(db) == ["001_producer", "002_producer_province"])
        try db.run("INSERT INTO producer (name) VALUES ('x')")
        #expect(try db.first("SELECT province FROM producer") { $0.string(0) } == "Quảng Ninh")
        let stamp = try db.first("SELECT applied_at FROM schema_migrations LIMIT 1") { $0.string(0) }
        #expect(stamp?.hasSuffix("Z") == true && stamp?.count == 24)

        try base(log).migrate(db)
        #expect(log.all.count == 2)

        var extended = base(log)
        extended.register("003_product") { db in
            log.add("003_product")
            try db.execute("CREATE TABLE product (id INTEGER PRIMARY KEY)")
        }
        try extended.migrate(db)
        #expect(log.all == ["001_producer", "002_producer_province", "003_product"])
        #expect(try Migrator.appliedMigrations(db) == ["001_producer", "002_producer_province", "003_product"])
    }

    @Test func failedMigrationRollsBackAndRecordsNothing() throws {
        let db = try Connection(path: ":memory:")
        let log = RunLog()
        var m = base(log)
        m.register("003_broken") { db in
            try db.execute("CREATE TABLE half_done (x)")
            try db.run("INSERT INTO producer (name) VALUES ('during migration')")
            throw Boom()
        }
        #expect(throws: Boom.self) { try m.migrate(db) }
        #expect(try Migrator.appliedMigrations(db) == ["001_producer", "002_producer_province"])
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0)
        #expect(try db.scalarInt("SELECT count(*) FROM producer") == 0)

        var fixed = base(log)
        fixed.register("003_broken") { db in try db.execute("CREATE TABLE half_done (x)") }
        try fixed.migrate(db)
        #expect(try Migrator.appliedMigrations(db).last == "003_broken")
    }

    @Test func unknownRecordedMigrationThrows() throws {
        let db = try Connection(path: ":memory:")
        let log = RunLog()
        try base(log).migrate(db)
        var older = Migrator()
        older.register("001_producer") { _ in log.add("again") }
        #expect(throws: MigrationError.unknownMigrations(["002_producer_province"])) { try older.migrate(db) }
        #expect(!log.all.contains("again"))
    }

    @Test func duplicateNameThrows() throws {
        let db = try Connection(path: ":memory:")
        var m = Migrator()
        m.register("a") { _ in }
        m.register("a") { _ in }
        #expect(throws: MigrationError.duplicateName("a")) { try m.migrate(db) }
        #expect(m.names == ["a", "a"])
    }

    @Test func databaseMigratesOnTheWriter() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        let log = RunLog()
        try db.migrate(base(log))
        try db.migrate(base(log))
        #expect(log.all.count == 2)
        #expect(try db.read { try Migrator.appliedMigrations($0) } == ["001_producer", "002_producer_province"])
    }

    /// A table others reference is rebuilt (to drop a UNIQUE, which ALTER TABLE cannot): with
    /// foreign keys off, ids kept, references intact; a rebuild that breaks one is undone whole.
    @Test func aRebuildKeepsReferencesOrIsUndone() throws {
        let db = try Connection(path: ":memory:")
        var m = Migrator()
        m.register("001_tables") { db in
            try db.execute("""
                CREATE TABLE certificate (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE);
                CREATE TABLE product (id INTEGER PRIMARY KEY, certificate_id INTEGER REFERENCES certificate(id));
                INSERT INTO certificate VALUES (1, '55/QĐ/A'), (2, '56/QĐ/B');
                INSERT INTO product VALUES (10, 2);
                """)
        }
        m.register("002_numbers_repeat", rebuildsTables: true) { db in
            try db.execute("""
                CREATE TABLE certificate_new (id INTEGER PRIMARY KEY, number TEXT NOT NULL);
                INSERT INTO certificate_new SELECT id, number FROM certificate;
                DROP TABLE certificate;
                ALTER TABLE certificate_new RENAME TO certificate;
                """)
        }
        try m.migrate(db)
        try db.run("INSERT INTO certificate VALUES (3, '55/QĐ/A')")   // the UNIQUE is gone
        #expect(try db.first("SELECT c.number FROM product p JOIN certificate c ON c.id = p.certificate_id") { $0.string(0) } == "56/QĐ/B")
        // Foreign keys are on again: a dangling reference is refused.
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO product VALUES (11, 99)") }

        var breaking = m
        breaking.register("003_loses_rows", rebuildsTables: true) { db in
            try db.execute("""
                CREATE TABLE certificate_new (id INTEGER PRIMARY KEY, number TEXT NOT NULL);
                INSERT INTO certificate_new SELECT id, number FROM certificate WHERE id <> 2;
                DROP TABLE certificate;
                ALTER TABLE certificate_new RENAME TO certificate;
                """)
        }
        #expect(throws: SQLiteError.self) { try breaking.migrate(db) }
        #expect(try Migrator.appliedMigrations(db) == ["001_tables", "002_numbers_repeat"])
        #expect(try db.first("SELECT count(*) FROM certificate") { $0.int(0) } == 3)
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO product VALUES (12, 98)") }
    }
}
