#if canImport(Glibc)
import Glibc
#endif
import JSON

/// `ocop-bench run --suite inventory` (issue #4: "50 terminals each syncing batches of 20 changes —
/// batches/s and p99; target ≥ 1,000 batches/s on a 2-core machine, and a 1,000-change batch
/// applied in under 100 ms").
///
/// One fresh server; 50 points of sale stocking the same 20 products, a `pos` token each and an
/// opening count. Then each of 50 terminals — a thread with one keep-alive connection and its own
/// token — sends batches of 20 changes (2 recounts, 18 adjustments of every reason, fresh change
/// ids and Idempotency-Key each) in a closed loop. Afterwards, on the quiet server, single
/// 1,000-change batches: over the 20 products, and over 1,000 products (one change each).
struct InventorySuite {
    /// What the closed loop measured.
    struct LoadRow {
        let terminals: Int
        let batchSize: Int
        let seconds: Double
        let acknowledged: Int
        let latency: LatencyHistogram
        /// Non-2xx answers and transport failures.
        let errors: Int
        let firstError: String?
        let memory: ProcessMemory?
        let loadBefore: String
        let loadAfter: String
        /// CPU seconds over the run: the whole server, its busiest thread (the SQLite writer, which
        /// every batch passes through one at a time), and this bench process.
        let serverCPU: Double?
        let busiest: (name: String, seconds: Double)?
        let benchCPU: Double

        var batchesPerSecond: Double { seconds > 0 ? Double(acknowledged) / seconds : 0 }

        /// Milliseconds of CPU per acknowledged batch.
        func perBatch(_ seconds: Double?) -> Double? {
            guard let seconds, acknowledged > 0 else { return nil }
            return seconds * 1000 / Double(acknowledged)
        }
    }

    /// One kind of big batch, timed a few times.
    struct BigBatch {
        let label: String
        let times: [UInt64]
        var median: UInt64 { times.sorted()[times.count / 2] }
    }

    static let terminalCount = 50
    static let batchSize = 20
    static let productsPerPoint = 20
    static let bigBatchRuns = 5

    let options: SuiteOptions
    let interrupt: Interrupt?

    @discardableResult
    func run(appendToOut: Bool = false) throws(BenchError) -> String {
        let server = try BenchServer(executable: options.server, interrupt: interrupt)
        defer { server.stop(keepDirectory: options.keepDatabase) }
        let admin = BlockingClient(endpoint: server.endpoint)
        let setUp = MonotonicClock.now()
        let (terminals, _) = try TerminalFleet.make(client: admin, adminToken: server.token, terminals: Self.terminalCount,
                                                    products: Self.productsPerPoint, label: "bench")
        print("made \(Self.terminalCount) points of sale × \(Self.productsPerPoint) products with pos tokens and opening counts "
            + "in \(Report.fixed(Suite.seconds(since: setUp), 2)) s")

        // A second of warm-up (connections, statement caches, page cache), not measured.
        _ = measure(terminals, seconds: 1, server: server)
        try checkRunning(server)
        let row = measure(terminals, seconds: options.duration, server: server)
        print(Self.line(row))
        try checkRunning(server)

        let wide = try bigBatchTerminal(admin: admin, server: server)
        let big = [
            try time("1,000 changes over 20 products (10 recounts)", admin: admin, token: server.token) {
                terminals[0].batch(size: 1000, counts: 10)
            },
            try time("1,000 changes over 1,000 products (10 recounts)", admin: admin, token: server.token) {
                wide.everyProduct(counts: 10)
            },
        ]
        for batch in big { print(Self.line(batch)) }
        print(Self.verdict(row, big))
        let markdown = self.markdown(row, big)
        if let out = options.out {
            if appendToOut, let existing = try? Files.readText(out) {
                try Files.writeText(existing + "\n" + markdown, to: out)
            } else {
                try Files.writeText(markdown, to: out)
            }
            print("results written to \(out)")
        }
        return markdown
    }

    private func checkRunning(_ server: BenchServer) throws(BenchError) {
        if interrupt?.raised == true { throw BenchError("interrupted; server stopped, temporary files removed") }
        guard server.process.isRunning else {
            throw BenchError("the server died; its log ends with:\n\(server.process.logTail())")
        }
    }

    /// The closed loop: one thread per terminal until the deadline.
    private func measure(_ terminals: [Terminal], seconds: Double, server: BenchServer) -> LoadRow {
        let before = Self.loadAverage()
        ProcessMemory.resetPeak(pid: server.process.pid)
        let serverBefore = ProcessCPU.read(pid: server.process.pid), benchBefore = ProcessCPU.own()
        let runs = terminals.map { InventoryRun(terminal: $0) }
        let start = MonotonicClock.now()
        let deadline = start &+ UInt64(seconds * 1e9)
        let endpoint = server.endpoint
        let threads = runs.map { run in WorkerThread { run.loop(endpoint: endpoint, batchSize: Self.batchSize, until: deadline) } }
        for thread in threads { thread.join() }
        let elapsed = Double(MonotonicClock.now() &- start) / 1e9
        let serverAfter = ProcessCPU.read(pid: server.process.pid), benchAfter = ProcessCPU.own()
        var latency = LatencyHistogram()
        for run in runs { latency.merge(run.latency) }
        return LoadRow(terminals: terminals.count, batchSize: Self.batchSize, seconds: elapsed,
                       acknowledged: runs.reduce(0) { $0 + $1.acknowledged }, latency: latency,
                       errors: runs.reduce(0) { $0 + $1.errors }, firstError: runs.lazy.compactMap(\.firstError).first,
                       memory: ProcessMemory.read(pid: server.process.pid), loadBefore: before, loadAfter: Self.loadAverage(),
                       serverCPU: serverBefore.flatMap { b in serverAfter.map { $0.process - b.process } },
                       busiest: serverBefore.flatMap { b in serverAfter?.busiestThread(since: b) },
                       benchCPU: benchAfter - benchBefore)
    }

    /// A terminal at the first point of sale over 1,000 fresh products, opened with one big count.
    private func bigBatchTerminal(admin: BlockingClient, server: BenchServer) throws(BenchError) -> Terminal {
        let headers = [("Authorization", "Bearer \(server.token)"), ("Content-Type", "application/json")]
        let producer = try admin.send("POST", "/api/v1/producers", headers: headers,
                                      body: Array(#"{"name":"Hợp tác xã Hàng Rộng","kind":"cooperative"}"#.utf8))
        guard producer.status == 201, let producerID = Self.id(producer) else {
            throw BenchError("POST /api/v1/producers answered \(producer.status): \(producer.text.prefix(200))")
        }
        var products: [Int64] = []
        for n in 1...1000 {
            let response = try admin.send("POST", "/api/v1/products", headers: headers, body: Array("""
                {"code":"BENCH-WIDE-\(n)","name":"Sản phẩm rộng \(n)","producer_id":\(producerID),"group":"food"}
                """.utf8))
            guard response.status == 201, let id = Self.id(response) else {
                throw BenchError("POST /api/v1/products answered \(response.status): \(response.text.prefix(200))")
            }
            products.append(id)
        }
        let terminal = Terminal(pointOfSaleID: 1, token: server.token, products: products, clockMs: DeviceTime.nowMs() - 60_000)
        let opening = terminal.openingCount()
        let response = try admin.send("POST", opening.target, headers: headers, body: opening.body)
        guard response.status == 200 else { throw BenchError("the 1,000-product opening count answered \(response.status)") }
        return terminal
    }

    private static func id(_ response: ClientResponse) -> Int64? {
        (try? JSONValue.parse(response.body))?["id"]?.int64Value
    }

    /// Round trip of `bigBatchRuns` fresh batches, one at a time on one connection.
    private func time(_ label: String, admin: BlockingClient, token: String,
                      _ make: () -> TerminalBatch) throws(BenchError) -> BigBatch {
        var times: [UInt64] = []
        for _ in 0..<Self.bigBatchRuns {
            let batch = make()
            let headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"), ("Idempotency-Key", batch.key)]
            let start = MonotonicClock.now()
            let response = try admin.send("POST", batch.target, headers: headers, body: batch.body)
            times.append(MonotonicClock.now() &- start)
            guard response.status == 200 else {
                throw BenchError("a 1,000-change batch answered \(response.status): \(response.text.prefix(300))")
            }
        }
        return BigBatch(label: label, times: times)
    }

    /// `/proc/loadavg`'s first three fields ("1.52 1.10 0.80"), or "n/a".
    static func loadAverage() -> String {
        guard let text = try? Files.readText("/proc/loadavg") else { return "n/a" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
