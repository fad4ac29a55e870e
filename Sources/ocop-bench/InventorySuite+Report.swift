/// The inventory suite's output: progress lines, the verdict and the Markdown section.
extension InventorySuite {
    static func line(_ row: LoadRow) -> String {
        let h = row.latency
        return "inventory-sync  \(row.terminals) terminals × \(row.batchSize) changes: "
            + "\(Report.fixed(row.batchesPerSecond, 0)) batches/s (\(Report.fixed(row.batchesPerSecond * Double(row.batchSize), 0)) changes/s)"
            + "  p50 \(Report.duration(h.value(atPercentile: 50)))  p99 \(Report.duration(h.value(atPercentile: 99)))"
            + "  max \(Report.duration(h.max))  errors \(row.errors)\(row.firstError.map { " (first: \($0))" } ?? "")"
            + "  peak RSS \(row.memory.map { Report.memory($0.peakKiB) } ?? "n/a")  load \(row.loadBefore) → \(row.loadAfter)"
            + "\n                \(cpu(row))"
    }

    /// "CPU per batch: server 1.05 ms (busiest thread `ocop` 0.91 ms: alone it allows at most 1,099 batches/s), bench 0.12 ms".
    static func cpu(_ row: LoadRow) -> String {
        guard let server = row.perBatch(row.serverCPU) else { return "CPU per batch: n/a (no /proc)" }
        var text = "CPU per batch: server \(Report.fixed(server, 2)) ms"
        if let busiest = row.busiest, let ms = row.perBatch(busiest.seconds), ms > 0 {
            text += " (busiest thread `\(busiest.name)` \(Report.fixed(ms, 2)) ms: alone it allows at most "
                + "\(Report.fixed(1000 / ms, 0)) batches/s)"
        }
        return text + ", bench \(Report.fixed(row.perBatch(row.benchCPU) ?? 0, 2)) ms"
    }

    static func line(_ batch: BigBatch) -> String {
        let sorted = batch.times.sorted()
        return "inventory-big   \(batch.label): median \(Report.duration(batch.median)) "
            + "(min \(Report.duration(sorted.first ?? 0)), max \(Report.duration(sorted.last ?? 0)), \(sorted.count) runs)"
    }

    /// Issue #4's "done when", read off the measurements.
    static func verdict(_ row: LoadRow, _ big: [BigBatch]) -> String {
        let rate = row.batchesPerSecond
        var parts = ["\(Report.fixed(rate, 0)) batches/s \(rate >= 1000 ? "≥ 1,000: met" : "< 1,000: NOT met")"]
        for batch in big {
            parts.append("\(batch.label): median \(Report.duration(batch.median)) "
                + (batch.median < 100_000_000 ? "< 100 ms: met" : "≥ 100 ms: NOT met"))
        }
        return "issue #4 check: " + parts.joined(separator: "; ")
    }

    func markdown(_ row: LoadRow, _ big: [BigBatch]) -> String {
        let h = row.latency
        var lines = [
            "## Benchmark: inventory sync",
            "",
            "- Run: \(Suite.utcNow()), \(Suite.machine()); load average \(row.loadBefore) before, \(row.loadAfter) after",
            "- Server: `ocop serve` on a fresh SQLite database; \(row.terminals) points of sale stocking the same "
                + "\(Self.productsPerPoint) products, a `pos` token and an opening count each",
            "- Load: `ocop-bench run --suite inventory`: \(row.terminals) terminal threads on the same machine, each with its own token "
                + "and keep-alive connection, sending batches of \(row.batchSize) changes (2 recounts, 18 adjustments, fresh change ids "
                + "and Idempotency-Key) in a closed loop for \(Report.fixed(row.seconds, 1)) s",
            "",
            "| scenario | batches/s | changes/s | p50 | p99 | max | errors | server peak RSS |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            "| \(row.terminals) terminals × \(row.batchSize) changes | \(Report.fixed(row.batchesPerSecond, 0)) "
                + "| \(Report.fixed(row.batchesPerSecond * Double(row.batchSize), 0)) | \(Report.duration(h.value(atPercentile: 50))) "
                + "| \(Report.duration(h.value(atPercentile: 99))) | \(Report.duration(h.max)) | \(row.errors) "
                + "| \(row.memory.map { Report.memory($0.peakKiB) } ?? "n/a") |",
            "",
            "| one batch at a time, no terminal load, round trip | median | min | max |",
            "|---|---:|---:|---:|",
        ]
        for batch in big {
            let sorted = batch.times.sorted()
            lines.append("| \(batch.label) | \(Report.duration(batch.median)) | \(Report.duration(sorted.first ?? 0)) "
                + "| \(Report.duration(sorted.last ?? 0)) |")
        }
        lines += ["", "- " + Self.cpu(row), "- " + Self.verdict(row, big)]
        return lines.joined(separator: "\n") + "\n"
    }
}
