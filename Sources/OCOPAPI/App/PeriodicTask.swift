import CLinux
import Glibc
import Synchronization
import Threads

/// Runs a job `interval` after `start`, or a second after it for longer intervals, then every
/// `interval`, on its own thread, until `stop`. (It once waited a second whatever the interval:
/// the search indexing, every 25 ms, then met a second of inserts at its first run, and a
/// server loaded from its first instant stalled every write 75–87 ms for that flush.)
///
/// The thread waits in `poll` with a relative timeout and compares readings of the monotonic
/// clock; it never hands the kernel an absolute deadline. A Dispatch timer does (a timerfd on
/// the monotonic clock), and under a clock-faking tool such as libfaketime, which is how one
/// tests what the server does at midnight, the process's monotonic clock is shifted but the
/// kernel's is not: the timer never fired, so the certificate sweep never put midnight's status
/// changes in the audit log. Differences between two shifted readings are still true durations.
/// `stop` wakes the wait through an eventfd, so a shutdown does not wait out an interval.
public final class PeriodicTask: Sendable {
    private struct Running: Sendable {
        let thread: OSThread
        /// Written once by `stop`; the thread's `poll` sees it readable and leaves.
        let wake: Int32
    }

    /// `eventfd` refused (out of descriptors): the server cannot start its background jobs.
    struct WakeFailure: Error, CustomStringConvertible {
        let errno: Int32
        var description: String { "cannot make a wake-up eventfd: " + String(cString: strerror(errno)) }
    }

    private let name: String
    private let interval: Duration
    private let job: @Sendable () -> Void
    private let running = Mutex<Running?>(nil)

    /// `name` is the thread's (15 bytes show in `top -H`).
    public init(name: String, every interval: Duration, _ job: @escaping @Sendable () -> Void) {
        self.name = name
        self.interval = interval
        self.job = job
    }

    /// Starts the thread; a second call while it runs does nothing.
    public func start() throws {
        try running.withLock { running in
            guard running == nil else { return }
            let wake = eventfd(0, Int32(EFD_CLOEXEC))
            guard wake >= 0 else { throw WakeFailure(errno: errno) }
            do {
                let thread = try OSThread.spawn(name: name) { [self] in run(wake: wake) }
                running = Running(thread: thread, wake: wake)
            } catch {
                close(wake)
                throw error
            }
        }
    }

    /// Wakes the thread and waits for it, including a job it is running: none may outlive the
    /// database it writes. Idempotent.
    public func stop() {
        guard let stopping = running.withLock({ running in
            defer { running = nil }
            return running
        }) else { return }
        var one: UInt64 = 1
        _ = write(stopping.wake, &one, MemoryLayout<UInt64>.size)
        stopping.thread.join()
        close(stopping.wake)
    }

    private func run(wake: Int32) {
        let clock = ContinuousClock()
        var due = clock.now + min(interval, .seconds(1))
        while true {
            if DescriptorWait.ready(wake, for: POLLIN, within: due - clock.now) { return }   // stop
            guard clock.now >= due else { continue }   // early wake-up (a signal)
            job()
            // The next run an interval after this one began, or at once after a job that took
            // longer than the interval (as a repeating timer would, without piling runs up).
            due = max(due + interval, clock.now)
        }
    }
}
