import JSON
import OCOP
import Testing

/// The crash test's verdict, read through the API with the server up (see `ocop-bench crash`'s
/// `CrashOracle`, which this mirrors): exactly once in the feed, all-or-nothing, fresh-key resends
/// answered `duplicate`/`applied`, acknowledged sales recorded, levels equal to the level rule
/// over what is present.
struct CrashRecoveryOracle {
    let client: TestClient
    let admin: (String, String)
    let fleet: CrashFleet
    let logs: [CrashTerminalLog]
    private(set) var violations: [String] = []
    /// How often each change id appears in the feeds.
    private var seen: [String: Int] = [:]

    init(client: TestClient, admin: (String, String), fleet: CrashFleet, logs: [CrashTerminalLog]) {
        self.client = client
        self.admin = admin
        self.fleet = fleet
        self.logs = logs
    }

    mutating func check() throws {
        let batches = logs.flatMap(\.batches), sales = logs.flatMap(\.sales)
        for terminal in fleet.terminals {
            var after: String?
            repeat {
                let page = try get("/api/v1/points-of-sale/\(terminal.pointOfSale)/inventory/feed?limit=500"
                                   + (after.map { "&after=\($0)" } ?? ""))
                for entry in page["items"]?.arrayValue ?? [] {
                    for id in entry["change_ids"]?.arrayValue?.compactMap(\.stringValue) ?? [] { seen[id, default: 0] += 1 }
                }
                after = page["has_more"]?.boolValue == true ? page["next_cursor"]?.stringValue : nil
            } while after != nil
        }
        for (id, times) in seen where times > 1 { violations.append("change \(id) is in the feed \(times) times") }
        let (present, absent) = judge(acknowledged: batches.filter(\.acknowledged).map(\.batch) + fleet.opening,
                                      unacknowledged: batches.filter { !$0.acknowledged }.map(\.batch))
        for batch in present { try resend(batch, expect: "duplicate") }
        for batch in absent { try resend(batch, expect: "applied") }

        var recorded = Set<String>()
        for terminal in fleet.terminals {
            var cursor: String?
            repeat {
                let page = try get("/api/v1/points-of-sale/\(terminal.pointOfSale)/sales?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""))
                for item in page["items"]?.arrayValue ?? [] { if let id = item["sale_id"]?.stringValue { recorded.insert(id) } }
                cursor = page["next_cursor"]?.stringValue
            } while cursor != nil
        }
        for (sale, _, acknowledged) in sales where acknowledged && !recorded.contains(sale.saleID.text) {
            violations.append("acknowledged sale \(sale.saleID) is missing")
        }

        // Every batch is present now; the levels must be the rule applied to them and the recorded sales.
        for terminal in fleet.terminals {
            var history: [Int64: [InventoryChange]] = [:]
            for batch in fleet.opening + batches.map(\.batch) where batch.pointOfSale == terminal.pointOfSale {
                for change in batch.changes { history[change.productID, default: []].append(change) }
            }
            for (sale, point, _) in sales where point == terminal.pointOfSale && recorded.contains(sale.saleID.text) {
                for change in sale.stockChanges { history[change.productID, default: []].append(change) }
            }
            let levels = try get("/api/v1/points-of-sale/\(terminal.pointOfSale)/inventory?limit=500")["items"]?.arrayValue ?? []
            for (product, changes) in history {
                let stored = levels.first { $0["product_id"]?.int64Value == product }?["level"]?.int64Value
                let expected = InventoryLevelRule.state(of: changes).level
                if stored != expected {
                    violations.append("point \(terminal.pointOfSale) product \(product): level \(stored.map(String.init) ?? "none"), expected \(expected)")
                }
            }
        }
    }

    /// Sorts unacknowledged batches into wholly present and wholly absent; anything else, and any
    /// acknowledged batch not wholly present, is a violation.
    @discardableResult
    mutating func judge(acknowledged: [CrashBatch], unacknowledged: [CrashBatch]) -> (present: [CrashBatch], absent: [CrashBatch]) {
        for batch in acknowledged where !batch.changes.allSatisfy({ seen[$0.changeID.text] == 1 }) {
            violations.append("acknowledged batch at \(batch.pointOfSale) is not wholly in the feed")
        }
        var present: [CrashBatch] = [], absent: [CrashBatch] = []
        for batch in unacknowledged {
            let found = batch.changes.filter { seen[$0.changeID.text] == 1 }.count
            if found == batch.changes.count { present.append(batch) }
            else if found == 0 { absent.append(batch) }
            else { violations.append("unacknowledged batch half-applied: \(found) of \(batch.changes.count)") }
        }
        return (present, absent)
    }

    private mutating func resend(_ batch: CrashBatch, expect outcome: String) throws {
        let response = try client.request("POST", batch.target, headers: [admin], body: batch.json)
        let outcomes = try response.json["results"]?.arrayValue?.compactMap { $0["outcome"]?.stringValue } ?? []
        if response.status != 200 || outcomes != Array(repeating: outcome, count: batch.changes.count) {
            violations.append("batch at \(batch.pointOfSale) sent again: \(response.status), expected all \(outcome), got \(outcomes)")
        }
    }

    private func get(_ target: String) throws -> JSONValue {
        let response = try client.request("GET", target, headers: [admin])
        guard response.status == 200 else { throw TestClientError.malformed("\(target): \(response.status) \(response.text)") }
        return try response.json
    }
}
