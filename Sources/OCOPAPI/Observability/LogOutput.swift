import CLinux
import Glibc
import Synchronization
import Threads

/// Lines bound for one output (standard output or standard error), written by a thread of
/// their own, so that no request ever waits for whoever reads them.
///
/// Lines are gathered in memory and written in large chunks: every `flushInterval`, and sooner
/// once `flushBytes` are waiting. When nobody reads the output (a pipe its parent never drains,
/// a stalled log shipper) only that thread blocks: past `limit` unwritten bytes new lines are
/// dropped and counted, and once the output moves again a line made by `notice` says how many.
/// Before, the recording thread flushed the log itself past its limit, so a server started with
/// its standard output piped and never read stopped answering anyone after some 40,000 requests.
public final class LogOutput: Sendable {
    private struct Pending: ~Copyable {
        var bytes: [UInt8] = []
        /// Lines dropped since the last notice was written.
        var dropped = 0
        var droppedTotal = 0
        var wakePending = false
        var closed = false
        var exited = false
    }

    private let fd: Int32
    private let flushBytes: Int
    private let flushInterval: Duration
    private let limit: Int
    private let notice: @Sendable (Int) -> [UInt8]
    private let pending = Mutex(Pending())
    /// Made readable to wake the writing thread early (enough waiting, or closing).
    private let wake: Int32

    /// `limit` bounds the bytes waiting; as much again may be in the write under way.
    /// `notice(n)` is the line (without its newline) that says `n` lines were dropped.
    public init(fd: Int32, name: String, flushInterval: Duration, flushBytes: Int, limit: Int = 4 << 20,
                notice: @escaping @Sendable (Int) -> [UInt8]) throws {
        self.fd = fd
        self.flushBytes = max(1, flushBytes)
        self.flushInterval = flushInterval
        self.limit = max(limit, self.flushBytes)
        self.notice = notice
        wake = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wake >= 0 else { throw PeriodicTask.WakeFailure(errno: errno) }
        do {
            // Never joined: a thread blocked on an output nobody reads must not hold up the exit.
            try OSThread.spawn(name: name) { [self] in run() }.detach()
        } catch {
            Glibc.close(wake)
            throw error
        }
    }

    /// Lines dropped since start: the output fell `limit` bytes behind, refused them (a full
    /// disk), or the log was closed.
    public var droppedLines: Int { pending.withLock { $0.droppedTotal } }

    /// Whether the writing thread has finished (after `close`): from then on nothing writes to `fd`.
    var hasStopped: Bool { pending.withLock { $0.exited } }

    /// Adds `line` and a newline; never waits for the output.
    public func append(_ line: [UInt8]) {
        let wakeWriter = pending.withLock { pending -> Bool in
            guard !pending.closed, pending.bytes.count + line.count < limit else {
                pending.dropped += 1
                pending.droppedTotal += 1
                return false
            }
            pending.bytes.append(contentsOf: line)
            pending.bytes.append(10)
            guard pending.bytes.count >= flushBytes, !pending.wakePending else { return false }
            pending.wakePending = true
            return true
        }
        if wakeWriter { signal() }
    }

    /// Writes what is waiting and stops the thread: later lines are dropped. Waits at most
    /// `patience` for an output that does not move, so a shutdown never hangs on it. Idempotent.
    public func close(patience: Duration = .seconds(2)) {
        beginClosing()
        waitUntilStopped(by: ContinuousClock.now + patience)
    }

    /// Marks the output closed and wakes its thread to write the rest, without waiting.
    func beginClosing() {
        let first = pending.withLock { pending -> Bool in
            defer { pending.closed = true }
            return !pending.closed
        }
        if first { signal() }
    }

    /// Waits until the thread has stopped, or `deadline` (monotonic, compared with relative
    /// readings; see PeriodicTask for why).
    func waitUntilStopped(by deadline: ContinuousClock.Instant) {
        while !hasStopped, ContinuousClock.now < deadline {
            usleep(2_000)
        }
    }

    private func signal() {
        var one: UInt64 = 1
        _ = Glibc.write(wake, &one, MemoryLayout<UInt64>.size)
    }

    private func run() {
        while true {
            if DescriptorWait.ready(wake, for: POLLIN, within: max(flushInterval, .milliseconds(1))) {
                var count: UInt64 = 0
                _ = read(wake, &count, MemoryLayout<UInt64>.size)
            }
            let (chunk, closed) = take()
            let unwritten = chunk.isEmpty ? 0 : Self.writeAll(fd, chunk)
            if unwritten > 0 {
                // The output refused them (a full disk, /dev/full, a closed pipe): lost, and counted.
                let lost = chunk[(chunk.count - unwritten)...].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                pending.withLock { $0.droppedTotal += lost }
            }
            if closed { break }
        }
        pending.withLock { $0.exited = true }
    }

    // The wake descriptor goes last: the thread holds `self`, and so does every caller of
    // `signal()`, so nobody can write to it once its number may be another file's.
    deinit { Glibc.close(wake) }

    /// What waits, followed by a notice of the lines dropped since the last one.
    private func take() -> (chunk: [UInt8], closed: Bool) {
        pending.withLock { pending in
            pending.wakePending = false
            let capacity = pending.bytes.capacity
            var chunk: [UInt8] = []
            swap(&chunk, &pending.bytes)
            // Keep a buffer of similar size for the next lines, but not a burst's worth forever.
            pending.bytes.reserveCapacity(min(capacity, 4 * flushBytes))
            if pending.dropped > 0 {
                chunk += notice(pending.dropped)
                chunk.append(10)
                pending.dropped = 0
            }
            return (chunk, pending.closed)
        }
    }

    /// write(2) until every byte is out (a partial write would otherwise cut a line); returns
    /// how many bytes could not be written (EPIPE, EBADF, ENOSPC: nowhere to log).
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, base + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    // Inherited non-blocking (a Node.js parent's pipe): wait for room, a second
                    // at most each time, rather than lose the rest of the chunk at once.
                    if !DescriptorWait.ready(fd, for: POLLOUT, within: .seconds(1)) { break }
                } else {
                    break
                }
            }
            return raw.count - offset
        }
    }
}

/// Standard error for the few lines of start-up and shutdown, written by the caller: it waits at
/// most `patience` for room, so an unread pipe delays a shutdown by that much, not for ever.
public enum StandardError {
    public static func write(_ text: String, patience: Duration = .seconds(1)) {
        let line = Array((text + "\n").utf8)
        guard DescriptorWait.ready(2, for: POLLOUT, within: patience) else { return }
        // POLLOUT on a pipe means a free page of it: a line shorter than that goes out without waiting.
        LogOutput.writeAll(2, line)
    }
}
