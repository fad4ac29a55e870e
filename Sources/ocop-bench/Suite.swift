#if canImport(Glibc)
import Glibc
#endif

/// `ocop-bench run`: the whole benchmark against a real, freshly started server.
struct Suite {
    /// One scenario: a name and the requests its connections send.
    private struct Scenario {
        let name: String
        let requests: [RequestTemplate]
    }

    /// One line of the results table.
    struct Row {
        let scenario: String
        let result: LoadResult
        let memory: ProcessMemory?
        /// The server's CPU time (all threads, user + system) over the run, in seconds.
        let serverCPU: Double?

        /// Server CPU per completed request, in microseconds.
        var serverCPUPerRequest: Double? {
            guard let serverCPU, result.stats.completed > 0 else { return nil }
            return serverCPU / Double(result.stats.completed) * 1e6
        }
    }

    /// What seeding achieved.
    struct SeedOutcome {
        /// Producers created (ids 1…created).
        let created: Int
        /// Rows per second.
        let rate: Double
    }

    /// The parsed `run` options.
    let options: SuiteOptions
    /// Raised by Ctrl-C: stop after the current run, still cleaning up.
    let interrupt: Interrupt?

    /// Producer body used for seeding ({seq} keeps names distinct and readable).
    private static let seedBody =
        #"{"name":"Hợp tác xã {seq}","kind":"cooperative","district":"Ba Chẽ","commune":"Đồn Đạc"}"#
    /// Producer body for the write scenario: a fresh name per request.
    private static let postBody =
        #"{"name":"Hợp tác xã {uuid}","kind":"cooperative","district":"Ba Chẽ","commune":"Đồn Đạc"}"#

    /// Runs everything; the server is stopped and the temp dir removed on every path.
    func run() throws(BenchError) {
        let executable = options.server ?? Self.defaultServerPath()
        guard Files.isExecutable(executable) else {
            throw BenchError("no server executable at \(executable) (build it with `swift build -c release`, or pass --server)")
        }
        let directory = try Files.makeTemporaryDirectory(prefix: "ocop-bench")
        defer { Files.removeDirectory(directory) }
        let token = Self.randomToken()
        let port = try ServerProcess.freePort()
        let server = try ServerProcess(
            executable: executable,
            arguments: ["serve", "--db", "\(directory)/bench.sqlite", "--port", String(port)],
            environment: ["OCOP_ADMIN_TOKEN": token],
            logPath: "\(directory)/server.log")
        defer { server.stop() }

        let base = "http://127.0.0.1:\(port)"
        let endpoint = try Endpoint(url: base)
        let started = MonotonicClock.now()
        try server.waitUntilReady(url: base + "/readyz", timeout: 30, interrupt: interrupt)
        print("server \(executable) (pid \(server.pid)) ready on port \(port) in \(Report.fixed(Self.seconds(since: started), 2)) s")

        let seeded = try seed(endpoint: endpoint, token: token, server: server)
        let rows = seeded.created
        var results: [Row] = []
        for scenario in try scenarios(endpoint: endpoint, token: token, rows: rows) {
            for connections in options.connections {
                try checkInterrupt()
                guard server.isRunning else {
                    throw BenchError("the server died before \(scenario.name); its log ends with:\n\(server.logTail())")
                }
                ProcessMemory.resetPeak(pid: server.pid)
                let cacheBefore = ResponseCacheUse.read(endpoint)
                let cpuBefore = ProcessCPU.processSeconds(pid: server.pid)
                let result = LoadGenerator.run(LoadConfig(
                    endpoint: endpoint, requests: scenario.requests, connections: connections,
                    threads: options.threads, duration: options.duration, interrupt: interrupt))
                let cpuAfter = ProcessCPU.processSeconds(pid: server.pid)
                let serverCPU = cpuBefore.flatMap { before in cpuAfter.map { $0 - before } }
                let row = Row(scenario: scenario.name, result: result, memory: ProcessMemory.read(pid: server.pid),
                              serverCPU: serverCPU)
                results.append(row)
                print(Self.line(row))
                print("               " + ResponseCacheUse.summary(from: cacheBefore, to: ResponseCacheUse.read(endpoint)))
                // Let the server retire the old connections before the next scenario starts.
                usleep(300_000)
            }
        }
        print("")
        print(Self.table(results))
        if let out = options.out {
            try Files.writeText(markdown(results, seed: seeded), to: out)
            print("results written to \(out)")
        }
    }

    /// Creates the producers through the API, as fast as the server allows.
    /// Returns how many were created (the upper bound for random ids) and how fast.
    private func seed(endpoint: Endpoint, token: String, server: ServerProcess) throws(BenchError) -> SeedOutcome {
        let request = try RequestTemplate(
            method: "POST", target: "/api/v1/producers", host: endpoint.hostHeader,
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
            body: Self.seedBody)
        let result = LoadGenerator.run(LoadConfig(
            endpoint: endpoint, requests: [request], connections: options.seedConnections,
            threads: options.threads, duration: options.seedTimeout, requestLimit: options.rows, timeout: 30,
            stopWhenRefused: true, interrupt: interrupt))
        try checkInterrupt()
        let created = result.stats.statusCounts[200..<300].reduce(0, +)
        let rate = result.elapsed > 0 ? Double(created) / result.elapsed : 0
        print("seeded \(created) of \(options.rows) producers in \(Report.fixed(result.elapsed, 2)) s "
            + "(\(Report.fixed(rate, 0)) rows/s, \(options.seedConnections) connections), errors \(Report.errorSummary(result.stats))")
        guard created > 0 else {
            throw BenchError("seeding created no producer; server log ends with:\n\(server.logTail())")
        }
        if created < options.rows {
            print("warning: only \(created) producers exist; random ids are drawn from 1…\(created)")
        }
        return SeedOutcome(created: created, rate: rate)
    }

    /// Throws once Ctrl-C was pressed, so the `defer`s stop the server and clean up.
    private func checkInterrupt() throws(BenchError) {
        if interrupt?.raised == true { throw BenchError("interrupted; server stopped, temporary files removed") }
    }

    /// The four scenarios of the suite (the list one has two variants).
    private func scenarios(endpoint: Endpoint, token: String, rows: Int) throws(BenchError) -> [Scenario] {
        let host = endpoint.hostHeader
        func get(_ target: String) throws(BenchError) -> [RequestTemplate] {
            [try RequestTemplate(method: "GET", target: target, host: host, headers: [], body: nil)]
        }
        let post = try RequestTemplate(
            method: "POST", target: "/api/v1/producers", host: host,
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"),
                      ("Idempotency-Key", "{uuid}")],
            body: Self.postBody)
        return [
            Scenario(name: "healthz", requests: try get("/healthz")),
            Scenario(name: "producer-get", requests: try get("/api/v1/producers/{rand:\(rows)}")),
            Scenario(name: "producer-list", requests: try get("/api/v1/producers?limit=50")),
            Scenario(name: "list-filtered", requests: try get("/api/v1/producers?limit=50&kind=cooperative")),
            Scenario(name: "producer-post", requests: [post]),
        ]
    }
}
