import Synchronization

/// Slows down token guessing: each client address may fail authentication a limited
/// number of times per minute; past that, every request of that address that carries
/// a token is a 429 until the allowance refills, whether its token is good or not
/// (answering a good token normally would tell a guesser which guess was right) — except
/// a token whose secret the server made, which nobody can have guessed (`APIResponder`).
///
/// A token bucket per address: `perMinute` failures at once, refilled at `perMinute`
/// per minute. Only failures are counted, so clients with valid tokens, however busy,
/// and anonymous readers are never limited. Tokens from `ocop token create` carry
/// 256 random bits and cannot be guessed at any rate; the limit protects the ones an
/// operator chose by hand (`OCOP_ADMIN_TOKEN`) and keeps guessers out of the logs' way.
///
/// An address whose allowance has refilled carries no information and is forgotten: at
/// most once a second as requests with tokens come in, and at once when the table is full
/// (if that frees nothing, all are dropped; an attacker with `capacity` addresses is not
/// slowed by per-address limits anyway). Forgetting matters beyond memory: while any
/// address is tracked (`isCounting`), every request with a token pays for a lookup of its
/// address, and the event loop stops answering cached pages to token holders itself
/// (`APIResponder`), so one mistyped token must not switch that off for good.
public final class AuthFailureLimiter: Sendable {
    private struct Bucket {
        var allowance: Double
        var updated: Double
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        /// When refilled buckets are next looked for.
        var nextSweep: Double = 0
    }

    private let state = Mutex(State())
    /// Addresses tracked, read without the lock: the common case (nobody failing) costs one atomic load.
    private let tracked = Atomic<Int>(0)
    private let perMinute: Double
    private let capacity: Int
    /// Seconds on a monotonic clock; tests pass their own.
    private let clock: @Sendable () -> Double

    /// `perMinute` 0 turns the limit off.
    public init(perMinute: Int, capacity: Int = 10_000,
                clock: @escaping @Sendable () -> Double = AuthFailureLimiter.monotonicSeconds) {
        self.perMinute = Double(max(0, perMinute))
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    public var isEnabled: Bool { perMinute > 0 }

    /// Whether any address is being counted now; when none is, no request can be limited and
    /// callers need not work out the client's address.
    public var isCounting: Bool { isEnabled && tracked.load(ordering: .relaxed) > 0 }

    /// Seconds until `address` may try again (at least 1), or nil when it may now.
    public func retryAfter(_ address: String) -> Int? {
        guard isCounting else { return nil }
        let now = clock()
        return state.withLock { state -> Int? in
            if now >= state.nextSweep {
                forgetRefilled(&state, now: now)
                state.nextSweep = now + 1
            }
            guard let bucket = state.buckets[address] else { return nil }
            let allowance = refilled(bucket, now: now)
            guard allowance < 1 else { return nil }
            return max(1, Int(((1 - allowance) * 60 / perMinute).rounded(.up)))
        }
    }

    /// Counts one failed authentication of `address`.
    public func recordFailure(_ address: String) {
        guard isEnabled else { return }
        let now = clock()
        state.withLock { state in
            if state.buckets[address] == nil, state.buckets.count >= capacity {
                forgetRefilled(&state, now: now)
                if state.buckets.count >= capacity { state.buckets.removeAll() }
            }
            let start = state.buckets[address].map { refilled($0, now: now) } ?? perMinute
            state.buckets[address] = Bucket(allowance: max(0, start - 1), updated: now)
            tracked.store(state.buckets.count, ordering: .relaxed)
        }
    }

    private func forgetRefilled(_ state: inout State, now: Double) {
        state.buckets = state.buckets.filter { refilled($0.value, now: now) < perMinute }
        tracked.store(state.buckets.count, ordering: .relaxed)
    }

    private func refilled(_ bucket: Bucket, now: Double) -> Double {
        min(perMinute, bucket.allowance + max(0, now - bucket.updated) * perMinute / 60)
    }

    @Sendable public static func monotonicSeconds() -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private static let start = ContinuousClock.now
}
