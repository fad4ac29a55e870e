import Foundation
import Synchronization
import Testing
@testable import SQLite

/// The WAL syncer answers a write only once a flush made it durable, and after the first flush
/// that fails it answers no write as durable again.
@Suite struct WALSyncerTests {
    /// One committed batch of one job through `syncer`; its outcome once the flush is done.
    func flushOneJob(_ syncer: WALSyncer) -> (any Error)? {
        let job = WriteJob(mode: .batched) { _ in true }
        syncer.enqueue([job])
        job.wait()
        return job.failure
    }

    /// A commit whose WAL is not at the name the syncer flushes (deleted, or named through a
    /// symbolic link SQLite resolved) was made durable by nothing: its caller gets an error,
    /// never the answer of a durable write.
    @Test func aMissingWALFailsTheWritesWaitingForItsFlush() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let syncer = WALSyncer(databasePath: dir.file("missing.db"))
        try syncer.start()
        defer { syncer.stop() }
        let failure = try #require(flushOneJob(syncer) as? WriteOutcomeUnknown)
        #expect(failure.cause.message.contains("missing.db-wal"))
    }

    /// fdatasync(2) of a character device fails (EINVAL), so a WAL name that leads to /dev/null
    /// is a disk reporting a write-back error, from the kernel itself. The batch is told its
    /// outcome is unknown, and so is every later one, even once a flush would succeed: after a
    /// failed fdatasync the kernel may have dropped the pages it could not write, and a later
    /// success says nothing about them ("fsyncgate"). The writer is told once, before any caller.
    @Test func aFailedFlushFailsItsBatchAndEveryLaterOne() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("broken.db")
        #expect(symlink("/dev/null", path + "-wal") == 0)
        let syncer = WALSyncer(databasePath: path)
        let told = Mutex<[String]>([])
        syncer.onFailure = { error in told.withLock { $0.append(error.message) } }
        try syncer.start()
        defer { syncer.stop() }

        let unknown = try #require(flushOneJob(syncer) as? WriteOutcomeUnknown)
        #expect(unknown.cause.message.contains("fdatasync"), "\(unknown)")
        #expect(told.withLock { $0.count } == 1)

        #expect(unlink(path + "-wal") == 0)
        #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data([1, 2, 3])))
        #expect(flushOneJob(syncer) is WriteOutcomeUnknown)
        #expect(told.withLock { $0.count } == 1)
        #expect(syncer.flushes.load(ordering: .relaxed) == 0)
    }

    /// SQLite keeps its WAL at one inode while the database is open, so another file at the name
    /// was put there by someone else, after the commits just made went to the one it replaced.
    /// Flushing the newcomer would answer them as durable; the syncer fails them instead.
    @Test func aWALReplacedBehindTheDatabaseFailsTheNextFlush() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("replaced.db")
        #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data([1])))
        let syncer = WALSyncer(databasePath: path)
        try syncer.start()
        defer { syncer.stop() }
        #expect(flushOneJob(syncer) == nil)

        #expect(FileManager.default.createFile(atPath: dir.file("other"), contents: Data([2])))
        #expect(rename(dir.file("other"), path + "-wal") == 0)
        let unknown = try #require(flushOneJob(syncer) as? WriteOutcomeUnknown)
        #expect(unknown.cause.message.contains("was replaced"), "\(unknown)")
        #expect(syncer.flushes.load(ordering: .relaxed) == 1)
    }

    /// The writer refuses every write from the failed flush on, and says why for readiness: the
    /// write whose flush failed is committed of unknown durability, the next is never started.
    @Test func aFailedFlushStopsTheWriter() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let connection = try Connection(path: dir.file("real.db"))
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("CREATE TABLE t (x INTEGER)")
        // The syncer flushes a WAL name leading to /dev/null, whose fdatasync fails.
        let broken = dir.file("broken.db")
        #expect(symlink("/dev/null", broken + "-wal") == 0)
        let syncer = WALSyncer(databasePath: broken)
        let writer = Writer(connection: connection, maxBatch: 8, checkpointer: nil,
                            policy: CheckpointPolicy(threshold: 0, tail: 64, hardLimit: 0), syncer: syncer)
        try syncer.start()
        try writer.start()
        defer {
            writer.stop()
            connection.close()
        }

        let insert = WriteJob(mode: .batched) { db in (try? db.execute("INSERT INTO t VALUES (1)")) != nil }
        try writer.submit(insert)
        insert.wait()
        #expect(insert.failure is WriteOutcomeUnknown)
        #expect(writer.storageProblem?.contains("could not be made durable") == true, "\(writer.storageProblem ?? "none")")
        let refused = WriteJob(mode: .batched) { db in (try? db.execute("INSERT INTO t VALUES (2)")) != nil }
        #expect(throws: SQLiteError.self) { try writer.submit(refused) }
        #expect(try connection.scalarInt("SELECT count(*) FROM t") == 1)
    }
}
