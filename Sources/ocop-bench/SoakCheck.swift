#if canImport(Glibc)
import Glibc
#endif
import JSON
import Synchronization

/// Options of `ocop-bench soak`.
struct SoakOptions: Sendable {
    /// The `ocop` executable; nil: next to this executable.
    var server: String? = nil
    /// Seconds of load.
    var duration = 300.0
    /// Seconds between two samples of the server.
    var interval = 15.0
    /// Keep the database and server log (path printed).
    var keepDirectory = false
}

/// `ocop-bench soak`: minutes of a steady mix of reads and writes on one server, watching
/// what must not keep growing (memory, descriptors, the WAL). A benchmark run is seconds long;
/// the WAL's checkpoint starvation (session 8) only showed after minutes of overlapping reads.
struct SoakCheck {
    /// One kind of traffic and its closed-loop connections.
    private struct Mix {
        let name: String
        let connections: Int
        let requests: [RequestTemplate]
    }

    /// The server as seen between two moments of the run.
    struct Sample {
        let seconds: Double
        let memory: ProcessMemory?
        let descriptors: Int?
        let threads: Int?
        let walBytes: Int?
    }

    let options: SoakOptions
    let interrupt: Interrupt?

    /// Runs the mix, prints the samples and a summary; throws when a request failed at the
    /// socket or with a 5xx, when descriptors did not come back to where they started, or when
    /// the WAL passed `walBound`.
    func run() throws(BenchError) {
        let server = try BenchServer(executable: options.server, demo: true, interrupt: interrupt)
        var passed = false
        defer { server.stop(keepDirectory: options.keepDirectory || !passed) }
        let mixes = try Self.mixes(server)
        let results = Mutex<[(name: String, result: LoadResult)]>([])
        let duration = options.duration
        let interrupt = self.interrupt
        let endpoint = server.endpoint
        let threads = mixes.map { mix in
            WorkerThread {
                let result = LoadGenerator.run(LoadConfig(endpoint: endpoint, requests: mix.requests,
                                                          connections: mix.connections, duration: duration,
                                                          interrupt: interrupt))
                results.withLock { $0.append((mix.name, result)) }
            }
        }
        let pid = server.process.pid
        let wal = server.directory + "/bench.sqlite-wal"
        let started = MonotonicClock.now()
        var samples: [Sample] = []
        let sample = {
            Sample(seconds: Suite.seconds(since: started), memory: ProcessMemory.read(pid: pid),
                   descriptors: Self.count(entriesOf: "/proc/\(pid)/fd"),
                   threads: Self.count(entriesOf: "/proc/\(pid)/task"), walBytes: Self.size(of: wal))
        }
        print(Self.header)
        while results.withLock({ $0.count }) < mixes.count && interrupt?.raised != true {
            samples.append(sample())
            print(Self.line(samples[samples.count - 1]))
            let left = duration + 1 - Suite.seconds(since: started)
            usleep(UInt32(min(options.interval, max(0.5, left)) * 1e6))
        }
        for thread in threads { thread.join() }
        // Once the clients have closed their connections, the server's descriptors are back.
        usleep(1_000_000)
        samples.append(sample())
        print(Self.line(samples[samples.count - 1]))
        guard server.process.isRunning else {
            throw BenchError("the server died during the soak; its log ends with:\n\(server.process.logTail())")
        }
        let failures = results.withLock { runs in
            runs.map { print(Self.summary($0.name, $0.result)); return Self.failures($0.result) }.reduce(0, +)
        }
        print(Self.verdict(samples))
        let first = samples.first?.descriptors ?? 0
        let last = samples.last?.descriptors ?? 0
        // A few may be in flight at the last sample (a checkpoint's, a reopened WAL).
        guard last <= first + 8 else {
            throw BenchError("open descriptors went from \(first) to \(last): something is not closed")
        }
        guard failures == 0 else { throw BenchError("\(failures) requests failed at the socket or with a 5xx") }
        let walPeak = Self.walPeak(samples)
        guard walPeak <= Self.walBound else {
            throw BenchError("the WAL reached \(Report.bytes(walPeak)), past \(Report.bytes(Self.walBound)): it is not being restarted")
        }
        passed = true
    }

    /// Reads of every GET route the server documents (ids 1…12, so some are 404s, plus the
    /// 422s of a bad parameter) and searches of the inserted producers, inserts with
    /// idempotency keys, and updates whose `If-Match` names a version long gone (412).
    private static func mixes(_ server: BenchServer) throws(BenchError) -> [Mix] {
        let client = BlockingClient(endpoint: server.endpoint)
        let document = try client.send("GET", "/openapi.json")
        guard document.status == 200, let paths = (try? JSONValue.parse(document.body))?["paths"]?.objectValue else {
            throw BenchError("GET /openapi.json answered \(document.status) without a document")
        }
        var targets: [String] = []
        for path in paths.keys where paths[path]?["get"] != nil {
            for n in 1...3 {
                targets.append(Self.filled(path, seed: n))
            }
            if path.hasPrefix("/api/v1/"), !path.contains("{"), !path.hasSuffix(".csv") {
                targets += [path + "?limit=5", path + "?bogus=1"]
            }
        }
        // Searches for a word every inserted name shares: as the producers pile up they become
        // the long reads (hundreds of milliseconds) that overlap the short ones, as an office's
        // search box does; they starved the WAL's restart within a minute or two.
        for _ in 0..<3 {
            targets += ["/api/v1/producers?q=h%E1%BB%A3p%20t%C3%A1c&sort=name&limit=20",
                        "/api/v1/producers?q=h%E1%BB%A3p&kind=cooperative"]
        }
        let auth = [("Authorization", "Bearer \(server.token)")]
        let host = server.endpoint.hostHeader
        let json = auth + [("Content-Type", "application/json")]
        let reads = try targets.map { (target) throws(BenchError) in
            try RequestTemplate(method: "GET", target: target, host: host, headers: auth, body: nil)
        }
        let insert = try RequestTemplate(
            method: "POST", target: "/api/v1/producers", host: host,
            headers: json + [("Idempotency-Key", "{uuid}")],
            body: #"{"name":"Hợp tác xã {uuid}","kind":"cooperative","district":"Ba Chẽ","commune":"Đồn Đạc"}"#)
        let staleUpdate = try RequestTemplate(
            method: "PATCH", target: "/api/v1/producers/{rand:20}", host: host,
            headers: auth + [("Content-Type", "application/merge-patch+json"), ("If-Match", "W/\"0\"")],
            body: #"{"phone":"0912345678"}"#)
        return [
            Mix(name: "reads (\(paths.keys.count) paths)", connections: 32, requests: reads),
            Mix(name: "inserts", connections: 8, requests: [insert]),
            Mix(name: "stale updates", connections: 4, requests: [staleUpdate]),
        ]
    }

    /// `/api/v1/fairs/{id}/booths/{bid}` → `/api/v1/fairs/2/booths/5`: small ids, varied per seed.
    static func filled(_ path: String, seed: Int) -> String {
        var out = ""
        var index = 0
        var inBraces = false
        for character in path {
            if character == "{" { inBraces = true; continue }
            if character == "}" {
                inBraces = false
                index += 1
                out += String((seed * 5 + index * 3) % 12 + 1)
                continue
            }
            if !inBraces { out.append(character) }
        }
        return out
    }

    private static func count(entriesOf directory: String) -> Int? {
        guard let stream = opendir(directory) else { return nil }
        defer { closedir(stream) }
        var n = 0
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { n += 1 }
        }
        return n
    }

    private static func size(of path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Twice the server's hard limit (2 × 16,000 frames of a 4 KiB page and a 24-byte header):
    /// the writer restarts the WAL at the latest there (a batch's frames past it); a WAL past
    /// this is not being restarted (the checkpoint starvation of session 8 grew it by gigabytes).
    static let walBound = 2 * 2 * 16_000 * (4096 + 24)

    /// Socket errors and 5xx answers: what a soak must not produce.
    private static func failures(_ result: LoadResult) -> Int {
        result.stats.socketErrors + result.stats.statusCounts[500..<600].reduce(0, +)
    }

    private static let header = "  seconds     RSS (MiB)   peak RSS   descriptors   threads   WAL (MiB)"

    private static func line(_ sample: Sample) -> String {
        let mib = { (kib: Int?) in kib.map { Report.fixed(Double($0) / 1024, 1) } ?? "-" }
        return Report.padLeft(Report.fixed(sample.seconds, 0), 9)
            + Report.padLeft(mib(sample.memory?.currentKiB), 14)
            + Report.padLeft(mib(sample.memory?.peakKiB), 11)
            + Report.padLeft(sample.descriptors.map(String.init) ?? "-", 14)
            + Report.padLeft(sample.threads.map(String.init) ?? "-", 10)
            + Report.padLeft(sample.walBytes.map { Report.bytes($0).replacingSuffix(" MiB") } ?? "-", 12)
    }

    private static func summary(_ name: String, _ result: LoadResult) -> String {
        let statuses = result.stats.statuses.map { "\($0.status)×\($0.count)" }.joined(separator: " ")
        return "\(Report.pad(name, 24)) \(result.stats.completed) requests "
            + "(\(Report.fixed(result.requestsPerSecond, 0))/s), \(statuses), socket errors \(result.stats.socketErrors)"
    }

    /// The WAL's largest size over the samples.
    static func walPeak(_ samples: [Sample]) -> Int { samples.compactMap(\.walBytes).max() ?? 0 }

    /// Peak WAL, and memory and descriptors at the first and last samples.
    static func verdict(_ samples: [Sample]) -> String {
        let walPeak = Self.walPeak(samples)
        let rss = samples.compactMap { $0.memory?.currentKiB }
        let descriptors = samples.compactMap(\.descriptors)
        return "WAL peak \(Report.bytes(walPeak)); RSS \(rss.first.map(Report.memory) ?? "-") → \(rss.last.map(Report.memory) ?? "-")"
            + " (peak \(samples.compactMap { $0.memory?.peakKiB }.max().map(Report.memory) ?? "-"));"
            + " descriptors \(descriptors.first.map(String.init) ?? "-") → \(descriptors.last.map(String.init) ?? "-")"
    }
}

private extension String {
    /// The text without `suffix` at its end.
    func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
