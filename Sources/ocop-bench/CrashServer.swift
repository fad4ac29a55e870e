#if canImport(Glibc)
import Glibc
#endif

/// The server under the crash check through its lives: started on a fresh database, killed with
/// SIGKILL (no chance to flush, drain or close anything) and started again on the same file.
final class CrashServer {
    let executable: String
    let directory: String
    let database: String
    /// The admin token (OCOP_ADMIN_TOKEN), the same in every life.
    let token: String
    private(set) var endpoint: Endpoint
    private(set) var kills = 0
    private var process: ServerProcess
    private var port: UInt16
    private var lives = 1
    /// Kill to ready again, per restart, in nanoseconds.
    private var downtimes: [UInt64] = []
    private let interrupt: Interrupt?

    init(executable: String, directory: String, interrupt: Interrupt?) throws(BenchError) {
        self.executable = executable
        self.directory = directory
        self.interrupt = interrupt
        database = "\(directory)/crash.sqlite"
        token = Suite.randomToken()
        port = try ServerProcess.freePort()
        endpoint = try Endpoint(url: "http://127.0.0.1:\(port)")
        process = try Self.spawn(executable, database: database, port: port, token: token, log: "\(directory)/server-1.log")
        try process.waitUntilReady(url: "http://127.0.0.1:\(port)/readyz", timeout: 30, interrupt: interrupt)
    }

    private static func spawn(_ executable: String, database: String, port: UInt16, token: String,
                              log: String) throws(BenchError) -> ServerProcess {
        try ServerProcess(executable: executable, arguments: ["serve", "--db", database, "--port", String(port)],
                          environment: ["OCOP_ADMIN_TOKEN": token, "OCOP_ACCESS_LOG": "false"], logPath: log)
    }

    /// SIGKILL, wait `pause` seconds, start again on the same database and wait until it is ready.
    /// Tells the terminals if the port had to change (it only does when the old one cannot be bound).
    func killAndRestart(pause: Double, shared: CrashShared) throws(BenchError) {
        let started = MonotonicClock.now()
        kill(process.pid, SIGKILL)
        while process.isRunning { usleep(1_000) }
        kills += 1
        CrashCheck.sleep(seconds: pause, interrupt: interrupt)
        for attempt in 1...3 {
            lives += 1
            let next = try Self.spawn(executable, database: database, port: port, token: token,
                                      log: "\(directory)/server-\(lives).log")
            do throws(BenchError) {
                try next.waitUntilReady(url: "http://127.0.0.1:\(port)/readyz", timeout: 30, interrupt: interrupt)
                process = next
                downtimes.append(MonotonicClock.now() &- started)
                return
            } catch {
                // A server that exited at start-up may have lost the port to another process: move.
                guard attempt < 3, !next.isRunning else { throw error }
                port = try ServerProcess.freePort()
                endpoint = try Endpoint(url: "http://127.0.0.1:\(port)")
                shared.moved(to: endpoint)
            }
        }
    }

    /// Graceful stop (SIGTERM, then SIGKILL after 10 s). Idempotent.
    func stop() { process.stop() }

    /// "median 0.41 s, max 0.62 s".
    var downtimeSummary: String {
        guard !downtimes.isEmpty else { return "none" }
        let sorted = downtimes.sorted()
        return "median \(Report.duration(sorted[sorted.count / 2])), max \(Report.duration(sorted[sorted.count - 1]))"
    }
}

/// How a terminal behaves under the crash check: send, and when the answer is lost (the server
/// died mid-request, or is down), sometimes retry with the same Idempotency-Key as a terminal on a
/// bad link does, sometimes give up and move on — the batch's fate is then for the oracle to find.
enum CrashDriver {
    static func drive(_ run: TerminalRun, shared: CrashShared) {
        var endpoint = shared.endpoint
        var client = BlockingClient(endpoint: endpoint, timeout: 10)
        var random = FastRandom()
        while !shared.stop.load(ordering: .relaxed) {
            let current = shared.endpoint
            if current.port != endpoint.port {
                endpoint = current
                client = BlockingClient(endpoint: current, timeout: 10)
            }
            if random.oneThrough(100) <= 15 {
                let sale = run.terminal.sale()
                let acknowledged = deliver(sale.target, key: sale.key, body: sale.body, run, client, shared, &random)
                run.log.sales.append((sale, acknowledged))
            } else {
                let batch = run.terminal.batch(size: random.oneThrough(20), counts: random.oneThrough(3) - 1)
                let acknowledged = deliver(batch.target, key: batch.key, body: batch.body, run, client, shared, &random)
                run.log.batches.append((batch, acknowledged))
            }
        }
    }

    /// Whether a 2xx came back, on the first try or on one of at most two retries with the same key.
    private static func deliver(_ target: String, key: String, body: [UInt8], _ run: TerminalRun, _ client: BlockingClient,
                                _ shared: CrashShared, _ random: inout FastRandom) -> Bool {
        let headers = run.terminal.headers + [("Idempotency-Key", key)]
        var tries = 0
        while true {
            tries += 1
            if let response = try? client.send("POST", target, headers: headers, body: body) {
                if (200..<300).contains(response.status) {
                    if tries > 1 { run.log.acknowledgedOnRetry += 1 }
                    return true
                }
                if response.status < 500 {
                    // Every request is valid whenever it arrives: a 4xx is a bug, not the crash.
                    run.log.refusals.append("POST \(target) (Idempotency-Key \(key)) answered \(response.status): \(response.text)")
                    return false
                }
            }
            // The answer is lost. Pause (the server may be down), then retry half the time.
            usleep(20_000)
            if shared.stop.load(ordering: .relaxed) || tries == 3 || random.oneThrough(2) == 1 { return false }
            run.log.retries += 1
        }
    }
}
