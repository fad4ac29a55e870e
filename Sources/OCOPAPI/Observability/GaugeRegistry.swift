import Synchronization

/// Gauges read at scrape time from parts wired after the routes exist
/// (the server's open connections, the pools' queues).
public final class GaugeRegistry: Sendable {
    public typealias Gauge = (name: String, help: String, read: @Sendable () -> Double)

    private let gauges = Mutex<[Gauge]>([])

    public init() {}

    public func register(_ name: String, help: String, _ read: @escaping @Sendable () -> Double) {
        gauges.withLock { $0.append((name, help, read)) }
    }

    public func read() -> [(name: String, help: String, value: Double)] {
        gauges.withLock { $0 }.map { ($0.name, $0.help, $0.read()) }
    }
}
