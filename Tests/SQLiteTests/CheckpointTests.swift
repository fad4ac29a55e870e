import Foundation
import Synchronization
import Testing
@testable import SQLite

/// The WAL is checkpointed off the writer (`Checkpointer`), stays bounded, is reused
/// from its beginning, and loses nothing.
@Suite struct CheckpointTests {
    private static let frameBytes = 4096 + 24

    private func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    /// Commits `count` rows of 3 KiB one by one (each commit adds frames to the WAL),
    /// calling `each` after every commit.
    private func fill(_ db: Database, _ count: Int, each: () -> Void = {}) throws {
        for i in 0..<count {
            try db.write { try $0.run("INSERT INTO blob (n, data) VALUES (?, zeroblob(3072))", [.integer(Int64(i))]) }
            each()
        }
    }

    @Test func theWALIsCheckpointedInTheBackgroundAndReusedFromItsStart() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir, "c.db") { $0.checkpointPages = 100 }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE blob (n INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        let initialDB = size(dir.file("c.db"))
        var largestWAL = 0
        try fill(db, 1500) { largestWAL = max(largestWAL, size(dir.file("c.db-wal"))) }
        // 1500 commits of at least one 4 KiB page: well over 1500 frames were written.
        // Reused from its start after checkpoints, the WAL never came near that; the hard
        // limit (2 × 100 frames, then the writer checkpoints itself) bounds it in any case.
        #expect(largestWAL > 0)
        #expect(largestWAL <= (2 * 100 + 50) * Self.frameBytes)
        #expect(largestWAL < 1500 * Self.frameBytes / 2)
        // Checkpoints moved pages into the database file while it was open.
        #expect(size(dir.file("c.db")) > initialDB + 1000 * 3072)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM blob") } == 1500)
        // And the checkpointer flushed them itself, not leaving them to the writer's restarts.
        #expect(db.stats.databaseFlushes > 0)
    }

    /// A burst of writes far below the threshold, then nothing: the writer has the WAL
    /// checkpointed and restarted while idle, so the next write lands at its beginning.
    @Test func anIdleWriterHasTheWALCheckpointedAndRestarted() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir, "c.db") { $0.checkpointPages = 10_000 }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE blob (n INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        try fill(db, 200)
        let restartsBefore = db.stats.walRestarts
        let walAfterBurst = size(dir.file("c.db-wal"))
        #expect(walAfterBurst > 200 * 3072)
        // Idle for 200 ms, a pass, then the restart: give a loaded machine five seconds.
        let deadline = ContinuousClock.now + .seconds(5)
        while db.stats.walRestarts == restartsBefore, ContinuousClock.now < deadline { usleep(20_000) }
        #expect(db.stats.walRestarts == restartsBefore + 1)
        #expect(db.stats.databaseFlushes > 0)
        try db.write { try $0.run("INSERT INTO blob (n, data) VALUES (1000, zeroblob(3072))") }
        #expect(size(dir.file("c.db-wal")) == walAfterBurst)   // written from its start, not appended
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM blob") } == 201)
        // Idle again, with a WAL of one commit: restarted once more, and then left alone.
        let again = ContinuousClock.now + .seconds(5)
        while db.stats.walRestarts == restartsBefore + 1, ContinuousClock.now < again { usleep(20_000) }
        #expect(db.stats.walRestarts == restartsBefore + 2)
        usleep(500_000)
        #expect(db.stats.walRestarts == restartsBefore + 2)
    }

    /// Readers that overlap without a gap never leave a moment with nobody reading the WAL,
    /// which a PASSIVE checkpoint needs before the WAL can start again from its beginning
    /// (wal.html, "checkpoint starvation"); under steady reads and writes it grew by gigabytes.
    /// The writer holds new reads back for a moment instead, once the reads in flight end.
    @Test func theWALStaysBoundedUnderShortReadsThatNeverPause() throws {
        // Each read looks a row up by key and keeps its snapshot for a millisecond, as a page of
        // a list does while it is encoded: the tail restarts hold reads back for that long.
        try expectBoundedWAL(readHoldMicroseconds: 1000)
    }

    /// Reads of 100 ms each (a name-sorted search), four of them staggered, are never all
    /// over within the 50 ms the tail restart waits, and one has always lasted longer than
    /// that: at the hard limit the writer waits for them (up to a second) all the same.
    @Test func theWALStaysBoundedUnderSlowReadsThatNeverPause() throws {
        try expectBoundedWAL(readHoldMicroseconds: 100_000)
    }

    /// 1,500 commits while four readers (started 1/4 of a read apart) read back to back, each
    /// keeping its snapshot for `readHoldMicroseconds`: the WAL stays within the hard limit.
    private func expectBoundedWAL(readHoldMicroseconds: UInt32) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir, "c.db") {
            $0.checkpointPages = 100
            $0.readers = 4
        }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE blob (n INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        let writing = Atomic<Bool>(true)
        let reads = Atomic<Int>(0)
        let filled = TestBox(0)
        let fillError = TestBox<String?>(nil)
        onThreads(5) { thread in
            if thread == 0 {
                defer { writing.store(false, ordering: .releasing) }
                do {
                    try fill(db, 1500) { filled.update { $0 = max($0, size(dir.file("c.db-wal"))) } }
                } catch {
                    fillError.set("\(error)")
                }
                return
            }
            usleep(readHoldMicroseconds / 4 * UInt32(thread - 1))
            while writing.load(ordering: .acquiring) {
                _ = try? db.read { connection in
                    let last = try connection.scalarInt("SELECT max(n) FROM blob")
                    usleep(readHoldMicroseconds)
                    return last
                }
                reads.add(1, ordering: .relaxed)
            }
        }
        #expect(fillError.get() == nil)
        #expect(reads.load(ordering: .relaxed) > 4)
        // Over 1500 commits of 4 KiB pages and more, the WAL stays within the hard limit.
        #expect(filled.get() > 0)
        #expect(filled.get() <= (2 * 100 + 50) * Self.frameBytes)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM blob") } == 1500)
    }

    /// At the hard limit the WAL is restarted, not truncated: truncating it cost every write
    /// 100 ms. A WAL that outgrew twice the hard limit while a read kept it from restarting is
    /// cut back to that size at the first commit after its restart (`journal_size_limit`).
    @Test func aWALThatOutgrewTwiceTheHardLimitIsCutBackAfterItsRestart() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir, "c.db") {
            $0.checkpointPages = 20
            $0.readers = 1
        }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE blob (n INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        let limit = 32 + 2 * 40 * Self.frameBytes
        let wal = dir.file("c.db-wal")
        let released = Atomic<Bool>(false)
        let largestWhileHeld = TestBox(0)
        let failure = TestBox<String?>(nil)
        onThreads(2) { thread in
            if thread == 0 {
                // One read keeps its snapshot until the WAL has outgrown the limit.
                _ = try? db.read { connection in
                    let rows = try connection.scalarInt("SELECT count(*) FROM blob")
                    let deadline = ContinuousClock.now + .seconds(30)
                    while size(wal) <= limit, ContinuousClock.now < deadline { usleep(1000) }
                    return rows
                }
                largestWhileHeld.set(size(wal))
                released.store(true, ordering: .releasing)
                return
            }
            do {
                var n = 0
                while !released.load(ordering: .acquiring) {
                    try db.write { try $0.run("INSERT INTO blob (n, data) VALUES (?, zeroblob(3072))", [.integer(Int64(n))]) }
                    n += 1
                }
                // Writes go on until the WAL has restarted, then one more: the commit that cuts it.
                let restarts = db.stats.walRestarts
                let deadline = ContinuousClock.now + .seconds(30)
                while db.stats.walRestarts == restarts, ContinuousClock.now < deadline {
                    try db.write { try $0.run("INSERT INTO blob (n, data) VALUES (?, zeroblob(3072))", [.integer(Int64(n))]) }
                    n += 1
                }
                try db.write { try $0.run("INSERT INTO blob (n, data) VALUES (?, zeroblob(3072))", [.integer(Int64(n))]) }
            } catch {
                failure.set("\(error)")
            }
        }
        #expect(failure.get() == nil)
        #expect(largestWhileHeld.get() > limit)
        #expect(size(wal) <= limit)
        #expect(size(wal) > 0)
        #expect(try db.read { try $0.first("PRAGMA integrity_check") { $0.string(0) } } == "ok")
    }

    /// Through a symbolic link to the database file, SQLite puts the WAL and its index beside
    /// the file itself, not beside the link: the WAL is flushed before each answer (by the link's
    /// name the syncer found no WAL and flushed nothing), and background passes copy it (by the
    /// link's name they found no index and made none).
    @Test func aDatabaseOpenedThroughASymbolicLinkFlushesAndCheckpointsItsWAL() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("volume"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("c.db"), withDestinationPath: dir.file("volume/c.db"))
        let db = try makeDatabase(dir, "c.db") { $0.checkpointPages = 100 }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE blob (n INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        try fill(db, 300)
        #expect(FileManager.default.fileExists(atPath: dir.file("volume/c.db-wal")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("c.db-wal")))
        #expect(db.stats.walFlushes > 0)
        #expect(db.stats.databaseFlushes > 0)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM blob") } == 300)
    }

    /// What is on disk when `write` returns (database file and WAL, mid-checkpoints,
    /// no clean close) is what a restart after a crash finds: everything committed.
    @Test func everyCommittedRowSurvivesACrashBetweenCheckpoints() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir, "c.db") { $0.checkpointPages = 64 }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE blob (n INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        try fill(db, 700)
        // Copy the WAL first: a checkpoint in between may move frames into the database
        // file, which holds their content then too; the reverse order could miss frames.
        let crash = dir.file("crash")
        try FileManager.default.createDirectory(atPath: crash, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir.file("c.db-wal"), toPath: crash + "/c.db-wal")
        try FileManager.default.copyItem(atPath: dir.file("c.db"), toPath: crash + "/c.db")
        let conn = try Connection(path: crash + "/c.db")
        #expect(try conn.scalarInt("SELECT count(*) FROM blob") == 700)
        #expect(try conn.first("PRAGMA integrity_check") { $0.string(0) } == "ok")
    }

    /// With 0 pages (the command-line tools' setting) nothing checkpoints while the database is
    /// open, not even SQLite at 1000 frames: the WAL holds every commit, and the database file
    /// gets them when the last connection closes.
    @Test func withCheckpointPagesZeroNothingCheckpointsUntilTheLastClose() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir, "c.db") { $0.checkpointPages = 0 }
        try db.exclusive { try $0.execute("CREATE TABLE blob (n INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        let initialDB = size(dir.file("c.db"))
        try fill(db, 1500)
        #expect(size(dir.file("c.db-wal")) >= 1500 * Self.frameBytes)
        #expect(size(dir.file("c.db")) == initialDB)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM blob") } == 1500)
        db.close()
        #expect(size(dir.file("c.db")) > initialDB + 1500 * 3072)
        #expect(!FileManager.default.fileExists(atPath: dir.file("c.db-wal")))
        let reopened = try Connection(path: dir.file("c.db"))
        defer { reopened.close() }
        #expect(try reopened.scalarInt("SELECT count(*) FROM blob") == 1500)
    }

    /// A database closed while another connection still has the file open (a tool beside a
    /// server) makes no checkpoint: its commits stay in the WAL, where the other connection
    /// reads them, and the last to close copies them.
    @Test func closingBesideAnotherConnectionLeavesTheWALToIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir, "c.db") { $0.checkpointPages = 0 }
        try db.exclusive { try $0.execute("CREATE TABLE blob (n INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        let other = try Connection(path: dir.file("c.db"))
        #expect(try other.scalarInt("SELECT count(*) FROM blob") == 0)
        let initialDB = size(dir.file("c.db"))
        try fill(db, 20)
        db.close()
        #expect(size(dir.file("c.db")) == initialDB)
        #expect(size(dir.file("c.db-wal")) >= 20 * Self.frameBytes)
        #expect(try other.scalarInt("SELECT count(*) FROM blob") == 20)
        other.close()
        #expect(size(dir.file("c.db")) > initialDB + 20 * 3072)
        #expect(!FileManager.default.fileExists(atPath: dir.file("c.db-wal")))
    }
}
