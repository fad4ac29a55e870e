import Dispatch

/// One caller's unit of work for the writer thread, and the way its outcome gets back.
///
/// `@unchecked Sendable`: the caller builds the job, enqueues it and then only
/// blocks on `done` until the writer signals; the writer alone touches `work`
/// and `failure` in between. The semaphore orders the writer's writes before
/// the caller's reads, so no field is ever accessed from two threads at once.
final class WriteJob: @unchecked Sendable {
    /// Whether the job runs inside the shared group-commit transaction or alone outside any.
    enum Mode { case batched, exclusive }

    let mode: Mode
    /// Past this instant the job is no longer worth starting: its caller gets `WriteNotStarted`.
    let deadline: ContinuousClock.Instant?
    /// Runs the caller's body on the writer connection; false when the body threw
    /// (its error is already stored where the caller will look).
    private var work: ((Connection) -> Bool)?
    /// Set when the job's outcome is an error the body did not throw (commit failed, batch lost).
    private(set) var failure: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    init(mode: Mode, deadline: ContinuousClock.Instant? = nil, work: @escaping (Connection) -> Bool) {
        self.mode = mode
        self.deadline = deadline
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
        work = nil
        failure = error
        done.signal()
    }

    /// Caller side: blocks until `finish`.
    func wait() { done.wait() }
}

/// Carries a write body's result from the writer thread back to its caller.
///
/// `@unchecked Sendable`: written once by the writer before `WriteJob.finish`,
/// read by the caller after `WriteJob.wait` returns (see `WriteJob`).
final class ResultSlot<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
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
