import Testing
@testable import SQLite

@Suite struct ConnectionTests {
    let db: Connection

    init() throws {
        db = try Connection(path: ":memory:")
        try db.execute("""
            CREATE TABLE producer (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
            CREATE TABLE product (
                id INTEGER PRIMARY KEY,
                producer_id INTEGER NOT NULL REFERENCES producer(id),
                name TEXT NOT NULL
            );
            """)
    }

    private func count(_ table: String) throws -> Int64 {
        try db.scalarInt("SELECT count(*) FROM \(table)") ?? -1
    }

    @Test func runQueryAllFirstAndCounters() throws {
        try db.run("INSERT INTO producer (name) VALUES (?)", ["HTX Chè Tân Cương"])
        #expect(db.lastInsertRowID == 1)
        #expect(db.changes == 1)
        try db.run("INSERT INTO producer (name) VALUES (?), (?)", ["A", "B"])
        #expect(db.changes == 2)
        let names = try db.all("SELECT name FROM producer ORDER BY id") { $0.string(0) }
        #expect(names == ["HTX Chè Tân Cương", "A", "B"])
        #expect(try db.first("SELECT name FROM producer WHERE id = ?", [2]) { $0.string(0) } == "A")
        #expect(try db.first("SELECT name FROM producer WHERE id = ?", [99]) { $0.string(0) } == nil)
        #expect(try db.scalarInt("SELECT NULL") == nil)
        #expect(try db.scalarInt("SELECT id FROM producer WHERE 0") == nil)
        var seen = 0
        try db.query("SELECT id FROM producer") { _ in seen += 1 }
        #expect(seen == 3)
    }

    @Test func statementsArePreparedOnceAndReused() throws {
        let before = db.preparedStatementCount
        for i in 0..<500 {
            try db.run("INSERT INTO producer (name) VALUES (?)", [.text("p\(i)")])
        }
        for i in 0..<100 {
            _ = try db.first("SELECT name FROM producer WHERE id = ?", [.integer(Int64(i))]) { $0.string(0) }
        }
        #expect(db.preparedStatementCount == before + 2)
        #expect(try count("producer") == 500)
    }

    @Test func statementIsResetWhenTheCallbackThrows() throws {
        struct Stop: Error {}
        for name in ["a", "b", "c"] { try db.run("INSERT INTO producer (name) VALUES (?)", [.text(name)]) }
        #expect(throws: Stop.self) {
            try db.query("SELECT name FROM producer ORDER BY id") { _ in throw Stop() }
        }
        // A statement left mid-step would still read the table and make DROP fail
        // with SQLITE_LOCKED; reset released it. The same statement starts afresh.
        #expect(try db.first("SELECT name FROM producer ORDER BY id") { $0.string(0) } == "a")
        try db.execute("DROP TABLE product; DROP TABLE producer")
    }

    @Test func reentrantUseOfTheSameSQLGetsItsOwnStatement() throws {
        for name in ["a", "b"] { try db.run("INSERT INTO producer (name) VALUES (?)", [.text(name)]) }
        let before = db.preparedStatementCount
        let sql = "SELECT name FROM producer ORDER BY id"
        var pairs: [String] = []
        try db.query(sql) { outer in
            let o = outer.string(0)
            try db.query(sql) { inner in pairs.append(o + inner.string(0)) }
        }
        #expect(pairs == ["aa", "ab", "ba", "bb"])
        // The inner one-off statement was finalized; only the cached one remains.
        #expect(db.preparedStatementCount == before + 1)
    }

    @Test func cacheIsBounded() throws {
        for i in 0..<(Connection.cacheLimit + 50) {
            _ = try db.scalarInt("SELECT \(i)")
        }
        #expect(db.preparedStatementCount <= Connection.cacheLimit)
    }

    @Test func wrongParameterCountAndScriptsAreRejected() throws {
        let few = #expect(throws: SQLiteError.self) {
            try db.run("INSERT INTO producer (name) VALUES (?)")
        }
        #expect(few?.code == 25)
        let many = #expect(throws: SQLiteError.self) {
            try db.run("INSERT INTO producer (name) VALUES (?)", ["a", "b"])
        }
        #expect(many?.code == 25)
        let script = #expect(throws: SQLiteError.self) {
            try db.run("INSERT INTO producer (name) VALUES ('x'); DELETE FROM producer")
        }
        #expect(script?.code == 21)
        #expect(try count("producer") == 0)
        // Trailing semicolons and whitespace are one statement.
        try db.run("INSERT INTO producer (name) VALUES ('x');  \n")
    }

    @Test func errorsCarryExtendedCodes() throws {
        try db.run("INSERT INTO producer (id, name) VALUES (1, 'Đông')")

        let unique = #expect(throws: SQLiteError.self) {
            try db.run("INSERT INTO producer (name) VALUES (?)", ["Đông"])
        }
        #expect(unique?.extendedCode == 2067)
        #expect(unique?.code == 19)
        #expect(unique?.isUniqueViolation == true)
        #expect(unique?.isConstraintViolation == true)
        #expect(unique?.isForeignKeyViolation == false)
        #expect(unique?.sql == "INSERT INTO producer (name) VALUES (?)")
        #expect(unique?.message.contains("UNIQUE") == true)

        let primaryKey = #expect(throws: SQLiteError.self) {
            try db.run("INSERT INTO producer (id, name) VALUES (1, 'other')")
        }
        #expect(primaryKey?.extendedCode == 1555)
        #expect(primaryKey?.isUniqueViolation == true)

        let foreignKey = #expect(throws: SQLiteError.self) {
            try db.run("INSERT INTO product (producer_id, name) VALUES (42, 'x')")
        }
        #expect(foreignKey?.extendedCode == 787)
        #expect(foreignKey?.isForeignKeyViolation == true)
        #expect(foreignKey?.isUniqueViolation == false)

        let notNull = #expect(throws: SQLiteError.self) {
            try db.run("INSERT INTO producer (name) VALUES (NULL)")
        }
        #expect(notNull?.extendedCode == 1299)
        #expect(notNull?.isConstraintViolation == true)
        #expect(notNull?.isUniqueViolation == false)

        let syntax = #expect(throws: SQLiteError.self) { try db.run("SELEC 1") }
        #expect(syntax?.code == 1)
        #expect(syntax?.sql == "SELEC 1")
        #expect(syntax?.description.contains("SELEC 1") == true)

        let script = #expect(throws: SQLiteError.self) {
            try db.execute("CREATE TABLE t (x); INSERT INTO nowhere VALUES (1)")
        }
        #expect(script?.code == 1)
        #expect(script?.message.contains("nowhere") == true)
    }

    @Test func busyIsReportedAfterTheTimeout() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let a = try Connection(path: dir.file("busy.db"))
        let b = try Connection(path: dir.file("busy.db"), busyTimeoutMs: 50)
        try a.execute("CREATE TABLE t (x)")
        try a.run("BEGIN IMMEDIATE")
        let busy = #expect(throws: SQLiteError.self) { try b.run("BEGIN IMMEDIATE") }
        #expect(busy?.isBusy == true)
        try a.run("COMMIT")
        try b.run("BEGIN IMMEDIATE")
        try b.run("COMMIT")
    }

    @Test func openFailuresThrow() {
        let missingDir = #expect(throws: SQLiteError.self) {
            _ = try Connection(path: "/nonexistent-dir-\(UInt32.random(in: 0...UInt32.max))/x.db")
        }
        #expect(missingDir?.code == 14)
        #expect(throws: SQLiteError.self) {
            _ = try Connection(path: "/tmp/no-such-\(UInt32.random(in: 0...UInt32.max)).db", readOnly: true)
        }
    }

    @Test func foreignKeysAreOn() throws {
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
    }
}

/// The statement cache hashes a sample of each SQL text; texts the sample cannot tell apart
/// are still different statements.
@Suite struct StatementKeyTests {
    @Test func textsAlikeWhereSampledStayDistinctStatements() throws {
        let db = try Connection(path: ":memory:")
        // 200 bytes, differing only at byte 100, which none of the eight samples covers
        // (they start at multiples of 192/7: 0, 27, 54, 82, 109, …).
        func sql(_ letter: Character) -> String {
            "SELECT '" + String(repeating: "a", count: 91) + String(letter) + String(repeating: "a", count: 99) + "'"
        }
        let x = sql("x"), y = sql("y")
        #expect(x.utf8.count == 200 && x != y)
        #expect(StatementKey(x).hashValue == StatementKey(y).hashValue)
        #expect(StatementKey(x) != StatementKey(y))
        let before = db.preparedStatementCount
        for _ in 0..<3 {
            #expect(try db.first(x) { $0.string(0) }?.dropFirst(91).first == "x")
            #expect(try db.first(y) { $0.string(0) }?.dropFirst(91).first == "y")
        }
        #expect(db.preparedStatementCount == before + 2)
    }

    /// Equal texts made apart (a literal and one built at run time) are one key.
    @Test func equalTextsAreOneKey() {
        let built = ["SELECT id FROM producers", "WHERE kind = ?"].joined(separator: " ")
        #expect(StatementKey(built) == StatementKey("SELECT id FROM producers WHERE kind = ?"))
        #expect(StatementKey(built).hashValue == StatementKey("SELECT id FROM producers WHERE kind = ?").hashValue)
        #expect(StatementKey("").hashValue == StatementKey("").hashValue)
        #expect(StatementKey("ab") != StatementKey("ba"))
    }
}
