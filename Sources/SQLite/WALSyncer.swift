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
/// WAL itself, once, and flushes the directory then, so a newly created WAL's name is
/// durable too.
///
/// The first flush that fails is the last one tried (`failure`): its callers and every
/// later one get `WriteOutcomeUnknown`, and the writer is told to refuse all writes.
///
/// `@unchecked Sendable`: `descriptor`, `file` and `failure` are touched only on this
/// object's thread (and by `stop` after joining it); `onFailure` is set before `start`;
/// the queue lives in the `Monitor`.
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
    /// Device and inode of the WAL `descriptor` has open.
    private var file: (device: dev_t, inode: ino_t)?
    /// Why the WAL could not be made durable, once that happened. Every later flush reports
    /// it without trying: after a failed fdatasync Linux may have dropped the pages it could
    /// not write and marked them clean, so a later call that succeeds proves nothing about
    /// them (PostgreSQL's "fsyncgate", 2018); and later commits chain their frames' checksums
    /// onto frames that may be gone, so recovery would stop at the hole and drop them too.
    private var failure: SQLiteError?
    /// Called once, on this thread, when flushing first fails, before any caller is told:
    /// the writer then refuses every later write. Set before `start`.
    var onFailure: (@Sendable (SQLiteError) -> Void)?
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

    /// fdatasync of the WAL; the error the callers get if it fails, or failed before.
    ///
    /// A failed flush leaves the batch committed (readers may already see it) but of unknown
    /// durability: its callers are told exactly that (`WriteOutcomeUnknown`), never a 2xx for
    /// a write that may not survive, nor "nothing was written" for one that may have been.
    private func flush() -> (any Error)? {
        if failure == nil {
            do throws(SQLiteError) {
                try openWAL()
                while fdatasync(descriptor) != 0 {
                    guard errno == EINTR else { throw Self.systemError("fdatasync", walPath) }
                }
                flushes.add(1, ordering: .relaxed)
                return nil
            } catch {
                failure = error
                onFailure?(error)
            }
        }
        return failure.map(WriteOutcomeUnknown.init(cause:))
    }

    /// Opens the WAL the first time; later, checks the name still leads to the file open. SQLite
    /// keeps its WAL at one inode while the database is open (a restart reuses it, the size
    /// limit truncates it), so another file at the name, or none, was put there by someone
    /// else, and the commits just made went to the file it replaced: flushing the new one
    /// would answer them as durable when nothing reachable holds them.
    ///
    /// A WAL missing at the first flush is an error too, not "nothing to flush": SQLite creates
    /// it when it opens the database in WAL mode, so a commit with no WAL at this name means the
    /// name is wrong (as it was through a symbolic link) or the file was deleted.
    private func openWAL() throws(SQLiteError) {
        var named = stat()
        guard stat(walPath, &named) == 0 else { throw Self.systemError("stat", walPath) }
        if let file {
            guard named.st_dev == file.device, named.st_ino == file.inode else {
                throw SQLiteError(extendedCode: SQLITE_IOERR, message: "\(walPath) was replaced by another file while the "
                    + "database was open; the commits written to the one it replaced cannot be made durable")
            }
            return
        }
        descriptor = open(walPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.systemError("open", walPath) }
        var opened = stat()
        guard fstat(descriptor, &opened) == 0 else { throw Self.systemError("fstat", walPath) }
        file = (opened.st_dev, opened.st_ino)
        // The WAL may be new: its directory entry must reach the disk as well.
        try FileSystem.syncDirectory(directoryPath)
    }

    private static func systemError(_ call: String, _ path: String) -> SQLiteError {
        SQLiteError(extendedCode: SQLITE_IOERR,
                    message: "\(call) \(path) failed: " + String(cString: strerror(errno)))
    }
}
