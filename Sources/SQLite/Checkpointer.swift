import CSQLite
import Threads
#if canImport(Glibc)
import Glibc
#endif

/// Copies WAL frames back into the database file on its own thread and connection, so
/// the writer (and every caller waiting on its group commit) stops stalling on checkpoints.
///
/// SQLite's default runs a checkpoint inside COMMIT on the writing connection whenever the
/// WAL holds 1000 pages: reading them back, writing them to the database and fsyncing it
/// held up the writer for milliseconds every few batches. Instead the writer turns that
/// off (its WAL hook only records the WAL's length) and, between batches, asks this thread
/// for a PASSIVE checkpoint once the WAL is past `threshold` pages; a passive checkpoint
/// never blocks the writer (wal.html#ckpt, c3ref/wal_checkpoint_v2.html).
///
/// Only the writer can start the WAL again from its beginning, and frames keep arriving
/// while this thread copies. So once a pass reports that just a short tail is left, the
/// writer copies that tail itself between batches and restarts the WAL (`Writer.maintainWAL`);
/// at `hardLimit` it does so whatever this thread managed, which bounds the WAL.
///
/// `@unchecked Sendable`: the connection is used only on this object's thread (and closed
/// by `stop` after joining it); `requested`, `report` and `closed` live in the `Monitor`.
final class Checkpointer: @unchecked Sendable {
    /// What the last pass found: frames in the WAL and frames copied, in the WAL
    /// "generation" (restart count as the writer counts them) it was asked about.
    struct Report: Equatable {
        let generation: Int
        let logFrames: Int
        let copiedFrames: Int
    }

    private struct State: ServedUntilClosed {
        var requested: Int?
        var running = false
        var report: Report?
        var closed = false
        var thread: OSThread?
    }

    private let connection: Connection
    private let state = Monitor(State())

    init(connection: Connection) {
        self.connection = connection
    }

    func start() throws {
        state.started(try PThread.spawn("checkpoint", name: "sqlite-ckpt") { self.run() })
    }

    /// Writer side: asks for a pass over WAL `generation`; a no-op while one is running.
    func request(generation: Int) {
        let wake = state.withLock { state -> Bool in
            guard !state.running, !state.closed else { return false }
            state.requested = generation
            return true
        }
        // Broadcast: the writer may be waiting on the same condition (`waitUntilIdle`).
        if wake { state.broadcast() }
    }

    /// Writer side: returns once no pass is running (a pass is one checkpoint call, so this
    /// waits at most for one), or the checkpointer is closed. The checkpoint lock a pass holds
    /// would make the writer's own checkpoint fail at once.
    func waitUntilIdle() {
        state.wait(until: { ($0.requested == nil && !$0.running) || $0.closed }) { _ in }
    }

    /// The last pass's findings, and whether a pass is running now.
    var status: (report: Report?, running: Bool) {
        state.withLock { ($0.report, $0.running || $0.requested != nil) }
    }

    /// Ends the thread (after the pass in progress) and closes the connection.
    func stop() {
        state.closeAndJoin()
        connection.close()
    }

    private func run() {
        while let generation = nextRequest() {
            let report = pass(generation: generation)
            state.withLock { state in
                state.running = false
                if let report { state.report = report }
            }
            state.broadcast()
        }
    }

    private func nextRequest() -> Int? {
        state.wait(until: { $0.closed || $0.requested != nil }) { state in
            guard !state.closed, let generation = state.requested else { return nil }
            state.requested = nil
            state.running = true
            return generation
        }
    }

    /// One PASSIVE checkpoint: copies every frame no reader still needs, without waiting for
    /// anyone. The writer asks again after its next batch if more is left, so a pass never
    /// keeps the checkpoint lock for longer than one copy.
    private func pass(generation: Int) -> Report? {
        guard let db = connection.handle else { return nil }
        var log: Int32 = 0
        var copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
        guard rc == SQLITE_OK, log >= 0 else { return nil }
        return Report(generation: generation, logFrames: Int(log), copiedFrames: Int(copied))
    }
}
