#if canImport(Glibc)
import Glibc
#endif
import JSON

/// The crash check's verdict, read through the API once the load is over (server up), then from
/// the file itself (`ocop verify`, server stopped):
///
/// 1. The feed of every point of sale lists each change id at most once, and every change of
///    every acknowledged batch exactly once.
/// 2. Each unacknowledged batch is either wholly in the feed or wholly absent — never half.
/// 3. Sent again under a fresh Idempotency-Key, an acknowledged or present batch comes back all
///    `duplicate`, an absent one all `applied` (so afterwards every batch is present).
/// 4. Every acknowledged sale is recorded with its total; an unacknowledged one may be or not.
/// 5. Every level equals the level rule applied to what is now present (all batches, the opening
///    counts and the recorded sales), computed here independently of the server's code.
/// 6. `ocop verify`: SQLite's quick_check, and the materialized levels equal the ledger.
struct CrashOracle {
    let client: BlockingClient
    let adminToken: String
    let terminals: [Terminal]
    let opening: [TerminalBatch]
    let logs: [TerminalLog]
    private(set) var violations: [String] = []
    private var lines: [String] = []

    /// Acknowledged batches re-sent to see them come back `duplicate` (all would take as long as the load).
    static let resentAcknowledged = 200

    init(client: BlockingClient, adminToken: String, terminals: [Terminal], opening: [TerminalBatch], logs: [TerminalLog]) {
        self.client = client
        self.adminToken = adminToken
        self.terminals = terminals
        self.opening = opening
        self.logs = logs
    }

    var summary: String { lines.joined(separator: "\n") }
    private var admin: [(String, String)] { [("Authorization", "Bearer \(adminToken)"), ("Content-Type", "application/json")] }

    mutating func check() throws(BenchError) {
        let batches = logs.flatMap(\.batches), sales = logs.flatMap(\.sales)
        for log in logs { violations += log.refusals }
        let acknowledged = batches.filter(\.acknowledged).map(\.batch) + opening
        let unacknowledged = batches.filter { !$0.acknowledged }.map(\.batch)

        // 1–2. The feed, from the start, for every point of sale.
        var seen: [String: Int] = [:]
        for terminal in terminals {
            for id in try feed(terminal.pointOfSaleID) { seen[id, default: 0] += 1 }
        }
        for (id, times) in seen where times > 1 { violations.append("change \(id) appears \(times) times in the feed") }
        var changes = 0
        for batch in acknowledged {
            let missing = batch.changes.filter { seen[$0.id] != 1 }.count
            changes += batch.changes.count
            if missing > 0 { violations.append("acknowledged batch \(batch.key): \(missing) of \(batch.changes.count) changes missing") }
        }
        var present: [TerminalBatch] = [], absent: [TerminalBatch] = []
        for batch in unacknowledged {
            let found = batch.changes.filter { seen[$0.id] == 1 }.count
            if found == batch.changes.count { present.append(batch) }
            else if found == 0 { absent.append(batch) }
            else { violations.append("unacknowledged batch \(batch.key) is half-applied: \(found) of \(batch.changes.count) changes") }
        }

        // 3. Send again under fresh keys.
        for batch in acknowledged.prefix(Self.resentAcknowledged) + present { try resend(batch, expect: "duplicate") }
        for batch in absent { try resend(batch, expect: "applied") }

        // 4. Sales, as recorded.
        var recorded: [String: Int64] = [:]
        for terminal in terminals { recorded.merge(try self.sales(terminal.pointOfSaleID)) { a, _ in a } }
        var salesPresent = 0
        for (sale, acknowledged) in sales {
            if let total = recorded[sale.saleID] {
                salesPresent += 1
                if total != sale.totalVND { violations.append("sale \(sale.saleID) recorded with total \(total), sent \(sale.totalVND)") }
            } else if acknowledged {
                violations.append("acknowledged sale \(sale.saleID) is missing")
            }
        }

        // 5. Levels against the model of what is present now.
        var compared = 0
        for terminal in terminals {
            let point = terminal.pointOfSaleID
            var model: [Int64: [TerminalChange]] = [:]
            for batch in opening + batches.map(\.batch) where batch.pointOfSaleID == point {
                for change in batch.changes { model[change.productID, default: []].append(change) }
            }
            for (sale, _) in sales where sale.pointOfSaleID == point && recorded[sale.saleID] != nil {
                for (i, line) in sale.lines.enumerated() {
                    model[line.productID, default: []].append(TerminalChange(
                        id: "\(sale.saleID)/\(i)", productID: line.productID, occurredAtMs: sale.soldAtMs,
                        movement: .adjust(-line.quantity, "sold")))
                }
            }
            let levels = try self.levels(point)
            for (product, history) in model {
                compared += 1
                let expected = LevelRule.level(of: history)
                if levels[product] != expected {
                    violations.append("point \(point), product \(product): level \(levels[product].map(String.init) ?? "missing"), model \(expected)")
                }
            }
        }

        let retries = logs.reduce(0) { $0 + $1.retries }, onRetry = logs.reduce(0) { $0 + $1.acknowledgedOnRetry }
        lines += [
            "  batches: \(batches.count) sent, \(batches.count - unacknowledged.count) acknowledged (\(changes) changes "
                + "with the opening counts), \(unacknowledged.count) not: \(present.count) found whole, \(absent.count) absent",
            "  sales: \(sales.count) sent, \(sales.filter(\.acknowledged).count) acknowledged, \(salesPresent) recorded",
            "  retries with the same Idempotency-Key: \(retries), \(onRetry) of them acknowledged",
            "  resent under fresh keys: \(min(acknowledged.count, Self.resentAcknowledged)) acknowledged + \(present.count) found "
                + "(expected all duplicate), \(absent.count) absent (expected all applied)",
            "  levels compared with the model: \(compared)",
        ]
    }

    /// Runs `ocop verify --db` on the stopped server's file and records what it says.
    mutating func verify(executable: String, database: String, directory: String) {
        let log = "\(directory)/verify.log"
        guard let process = try? ServerProcess(executable: executable, arguments: ["verify", "--db", database],
                                               environment: [:], logPath: log) else {
            violations.append("ocop verify could not be started")
            return
        }
        var status: Int32 = 0
        while waitpid(process.pid, &status, 0) < 0 && errno == EINTR {}
        let output = ((try? Files.readText(log)) ?? "").split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        let exited = status & 0x7F == 0 ? (status >> 8) & 0xFF : -1
        lines.append("  ocop verify: exit \(exited)\n\(output)")
        if exited != 0 { violations.append("ocop verify exited \(exited)") }
    }

    private mutating func resend(_ batch: TerminalBatch, expect outcome: String) throws(BenchError) {
        let response = try client.send("POST", batch.target, headers: admin + [("Idempotency-Key", terminals[0].uuid())],
                                       body: batch.body)
        let outcomes = (try? JSONValue.parse(response.body))?["results"]?.arrayValue?.compactMap { $0["outcome"]?.stringValue }
        guard response.status == 200, let outcomes, outcomes.count == batch.changes.count else {
            violations.append("batch \(batch.key) sent again: \(response.status) \(response.text.prefix(200))")
            return
        }
        if outcomes.contains(where: { $0 != outcome }) {
            violations.append("batch \(batch.key) sent again: expected all \(outcome), got \(Dictionary(grouping: outcomes) { $0 }.mapValues(\.count))")
        }
    }

    /// Every change id in a point's feed, from the beginning, in order.
    private func feed(_ point: Int64) throws(BenchError) -> [String] {
        var ids: [String] = []
        var cursor: String?
        while true {
            let json = try get("/api/v1/points-of-sale/\(point)/inventory/feed?limit=500" + (cursor.map { "&after=\($0)" } ?? ""))
            for entry in json["items"]?.arrayValue ?? [] {
                ids += entry["change_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            }
            cursor = json["next_cursor"]?.stringValue
            guard json["has_more"]?.boolValue == true, cursor != nil else { return ids }
        }
    }

    /// Sale id → total, for every sale recorded at a point.
    private func sales(_ point: Int64) throws(BenchError) -> [String: Int64] {
        var out: [String: Int64] = [:]
        var cursor: String?
        repeat {
            let json = try get("/api/v1/points-of-sale/\(point)/sales?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""))
            for item in json["items"]?.arrayValue ?? [] {
                if let id = item["sale_id"]?.stringValue, let total = item["total_vnd"]?.int64Value { out[id] = total }
            }
            cursor = json["next_cursor"]?.stringValue
        } while cursor != nil
        return out
    }

    /// Product id → level at a point.
    private func levels(_ point: Int64) throws(BenchError) -> [Int64: Int64] {
        var out: [Int64: Int64] = [:]
        var cursor: String?
        repeat {
            let json = try get("/api/v1/points-of-sale/\(point)/inventory?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""))
            for item in json["items"]?.arrayValue ?? [] {
                if let product = item["product_id"]?.int64Value, let level = item["level"]?.int64Value { out[product] = level }
            }
            cursor = json["next_cursor"]?.stringValue
        } while cursor != nil
        return out
    }

    private func get(_ target: String) throws(BenchError) -> JSONValue {
        let response = try client.send("GET", target, headers: admin)
        guard response.status == 200, let json = try? JSONValue.parse(response.body) else {
            throw BenchError("GET \(target) answered \(response.status): \(response.text.prefix(300))")
        }
        return json
    }
}
