/// The overview suite's output: progress lines, the plain table, the verdict and the Markdown section.
extension OverviewSuite {
    private static let columns = ["phase", "connections", "req/s", "p50", "p99", "max", "errors", "server peak RSS", "load average"]

    private static func cells(_ row: Row) -> [String] {
        let h = row.result.stats.latency
        return [
            row.phase,
            String(row.result.connections),
            Report.fixed(row.result.requestsPerSecond, 1),
            Report.duration(h.value(atPercentile: 50)),
            Report.duration(h.value(atPercentile: 99)),
            Report.duration(h.max),
            Report.errorSummary(row.result.stats),
            row.memory.map { Report.memory($0.peakKiB) } ?? "n/a",
            "\(row.loadBefore) → \(row.loadAfter)",
        ]
    }

    /// One progress line, printed as each run ends.
    static func line(_ row: Row) -> String {
        let c = cells(row)
        return "overview \(Report.pad(c[0], 5)) c=\(Report.padLeft(c[1], 3))  \(Report.padLeft(c[2], 8)) req/s"
            + "  p50 \(c[3])  p99 \(c[4])  max \(c[5])  errors \(c[6])  peak RSS \(c[7])  load \(c[8])"
    }

    /// The results as an aligned plain-text table.
    static func table(_ rows: [Row]) -> String {
        Report.table(columns: columns, rows: rows.map(cells), leftAligned: [0, 6, 8])
    }

    /// Issue #5's "done when" read off the rows: every run's p50 under its phase's target.
    static func verdict(_ rows: [Row]) -> String {
        let parts = rows.map { row -> String in
            let p50 = row.result.stats.latency.value(atPercentile: 50)
            let target = targets[row.phase] ?? 0
            let met = p50 < target && row.result.stats.errors == 0
            return "\(row.phase) c=\(row.result.connections) p50 \(Report.duration(p50)) "
                + (met ? "< \(target / 1_000_000) ms: met" : "NOT met (target < \(target / 1_000_000) ms, no errors)")
        }
        return "issue #5 check: " + parts.joined(separator: "; ")
    }

    /// The results as a Markdown section for the README: how the data was made, the probes, the table.
    func markdown(_ rows: [Row], probes: [Probe], seeded: [Seeded]) -> String {
        var lines = [
            "## Benchmark: the overview report",
            "",
            "- Run: \(Suite.utcNow()), \(Suite.machine())",
            "- Request: `GET /api/v1/reports/overview?as_of=\(asOf)` with the admin token",
            "- Load: `ocop-bench run --suite overview`, \(options.threads) generator thread(s) on the same machine, "
                + "closed loop over keep-alive HTTP/1.1 connections, \(Report.fixed(options.duration, 0)) s per run",
            "- demo: `ocop serve --demo` on a fresh database",
            "- large: a fresh server seeded through the API with \(products) products and \(options.overviewFairs) fairs "
                + "× \(options.overviewBooths) booths:",
            "",
            "| seeded | count | requests | seconds | per second |",
            "|---|---:|---:|---:|---:|",
        ]
        for s in seeded {
            lines.append("| \(s.label) | \(s.step.count) | \(s.step.requests) | \(Report.fixed(s.step.seconds, 1)) "
                + "| \(Report.fixed(s.step.rate, 0)) |")
        }
        lines += ["", "What the overview reports (and one request at a time, median of \(Self.probeRuns)):", ""]
        for p in probes {
            lines.append("- \(p.phase): \(p.figures); \(p.bytes) bytes; unloaded \(Report.duration(p.unloaded))")
        }
        lines += [
            "",
            "| " + Self.columns.joined(separator: " | ") + " |",
            "|---|" + String(repeating: "---:|", count: 5) + "---|---:|---|",
        ]
        for row in rows { lines.append("| " + Self.cells(row).joined(separator: " | ") + " |") }
        lines += ["", "- " + Self.verdict(rows)]
        return lines.joined(separator: "\n") + "\n"
    }
}
