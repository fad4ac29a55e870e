/// The products suite's output: progress lines, the plain table and the Markdown section.
extension ProductSuite {
    private static let columns = ["products", "scenario", "connections", "req/s", "p50", "p99", "max", "errors", "server peak RSS"]

    private static func cells(_ row: Row) -> [String] {
        let h = row.result.stats.latency
        return [
            String(row.products),
            row.scenario,
            String(row.result.connections),
            Report.fixed(row.result.requestsPerSecond, 0),
            Report.duration(h.value(atPercentile: 50)),
            Report.duration(h.value(atPercentile: 99)),
            Report.duration(h.max),
            Report.errorSummary(row.result.stats),
            row.memory.map { Report.memory($0.peakKiB) } ?? "n/a",
        ]
    }

    /// One progress line, printed as each run ends.
    static func line(_ row: Row) -> String {
        let c = cells(row)
        return "\(Report.padLeft(c[0], 7)) \(Report.pad(c[1], 15)) c=\(Report.padLeft(c[2], 4))  \(Report.padLeft(c[3], 8)) req/s"
            + "  p50 \(c[4])  p99 \(c[5])  max \(c[6])  errors \(c[7])  peak RSS \(c[8])"
    }

    /// The results as an aligned plain-text table.
    static func table(_ rows: [Row]) -> String {
        Report.table(columns: columns, rows: rows.map(cells), leftAligned: [1, 7])
    }

    /// Issue #3's "done when" read off the rows: at the largest size and 64 connections, the filtered
    /// page and the search each under 10 ms p50. Nil when no such rows were measured.
    static func verdict(_ rows: [Row]) -> String? {
        guard let largest = rows.map(\.products).max() else { return nil }
        let checked = rows.filter { $0.products == largest && $0.result.connections == 64
            && ($0.scenario == "product-group" || $0.scenario == "product-q") }
        guard !checked.isEmpty else { return nil }
        let parts = checked.map { row in
            let p50 = row.result.stats.latency.value(atPercentile: 50)
            return "\(row.scenario) p50 \(Report.duration(p50)) \(p50 < 10_000_000 ? "< 10 ms: met" : "≥ 10 ms: NOT met")"
        }
        return "issue #3 check at \(largest) products, 64 connections: " + parts.joined(separator: "; ")
    }

    /// The results as a Markdown section for the README: how the data was made, the probes, the table.
    func markdown(_ rows: [Row], seedings: [Seeding]) -> String {
        var lines = [
            "## Benchmark: products at scale",
            "",
            "- Run: \(Suite.utcNow()), \(Suite.machine())",
            "- Server: `ocop serve` on a fresh SQLite database; \(options.productProducers) producers "
                + "(POST /api/v1/producers), products imported as CSV (POST /api/v1/products/import, "
                + "≤ \(ProductSeeder.rowsPerImport) rows and ≤ 1 MB per request), certificates through rounds, "
                + "scored results and decisions (\(options.certifiedPercent) % of products, at least 300; ~10 % expired)",
            "- Load: `ocop-bench run --suite products`, \(options.threads) generator thread(s) on the same machine, "
                + "closed loop over keep-alive HTTP/1.1 connections, \(Report.fixed(options.duration, 0)) s per run",
            "",
            "| products | imported in | import rows/s | certificates (valid ≥ 4★) |",
            "|---:|---:|---:|---:|",
        ]
        for s in seedings {
            lines.append("| \(s.products) | \(Report.fixed(s.imported.seconds, 1)) s (\(s.imported.requests) requests) "
                + "| \(Report.fixed(s.imported.rate, 0)) | \(s.certificates) (\(s.validFourPlus)) |")
        }
        lines += ["", "Scenarios:", ""]
        for scenario in Self.scenarios(products: seedings.last?.products ?? 0) {
            lines.append("- `\(scenario.name)`: \(scenario.summary)")
        }
        lines += ["", "Search terms (matches; first page of 50, unloaded, median of 5):", ""]
        let header = "| term | " + seedings.map { "\($0.products): matches | \($0.products): first page" }.joined(separator: " | ") + " |"
        lines.append(header)
        lines.append("|---|" + String(repeating: "---:|---:|", count: seedings.count))
        for (index, term) in Self.searchTerms.enumerated() {
            let cells = seedings.map { s -> String in
                guard index < s.probes.count else { return "n/a | n/a" }
                return "\(s.probes[index].matches) | \(Report.duration(s.probes[index].unloaded))"
            }
            lines.append("| `\(term)` | " + cells.joined(separator: " | ") + " |")
        }
        lines += [
            "",
            "| " + Self.columns.joined(separator: " | ") + " |",
            "|---:|---|" + String(repeating: "---:|", count: 5) + "---|---:|",
        ]
        for row in rows { lines.append("| " + Self.cells(row).joined(separator: " | ") + " |") }
        if let verdict = Self.verdict(rows) { lines += ["", "- " + verdict] }
        return lines.joined(separator: "\n") + "\n"
    }
}
