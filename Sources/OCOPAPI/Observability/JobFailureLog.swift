import Synchronization

/// A background job's failures on standard error when they begin and when they end, not at
/// every run: the search indexer runs 40 times a second, and on a full disk it wrote the same
/// line as often for as long as the disk stayed full.
final class JobFailureLog: Sendable {
    private let job: String
    private let log: AccessLog
    /// Runs failed in a row.
    private let failures = Mutex(0)

    init(job: String, log: AccessLog) {
        self.job = job
        self.log = log
    }

    /// Runs `body`; logs its error if the run before succeeded, and a line when it works again.
    func run(_ body: () throws -> Void) {
        do {
            try body()
            let failed = failures.withLock { failures in
                defer { failures = 0 }
                return failures
            }
            if failed > 0 { log.error("\(job) works again, after \(failed) failed run(s)") }
        } catch {
            let first = failures.withLock { failures in
                failures += 1
                return failures == 1
            }
            if first { log.error("\(job) failed (logged once until it works again): \(String(reflecting: error))") }
        }
    }
}
