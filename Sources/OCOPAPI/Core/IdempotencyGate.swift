import OCOP
import Synchronization

/// Keys of requests still running, so a retry that overtakes the first attempt
/// gets 409 instead of running twice (API.md "Writes").
public final class IdempotencyGate: Sendable {
    private let inFlight = Mutex<Set<IdempotencyKey>>([])

    public init() {}

    /// Claims a key; false when it is already claimed.
    public func begin(_ key: IdempotencyKey) -> Bool {
        inFlight.withLock { $0.insert(key).inserted }
    }

    public func end(_ key: IdempotencyKey) {
        _ = inFlight.withLock { $0.remove(key) }
    }
}
