import Dispatch

/// Where the completion of a write submitted with `Database.submitWrite` runs. The writer's
/// and the syncer's threads never run callers' code: a completion may block (a read, a
/// socket), and they have the next batch to run and flush.
public protocol WriteCompletionQueue: AnyObject, Sendable {
    /// Runs `work` soon, on a thread of the queue's own.
    func enqueue(_ work: @escaping @Sendable () -> Void)
}

/// One caller's unit of work for the writer thread, and the way its outcome gets back.
///
/// `@unchecked Sendable`: the caller builds the job and enqueues it; the writer alone
/// touches `work` and `failure` until `finish`. A blocked caller then reads them after its
/// semaphore, a callback is handed `failure` and reads nothing else: either way the hand-off
/// orders the writer's writes before the caller's reads.
final class WriteJob: @unchecked Sendable {
    /// Whether the job runs inside the shared group-commit transaction or alone outside any.
    enum Mode { case batched, exclusive }

    /// How the caller learns the outcome.
    enum Caller {
        /// A thread blocked in `wait`.
        case blocked(DispatchSemaphore)
        /// A callback run on `queue` with the error that overrides the body's result, if any.
        case callback(any WriteCompletionQueue, @Sendable ((any Error)?) -> Void)
    }

    let mode: Mode
    /// Past this instant the job is no longer worth starting: its caller gets `WriteNotStarted`.
    let deadline: ContinuousClock.Instant?
    /// Runs the caller's body on the writer connection; false when the body threw
    /// (its error is already stored where the caller will look).
    private var work: ((Connection) -> Bool)?
    /// Set when the job's outcome is an error the body did not throw (commit failed, batch lost).
    private(set) var failure: (any Error)?
    private let caller: Caller

    init(mode: Mode, deadline: ContinuousClock.Instant? = nil, caller: Caller = .blocked(DispatchSemaphore(value: 0)),
         work: @escaping (Connection) -> Bool) {
        self.mode = mode
        self.deadline = deadline
        self.caller = caller
        self.work = work
    }

    /// Writer side: runs the body. A batched job may be run again after its transaction was
    /// rolled back (group commit's optimistic pass, `Writer.runGroup`): only the last run's
    /// result and writes count. The body is kept until `finish`, which drops it before waking
    /// the caller, so nothing keeps the caller's non-escaping closure alive after it resumes.
    func perform(on connection: Connection) -> Bool {
        guard let work else { return false }
        if mode == .exclusive { self.work = nil }
        return work(connection)
    }

    /// Writer side: the job is over; `error` overrides the body's own result.
    func finish(_ error: (any Error)? = nil) {
        Self.finish([self], error)
    }

    /// Writer side: these jobs are over, all with the same outcome. Blocked callers are woken
    /// one by one; the callbacks go to their queue together, as one piece of work, so a group
    /// commit of dozens of callers costs their queue one wake-up, not dozens.
    static func finish(_ jobs: some Sequence<WriteJob>, _ error: (any Error)? = nil) {
        var callbacks: [(queue: any WriteCompletionQueue, run: @Sendable ((any Error)?) -> Void)] = []
        for job in jobs {
            job.work = nil
            job.failure = error
            switch job.caller {
            case .blocked(let done): done.signal()
            case .callback(let queue, let run): callbacks.append((queue, run))
            }
        }
        while let first = callbacks.first {
            let sameQueue = callbacks.filter { $0.queue === first.queue }.map(\.run)
            callbacks.removeAll { $0.queue === first.queue }
            first.queue.enqueue { for run in sameQueue { run(error) } }
        }
    }

    /// Caller side: blocks until `finish`. Only for a job made with a blocked caller.
    func wait() {
        guard case .blocked(let done) = caller else { return }
        done.wait()
    }
}

/// Carries a write body's result from the writer thread back to its caller.
///
/// `@unchecked Sendable`: written once by the writer before `WriteJob.finish`,
/// read by the caller after `WriteJob.wait` returns or in its callback (see `WriteJob`).
final class ResultSlot<T>: @unchecked Sendable {
    var result: Result<T, any Error>?

    /// Runs a job's body and keeps what it returned or threw; false when it threw (the
    /// writer then undoes the job's changes).
    func keep(_ body: () throws -> T) -> Bool {
        do {
            result = .success(try body())
            return true
        } catch {
            result = .failure(error)
            return false
        }
    }
}

/// A write committed, but the flush that would have made it durable failed (`WALSyncer`): it
/// may or may not survive a crash. Its caller may be told neither that it was saved nor that
/// nothing was; the database takes no more writes (`storageProblem` says why).
public struct WriteOutcomeUnknown: Error, CustomStringConvertible {
    public let cause: SQLiteError

    public var description: String { "committed, but not made durable: \(cause.message)" }
}

/// A write was given up before it ran, so none of it was written: its caller may safely retry.
public struct WriteNotStarted: Error, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// It waited for the writer past its deadline (a long queue of writes ahead of it).
        case deadlinePassed
        /// The database stopped taking writes (the server is shutting down).
        case refused
    }

    public let reason: Reason

    public var description: String {
        switch reason {
        case .deadlinePassed: "the write waited too long for its turn and was not started"
        case .refused: "the database is no longer taking writes"
        }
    }
}
