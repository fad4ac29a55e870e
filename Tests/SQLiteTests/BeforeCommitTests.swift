import Foundation
import Testing
@testable import SQLite

/// `Connection.beforeCommit`: work done once per transaction, just before COMMIT.
@Suite struct BeforeCommitTests {
    struct Boom: Error {}

    /// Each write queues a value and registers the same flush; the flush moves the
    /// queue into `done` and counts itself in `flushes`.
    private static let schema = """
        CREATE TABLE queue (n INTEGER PRIMARY KEY);
        CREATE TABLE done (n INTEGER PRIMARY KEY);
        CREATE TABLE flushes (id INTEGER PRIMARY KEY, moved INTEGER NOT NULL);
        """

    private static func flush(_ db: Connection) throws {
        try db.run("INSERT INTO flushes (moved) SELECT count(*) FROM queue")
        try db.run("INSERT INTO done SELECT n FROM queue")
        try db.run("DELETE FROM queue")
    }

    private static func enqueue(_ db: Connection, _ n: Int) throws {
        try db.run("INSERT INTO queue (n) VALUES (?)", [.integer(Int64(n))])
        try db.beforeCommit("flush", flush)
    }

    private func open(_ dir: TempDir) throws -> Database {
        let db = try makeDatabase(dir)
        try db.exclusive { try $0.execute(Self.schema) }
        return db
    }

    @Test func runsOncePerGroupCommitAfterEveryJobOutsideTheirSavepoints() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        let outcomes = Collected<(Int, Bool)>()
        // A first write holds the writer until most of the others wait behind it, so batches form
        // however the threads are scheduled (on a loaded machine each used to commit alone).
        let holding = DispatchSemaphore(value: 0)
        let gate = Thread {
            try? db.write { _ in
                holding.signal()
                let deadline = Date().addingTimeInterval(10)
                while db.stats.writesQueued < 60, Date() < deadline { usleep(1_000) }
            }
        }
        gate.start()
        holding.wait()
        onThreads(120) { i in
            do {
                try db.write { conn in
                    try Self.enqueue(conn, i)
                    if i % 7 == 0 { throw Boom() }   // queued, then undone: must not reach `done`
                }
                outcomes.append((i, true))
            } catch {
                outcomes.append((i, false))
            }
        }
        let committed = Set(outcomes.all.filter(\.1).map(\.0))
        #expect(committed == Set((0..<120).filter { $0 % 7 != 0 }))
        let done = try db.read { try $0.all("SELECT n FROM done") { $0.int(0) } }
        #expect(Set(done) == committed && done.count == committed.count)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM queue") } == 0)
        // One flush per commit (a batch whose jobs all threw still commits, flushing nothing).
        let flushes = try db.read { try $0.all("SELECT moved FROM flushes") { $0.int(0) } }
        #expect(flushes.count == db.stats.commits - 1)   // the gate's batch, alone, queued nothing
        #expect(flushes.reduce(0, +) == committed.count)
        #expect(db.stats.commits < 100)   // batches really formed, so one flush served many jobs
    }

    @Test func aFailingActionFailsTheWholeBatchAndLeavesNothing() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        let error = #expect(throws: SQLiteError.self) {
            try db.write { conn in
                try conn.run("INSERT INTO queue (n) VALUES (1)")
                try conn.beforeCommit("bad") { try $0.run("INSERT INTO no_such_table VALUES (1)") }
            }
        }
        #expect(error?.code == 1)   // SQLITE_ERROR: no such table
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM queue") } == 0)
        // The failed action is forgotten with its transaction: the next write commits normally.
        try db.write { try Self.enqueue($0, 2) }
        #expect(try db.read { try $0.all("SELECT n FROM done") { $0.int(0) } } == [2])
    }

    @Test func withoutATransactionItRunsAtOnce() throws {
        let conn = try Connection(path: ":memory:")
        try conn.execute(Self.schema)
        try Self.enqueue(conn, 5)
        #expect(try conn.all("SELECT n FROM done") { $0.int(0) } == [5])
        #expect(try conn.scalarInt("SELECT count(*) FROM queue") == 0)
    }

    @Test func transactionRunsItBeforeCommitAndForgetsItOnRollback() throws {
        let conn = try Connection(path: ":memory:")
        try conn.execute(Self.schema)
        try conn.transaction {
            try Self.enqueue(conn, 1)
            try Self.enqueue(conn, 2)
            #expect(try conn.scalarInt("SELECT count(*) FROM done") == 0)   // not before the end
        }
        #expect(try conn.all("SELECT n FROM done ORDER BY n") { $0.int(0) } == [1, 2])
        #expect(try conn.scalarInt("SELECT count(*) FROM flushes") == 1)
        #expect(throws: Boom.self) {
            try conn.transaction {
                try conn.beforeCommit("never") { try $0.run("INSERT INTO done VALUES (99)") }
                throw Boom()
            }
        }
        try conn.transaction { try Self.enqueue(conn, 3) }
        #expect(try conn.all("SELECT n FROM done ORDER BY n") { $0.int(0) } == [1, 2, 3])
    }

    @Test func anExclusiveBodyCommittingByHandStillGetsItsActionsRun() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        try db.exclusive { conn in
            try conn.run("BEGIN")
            try Self.enqueue(conn, 4)
            try conn.run("COMMIT")
        }
        #expect(try db.read { try $0.all("SELECT n FROM done") { $0.int(0) } } == [4])
    }
}
