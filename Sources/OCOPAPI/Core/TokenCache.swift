import OCOP
import Synchronization

/// Recently authenticated bearer tokens, by the SHA-256 of their secret, so that a
/// request does not need a database read (and a reader connection) just to learn who
/// is calling. Only tokens that authenticated are kept, never failures.
///
/// Revocation takes effect at once in this process: `invalidateAll()` runs after the
/// revoking transaction commits and bumps an epoch, and an entry is stored with the
/// epoch read *before* its database lookup, so a lookup that raced the revocation (and
/// saw the token still valid) is stored as already stale. A change made by another
/// process (none does today; `ocop token create` only adds tokens) is seen when the
/// entry expires, `lifetime` after it was stored.
public final class TokenCache: Sendable {
    private struct Entry {
        let hash: [UInt8]
        let principal: Principal
        let epoch: UInt64
        let expires: ContinuousClock.Instant
    }

    /// Entries are found by the hash's first 8 bytes (SHA-256 output is uniform, so they spread
    /// like any hash) and then checked whole: hashing one integer under the lock instead of
    /// 32 bytes keeps the lock short, which matters with hundreds of handler threads.
    private struct State {
        var entries: [UInt64: Entry] = [:]
        var epoch: UInt64 = 0
    }

    private static func slot(_ hash: [UInt8]) -> UInt64 {
        hash.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    private let state = Mutex(State())
    private let lifetime: Duration
    private let capacity: Int

    public init(lifetime: Duration = .seconds(60), capacity: Int = 1024) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// The epoch to pass to `store` for a lookup starting now.
    public var epoch: UInt64 { state.withLock { $0.epoch } }

    /// The cached principal for a secret's hash, if fresh and not invalidated since.
    public func principal(forSecretHash hash: [UInt8]) -> Principal? {
        let now = ContinuousClock.now
        let slot = Self.slot(hash)
        return state.withLock { state in
            guard let entry = state.entries[slot], entry.hash == hash else { return nil }
            guard entry.epoch == state.epoch, entry.expires > now else {
                state.entries[slot] = nil
                return nil
            }
            return entry.principal
        }
    }

    /// Remembers a principal read from the database by a lookup that began at `epoch`.
    public func store(_ principal: Principal, forSecretHash hash: [UInt8], epoch: UInt64) {
        let expires = ContinuousClock.now + lifetime
        let slot = Self.slot(hash)
        state.withLock { state in
            guard epoch == state.epoch else { return }   // invalidated while it was being read
            // Full: start over rather than track recency; real deployments hold a few dozen tokens.
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[slot] = Entry(hash: hash, principal: principal, epoch: epoch, expires: expires)
        }
    }

    /// Forgets every entry; call after a transaction that revoked or changed a token commits.
    public func invalidateAll() {
        state.withLock { state in
            state.epoch &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}
