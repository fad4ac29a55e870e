import CSQLite
import Synchronization
import Threads
#if canImport(Glibc)
import Glibc
#endif

/// Makes committed batches durable on its own thread, so the writer runs the next
/// batch while the disk flushes the last one.
///
/// With `synchronous = FULL`, SQLite calls fdatasync on the WAL inside every COMMIT, and
/// the writer thread sat idle for the flush (about a third of its time under load) while
/// the next batch's callers queued. Instead the writer connection's commit sync only
/// writes the frames out (`WALGatheringVFS`; the WAL is still synced for real before every
/// checkpoint) and the writer hands each committed batch here; this thread fdatasyncs the
/// WAL and only then wakes the batch's callers. So a write is still answered only once it
/// would survive a power loss — what `FULL` promises — and one flush often covers several
/// batches.
///
/// The one difference from `FULL`: another connection may read a batch before its flush
/// is done. Only a power loss or OS crash in that window could then undo something a
/// reader saw; a killed process loses nothing (the frames are in the OS's page cache).
///
/// fdatasync acts on the file, whichever descriptor wrote it, so this thread opens the
/// WAL itself. It reopens the file if it was replaced, and flushes the directory when it
/// opens it, so a newly created WAL's name is durable too.
///
/// `@unchecked Sendable`: `descriptor` and `inode` are touched only on this object's
/// thread (and by `stop` after joining it); the queue lives in the `Monitor`.
final class WALSyncer: @unchecked Sendable {
    private struct Queue: ServedUntilClosed {
        var jobs: [WriteJob] = []
        var closed = false
        var thread: OSThread?
    }

    private let walPath: String
    private let directoryPath: String
    private let queue = Monitor(Queue())
    private var descriptor: Int32 = -1
    private var inode: ino_t = 0
    /// Completed fdatasync calls.
    let flushes = Atomic<Int>(0)

    /// `databasePath` is the main database file; its WAL is `databasePath + "-wal"`.
    init(databasePath: String) {
        walPath = databasePath + "-wal"
        directoryPath = FileSystem.parentDirectory(of: databasePath)
    }

    func start() throws {
        queue.started(try PThread.spawn("WAL sync", name: "sqlite-walsync") { self.run() })
    }

    /// Writer side: these jobs are committed; wake their callers once the WAL is flushed.
    /// After `stop` (never in practice: the writer is joined first) they are flushed inline.
    func enqueue(_ jobs: [WriteJob]) {
        let accepted = queue.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.jobs.append(contentsOf: jobs)
            return true
        }
        if accepted {
            queue.signal()
        } else {
            // The thread is joined, so this caller is the only one touching the descriptor.
            let error = flush()
            closeWAL()
            WriteJob.finish(jobs, error)
        }
    }

    /// Flushes what is queued, wakes those callers, and joins the thread.
    func stop() {
        queue.closeAndJoin()
        closeWAL()
    }

    private func closeWAL() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
    }

    private func run() {
        while let jobs = nextJobs() {
            let error = flush()
            WriteJob.finish(jobs, error)
        }
    }

    /// Everything queued so far (one flush covers it all); nil once closed and drained.
    private func nextJobs() -> [WriteJob]? {
        queue.wait(until: { !$0.jobs.isEmpty || $0.closed }) { state in
            guard !state.jobs.isEmpty else { return nil }
            defer { state.jobs = [] }
            return state.jobs
        }
    }

    /// fdatasync of the WAL; the error the callers get if it fails.
    ///
    /// A failed flush leaves the batch committed but of unknown durability: its callers get
    /// an error (never a 2xx for a write that may not survive), and a client retrying with
    /// the same idempotency key is answered from what did commit.
    private func flush() -> (any Error)? {
        do {
            try openWAL()
            while fdatasync(descriptor) != 0 {
                guard errno == EINTR else { throw Self.systemError("fdatasync", walPath) }
            }
            flushes.add(1, ordering: .relaxed)
            return nil
        } catch {
            return error
        }
    }

    /// Opens the WAL if it is not open yet or was replaced by a new file (same path, new
    /// inode). A WAL missing is an error, not "nothing to flush": SQLite creates it when it
    /// opens the database in WAL mode and keeps it until the last connection closes, so a
    /// commit with no WAL at this name means the name is wrong (as it was through a symbolic
    /// link) or the file was deleted, and either way nothing here made the commit durable.
    private func openWAL() throws {
        var current = stat()
        guard stat(walPath, &current) == 0 else { throw Self.systemError("stat", walPath) }
        if descriptor >= 0, current.st_ino == inode { return }
        if descriptor >= 0 { close(descriptor) }
        descriptor = open(walPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.systemError("open", walPath) }
        inode = current.st_ino
        // The WAL may be new: its directory entry must reach the disk as well.
        try FileSystem.syncDirectory(directoryPath)
    }

    private static func systemError(_ call: String, _ path: String) -> SQLiteError {
        SQLiteError(extendedCode: SQLITE_IOERR,
                    message: "\(call) \(path) failed: " + String(cString: strerror(errno)))
    }
}
