import CSQLite
import Synchronization
import Threads
#if canImport(Glibc)
import Glibc
#endif

/// The single writer: a dedicated thread that owns the write connection and runs
/// queued jobs one at a time, batching `write` jobs into group commits.
///
/// `@unchecked Sendable`: `connection` is used only on the writer thread while
/// it runs, and by `Database.close` after `stop()` has joined that thread
/// (joining the thread orders the two). The queue lives in a `Monitor`; counters are atomics.
final class Writer: @unchecked Sendable {
    private struct Queue: ServedUntilClosed {
        var jobs: [WriteJob] = []
        var closed = false
        /// The database's files went from under it (`DatabaseFiles`): every job is failed with this.
        var storageFailure: SQLiteError?
        /// From this instant no job starts (`refuseWrites(from:)`): a shutdown's drain deadline.
        var refuseFrom: ContinuousClock.Instant?
        var thread: OSThread?
    }

    let connection: Connection
    /// Present when commits must be durable before callers are woken (`synchronous = FULL`).
    let syncer: WALSyncer?
    private let queue = Monitor(Queue())
    private let maxBatch: Int
    /// pthread_self() of the writer thread, 0 before it starts: lets callers detect re-entry.
    private let threadID = Atomic<UInt>(0)
    /// Successful group COMMITs.
    let commits = Atomic<Int>(0)
    /// Moves after every COMMIT and every exclusive job, before their callers are woken:
    /// a value read before a read transaction begins is stale once anything was written since.
    let generation = Atomic<Int>(0)
    /// `write` jobs run.
    let jobsRun = Atomic<Int>(0)
    /// Batches run a SAVEPOINT per job (Writer+GroupCommit): after a job of theirs failed, or
    /// one of the batch before.
    let isolatedBatches = Atomic<Int>(0)
    /// Restarts of the WAL from its beginning (after a background pass, at the hard limit, when idle).
    let walRestarts = Atomic<Int>(0)
    /// `refuseWrites(from:)` was called.
    private let stopInstantSet = Atomic<Bool>(false)

    /// Group commit runs each job in a SAVEPOINT of its own, because a recent batch had a
    /// failing job (Writer+GroupCommit), writer thread only.
    var isolatesJobs = false

    // WAL upkeep (Writer+Checkpoint), writer thread only.
    let checkpointer: Checkpointer?
    let checkpointPolicy: CheckpointPolicy
    /// Frames in the WAL after the last commit, as the WAL hook reported.
    var walFrames = 0
    /// Counts WAL restarts (seen as the frame count dropping), so a checkpoint report
    /// about an earlier WAL is never taken for one about the current one.
    var walGeneration = 0
    /// The writer's restarts of the WAL after a background pass, at the hard limit, and when idle.
    var restartAfterPass: WALRestart
    var restartAtHardLimit: WALRestart
    var restartWhenIdle: WALRestart
    /// The pool's readers, held back for the instant the WAL restarts.
    let readers: ReaderPool?

    /// Watched before every COMMIT; nil for an in-memory database.
    let files: DatabaseFiles?

    init(connection: Connection, maxBatch: Int, checkpointer: Checkpointer?, policy: CheckpointPolicy,
         readers: ReaderPool? = nil, syncer: WALSyncer? = nil, files: DatabaseFiles? = nil) {
        self.connection = connection
        self.readers = readers
        self.files = files
        self.syncer = syncer
        self.maxBatch = max(1, maxBatch)
        self.checkpointer = checkpointer
        self.checkpointPolicy = policy
        restartAfterPass = WALRestart(readerWait: policy.readerWait)
        restartAtHardLimit = WALRestart(readerWait: policy.hardLimitReaderWait)
        restartWhenIdle = WALRestart(readerWait: policy.idleReaderWait)
        if checkpointer != nil { installWALHook() }
        // Refused before the syncer tells the batch's callers: a caller woken then must already
        // find later writes refused, and readiness saying why. Unowned: the writer owns the syncer
        // and joins its thread before it goes, and a weak reference would give the writer a side
        // table, every retain of it then taking the slow path (`ServerWorker.Sibling`).
        syncer?.onFailure = { [unowned self] error in
            self.refuseAll(SQLiteError(extendedCode: error.extendedCode, message: "the WAL could not be made durable ("
                + error.message + "); writes are refused until the server is restarted"))
        }
    }

    /// Starts the writer thread: a real pthread, never the Swift cooperative
    /// pool, because it blocks in fsync and on its queue.
    func start() throws {
        queue.started(try PThread.spawn("writer", name: "sqlite-writer") { self.run() })
    }

    /// True on the writer thread (inside a write body), where waiting for the writer would deadlock.
    var isCurrentThread: Bool {
        // Relaxed is enough: only the writer thread can observe its own id here,
        // and it stored that id itself before running any job.
        threadID.load(ordering: .relaxed) == UInt(pthread_self())
    }

    /// Jobs waiting for the writer.
    var queuedCount: Int { queue.withLock { $0.jobs.count } }

    /// Queues `job`; throws once the database is closed or refuses writes.
    func submit(_ job: WriteJob) throws {
        try queue.withLock { state in
            guard !state.closed else { throw SQLiteError.misuse("database is closed") }
            if let failure = state.storageFailure { throw failure }
            if let from = state.refuseFrom, ContinuousClock.now >= from { throw WriteNotStarted(reason: .refused) }
            state.jobs.append(job)
        }
        queue.signal()
    }

    /// No job starts from `instant` on: each is failed with `WriteNotStarted` when its turn
    /// comes (the one running then finishes), and a later submission at once. Set before a
    /// drain, so the writer stops at the drain deadline itself, not when the connections are
    /// found closed a moment later.
    func refuseWrites(from instant: ContinuousClock.Instant) {
        queue.withLock { state in state.refuseFrom = min(state.refuseFrom ?? instant, instant) }
        stopInstantSet.store(true, ordering: .releasing)
    }

    /// When jobs stop being started, if a shutdown set it (no lock taken before then: it is
    /// asked once per job).
    var refuseFrom: ContinuousClock.Instant? {
        guard stopInstantSet.load(ordering: .acquiring) else { return nil }
        return queue.withLock { $0.refuseFrom }
    }

    /// The database's files are gone or damaged, or its WAL could not be flushed: fails the
    /// waiting jobs and every later one with `failure`.
    func refuseAll(_ failure: SQLiteError) {
        let waiting = queue.withLock { state -> [WriteJob] in
            if state.storageFailure == nil { state.storageFailure = failure }
            defer { state.jobs = [] }
            return state.jobs
        }
        WriteJob.finish(waiting, failure)
    }

    /// Why writes are refused because the storage is gone (for readiness), or nil.
    var storageProblem: String? {
        queue.withLock { $0.storageFailure?.message }
    }

    /// Refuses new jobs, lets the thread finish the queued ones, and joins it.
    func stop() {
        queue.closeAndJoin()
        // After the writer: its last batches are handed over before the syncer drains.
        syncer?.stop()
    }

    /// Wakes the callers of jobs whose work is committed: at once, or after the WAL flush.
    func complete(_ jobs: [WriteJob]) {
        if let syncer {
            syncer.enqueue(jobs)
        } else {
            WriteJob.finish(jobs)
        }
    }

    private func run() {
        threadID.store(UInt(pthread_self()), ordering: .relaxed)
        while let batch = nextBatch() {
            guard !batch.isEmpty else {
                maintainWAL(idle: true)
                continue
            }
            execute(batch)
            // Between batches, after the callers were woken: nobody waits on this.
            maintainWAL()
        }
    }

    /// Waits for work: one exclusive job alone, or up to `maxBatch` consecutive
    /// write jobs (stopping before an exclusive one so order is kept). Nil once closed and drained.
    /// Empty when nothing came for `checkpointPolicy.idleAfter` while the WAL holds frames:
    /// time to checkpoint it while nobody waits (`maintainWAL(idle:)`).
    private func nextBatch() -> [WriteJob]? {
        let ready = { (state: Queue) in !state.jobs.isEmpty || state.closed }
        guard checkpointer != nil, walFrames > 0 else { return queue.wait(until: ready, then: take) }
        return queue.wait(until: ready, timeout: checkpointPolicy.idleAfter) { state, isReady in
            isReady ? take(&state) : []
        }
    }

    /// The next batch out of a queue that has jobs or is closed; nil once closed and drained.
    private func take(_ state: inout Queue) -> [WriteJob]? {
        guard let head = state.jobs.first else { return nil }
        if head.mode == .exclusive {
            state.jobs.removeFirst()
            return [head]
        }
        var end = 1
        while end < state.jobs.count, end < maxBatch, state.jobs[end].mode == .batched { end += 1 }
        if end == state.jobs.count {
            // The common case: take the whole queue without copying.
            defer { state.jobs = [] }
            return state.jobs
        }
        let batch = Array(state.jobs[..<end])
        state.jobs.removeFirst(end)
        return batch
    }
}
