import CLinux
import Glibc
import Synchronization
import Threads

/// What an event loop calls, always on its own thread.
protocol EventLoopDelegate: AnyObject, Sendable {
    /// A registered descriptor is ready; `token` is what it was registered with.
    func handleEvent(token: UInt64, events: UInt32)
    /// Called after each round of events: true when work is left over (a connection whose
    /// turn ran out), so the next wait polls instead of sleeping.
    func afterEvents() -> Bool
    /// Called about every tick interval: deadline scans, cached Date refresh.
    func tick()
}

/// One epoll instance driven by one thread it owns (redis `ae_epoll.c` style).
/// Other threads hand it work with `execute`, which queues the closure and
/// wakes `epoll_wait` through an eventfd.
///
/// `@unchecked Sendable`: the cross-thread surface is `execute`, `isCurrent`
/// and `join`, guarded by a `Mutex` and atomics. Everything else (`add`,
/// `modify`, `now`, `stop`) is called only on the loop's own thread, which is
/// the sole reader and writer of the plain stored properties it touches.
final class EventLoop: @unchecked Sendable {
    /// Reserved token of the wake-up eventfd.
    static let wakeToken: UInt64 = .max

    let name: String
    private let epollFD: Int32
    private let wakeFD: Int32
    private let tasks = Mutex(TaskQueue())
    private let wakePending = Atomic<Bool>(false)
    private let threadID = Atomic<UInt>(0)
    private let thread = Mutex<OSThread?>(nil)

    // Loop-thread state.
    private var stopping = false
    /// The time sampled when the current batch of events started (loop thread only).
    private(set) var now: MonotonicInstant
    private var tasksScratch: [@Sendable () -> Void] = []

    init(name: String) throws(SocketError) {
        self.name = name
        now = MonotonicInstant.now
        // CLOEXEC so that a child process never inherits our epoll or eventfd.
        let ep = try Syscall.checked("epoll_create1") { Int(epoll_create1(Int32(EPOLL_CLOEXEC))) }
        epollFD = Int32(ep)
        do {
            let ev = try Syscall.checked("eventfd") { Int(eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))) }
            wakeFD = Int32(ev)
        } catch {
            Syscall.close(Int32(ep))
            throw error
        }
        do {
            // Level-triggered: a wake-up is never lost even if several arrive at once.
            _ = try Syscall.checked("epoll_ctl") {
                Int(clinux_epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, EPOLLIN.rawValue, EventLoop.wakeToken))
            }
        } catch {
            Syscall.close(wakeFD)
            Syscall.close(epollFD)
            throw error
        }
    }

    deinit {
        // Closed only here: a late `execute` from another thread still holds a
        // reference, so it can never write into a descriptor number reused by someone else.
        Syscall.close(wakeFD)
        Syscall.close(epollFD)
    }

    /// Whether the caller runs on this loop's thread.
    var isCurrent: Bool { threadID.load(ordering: .relaxed) == OSThread.currentID }

    /// Starts the loop's thread; `delegate` gets events and ticks until `stop()`.
    func start<D: EventLoopDelegate>(delegate: D, tickInterval: Duration) throws(SocketError) {
        let spawned: OSThread
        do {
            spawned = try OSThread.spawn(name: name) { [self] in
                run(delegate: delegate, tickInterval: tickInterval)
            }
        } catch {
            throw SocketError(call: "pthread_create", errno: error.errno)
        }
        thread.withLock { $0 = spawned }
    }

    /// Runs `task` on the loop's thread, after the current batch of events. Any thread.
    /// Tasks queued after the loop stopped are dropped (a late `done` after
    /// shutdown has no connection left to write to); false then, and for tasks still queued
    /// when it stops, which are released unrun.
    @discardableResult
    func execute(_ task: @escaping @Sendable () -> Void) -> Bool {
        let queued = tasks.withLock { queue -> Bool in
            guard !queue.closed else { return false }
            queue.pending.append(task)
            return true
        }
        guard queued else { return false }
        // One eventfd write per batch of tasks: the loop clears the flag before
        // taking the queue, so a task added after that point sets it again.
        if !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            var one: UInt64 = 1
            _ = withUnsafeBytes(of: &one) { Glibc.write(wakeFD, $0.baseAddress, 8) }
        }
        return true
    }

    /// Waits until the loop's thread has ended. Must not be called on the loop itself.
    func join() {
        let t = thread.withLock { t -> OSThread? in
            defer { t = nil }
            return t
        }
        t?.join()
    }

    // MARK: Loop-thread only

    /// Ends the loop after the current batch (loop thread only).
    func stop() { stopping = true }

    /// Registers `fd` for `events` with `token` as its epoll data.
    func add(fd: Int32, events: UInt32, token: UInt64) throws(SocketError) {
        _ = try Syscall.checked("epoll_ctl") { Int(clinux_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, events, token)) }
    }

    /// Changes the events `fd` is registered for.
    func modify(fd: Int32, events: UInt32, token: UInt64) throws(SocketError) {
        _ = try Syscall.checked("epoll_ctl") { Int(clinux_epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, events, token)) }
    }

    /// Stops watching `fd` (closing it does the same for an undup'ed descriptor).
    func remove(fd: Int32) {
        _ = clinux_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0, 0)
    }

    private func run<D: EventLoopDelegate>(delegate: D, tickInterval: Duration) {
        threadID.store(OSThread.currentID, ordering: .releasing)
        let capacity = 256
        let datas = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        let events = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        defer {
            datas.deallocate()
            events.deallocate()
        }
        let tick = Nanoseconds(tickInterval)
        now = MonotonicInstant.now
        var nextTick = now + tick
        var workLeft = false
        while !stopping {
            let timeout = workLeft ? 0 : Self.milliseconds(until: nextTick, from: now)
            let n = clinux_epoll_wait(epollFD, datas, events, Int32(capacity), timeout)
            now = MonotonicInstant.now
            if n < 0 {
                // EINTR: a signal interrupted the wait; anything else is a bug in our use of epoll.
                if Glibc.errno == EINTR { continue }
                let message = "event loop \(name): epoll_wait failed, errno \(Glibc.errno)\n"
                _ = message.withCString { Glibc.write(2, $0, strlen($0)) }
                break
            }
            for i in 0..<Int(n) {
                if datas[i] == EventLoop.wakeToken {
                    runTasks()
                } else {
                    delegate.handleEvent(token: datas[i], events: events[i])
                }
            }
            workLeft = delegate.afterEvents()
            if now >= nextTick {
                delegate.tick()
                nextTick = now + tick
            }
        }
        threadID.store(0, ordering: .releasing)
        // Queued closures may retain the delegate (which retains this loop):
        // drop them, and refuse new ones, so no reference cycle outlives the loop.
        tasks.withLock { queue in
            queue.closed = true
            queue.pending.removeAll()
        }
    }

    private func runTasks() {
        var count: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &count) { Glibc.read(wakeFD, $0.baseAddress, 8) }
        wakePending.store(false, ordering: .releasing)
        // Swap the queue with an empty array kept for the purpose, so neither
        // side reallocates per batch.
        tasks.withLock { queue in swap(&queue.pending, &tasksScratch) }
        for task in tasksScratch { task() }
        tasksScratch.removeAll(keepingCapacity: true)
    }

    private struct TaskQueue: Sendable {
        var pending: [@Sendable () -> Void] = []
        var closed = false
    }

    /// epoll_wait's timeout: whole milliseconds until `deadline`, rounded up so
    /// that the loop never wakes just before a deadline and spins.
    static func milliseconds(until deadline: MonotonicInstant, from now: MonotonicInstant) -> Int32 {
        guard deadline > now else { return 0 }
        let (nanoseconds, overflow) = deadline.nanoseconds.subtractingReportingOverflow(now.nanoseconds)
        guard !overflow else { return .max }
        return Int32(clamping: nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 == 0 ? 0 : 1))
    }
}
