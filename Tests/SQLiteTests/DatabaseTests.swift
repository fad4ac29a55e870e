import CSQLite
import Foundation
import Synchronization
import Testing
@testable import SQLite

@Suite struct DatabaseTests {
    struct Boom: Error, Equatable { let n: Int }

    private func open(_ dir: TempDir, configure: (inout DatabaseConfiguration) -> Void = { _ in }) throws -> Database {
        let db = try makeDatabase(dir, configure: configure)
        try db.exclusive { try $0.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, n INTEGER NOT NULL UNIQUE, label TEXT)") }
        return db
    }

    private func count(_ db: Database) throws -> Int64 {
        try db.read { try $0.scalarInt("SELECT count(*) FROM item") ?? -1 }
    }

    @Test func createsDirectoryAndTurnsOnWAL() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try Database(path: dir.file("nested/deeper/ocop.db"))
        defer { db.close() }
        #expect(FileManager.default.fileExists(atPath: dir.file("nested/deeper/ocop.db")))
        #expect(try db.read { try $0.first("PRAGMA journal_mode") { $0.string(0) } } == "wal")
        // FULL, with the commit's sync only writing the frames out (WALGatheringVFS) and the
        // WALSyncer flushing them; every other sync of the WAL is a full one, and real.
        #expect(try db.exclusive { try $0.scalarInt("PRAGMA synchronous") } == 2)
        #expect(try db.exclusive { try $0.scalarInt("PRAGMA checkpoint_fullfsync") } == 1)
        #expect(try db.read { try $0.scalarInt("PRAGMA foreign_keys") } == 1)
        #expect(db.stats.readersTotal == 4)
    }

    /// Named so `top -H`, `perf` and `/proc` tell the writer's CPU from the other threads'.
    @Test func theDatabaseThreadsAreNamed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        // A write body runs on the writer thread itself.
        let writerName = try db.write { _ in try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }
        #expect(writerName == "sqlite-writer\n")
        // Other tests' threads come and go meanwhile: one gone before its name is read is skipped.
        let names = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap { task in
            try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
        }
        #expect(names.contains("sqlite-walsync\n"))
        #expect(names.contains("sqlite-ckpt\n"))
    }

    @Test func fullSynchronousAnswersAWriteOnlyAfterTheWALIsFlushed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        for n in 1...20 {
            let before = db.stats.walFlushes
            try db.write { try $0.run("INSERT INTO item (n) VALUES (?)", [.integer(Int64(n))]) }
            // The flush counter moves before the callers are woken: a write answered first would see it unchanged.
            #expect(db.stats.walFlushes > before)
        }
        #expect(db.stats.walFlushes <= db.stats.commits + 1)  // + the CREATE TABLE's exclusive job
        #expect(try count(db) == 20)
    }

    @Test func concurrentWritersAllLandWithAtMostOneFlushEach() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 400) { n in
            do {
                try db.write { try $0.run("INSERT INTO item (n) VALUES (?)", [.integer(Int64(n))]) }
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(db.stats.walFlushes >= 1)
        #expect(db.stats.walFlushes <= db.stats.writeJobs + 1)  // + the CREATE TABLE's exclusive job
        db.close()
        // Reopened from the file: every answered write is there.
        let again = try makeDatabase(dir)
        defer { again.close() }
        #expect(try count(again) == 400)
    }

    @Test func normalSynchronousNeverWaitsForAFlush() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir) { $0.synchronous = .normal }
        defer { db.close() }
        try db.write { try $0.run("INSERT INTO item (n) VALUES (1)") }
        #expect(try db.exclusive { try $0.scalarInt("PRAGMA synchronous") } == 1)
        #expect(db.stats.walFlushes == 0)
    }

    @Test func writeReturnsTheResultAndReadSeesIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        let id = try db.write { conn in
            try conn.run("INSERT INTO item (n, label) VALUES (?, ?)", [1, "Trà Shan tuyết"])
            return conn.lastInsertRowID
        }
        #expect(id == 1)
        #expect(try db.read { try $0.first("SELECT label FROM item WHERE id = ?", [.integer(id)]) { $0.string(0) } }
                == "Trà Shan tuyết")
        let stats = db.stats
        #expect(stats.writeJobs == 1 && stats.commits == 1 && stats.writesQueued == 0 && stats.readersInUse == 0)
    }

    @Test func readersAreReadOnly() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        let error = #expect(throws: SQLiteError.self) {
            try db.read { try $0.run("INSERT INTO item (n) VALUES (1)") }
        }
        #expect(error?.code == 8)  // SQLITE_READONLY
        #expect(try db.read { _ in db.stats.readersInUse } == 1)
    }

    @Test func concurrentWritersAreGroupCommitted() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        let started = DispatchSemaphore(value: 0)
        let results = Collected<(Int, Result<Int64, Boom>)>()
        // The first job holds the writer while 199 threads queue behind it,
        // so those must share commits if batching really happens.
        let holder = Thread {
            let r = Result<Int64, Boom> {
                try! db.write { conn in
                    started.signal()
                    waitUntilQueued(db, 199)
                    try conn.run("INSERT INTO item (n) VALUES (0)")
                    return conn.lastInsertRowID
                }
            }
            results.append((0, r))
        }
        holder.start()
        started.wait()
        onThreads(199) { i in
            let n = i + 1
            do {
                let id = try db.write { conn -> Int64 in
                    try conn.run("INSERT INTO item (n, label) VALUES (?, ?)", [.integer(Int64(n)), .text("job \(n)")])
                    if n % 10 == 0 { throw Boom(n: n) }  // inserted, then thrown: must be undone alone
                    return conn.lastInsertRowID
                }
                results.append((n, .success(id)))
            } catch let boom as Boom {
                results.append((n, .failure(boom)))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        while results.all.count < 200 { usleep(1000) }

        let all = results.all
        let failures = all.filter { if case .failure = $0.1 { return true } else { return false } }
        #expect(Set(failures.map(\.0)) == Set(stride(from: 10, through: 190, by: 10)))
        for (n, result) in failures { #expect(result == .failure(Boom(n: n))) }
        // Each successful caller got its own row id back.
        let rows = try db.read { try $0.all("SELECT id, n FROM item") { ($0.int64(0), $0.int(1)) } }
        let nByID = Dictionary(uniqueKeysWithValues: rows)
        for case let (n, .success(id)) in all { #expect(nByID[id] == n) }
        #expect(rows.count == 200 - 19)
        #expect(Set(rows.map(\.1)).isDisjoint(with: failures.map(\.0)))

        let stats = db.stats
        #expect(stats.writeJobs == 200)
        #expect(stats.commits < stats.writeJobs)
        #expect(stats.commits <= 10)
    }

    @Test func readerSeesCommittedDataWhileAWriteIsInProgress() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        try db.write { try $0.run("INSERT INTO item (n) VALUES (1)") }
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            try? db.write { conn in
                try conn.run("INSERT INTO item (n) VALUES (2)")
                inside.signal()
                release.wait()
            }
            finished.signal()
        }.start()
        inside.wait()
        // The writer holds an open transaction with an uncommitted row: a WAL
        // reader neither blocks nor sees it.
        #expect(try count(db) == 1)
        release.signal()
        finished.wait()
        #expect(try count(db) == 2)
    }

    @Test func nestedWriteThrowsInsteadOfDeadlocking() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        let error = #expect(throws: SQLiteError.self) {
            try db.write { conn in
                try conn.run("INSERT INTO item (n) VALUES (1)")
                try db.write { try $0.run("INSERT INTO item (n) VALUES (2)") }
            }
        }
        #expect(error?.code == 21)
        #expect(throws: SQLiteError.self) { try db.write { _ in try db.exclusive { _ in } } }
        #expect(try count(db) == 0)
        // A read inside a write uses a reader and sees only committed data.
        try db.write { conn in
            try conn.run("INSERT INTO item (n) VALUES (3)")
            #expect(try self.count(db) == 0)
        }
        #expect(try count(db) == 1)
    }

    @Test func commitFailureFailsEveryJobOfTheBatch() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        try db.exclusive { try $0.setCommitVetoForTesting(true) }
        let errors = Collected<SQLiteError>()
        onThreads(20) { i in
            do {
                try db.write { try $0.run("INSERT INTO item (n) VALUES (?)", [.integer(Int64(i))]) }
            } catch let error as SQLiteError {
                errors.append(error)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        #expect(errors.all.count == 20)
        #expect(errors.all.allSatisfy { $0.extendedCode == 531 })  // SQLITE_CONSTRAINT_COMMITHOOK
        try db.exclusive { try $0.setCommitVetoForTesting(false) }
        #expect(try count(db) == 0)
        try db.write { try $0.run("INSERT INTO item (n) VALUES (1)") }
        #expect(try count(db) == 1)
    }

    /// Jobs run without a savepoint each until one fails; then the batch is rolled back and run
    /// again a savepoint per job (the jobs before the failing one run twice, only the last run
    /// counts), and batches keep their savepoints until one has no failing job.
    @Test func aFailingJobSendsItsBatchBackToOneSavepointPerJob() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        let runs = Mutex<[Int: Int]>([:])
        let order = Mutex<[Int]>([])
        /// Ten jobs queued behind a held writer, so they make one batch; job `failing` throws.
        func round(_ base: Int, failing: Int?) throws -> [Int: Result<Int64, Boom>] {
            let started = DispatchSemaphore(value: 0)
            let holder = Thread {
                try? db.write { _ in
                    started.signal()
                    waitUntilQueued(db, 10)
                }
            }
            holder.start()
            started.wait()
            let results = Collected<(Int, Result<Int64, Boom>)>()
            onThreads(10) { i in
                let n = base + i
                do {
                    let id = try db.write { conn -> Int64 in
                        runs.withLock { $0[n, default: 0] += 1 }
                        order.withLock { $0.append(n) }
                        try conn.run("INSERT INTO item (n) VALUES (?)", [.integer(Int64(n))])
                        if n == failing { throw Boom(n: n) }
                        return conn.lastInsertRowID
                    }
                    results.append((n, .success(id)))
                } catch let boom as Boom {
                    results.append((n, .failure(boom)))
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
            return Dictionary(uniqueKeysWithValues: results.all)
        }

        let first = try round(100, failing: 105)
        #expect(first[105] == .failure(Boom(n: 105)))
        #expect(first.values.filter { (try? $0.get()) != nil }.count == 9)
        #expect(try count(db) == 9)
        let afterFirst = runs.withLock { $0 }
        // The failing job ran in the optimistic pass and again alone; the others once or twice.
        #expect(afterFirst[105] == 2)
        #expect((100..<110).allSatisfy { (1...2).contains(afterFirst[$0] ?? 0) })
        // Exactly the jobs the optimistic pass ran before the failing one ran twice. Which those
        // are depends on the order the threads queued in: none, when the failing one came first.
        let ranFirst = order.withLock { $0.firstIndex(of: 105) ?? -1 }
        #expect(ranFirst >= 0)
        #expect((100..<110).reduce(0) { $0 + (afterFirst[$1] ?? 0) } == 11 + ranFirst)
        #expect(db.stats.isolatedBatches == 1)

        // The next batch (the next round's holder, alone) takes savepoints from the start and,
        // with no failure, lets the batches after it run without.
        let second = try round(200, failing: nil)
        #expect(db.stats.isolatedBatches == 2)
        let third = try round(300, failing: nil)
        #expect(db.stats.isolatedBatches == 2)
        let all = runs.withLock { $0 }
        #expect((200..<210).allSatisfy { all[$0] == 1 } && (300..<310).allSatisfy { all[$0] == 1 })
        #expect(try count(db) == 29)
        // Each caller got the id of its own row, from the run that counted.
        let nByID = Dictionary(uniqueKeysWithValues: try db.read { try $0.all("SELECT id, n FROM item") { ($0.int64(0), $0.int(1)) } })
        for (n, result) in first.merging(second, uniquingKeysWith: { a, _ in a }).merging(third, uniquingKeysWith: { a, _ in a }) {
            if case .success(let id) = result { #expect(nByID[id] == n) }
        }
    }

    @Test func deferredForeignKeyViolationFailsOnlyItsJob() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (id INTEGER PRIMARY KEY,
                parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """) }
        let outcomes = Collected<(Int, Bool)>()
        onThreads(10) { i in
            do {
                try db.write { conn in
                    if i == 5 {
                        try conn.run("INSERT INTO child (parent_id) VALUES (999)")
                    } else {
                        try conn.run("INSERT INTO parent (id) VALUES (?)", [.integer(Int64(i))])
                        try conn.run("INSERT INTO child (parent_id) VALUES (?)", [.integer(Int64(i))])
                    }
                }
                outcomes.append((i, true))
            } catch let error as SQLiteError {
                #expect(error.isForeignKeyViolation)
                outcomes.append((i, false))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        #expect(outcomes.all.filter { !$0.1 }.map(\.0) == [5])
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM child") } == 9)
    }

    @Test func bodyEndingTheTransactionIsReportedAndRecovered() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        let error = #expect(throws: SQLiteError.self) {
            try db.write { conn in
                try conn.run("INSERT INTO item (n) VALUES (1)")
                try conn.run("ROLLBACK")
            }
        }
        #expect(error?.extendedCode == 516)
        try db.write { try $0.run("INSERT INTO item (n) VALUES (2)") }
        #expect(try count(db) == 1)
    }

    /// When SQLite itself rolls the shared transaction back (a full disk: its last error is
    /// SQLITE_FULL), the jobs batched before the failing one were lost for that reason and get
    /// that error, not the "bug" of a body ending the transaction (a soak's full disk gave 500s).
    /// The rollback is played by the body (ROLLBACK, then a statement refused as full), since a
    /// real disk cannot be filled here; the writer sees the same state either way.
    @Test func jobsLostWithATransactionSQLiteRolledBackGetItsCause() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        // A one-page scratch database on the writer connection: inserting a large value is SQLITE_FULL.
        try db.exclusive { try $0.execute("""
            ATTACH ':memory:' AS scratch;
            CREATE TABLE scratch.big (x);
            PRAGMA scratch.max_page_count = 2;
            """) }
        // Hold the writer so that the nine writes and then the failing one make one batch, in that order.
        let release = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        Thread { try? db.exclusive { _ in holding.signal(); release.wait() } }.start()
        holding.wait()
        let outcomes = Collected<Int32?>()
        let done = DispatchGroup()
        func submit(_ body: @escaping @Sendable (Connection) throws -> Void) {
            done.enter()
            Thread {
                do { try db.write(body); outcomes.append(nil) } catch let error as SQLiteError {
                    outcomes.append(error.extendedCode)
                } catch { outcomes.append(-1) }
                done.leave()
            }.start()
        }
        for i in 0..<9 { submit { try $0.run("INSERT INTO item (n) VALUES (?)", [.integer(Int64(i))]) } }
        while db.stats.writesQueued < 9 { usleep(1_000) }
        submit { conn in
            try conn.run("INSERT INTO item (n) VALUES (99)")
            try conn.run("ROLLBACK")
            try conn.run("INSERT INTO scratch.big VALUES (zeroblob(100000))")
        }
        while db.stats.writesQueued < 10 { usleep(1_000) }
        release.signal()
        done.wait()
        // The nine bystanders and the failing body itself: all SQLITE_FULL (13), none committed.
        #expect(outcomes.all.count == 10)
        #expect(outcomes.all.allSatisfy { $0 == 13 }, "\(outcomes.all)")
        #expect(try count(db) == 0)
        // The writer carries on.
        try db.write { try $0.run("INSERT INTO item (n) VALUES (1)") }
        #expect(try count(db) == 1)
    }

    @Test func exclusiveRunsOutsideTransactions() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        defer { db.close() }
        try db.exclusive { conn in
            #expect(conn.isAutocommit)
            try conn.execute("VACUUM")  // refused inside a transaction
        }
        #expect(throws: SQLiteError.self) { try db.write { try $0.execute("VACUUM") } }
        let leftOpen = #expect(throws: SQLiteError.self) { try db.exclusive { try $0.run("BEGIN") } }
        #expect(leftOpen?.code == 21)
        try db.write { try $0.run("INSERT INTO item (n) VALUES (1)") }
        #expect(try count(db) == 1)
    }

    @Test func inMemoryDatabaseServesReadsFromTheWriter() throws {
        let db = try Database(path: ":memory:")
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        try db.write { try $0.run("INSERT INTO t VALUES (1)") }
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 1)
        #expect(db.stats.readersTotal == 0)
    }

    @Test func closeFinishesWorkAndRefusesMore() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try open(dir)
        try db.write { try $0.run("INSERT INTO item (n) VALUES (1)") }
        db.close()
        db.close()
        #expect(throws: SQLiteError.self) { try db.write { _ in } }
        #expect(throws: SQLiteError.self) { try db.read { _ in } }
    }
}

/// Inside a job that holds the writer: returns once `count` jobs are queued behind it, so they
/// make one batch however slowly a loaded machine starts their threads (at most 10 s).
private func waitUntilQueued(_ db: Database, _ count: Int) {
    let deadline = ContinuousClock.now + .seconds(10)
    while db.stats.writesQueued < count && ContinuousClock.now < deadline { usleep(1000) }
}

/// SQLite's memory statistics take a process-wide mutex around every allocation; they are
/// turned off before SQLite initialises, whichever opens first: a connection, or the WAL
/// gathering VFS (whose registration initialises SQLite, and once did so before the setting).
@Suite struct SQLiteLibraryTests {
    @Test func memoryStatisticsAreOffOnceADurableDatabaseIsOpen() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let database = try Database(path: dir.file("stats.sqlite"))
        defer { database.close() }
        try database.write { try $0.execute("CREATE TABLE t (x BLOB); INSERT INTO t VALUES (zeroblob(100000))") }
        #expect(SQLiteLibrary.configured == SQLITE_OK)
        #expect(sqlite3_memory_used() == 0)
    }
}
