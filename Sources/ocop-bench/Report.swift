/// Turns results into text: the human summary of one run, its JSON form, and the
/// number formats both use (no Foundation, hence no `String(format:)`).
enum Report {
    /// A non-negative number with a fixed count of decimals: fixed(3.14159, 2) → "3.14".
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "0" }
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((abs(x) * Double(scale)).rounded())
        let sign = x < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(scaled) }
        var fraction = String(scaled % scale)
        while fraction.count < digits { fraction = "0" + fraction }
        return "\(sign)\(scaled / scale).\(fraction)"
    }

    /// A latency with a unit chosen to keep 3 significant digits: 87µs, 1.23ms, 2.50s.
    static func duration(_ nanoseconds: UInt64) -> String {
        let ns = Double(nanoseconds)
        if ns < 1_000 { return "\(nanoseconds)ns" }
        if ns < 10_000 { return fixed(ns / 1e3, 2) + "µs" }
        if ns < 1_000_000 { return fixed(ns / 1e3, 0) + "µs" }
        if ns < 10_000_000 { return fixed(ns / 1e6, 2) + "ms" }
        if ns < 1_000_000_000 { return fixed(ns / 1e6, 1) + "ms" }
        return fixed(ns / 1e9, 2) + "s"
    }

    /// KiB as MiB with one decimal.
    static func memory(_ kib: Int) -> String { fixed(Double(kib) / 1024, 1) + " MiB" }

    /// Bytes as MiB with one decimal.
    static func bytes(_ count: Int) -> String { fixed(Double(count) / 1_048_576, 1) + " MiB" }

    /// Pads on the right (left-aligned columns).
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// Pads on the left (right-aligned numeric columns).
    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// An aligned plain-text table: a header, a rule, and a line per row. Columns whose index is in
    /// `leftAligned` hold text; the others hold numbers and are right-aligned.
    static func table(columns: [String], rows: [[String]], leftAligned: Set<Int>) -> String {
        var widths = columns.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
        func render(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                leftAligned.contains(i) ? pad(cell, widths[i]) : padLeft(cell, widths[i])
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([render(columns), rule] + rows.map(render)).joined(separator: "\n")
    }

    /// "ok" or a short breakdown such as "12 (404×10, reset×2)".
    static func errorSummary(_ stats: LoadStats) -> String {
        guard stats.errors > 0 else { return "0" }
        var parts: [String] = []
        for (status, count) in stats.statuses where status < 200 || status >= 400 { parts.append("\(status)×\(count)") }
        for failure in stats.failures { parts.append("\(failure.kind.label)×\(failure.count)") }
        return "\(stats.errors) (\(parts.joined(separator: ", ")))"
    }

    /// The human summary of one load run.
    static func text(_ result: LoadResult, title: String, memory: ProcessMemory?) -> String {
        let s = result.stats
        let h = s.latency
        var lines: [String] = []
        lines.append("\(title): \(result.connections) connections, \(result.threads) thread(s), \(fixed(result.elapsed, 2)) s")
        lines.append("  requests    \(s.completed) (\(fixed(result.requestsPerSecond, 1)) req/s), 2xx/3xx \(s.successes)")
        lines.append("  latency     mean \(duration(UInt64(h.mean)))  p50 \(duration(h.value(atPercentile: 50)))"
            + "  p90 \(duration(h.value(atPercentile: 90)))  p99 \(duration(h.value(atPercentile: 99)))"
            + "  p99.9 \(duration(h.value(atPercentile: 99.9)))  max \(duration(h.max))")
        let statuses = s.statuses.map { "\($0.status)×\($0.count)" }.joined(separator: ", ")
        lines.append("  statuses    \(statuses.isEmpty ? "none" : statuses)")
        lines.append("  errors      \(s.errors) (non-2xx/3xx \(s.badStatuses), socket \(s.socketErrors))")
        for failure in s.failures {
            let detail = failure.detail.map { " — first: \($0)" } ?? ""
            lines.append("    \(pad(failure.kind.label, 24)) \(failure.count)\(detail)")
        }
        lines.append("  transfer    \(bytes(s.bytesRead)) read, \(bytes(s.bytesWritten)) written, \(s.connects) connects")
        if let memory {
            lines.append("  server RSS  peak \(Report.memory(memory.peakKiB)), current \(Report.memory(memory.currentKiB))")
        }
        return lines.joined(separator: "\n")
    }

    /// The same result as one JSON object (latencies in microseconds).
    static func json(_ result: LoadResult, method: String, url: String, memory: ProcessMemory?) -> String {
        let s = result.stats
        let h = s.latency
        func us(_ ns: UInt64) -> String { fixed(Double(ns) / 1e3, 1) }
        var fields: [String] = [
            "\"method\":\(quote(method))",
            "\"url\":\(quote(url))",
            "\"connections\":\(result.connections)",
            "\"threads\":\(result.threads)",
            "\"duration_s\":\(fixed(result.elapsed, 3))",
            "\"requests\":\(s.completed)",
            "\"requests_per_second\":\(fixed(result.requestsPerSecond, 1))",
            "\"latency_us\":{\"min\":\(us(h.totalCount == 0 ? 0 : h.min)),\"mean\":\(fixed(h.mean / 1e3, 1)),"
                + "\"p50\":\(us(h.value(atPercentile: 50))),\"p90\":\(us(h.value(atPercentile: 90))),"
                + "\"p99\":\(us(h.value(atPercentile: 99))),\"p99_9\":\(us(h.value(atPercentile: 99.9))),"
                + "\"max\":\(us(h.max))}",
            "\"statuses\":{" + s.statuses.map { "\"\($0.status)\":\($0.count)" }.joined(separator: ",") + "}",
        ]
        var errors = ["\"total\":\(s.errors)", "\"bad_status\":\(s.badStatuses)"]
        for failure in s.failures { errors.append("\(quote(failure.kind.label)):\(failure.count)") }
        fields.append("\"errors\":{" + errors.joined(separator: ",") + "}")
        fields.append("\"bytes_read\":\(s.bytesRead)")
        fields.append("\"bytes_written\":\(s.bytesWritten)")
        fields.append("\"connects\":\(s.connects)")
        if let memory {
            fields.append("\"server_memory_kib\":{\"peak\":\(memory.peakKiB),\"current\":\(memory.currentKiB)}")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// A JSON string literal (RFC 8259 §7: quote, backslash and control characters escaped).
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
