import OCOP
import SQLite

/// The long-lived parts handlers share. Immutable after start; each part is itself thread-safe.
public final class Services: Sendable {
    public let database: Database
    /// The wall clock; tests inject a fixed one so "today" rules can be checked on exact days.
    public let clock: @Sendable () -> Timestamp
    public let idempotency = IdempotencyGate()
    /// Authenticated tokens; revocations must call `invalidateAll()` once committed.
    public let tokens = TokenCache()
    public let metrics = Metrics()
    public let gauges = GaugeRegistry()

    public init(database: Database, clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        self.database = database
        self.clock = clock
    }
}
