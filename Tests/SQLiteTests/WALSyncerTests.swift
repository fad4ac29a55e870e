import Testing
@testable import SQLite

/// The WAL syncer never takes a missing WAL for "nothing to flush".
@Suite struct WALSyncerTests {
    /// A commit whose WAL is not at the name the syncer flushes (deleted, or named through a
    /// symbolic link SQLite resolved) was made durable by nothing: its caller gets an error,
    /// never the answer of a durable write.
    @Test func aMissingWALFailsTheWritesWaitingForItsFlush() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let syncer = WALSyncer(databasePath: dir.file("missing.db"))
        try syncer.start()
        defer { syncer.stop() }
        let job = WriteJob(mode: .batched) { _ in true }
        syncer.enqueue([job])
        job.wait()
        let failure = try #require(job.failure as? SQLiteError)
        #expect(failure.message.contains("missing.db-wal"))
    }
}
