#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// State guarded by a pthread mutex with a condition variable to wait on.
///
/// `Synchronization.Mutex` has no condition variable, and the pool must block
/// real threads (the writer, callers waiting for a reader) until state changes.
///
/// `@unchecked Sendable`: `state` is read and written only while `mutex` is
/// held (every access goes through `withLock` or `wait`), which also orders the
/// hand-over of non-Sendable values it holds (connections, jobs) between threads.
final class Monitor<State>: @unchecked Sendable {
    private var state: State
    // pthread objects must not move once initialised: heap-allocate them.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(_ state: State) {
        self.state = state
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        // Timed waits count on the monotonic clock, which a wall-clock step cannot move.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the state locked.
    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Blocks until `ready(state)` holds, then runs `body` with the state still locked.
    func wait<R>(until ready: (State) -> Bool, then body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        // Loop: pthread_cond_wait may wake spuriously (POSIX pthread_cond_wait).
        while !ready(state) { pthread_cond_wait(condition, mutex) }
        return try body(&state)
    }

    /// Blocks until `ready(state)` holds or `timeout` has passed, then runs `body` with the state
    /// still locked and whether `ready` held.
    func wait<R>(until ready: (State) -> Bool, timeout: Duration,
                 then body: (inout State, Bool) throws -> R) rethrows -> R {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(deadline.tv_nsec) + Int(attoseconds / 1_000_000_000)
        deadline.tv_sec += Int(seconds) + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(state) {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT {
                return try body(&state, ready(state))
            }
        }
        return try body(&state, true)
    }

    /// Wakes one waiter.
    func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiter.
    func broadcast() { pthread_cond_broadcast(condition) }
}
