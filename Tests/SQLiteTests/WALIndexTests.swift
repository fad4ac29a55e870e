import CSQLite
import Foundation
import Synchronization
import Testing
@testable import SQLite

/// The WAL index as `WALIndexFile` reads it, and the `Checkpointer`'s use of it to stay out of
/// SQLite's WAL-reset bug.
@Suite struct WALIndexTests {
    /// A connection in WAL mode on a fresh file, with SQLite's own checkpoints off.
    private func open(_ dir: TempDir) throws -> Connection {
        let connection = try Connection(path: dir.file("w.db"))
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA wal_autocheckpoint = 0")
        try connection.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        return connection
    }

    private func insert(_ connection: Connection, _ count: Int) throws {
        for _ in 0..<count { try connection.run("INSERT INTO t (data) VALUES (zeroblob(3000))") }
    }

    /// A PASSIVE checkpoint on `connection`: frames in the WAL and frames copied, as SQLite reports them.
    private func checkpoint(_ connection: Connection) throws -> WALIndexState {
        var log: Int32 = 0
        var copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
        #expect(rc == SQLITE_OK)
        return WALIndexState(frames: try #require(UInt32(exactly: log)), copied: try #require(UInt32(exactly: copied)))
    }

    @Test func theIndexSaysWhatACheckpointReports() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let writer = try open(dir)
        defer { writer.close() }
        try insert(writer, 20)
        let index = WALIndexFile(databasePath: dir.file("w.db"))
        let written = try #require(index.read())
        #expect(written.frames > 20)
        #expect(written.copied == 0)
        #expect(!written.isFullyCopied)

        // A read holding its snapshot keeps the frames after it from being copied.
        let reader = try Connection(path: dir.file("w.db"), readOnly: true)
        defer { reader.close() }
        try reader.execute("BEGIN")
        #expect(try reader.scalarInt("SELECT count(*) FROM t") == 20)
        try insert(writer, 10)
        let partly = try checkpoint(writer)
        #expect(partly.copied == written.frames)
        #expect(try #require(index.read()) == partly)
        #expect(!partly.isFullyCopied)

        try reader.execute("COMMIT")
        let fully = try checkpoint(writer)
        #expect(fully.copied == fully.frames)
        #expect(try #require(index.read()) == fully)
        #expect(fully.isFullyCopied)

        // Every frame copied and no reader: the next commit starts the WAL again from its
        // beginning, with no checkpoint (the restart the WAL-reset bug races).
        try insert(writer, 1)
        let restarted = try #require(index.read())
        #expect(restarted.copied == 0)
        #expect(restarted.frames > 0 && restarted.frames < fully.frames)
    }

    @Test func aDatabaseWithoutAnIndexHasNoState() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let index = WALIndexFile(databasePath: dir.file("none.db"))
        #expect(index.read() == nil)
    }

    /// Another layout, a header never written, or two header copies that differ (a writer
    /// between its two stores) give no state rather than a wrong one.
    @Test func onlyAConsistentIndexOfTheKnownLayoutIsRead() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let writer = try open(dir)
        defer { writer.close() }
        try insert(writer, 5)
        let data = try #require(FileManager.default.contents(atPath: dir.file("w.db-shm")))
        let bytes = [UInt8](data.prefix(WALIndexFile.bytesRead))
        let state = try #require(WALIndexFile.parse(bytes))
        #expect(state.frames > 5)

        var otherVersion = bytes
        otherVersion[0] ^= 1
        otherVersion[48] ^= 1
        #expect(WALIndexFile.parse(otherVersion) == nil)
        var neverWritten = bytes
        neverWritten[12] = 0
        neverWritten[48 + 12] = 0
        #expect(WALIndexFile.parse(neverWritten) == nil)
        var torn = bytes
        torn[48 + 16] &+= 1   // the second copy's mxFrame
        #expect(WALIndexFile.parse(torn) == nil)
        #expect(WALIndexFile.parse(Array(bytes.prefix(100))) == nil)
    }

    @Test(arguments: [
        (3_040_001, false), (3_044_005, false), (3_044_006, true), (3_045_000, false),
        (3_050_006, false), (3_050_007, true), (3_051_002, false), (3_051_003, true), (3_053_000, true),
    ])
    func whichSQLiteHasTheWALResetFix(version: Int32, fixed: Bool) {
        #expect(WALResetBug.isFixed(inVersion: version) == fixed)
    }

    /// The background pass copies a WAL with frames left; asked again once every frame is
    /// copied (as the writer does after its own checkpoint copied them, when readers outlasted
    /// its restart), it reads that from the index and makes no pass, so it cannot race the
    /// restart the writer's next commit makes.
    @Test func noPassStartsOnAWALWithEveryFrameCopied() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let writer = try open(dir)
        defer { writer.close() }
        try insert(writer, 20)
        let connection = try Connection(path: dir.file("w.db"))
        try Checkpointer.prepare(connection)
        let checkpointer = Checkpointer(connection: connection, databasePath: dir.file("w.db"), checksForCopiedWAL: true)
        try checkpointer.start()
        defer {
            checkpointer.stop()
            checkpointer.releaseFile()
        }
        checkpointer.request(generation: 0)
        checkpointer.waitUntilIdle()
        let copied = try #require(checkpointer.status.report)
        #expect(copied.logFrames > 20)
        #expect(copied.copiedFrames == copied.logFrames)
        #expect(checkpointer.skippedPasses.load(ordering: .relaxed) == 0)
        #expect(checkpointer.databaseFlushes.load(ordering: .relaxed) == 1)

        checkpointer.request(generation: 0)
        checkpointer.waitUntilIdle()
        #expect(checkpointer.status.report == copied)
        #expect(checkpointer.skippedPasses.load(ordering: .relaxed) == 1)
        #expect(checkpointer.databaseFlushes.load(ordering: .relaxed) == 1)

        // The next commit restarted the WAL; its frames are copied by a pass as before.
        try insert(writer, 3)
        checkpointer.request(generation: 1)
        checkpointer.waitUntilIdle()
        let next = try #require(checkpointer.status.report)
        #expect(next.generation == 1)
        #expect(next.copiedFrames == next.logFrames)
        #expect(next.logFrames > 0 && next.logFrames < copied.logFrames)
        #expect(checkpointer.skippedPasses.load(ordering: .relaxed) == 1)
        #expect(checkpointer.databaseFlushes.load(ordering: .relaxed) == 2)
    }
}
