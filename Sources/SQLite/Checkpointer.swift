import CLinux
import CSQLite
import Synchronization
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
/// After each pass this thread also flushes the database file (`flushDatabase`). SQLite
/// syncs the database only in a checkpoint that copies the WAL to its very end (wal.c,
/// `walCheckpoint`), and a pass that frames arrived during never does: so the writer's
/// tail copy, which always reaches the end, used to flush every page all the passes since
/// its last restart had written. Pages of an index written in random order cost the disk
/// about 30 µs each to flush (`fdatasync` after 500 random 4 KiB pages took 15 ms on the
/// 2-core VM, after 500 consecutive ones 0.6 ms), and the writer sat in that flush for
/// 13–18 ms a dozen times a second under POST load.
///
/// That flush writes the pages back and waits for them (`sync_file_range`), without the
/// device cache flush and journal commit of `fdatasync`: those are what SQLite's own sync
/// does before the WAL restarts, and done here after every pass they held up the WAL
/// syncer's `fdatasync`, on which every write's answer waits, by 4–28 ms at a time. POST at
/// 256 connections, alternating seven pairs of runs: p99 52.6–67.9 ms against 54.7–127.7.
///
/// A pass never starts on a WAL whose every frame is already copied. With SQLite before
/// 3.51.3 (`WALResetBug`), that is the one moment a pass could race the writer's next
/// commit, which then starts the WAL again from its beginning without any checkpoint lock
/// (wal.c, `walRestartLog`): the pass, working from the header it read just before, may
/// record the new WAL's frames as copied, and a later pass then skips them. Nothing else
/// copies frames while a pass runs (the writer checkpoints only between batches, once no
/// pass runs), so a WAL with frames left to copy when a pass starts keeps them until that
/// pass's last store, and no commit can restart it meanwhile. The writer can ask for a pass
/// on a WAL its own checkpoint just copied (a restart outlasted by readers of the newest
/// data, whose snapshots let that checkpoint copy every frame); the pass reads the WAL index
/// first (`WALIndexFile`) and, finding nothing to copy, reports that instead of checkpointing.
///
/// `@unchecked Sendable`: the connection, `databaseFile` and `walIndex` are used only on this
/// object's thread (and closed by `stop` after joining it); `requested`, `report` and `closed`
/// live in the `Monitor`.
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
    private let databasePath: String
    private let state = Monitor(State())
    /// The database file, opened by this thread for `flushDatabase`; -1 until then.
    private var databaseFile: Int32 = -1
    /// Completed flushes of the database file after passes.
    let databaseFlushes = Atomic<Int>(0)
    /// Passes not made because the WAL index showed every frame copied (see the type).
    let skippedPasses = Atomic<Int>(0)
    /// Whether a pass reads the WAL index first: only where SQLite has the WAL-reset bug.
    private let checksForCopiedWAL: Bool
    private let walIndex: WALIndexFile

    /// `databasePath`: the file `connection` has open, flushed after each pass, as SQLite names
    /// it (`Connection.mainFilename`: through a symbolic link, the `-shm` is beside the file).
    /// `checksForCopiedWAL`: whether each pass first makes sure frames are left to copy
    /// (see the type); by default where the SQLite linked has the WAL-reset bug.
    init(connection: Connection, databasePath: String,
         checksForCopiedWAL: Bool = !WALResetBug.isFixed(inVersion: sqlite3_libversion_number())) {
        self.connection = connection
        self.databasePath = databasePath
        self.checksForCopiedWAL = checksForCopiedWAL
        walIndex = WALIndexFile(databasePath: databasePath)
    }

    /// Readies a connection for checkpoints. A checkpoint copies WAL frames to the file
    /// directly, not through the page cache, so the cache is small. And the connection reads
    /// the database once: until it has, SQLite has not opened the WAL for it, and its first
    /// checkpoint does nothing (`sqlite3_wal_checkpoint_v2` reports -1 frames).
    static func prepare(_ connection: Connection) throws {
        try connection.execute("PRAGMA cache_size = -256")
        _ = try connection.scalarInt("SELECT count(*) FROM sqlite_schema")
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

    /// Closes the descriptor it flushes the database file through. Only after every connection of
    /// the process to the file has closed: closing any descriptor of a file drops the process's
    /// POSIX locks on it, SQLite's included.
    func releaseFile() {
        if databaseFile >= 0 {
            close(databaseFile)
            databaseFile = -1
        }
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
    ///
    /// Where the WAL-reset bug is, the WAL index is read first: a WAL with nothing left to copy
    /// gets no pass (the report says so), and one whose index cannot be read gets none either
    /// (nil: the writer asks again, and restarts the WAL itself at the hard limit).
    private func pass(generation: Int) -> Report? {
        guard let db = connection.handle else { return nil }
        if checksForCopiedWAL {
            guard let index = walIndex.read() else { return nil }
            if index.isFullyCopied {
                skippedPasses.add(1, ordering: .relaxed)
                return Report(generation: generation, logFrames: Int(index.frames), copiedFrames: Int(index.copied))
            }
        }
        var log: Int32 = 0
        var copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
        guard rc == SQLITE_OK, log >= 0 else { return nil }
        if copied > 0 { flushDatabase() }
        return Report(generation: generation, logFrames: Int(log), copiedFrames: Int(copied))
    }

    /// Writes the pages the pass wrote into the database file back to the device, here rather
    /// than in the writer's next restart of the WAL (see the type). Nothing depends on this for
    /// durability: SQLite still syncs the file itself (in the pass, of this thread or the
    /// writer's, that copies the WAL to its end, before the WAL may start again), and that sync
    /// is the one that reports a failure. So a failure here is left to it. Write-back acts on
    /// the file's pages, whichever descriptor wrote them (as `fdatasync` in `WALSyncer`). A pass
    /// that copied nothing new (`copied` counts every frame copied since the WAL started)
    /// costs a system call that finds nothing to write.
    private func flushDatabase() {
        if databaseFile < 0 {
            databaseFile = open(databasePath, O_RDONLY | O_CLOEXEC)
            guard databaseFile >= 0 else { return }
        }
        while clinux_write_back(databaseFile) != 0 {
            guard errno == EINTR else { return }
        }
        databaseFlushes.add(1, ordering: .relaxed)
    }
}
