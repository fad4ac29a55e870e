import Foundation
import Testing
@testable import SQLite

/// Pool mechanics: reader checkout, the write queue, batch size.
@Suite struct PoolTests {
    @Test func maxBatchOneMeansOneCommitPerJob() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir) { $0.maxBatch = 1; $0.synchronous = .normal }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        onThreads(20) { i in
            do { try db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) } } catch {
                Issue.record("\(error)")
            }
        }
        #expect(db.stats.commits == 20)
        #expect(db.stats.writeJobs == 20)
    }

    @Test func writesQueueBehindARunningJob() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        let release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        holdWriter(db, release: release, done: done)
        for i in 0..<5 {
            done.enter()
            Thread {
                try? db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) }
                done.leave()
            }.start()
        }
        #expect(eventually { db.stats.writesQueued == 5 })
        release.signal()
        done.wait()
        #expect(db.stats.writesQueued == 0)
        #expect(db.stats.commits == 2)  // the holder's batch, then the five together
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 5)
    }

    /// A write that waited past its deadline is not started: its caller hears so, and nothing
    /// of it is written (a late start would write what nobody is told of).
    @Test func aWriteNotStartedByItsDeadlineIsNotWritten() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        let release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        holdWriter(db, release: release, done: done)
        let outcome = TestBox<(any Error)?>(nil)
        done.enter()
        Thread {
            do {
                try db.write(deadline: .now + .milliseconds(500)) { try $0.run("INSERT INTO t VALUES (1)") }
            } catch {
                outcome.set(error)
            }
            done.leave()
        }.start()
        #expect(eventually { db.stats.writesQueued == 1 })
        usleep(700_000)   // past its deadline while the first job holds the writer
        release.signal()
        done.wait()
        #expect(outcome.get() as? WriteNotStarted == WriteNotStarted(reason: .deadlinePassed))
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 0)
        // Already past at the call: refused at once.
        #expect(throws: WriteNotStarted(reason: .deadlinePassed)) {
            try db.write(deadline: .now - .milliseconds(1)) { try $0.run("INSERT INTO t VALUES (2)") }
        }
        // In time: written.
        try db.write(deadline: .now + .seconds(5)) { try $0.run("INSERT INTO t VALUES (3)") }
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 1)
    }

    /// A shutdown past its deadline: queued writes fail unwritten, later ones too, the running one commits.
    @Test func refusingWritesFailsTheQueueButFinishesTheRunningJob() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        let release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        holdWriter(db, release: release, done: done) { try $0.run("INSERT INTO t VALUES ('running')") }
        let refused = TestBox(0)
        for i in 0..<3 {
            done.enter()
            Thread {
                do {
                    try db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) }
                } catch is WriteNotStarted {
                    refused.update { $0 += 1 }
                } catch {
                    Issue.record("\(error)")
                }
                done.leave()
            }.start()
        }
        #expect(eventually { db.stats.writesQueued == 3 })
        db.refuseWrites(from: .now)
        #expect(throws: WriteNotStarted(reason: .refused)) { try db.write { _ in } }
        release.signal()
        done.wait()
        #expect(refused.get() == 3)
        #expect(try db.read { try $0.all("SELECT x FROM t") { $0.string(0) } } == ["running"])
    }

    /// A shutdown's drain deadline: from that instant no job starts, even one the writer already
    /// took into its batch (the connections are closed a moment later, nobody would hear of it).
    @Test func noJobStartsFromTheRefusalInstant() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        let release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        holdWriter(db, release: release, done: done) { try $0.run("INSERT INTO t VALUES ('running')") }
        let outcome = TestBox<(any Error)?>(nil)
        done.enter()
        Thread {
            do { try db.write { try $0.run("INSERT INTO t VALUES ('queued')") } } catch { outcome.set(error) }
            done.leave()
        }.start()
        #expect(eventually { db.stats.writesQueued == 1 })
        db.refuseWrites(from: .now + .milliseconds(50))
        usleep(150_000)
        #expect(throws: WriteNotStarted(reason: .refused)) { try db.write { _ in } }
        release.signal()
        done.wait()
        #expect(outcome.get() as? WriteNotStarted == WriteNotStarted(reason: .refused))
        #expect(try db.read { try $0.all("SELECT x FROM t") { $0.string(0) } } == ["running"])
    }

    @Test func readsWaitForAFreeReader() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir) { $0.readers = 1 }
        defer { db.close() }
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let secondDone = DispatchSemaphore(value: 0)
        Thread {
            try? db.read { _ in
                inside.signal()
                release.wait()
            }
        }.start()
        inside.wait()
        #expect(db.stats.readersInUse == 1)
        Thread {
            _ = try? db.read { try $0.scalarInt("SELECT 1") }
            secondDone.signal()
        }.start()
        // The only reader is taken: the second read must still be waiting.
        #expect(secondDone.wait(timeout: .now() + .milliseconds(200)) == .timedOut)
        release.signal()
        #expect(secondDone.wait(timeout: .now() + .seconds(5)) == .success)
        #expect(eventually { db.stats.readersInUse == 0 })
    }

    /// A report's statements must agree with each other even while writes commit between them
    /// (`ocop verify` read a ledger and its levels a commit apart, and reported corruption).
    @Test func everyStatementOfAReadSeesOneSnapshot() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir) { $0.readers = 1; $0.synchronous = .normal }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        try db.write { try $0.run("INSERT INTO t VALUES (1)") }
        let (before, after) = try db.read { connection in
            let before = try connection.scalarInt("SELECT count(*) FROM t")
            try db.write { try $0.run("INSERT INTO t VALUES (2)") }   // committed in between
            let after = try connection.scalarInt("SELECT count(*) FROM t")
            return (before, after)
        }
        #expect(before == 1)
        #expect(after == 1)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 2)
        #expect(try db.read { $0.isAutocommit == false })
        #expect(eventually { db.stats.readersInUse == 0 })
    }

    @Test func closeWaitsForReadsInFlight() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        let inside = DispatchSemaphore(value: 0)
        let readResult = Collected<Int64?>()
        Thread {
            try? db.read { conn in
                inside.signal()
                usleep(200_000)
                // Recorded inside the body: it happens before the reader is checked back in.
                readResult.append(try conn.scalarInt("SELECT 42"))
            }
        }.start()
        inside.wait()
        db.close()
        // close() returned only after the read finished on a live connection.
        #expect(readResult.all == [42])
    }
}

/// The database's files deleted or replaced while open (a cleanup script): the writer must
/// stop acknowledging writes that could only go to a file no one can reach.
@Suite struct DatabaseFilesTests {
    @Test func aDeletedOrReplacedFileIsNoticedAndAMissingOneIsWaitedFor() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path + "/x.sqlite"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let files = DatabaseFiles(databasePath: path)
        #expect(files.problem() == nil)
        // The WAL appears later (first write): remembered from then on.
        #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data()))
        #expect(files.problem() == nil)
        // Held open, as SQLite holds it: its inode cannot be handed to the file made next.
        let held = open(path + "-wal", O_RDONLY)
        defer { close(held) }
        try FileManager.default.removeItem(atPath: path + "-wal")
        #expect(files.problem()?.contains("x.sqlite-wal was deleted") == true)
        #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data()))
        #expect(files.problem()?.contains("x.sqlite-wal was replaced") == true)
    }

    /// A database file moved (or a backup copied over its name) while serving: SQLite skips its
    /// checkpoint at close for a moved file, so the last commits stayed only in the WAL at the
    /// old name, which the next start beside a new file deleted. Close copies them into the file
    /// it has open, wherever that now is, and says where.
    @Test func closeKeepsEveryCommitInAMovedFile() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("moved.db")
        let db = try Database(path: path, configuration: DatabaseConfiguration())
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        #expect(db.databaseFileMovedTo == nil)
        for i in 0..<200 { try db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) } }
        try FileManager.default.moveItem(atPath: path, toPath: dir.file("elsewhere.db"))
        #expect(db.databaseFileMovedTo == dir.file("elsewhere.db"))
        db.close()
        #expect(db.closeReport?.hasSuffix("every write it acknowledged is in the file it had open, now \(dir.file("elsewhere.db"))") == true)
        let reopened = try Connection(path: dir.file("elsewhere.db"), readOnly: true)
        defer { reopened.close() }
        #expect(try reopened.scalarInt("SELECT count(*) FROM t") == 200)
        #expect(try reopened.scalarInt("SELECT sum(x) FROM t") == 199 * 200 / 2)
    }

    /// `served.db` served with 300 rows in `t` (0...299), and `backup.db` beside it: the same
    /// table with two rows (-1, -2), as an operator's backup to restore.
    private func servedBesideABackup(_ dir: TempDir) throws -> Database {
        let backup = try Connection(path: dir.file("backup.db"))
        try backup.execute("CREATE TABLE t (x); INSERT INTO t VALUES (-1), (-2)")
        backup.close()
        let db = try Database(path: dir.file("served.db"), configuration: DatabaseConfiguration())
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        for i in 0..<300 { try db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) } }
        return db
    }

    /// A backup copied over the name of the file being served: the server's WAL, still at that
    /// name, must not be replayed into it at the next start (it was: "database disk image is
    /// malformed"); its commits belong to the file the server had open.
    @Test func aBackupRestoredOverTheNameIsNotCorruptedByTheOldWAL() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("served.db")
        let db = try servedBesideABackup(dir)
        try FileManager.default.moveItem(atPath: path, toPath: dir.file("broken.db"))
        try FileManager.default.copyItem(atPath: dir.file("backup.db"), toPath: path)
        db.close()
        let restored = try Connection(path: path)
        defer { restored.close() }
        #expect(try restored.scalarInt("SELECT count(*) FROM t WHERE x < 0") == 2)
        #expect(try restored.scalarInt("SELECT count(*) FROM t") == 2)
        let old = try Connection(path: dir.file("broken.db"), readOnly: true)
        defer { old.close() }
        #expect(try old.scalarInt("SELECT count(*) FROM t") == 300)
    }

    /// A backup moved over the served file's name (`mv backup.db served.db`), or the file
    /// deleted: the file the server had open has no name left, and its writes went with the
    /// process (a black-box probe lost 1,306 of 2,160 acknowledged producers that way). Close
    /// saves it beside the name and says where; the file now at the name is left as it was.
    @Test func closeSavesTheFileItHadOpenWhenItHasNoNameLeft() throws {
        for removal in ["moved over", "deleted"] {
            let dir = try TempDir()
            defer { dir.remove() }
            let path = dir.file("served.db")
            let db = try servedBesideABackup(dir)
            if removal == "moved over" {
                #expect(rename(dir.file("backup.db"), path) == 0)
            } else {
                try FileManager.default.removeItem(atPath: path)
            }
            db.close()

            let report = try #require(db.closeReport, "\(removal)")
            #expect(report.contains("every write it acknowledged was saved to \(path).saved-"), "\(report)")
            let savedName = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path)
                .first { $0.hasPrefix("served.db.saved-") && !$0.contains("-wal") && !$0.contains("-shm") })
            #expect(report.hasSuffix(dir.file(savedName)), "\(report)")
            let saved = try Connection(path: dir.file(savedName), readOnly: true)
            defer { saved.close() }
            #expect(try saved.scalarInt("SELECT count(*) FROM t") == 300, "\(removal)")
            #expect(try saved.scalarInt("SELECT sum(x) FROM t") == 299 * 300 / 2)
            #expect(try saved.first("PRAGMA integrity_check") { $0.string(0) } == "ok")
            if removal == "moved over" {
                // The backup now at the name is not touched by the server's WAL.
                let restored = try Connection(path: path)
                defer { restored.close() }
                #expect(try restored.scalarInt("SELECT count(*) FROM t") == 2)
            } else {
                #expect(!FileManager.default.fileExists(atPath: path), "nothing is put back at a removed name")
            }
        }
    }

    /// A file that is not a database is named as such, not by the PRAGMA that first read it.
    @Test func aFileThatIsNotADatabaseIsSaidToBeOne() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("notes.db")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(String(repeating: "Sổ tay. ", count: 600).utf8)))
        do {
            let db = try Database(path: path, configuration: DatabaseConfiguration())
            db.close()
            Issue.record("a text file was opened as a database")
        } catch let error as SQLiteError {
            #expect(error.code == 26, "SQLITE_NOTADB")
            #expect(error.message == "\(path) is not an SQLite database (another kind of file, or a database whose first page is damaged)")
            #expect(error.sql == nil, "no PRAGMA in the message")
        }
    }

    /// A file with two names (a hard link) would get a WAL per name: refused by either name,
    /// before anything is opened; a symbolic link is fine (SQLite resolves it).
    @Test func aDatabaseFileWithASecondNameIsRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("one.db")
        let first = try Database(path: path, configuration: DatabaseConfiguration())
        try first.exclusive { try $0.execute("CREATE TABLE t (x)") }
        first.close()
        #expect(link(path, dir.file("two.db")) == 0)
        for name in ["one.db", "two.db"] {
            do {
                let db = try Database(path: dir.file(name), configuration: DatabaseConfiguration())
                db.close()
                Issue.record("\(name) was opened while the file had two names")
            } catch let error as SQLiteError {
                #expect(error.message.contains("has 2 names (hard links)"), "\(error)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("two.db") + "-wal"))
        #expect(unlink(dir.file("two.db")) == 0)
        #expect(symlink(path, dir.file("link.db")) == 0)
        let linked = try Database(path: dir.file("link.db"), configuration: DatabaseConfiguration())
        #expect(try linked.read { try $0.scalarInt("SELECT count(*) FROM t") } == 0)
        linked.close()
    }

    @Test func writesStopWhenTheWALIsDeletedUnderTheWriter() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        try db.write { try $0.run("INSERT INTO t VALUES (1)") }
        #expect(db.storageProblem == nil)
        try FileManager.default.removeItem(atPath: dir.file("test.db") + "-wal")
        do {
            try db.write { try $0.run("INSERT INTO t VALUES (2)") }
            Issue.record("a write after the WAL was deleted was acknowledged")
        } catch let error as SQLiteError {
            #expect(error.isStorageFailure)
            #expect(error.message.contains("-wal was deleted"))
        }
        #expect(db.storageProblem?.contains("-wal was deleted") == true)
        #expect(throws: SQLiteError.self) { try db.write { try $0.run("INSERT INTO t VALUES (3)") } }
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 1)
    }
}

/// `ReaderPool.withoutReads`: the instant the writer restarts the WAL with no read in flight.
@Suite struct ReaderPauseTests {
    /// A pool of `count` read-only connections on a fresh database file.
    private func pool(_ dir: TempDir, _ count: Int) throws -> ReaderPool {
        let writer = try Connection(path: dir.file("p.db"))
        try writer.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        writer.close()
        return ReaderPool(try (0..<count).map { _ in try Connection(path: dir.file("p.db"), readOnly: true) })
    }

    /// Starts a read on its own thread that lasts until `release` is signalled; returns once it
    /// holds its connection. `done` is signalled when the connection is back in the pool.
    private func holdRead(_ readers: ReaderPool) -> (release: DispatchSemaphore, done: DispatchSemaphore) {
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = try? readers.withReader { _ in
                inside.signal()
                release.wait()
            }
            done.signal()
        }.start()
        inside.wait()
        return (release, done)
    }

    @Test func itWaitsForTheReadInFlightAndHoldsNewReadsBackUntilItsBodyEnds() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let readers = try pool(dir, 2)
        defer { readers.close() }
        let inside = DispatchSemaphore(value: 0)
        let firstDone = TestBox(false)
        Thread {
            _ = try? readers.withReader { connection in
                inside.signal()
                usleep(100_000)
                firstDone.set(true)
                return try connection.scalarInt("SELECT x FROM t")
            }
        }.start()
        inside.wait()
        let secondDone = DispatchSemaphore(value: 0)
        let ran = readers.withoutReads(timeout: .seconds(5)) { () -> Bool in
            // The read in flight ended before the body ran.
            let sawFirstDone = firstDone.get()
            Thread {
                _ = try? readers.withReader { try $0.scalarInt("SELECT x FROM t") }
                secondDone.signal()
            }.start()
            // A free connection, yet the new read waits while the body runs.
            let secondWaited = secondDone.wait(timeout: .now() + .milliseconds(100)) == .timedOut
            return sawFirstDone && secondWaited
        }
        #expect(ran == true)
        #expect(secondDone.wait(timeout: .now() + .seconds(5)) == .success)
    }

    @Test func aReadThatOutlastsTheTimeoutMeansNoBodyAndReadsGoOn() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let readers = try pool(dir, 2)
        defer { readers.close() }
        let long = holdRead(readers)
        let started = ContinuousClock.now
        let ran = readers.withoutReads(timeout: .milliseconds(50)) { true }
        #expect(ran == nil)
        #expect(ContinuousClock.now - started >= .milliseconds(50))
        // Reads are no longer held back: the other connection serves one at once.
        #expect(try readers.withReader { try $0.scalarInt("SELECT x FROM t") } == 1)
        long.release.signal()
        #expect(long.done.wait(timeout: .now() + .seconds(5)) == .success)
    }

    /// An export or a backup that has already read for `timeout` would outlast the wait as
    /// well: the pool does not hold other reads back for it at all.
    @Test func aReadAlreadyLongerThanTheTimeoutIsNotWaitedFor() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let readers = try pool(dir, 2)
        defer { readers.close() }
        let long = holdRead(readers)
        usleep(150_000)
        let started = ContinuousClock.now
        #expect(readers.withoutReads(timeout: .milliseconds(100)) { true } == nil)
        // Given up at once, not after waiting out the 100 ms.
        #expect(ContinuousClock.now - started < .milliseconds(100))
        long.release.signal()
        // Once that read is over, the pool is quiet and the body runs.
        #expect(readers.withoutReads(timeout: .seconds(5)) { true } == true)
    }
}
