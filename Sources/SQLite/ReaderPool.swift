/// A fixed set of read-only connections, checked out one per reading thread.
///
/// `@unchecked Sendable`: idle connections live in the `Monitor`; a checked-out
/// connection belongs to exactly one thread until it is checked back in, and
/// the monitor's mutex orders that hand-over.
final class ReaderPool: @unchecked Sendable {
    private struct State {
        var idle: [Connection]
        var closed = false
        /// New reads wait while set (`withoutReads`).
        var paused = false
        /// When each read in flight began: a few entries at most (one per connection), so a
        /// scan is cheaper on every read than hashing.
        var readsInFlight: [(connection: ObjectIdentifier, since: ContinuousClock.Instant)] = []
    }

    private let monitor: Monitor<State>
    /// Connections in the pool.
    let total: Int

    init(_ connections: [Connection]) {
        monitor = Monitor(State(idle: connections))
        total = connections.count
    }

    /// Connections checked out right now.
    var inUse: Int { monitor.withLock { total - $0.idle.count } }

    /// Runs `body` on an idle reader, blocking until one is free.
    func withReader<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try monitor.wait(until: { $0.closed || (!$0.paused && !$0.idle.isEmpty) }) { state in
            guard !state.closed else { throw SQLiteError.misuse("database is closed") }
            let connection = state.idle.removeLast()
            state.readsInFlight.append((ObjectIdentifier(connection), .now))
            return connection
        }
        defer { checkIn(connection) }
        return try body(connection)
    }

    private func checkIn(_ connection: Connection) {
        // A read body that left BEGIN open would pin an old snapshot forever
        // (stale reads, and the WAL could never be checkpointed past it).
        connection.rollbackIfOpen()
        let wakeAll = monitor.withLock { state in
            state.idle.append(connection)
            if let read = state.readsInFlight.firstIndex(where: { $0.connection == ObjectIdentifier(connection) }) {
                state.readsInFlight.remove(at: read)
            }
            return state.closed || state.paused
        }
        // Once closing or paused, `close()` or `withoutReads` waits too, beside readers that
        // cannot go on yet: wake everyone so it is not the one missed.
        if wakeAll { monitor.broadcast() } else { monitor.signal() }
    }

    /// Holds new reads back, waits up to `timeout` for the reads in flight to end, and runs
    /// `body` while no connection of the pool reads; nil (and `body` not run) when a read
    /// outlasted `timeout`. New reads wait for `body` too, so it must be short.
    ///
    /// A read that has already lasted `timeout` (an export, a backup) would outlast the wait
    /// too: then nil at once, without holding anyone back. So a long read delays the reads
    /// behind it at most once, by `timeout`.
    func withoutReads<T>(timeout: Duration, _ body: () throws -> T) rethrows -> T? {
        let paused = monitor.withLock { state -> Bool in
            let longest = state.readsInFlight.map(\.since).min().map { ContinuousClock.now - $0 } ?? .zero
            guard longest < timeout, !state.closed else { return false }
            state.paused = true
            return true
        }
        guard paused else { return nil }
        defer { resume() }
        let quiet = monitor.wait(until: { $0.idle.count == self.total || $0.closed }, timeout: timeout) { state, ready in
            ready && !state.closed
        }
        guard quiet else { return nil }
        return try body()
    }

    private func resume() {
        monitor.withLock { $0.paused = false }
        monitor.broadcast()
    }

    /// Runs `body` on every connection of the pool in turn, waiting until all are idle.
    func withEveryConnection(_ body: (Connection) throws -> Void) throws {
        guard let connections = checkOutAll(stoppingIfClosed: true) else { throw SQLiteError.misuse("database is closed") }
        defer { for connection in connections { checkIn(connection) } }
        for connection in connections { try body(connection) }
    }

    /// Waits until every connection is idle and takes them all; with `stoppingIfClosed`, nil
    /// instead once the pool is closing.
    private func checkOutAll(stoppingIfClosed: Bool) -> [Connection]? {
        monitor.wait(until: { (stoppingIfClosed && $0.closed) || $0.idle.count == self.total }) { state in
            if stoppingIfClosed, state.closed { return nil }
            defer { state.idle = [] }
            return state.idle
        }
    }

    /// Refuses new reads, waits for reads in flight, then closes every connection.
    func close() {
        monitor.withLock { $0.closed = true }
        monitor.broadcast()
        for connection in checkOutAll(stoppingIfClosed: false) ?? [] { connection.close() }
    }
}
