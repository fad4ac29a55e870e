/// One terminal of the inventory suite's closed loop and what it measured. `@unchecked Sendable`:
/// made on the main thread before its worker starts, read there only after `join`; in between
/// only its worker touches it (pthread_create and pthread_join order the accesses).
final class InventoryRun: @unchecked Sendable {
    let terminal: Terminal
    var latency = LatencyHistogram()
    var acknowledged = 0
    var errors = 0
    var firstError: String?

    init(terminal: Terminal) { self.terminal = terminal }

    /// Sends batches of `batchSize` changes (two recounts) one after another on one keep-alive
    /// connection until `deadline`, timing each from the first byte sent to the last received.
    func loop(endpoint: Endpoint, batchSize: Int, until deadline: UInt64) {
        let client = BlockingClient(endpoint: endpoint, timeout: 30)
        let headers = terminal.headers
        while MonotonicClock.now() < deadline {
            let batch = terminal.batch(size: batchSize, counts: 2)
            let start = MonotonicClock.now()
            do {
                let response = try client.send("POST", batch.target, headers: headers + [("Idempotency-Key", batch.key)],
                                               body: batch.body)
                latency.record(MonotonicClock.now() &- start)
                if response.status == 200 {
                    acknowledged += 1
                } else {
                    errors += 1
                    if firstError == nil { firstError = "\(response.status): \(response.text.prefix(200))" }
                }
            } catch {
                errors += 1
                if firstError == nil { firstError = error.description }
            }
        }
    }
}
