#if canImport(Glibc)
import Glibc
#endif

/// The suite's output formats and small helpers.
extension Suite {
    private static let columns = ["scenario", "connections", "req/s", "p50", "p99", "max", "errors", "server peak RSS", "server CPU/req"]

    private static func cells(_ row: Row) -> [String] {
        let h = row.result.stats.latency
        return [
            row.scenario,
            String(row.result.connections),
            Report.fixed(row.result.requestsPerSecond, 0),
            Report.duration(h.value(atPercentile: 50)),
            Report.duration(h.value(atPercentile: 99)),
            Report.duration(h.max),
            Report.errorSummary(row.result.stats),
            row.memory.map { Report.memory($0.peakKiB) } ?? "n/a",
            row.serverCPUPerRequest.map { Report.fixed($0, 0) + " µs" } ?? "n/a",
        ]
    }

    /// One progress line, printed as each run ends.
    static func line(_ row: Row) -> String {
        let c = cells(row)
        return "\(Report.pad(c[0], 14)) c=\(Report.padLeft(c[1], 4))  \(Report.padLeft(c[2], 8)) req/s"
            + "  p50 \(c[3])  p99 \(c[4])  max \(c[5])  errors \(c[6])  peak RSS \(c[7])  server CPU \(c[8])/req"
    }

    /// The results as an aligned plain-text table.
    static func table(_ rows: [Row]) -> String {
        Report.table(columns: columns, rows: rows.map(cells), leftAligned: [0, 6])
    }

    /// The results as a Markdown section for the README.
    func markdown(_ rows: [Row], seed: SeedOutcome) -> String {
        var lines = [
            "## Benchmark",
            "",
            "- Run: \(Self.utcNow()), \(Self.machine())",
            "- Server: `ocop serve` on a fresh SQLite database, \(seed.created) producers seeded through the API "
                + "at \(Report.fixed(seed.rate, 0)) rows/s (\(options.seedConnections) connections)",
            "- Load: `ocop-bench run`, \(options.threads) generator thread(s) on the same machine, closed loop over "
                + "keep-alive HTTP/1.1 connections, \(Report.fixed(options.duration, 0)) s per run",
            "- Errors: non-2xx/3xx responses plus socket errors; server peak RSS is VmHWM, reset before each run;",
            "  server CPU/req is the server's user + system CPU time over the run per completed request",
            "",
            "| " + Self.columns.joined(separator: " | ") + " |",
            "|---|" + String(repeating: "---:|", count: 5) + "---|---:|---:|",
        ]
        for row in rows { lines.append("| " + Self.cells(row).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `ocop` in the directory of this executable (the same build directory).
    static func defaultServerPath() -> String {
        let me = CommandLine.arguments.first ?? "ocop-bench"
        guard let slash = me.lastIndex(of: "/") else {
            // Started through $PATH: resolve our own binary instead.
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            guard n > 0 else { return "./ocop" }
            let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return path.lastIndex(of: "/").map { String(path[..<$0]) + "/ocop" } ?? "./ocop"
        }
        return String(me[..<slash]) + "/ocop"
    }

    /// 128 random bits as hex: the admin token handed to the server.
    static func randomToken() -> String {
        var system = SystemRandomNumberGenerator()
        let words = [system.next(), system.next()] as [UInt64]
        return words.map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Seconds elapsed since a monotonic timestamp.
    static func seconds(since start: UInt64) -> Double { Double(MonotonicClock.now() &- start) / 1e9 }

    /// The current UTC time as "YYYY-MM-DD HH:MM UTC".
    static func utcNow() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M UTC", &parts)
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "2 CPUs, Linux 6.x" from sysconf and uname.
    static func machine() -> String {
        let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: name.release) { raw in
            String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
        }
        return "\(cpus) CPUs, Linux \(release)"
    }
}
