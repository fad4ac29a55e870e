#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What one load run does.
struct LoadConfig: Sendable {
    /// Where to connect.
    var endpoint: Endpoint
    /// Requests to send; each request picks one uniformly at random.
    var requests: [RequestTemplate]
    /// Concurrent keep-alive connections, spread evenly over the threads.
    var connections = 64
    /// Worker threads, each with its own epoll instance.
    var threads = 1
    /// Hard stop in seconds: the run ends then, whatever is in flight.
    var duration = 10.0
    /// Stop after this many requests were sent (seeding); nil: run for `duration`.
    var requestLimit: Int? = nil
    /// A request with no complete response after this many seconds counts as a timeout.
    var timeout = 5.0
    /// End the run at the first refused connect instead of retrying until the deadline
    /// (seeding: a server that died will not come back, and the cap is long).
    var stopWhenRefused = false
    /// Ends the run early when raised (Ctrl-C).
    var interrupt: Interrupt? = nil
}

/// The only state the worker threads share: the request counter behind `{seq}` and
/// the request budget. One relaxed atomic add per request is noise next to a syscall.
final class LoadShared: Sendable {
    /// Requests started so far (the last ticket handed out).
    let issued = Atomic<Int>(0)
}

/// The merged outcome of a load run.
struct LoadResult: Sendable {
    /// All workers' measurements, merged.
    var stats: LoadStats
    /// Wall time from the start of the run to the last worker's end.
    var elapsed: Double
    /// Connections and threads used.
    var connections: Int
    var threads: Int

    /// Completed responses per second (any status; errors are reported beside).
    var requestsPerSecond: Double { elapsed > 0 ? Double(stats.completed) / elapsed : 0 }
}

/// Runs a closed-loop load: `threads` workers, each owning its share of the
/// connections, all stopping at the same deadline.
enum LoadGenerator {
    /// Runs the load and blocks until every worker has stopped.
    static func run(_ config: LoadConfig) -> LoadResult {
        let threads = Swift.max(1, Swift.min(config.threads, config.connections))
        let shared = LoadShared()
        let results = Mutex<[LoadStats]>([])
        let start = MonotonicClock.now()
        let deadline = start &+ UInt64(config.duration * 1e9)
        var handles: [WorkerThread] = []
        for t in 0..<threads {
            // Spread the remainder so 10 connections on 3 threads are 4/3/3.
            let share = config.connections / threads + (t < config.connections % threads ? 1 : 0)
            handles.append(WorkerThread {
                let worker = LoadWorker(config: config, shared: shared, connectionCount: share, deadline: deadline)
                let stats = worker.run()
                results.withLock { $0.append(stats) }
            })
        }
        for handle in handles { handle.join() }
        let end = MonotonicClock.now()
        var total = LoadStats()
        results.withLock { all in for s in all { total.merge(s) } }
        return LoadResult(stats: total, elapsed: Double(end &- start) / 1e9,
                          connections: config.connections, threads: threads)
    }
}

/// A joinable pthread. The workers block in `epoll_wait`, so they must not run on
/// Swift's cooperative pool; Foundation's `Thread` cannot be joined.
final class WorkerThread {
    private var thread = pthread_t()

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if rc != 0 {
            // No thread: run inline so the caller still gets a result (and join is a no-op).
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
            started = false
        }
    }

    private var started = true

    /// Waits for the thread to finish.
    func join() {
        if started { pthread_join(thread, nil) }
        started = false
    }

    /// Lets the thread run on unjoined; its resources are freed when it ends.
    func detach() {
        if started { pthread_detach(thread) }
        started = false
    }

    private final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
