#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Options of `ocop-bench crash`.
struct CrashOptions: Sendable {
    /// The `ocop` executable; nil: next to this executable.
    var server: String? = nil
    /// Seconds of load, kills included.
    var duration = 60.0
    /// Terminals, each on its own point of sale.
    var terminals = 8
    /// SIGKILLs during the load, each followed by a restart on the same database.
    var kills = 10
    /// Products every point of sale stocks.
    var products = 10
    /// Keep the database and server logs (path printed) to study a failure.
    var keepDirectory = false
}

/// `ocop-bench crash`: issue #4's crash test as a runnable check that needs only this repository.
///
/// Starts `ocop serve` on a fresh database (as the suites do), makes one point of sale, product
/// stock and `pos` token per terminal, then lets the terminals send batches of counts and
/// adjustments and sales — each with its own Idempotency-Key and fresh change ids, retried
/// with the same key now and then as a terminal over a bad link does — while the server is
/// killed with SIGKILL at random moments and restarted on the same database. Then the oracle
/// (`CrashOracle`) checks that every acknowledged batch is present exactly once, that no
/// unacknowledged one is half-applied, that the levels equal a model computed from what is
/// present, and that `ocop verify` finds the levels equal to the ledger. Exits non-zero on any
/// violation.
struct CrashCheck {
    let options: CrashOptions
    let interrupt: Interrupt?

    func run() throws(BenchError) {
        let executable = options.server ?? Suite.defaultServerPath()
        guard Files.isExecutable(executable) else {
            throw BenchError("no server executable at \(executable) (build it with `swift build`, or pass --server)")
        }
        let directory = try Files.makeTemporaryDirectory(prefix: "ocop-crash")
        var keep = options.keepDirectory
        defer {
            if keep { print("kept the database and logs: \(directory)") } else { Files.removeDirectory(directory) }
        }
        let lives = try CrashServer(executable: executable, directory: directory, interrupt: interrupt)
        defer { lives.stop() }
        let admin = BlockingClient(endpoint: lives.endpoint, timeout: 30)
        let (terminals, opening) = try TerminalFleet.make(client: admin, adminToken: lives.token, terminals: options.terminals,
                                                          products: options.products, label: "crash")
        print("crash check: \(options.terminals) terminals × \(options.products) products, \(options.kills) kills "
            + "over \(Report.fixed(options.duration, 0)) s; server \(executable), database \(lives.database)")

        let shared = CrashShared(endpoint: lives.endpoint)
        let runs = terminals.map { TerminalRun(terminal: $0) }
        let threads = runs.map { run in WorkerThread { CrashDriver.drive(run, shared: shared) } }
        let started = MonotonicClock.now()
        let deadline = started &+ UInt64(options.duration * 1e9)
        var random = FastRandom()
        let spacing = options.duration / Double(options.kills + 1)
        var failure: BenchError?
        do throws(BenchError) {
            for _ in 0..<options.kills {
                // Kill points spread over the run, each at a random moment within its slot.
                Self.sleep(seconds: spacing * (0.5 + Double(random.oneThrough(1000)) / 1000), interrupt: interrupt)
                if interrupt?.raised == true || MonotonicClock.now() >= deadline { break }
                try lives.killAndRestart(pause: Double(random.oneThrough(300)) / 1000, shared: shared)
            }
            while MonotonicClock.now() < deadline && interrupt?.raised != true { usleep(50_000) }
        } catch {
            failure = error
        }
        shared.stop.store(true, ordering: .relaxed)
        for thread in threads { thread.join() }
        if let failure { keep = true; throw failure }
        if interrupt?.raised == true { throw BenchError("interrupted; server stopped") }
        print("load over after \(Report.fixed(Double(MonotonicClock.now() &- started) / 1e9, 1)) s; "
            + "\(lives.kills) kills, downtime \(lives.downtimeSummary); checking…")

        var oracle = CrashOracle(client: BlockingClient(endpoint: shared.endpoint, timeout: 60), adminToken: lives.token,
                                 terminals: terminals, opening: opening, logs: runs.map(\.log))
        try oracle.check()
        // The last check needs the file at rest: a graceful stop, then `ocop verify` on it.
        lives.stop()
        oracle.verify(executable: executable, database: lives.database, directory: directory)
        print(oracle.summary)
        if !oracle.violations.isEmpty {
            keep = true
            for violation in oracle.violations.prefix(20) { print("  VIOLATION: \(violation)") }
            throw BenchError("crash check FAILED: \(oracle.violations.count) violation(s)")
        }
        print("crash check PASSED: every acknowledged batch present exactly once, no batch half-applied, "
            + "levels equal the model and the ledger")
    }

    /// Sleeps in short steps so Ctrl-C is noticed.
    static func sleep(seconds: Double, interrupt: Interrupt?) {
        let end = MonotonicClock.now() &+ UInt64(max(0, seconds) * 1e9)
        while MonotonicClock.now() < end && interrupt?.raised != true { usleep(20_000) }
    }
}

/// What the terminals and the killer share: where the server is, and when to stop.
final class CrashShared: Sendable {
    private let current: Mutex<Endpoint>
    let stop = Atomic<Bool>(false)

    init(endpoint: Endpoint) { current = Mutex(endpoint) }

    var endpoint: Endpoint { current.withLock { $0 } }
    func moved(to endpoint: Endpoint) { current.withLock { $0 = endpoint } }
}

/// A terminal and its log, handed to one worker thread. `@unchecked Sendable`: the main thread
/// makes it before the thread starts and reads it only after `join`; in between only that thread
/// touches it (pthread_create and pthread_join order the accesses).
final class TerminalRun: @unchecked Sendable {
    let terminal: Terminal
    var log = TerminalLog()

    init(terminal: Terminal) { self.terminal = terminal }
}

/// Everything one terminal sent and what it heard back.
struct TerminalLog {
    /// A batch and whether a 2xx ever came back for it (on the first try or a retry with the same key).
    var batches: [(batch: TerminalBatch, acknowledged: Bool)] = []
    var sales: [(sale: TerminalSale, acknowledged: Bool)] = []
    /// Answers that are neither 2xx nor a sign of the crash (4xx): each one is a violation.
    var refusals: [String] = []
    /// Requests retried with the same Idempotency-Key, and how many of those were then acknowledged.
    var retries = 0
    var acknowledgedOnRetry = 0
}
