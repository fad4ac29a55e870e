import Synchronization

/// Gauges and counters read at scrape time from parts wired after the routes exist
/// (the server's open connections, the pools' queues, the log's dropped lines).
public final class GaugeRegistry: Sendable {
    public typealias Gauge = (name: String, help: String, read: @Sendable () -> Double)
    public typealias Sample = (name: String, help: String, value: Double)

    private let gauges = Mutex<[Gauge]>([])
    private let counters = Mutex<[Gauge]>([])

    public init() {}

    /// A value that goes up and down.
    public func register(_ name: String, help: String, _ read: @escaping @Sendable () -> Double) {
        gauges.withLock { $0.append((name, help, read)) }
    }

    /// A value that only grows from the start of the process.
    public func registerCounter(_ name: String, help: String, _ read: @escaping @Sendable () -> Double) {
        counters.withLock { $0.append((name, help, read)) }
    }

    public func read() -> [Sample] {
        gauges.withLock { $0 }.map { ($0.name, $0.help, $0.read()) }
    }

    public func readCounters() -> [Sample] {
        counters.withLock { $0 }.map { ($0.name, $0.help, $0.read()) }
    }
}
