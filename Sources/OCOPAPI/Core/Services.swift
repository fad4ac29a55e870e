import OCOP
import SQLite

/// The long-lived parts handlers share. Immutable after start; each part is itself thread-safe.
public final class Services: Sendable {
    public let database: Database
    /// The wall clock; tests inject a fixed one so "today" rules can be checked on exact days.
    public let clock: @Sendable () -> Timestamp
    public let idempotency = IdempotencyGate()
    /// Stored responses not yet in the idempotency index; every save of `database` goes through it.
    public let idempotencyTail = IdempotencyTail()
    /// Authenticated tokens; revocations must call `invalidateAll()` once committed.
    public let tokens = TokenCache()
    public let metrics = Metrics()
    public let gauges = GaugeRegistry()
    /// Rendered catalogue pages, valid until the next write.
    public let responses: ResponseCache

    public init(database: Database, clock: @escaping @Sendable () -> Timestamp = Timestamp.now,
                responseCacheBytes: Int = 0) {
        self.database = database
        self.clock = clock
        self.responses = ResponseCache(capacityBytes: responseCacheBytes)
    }
}
