import Dispatch
import Synchronization
import Threads

/// Runs blocking work (SQLite, JSON of big lists) off the event loops on its own threads.
public final class BlockingPool: Sendable {
    private struct Queue: ~Copyable {
        var jobs: [(@Sendable () -> Void)?] = []
        var head = 0
        var stopping = false
        var count: Int { jobs.count - head }
    }

    private let queue = Mutex(Queue())
    /// Counts queued jobs (plus one per worker at shutdown): workers sleep on it.
    private let available = DispatchSemaphore(value: 0)
    private let threads = Mutex<[OSThread]>([])
    private let threadCount: Int

    /// The system refused a thread: the process's limit on threads (`ulimit -u`, a container's
    /// pids limit) or on address space (`ulimit -v`: each thread reserves its stack) is too low.
    public struct StartFailure: Error, CustomStringConvertible {
        public let thread: String
        public let wanted: Int
        public let cause: OSThread.StartFailure
        public var description: String {
            "cannot start thread \(thread) (of \(wanted) in its pool): \(cause); the limit on threads "
                + "(ulimit -u, a container's pids limit) or on memory (ulimit -v) is too low for this configuration"
        }
    }

    /// Starts `threads` threads named `name-N`; when the system refuses one, stops those started
    /// and throws, so start-up ends with a message rather than a crash.
    public init(threads: Int, name: String) throws(StartFailure) {
        threadCount = max(1, threads)
        var started: [OSThread] = []
        for i in 0..<threadCount {
            do {
                started.append(try OSThread.spawn(name: "\(name)-\(i)", { [self] in work() }))
            } catch {
                self.threads.withLock { $0 = started }
                shutdown()
                throw StartFailure(thread: "\(name)-\(i)", wanted: threadCount, cause: error)
            }
        }
        self.threads.withLock { $0 = started }
    }

    /// Queues `work`; it runs on one of the pool's threads, in submission order.
    /// After `shutdown` the work runs at once on the caller's thread, so a
    /// late submission is never silently lost.
    public func submit(_ work: @escaping @Sendable () -> Void) {
        let accepted = queue.withLock { queue -> Bool in
            guard !queue.stopping else { return false }
            queue.jobs.append(work)
            return true
        }
        if accepted { available.signal() } else { work() }
    }

    /// Jobs waiting for a thread (metrics).
    public var queued: Int { queue.withLock { $0.count } }

    /// Finishes the queued work, then joins the threads. Idempotent.
    public func shutdown() {
        let first = queue.withLock { queue -> Bool in
            defer { queue.stopping = true }
            return !queue.stopping
        }
        guard first else { return }
        // One extra signal per thread: each wakes, finds the queue empty and stopping, and exits.
        for _ in 0..<threadCount { available.signal() }
        let joined = threads.withLock { threads -> [OSThread] in
            defer { threads = [] }
            return threads
        }
        for thread in joined { thread.join() }
    }

    private func work() {
        while true {
            available.wait()
            let job: (@Sendable () -> Void)?? = queue.withLock { queue in
                guard queue.head < queue.jobs.count else { return queue.stopping ? .some(nil) : nil }
                let job = queue.jobs[queue.head]
                queue.jobs[queue.head] = nil
                queue.head += 1
                // Compact once the consumed prefix dominates, keeping appends amortised O(1).
                if queue.head >= 64 && queue.head * 2 >= queue.jobs.count {
                    queue.jobs.removeFirst(queue.head)
                    queue.head = 0
                }
                return .some(job)
            }
            switch job {
            case .none: continue          // spurious: nothing queued yet
            case .some(.none): return     // stopping and drained
            case .some(.some(let run)): run()
            }
        }
    }
}
