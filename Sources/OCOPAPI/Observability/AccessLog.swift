import Dispatch
import Glibc
import JSON
import Synchronization

/// One JSON line per request on standard output, for log shippers.
///
/// Lines are gathered in memory and written in large chunks: by a background flush every
/// `flushInterval`, sooner once `flushBytes` are waiting, and by `close()` at shutdown.
/// A write(2) per request cost a system call and the file's inode lock on the request's
/// thread every time. Lines stay whole and in order (each is appended whole under the
/// lock, and only one flush writes at a time); none is lost on a graceful shutdown
/// (`Application.shutdown` closes the log after the last request finished). A crash
/// loses at most the last `flushInterval` of lines, which the data itself never depends on.
public final class AccessLog: Sendable {
    public let enabled: Bool
    private let fd: Int32
    private let flushBytes: Int
    private let flushInterval: Duration
    private let buffer = Mutex(Buffer())
    /// Held while a chunk is taken and written, so chunks reach the file in order.
    private let writing = Mutex(())
    /// Signalled when a flush is wanted early (buffer past `flushBytes`, or closing).
    private let wake = DispatchSemaphore(value: 0)
    /// Signalled by the flushing thread as it exits.
    private let finished = DispatchSemaphore(value: 0)

    private struct Buffer: ~Copyable {
        var bytes: [UInt8] = []
        var wakePending = false
        var closed = false
    }

    /// Past this much unwritten log the recording thread flushes itself (a stalled
    /// reader of standard output slows requests down rather than growing memory).
    private static let hardLimit = 8 << 20

    public init(enabled: Bool, fd: Int32 = 1, flushInterval: Duration = .milliseconds(200), flushBytes: Int = 64 << 10) {
        self.enabled = enabled
        self.fd = fd
        self.flushBytes = max(1, flushBytes)
        self.flushInterval = flushInterval
        if enabled { startFlusher() }
    }

    /// `status` is what the client got; `unsent` the handler's status when that response was
    /// never sent (the engine answered 503 at its handler timeout, or the connection closed).
    public func record(requestID: String, method: String, target: String, route: String, status: Int,
                       milliseconds: Double, bytes: Int, remote: String, tokenID: Int64?, at: String,
                       unsent: Int? = nil) {
        guard enabled else { return }
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("at", at)
        writer.field("request_id", requestID)
        writer.field("method", method)
        writer.field("target", target)
        writer.field("route", route)
        writer.field("status", Int64(status))
        writer.key("ms")
        writer.double((milliseconds * 1000).rounded() / 1000)
        writer.field("bytes", Int64(bytes))
        writer.field("remote", remote)
        writer.field("token_id", tokenID)
        if let unsent { writer.field("unsent_status", Int64(unsent)) }
        writer.endObject()
        append(writer.bytes)
    }

    /// A line for an answer the HTTP engine gave by itself (no route, no request id): its
    /// status and why, so refused and timed-out requests show in the log too.
    public func recordRejection(status: Int, reason: String, at: String) {
        guard enabled else { return }
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.field("at", at)
        writer.field("event", "rejected")
        writer.field("status", Int64(status))
        writer.field("reason", reason)
        writer.endObject()
        append(writer.bytes)
    }

    /// Writes every line recorded so far and stops the periodic flush; later lines are
    /// written at once. Call after the server stopped handling requests. Idempotent.
    public func close() {
        guard enabled else { return }
        let first = buffer.withLock { buffer -> Bool in
            defer { buffer.closed = true }
            return !buffer.closed
        }
        if first {
            wake.signal()
            finished.wait()
        }
        flush()
    }

    /// Errors that must reach an operator (500s), on standard error, at once.
    public static func error(_ message: String) {
        let line = Array((message + "\n").utf8)
        writeAll(2, line)
    }

    private func append(_ line: [UInt8]) {
        let (wakeFlusher, flushHere) = buffer.withLock { buffer -> (Bool, Bool) in
            buffer.bytes.append(contentsOf: line)
            buffer.bytes.append(10)
            if buffer.closed || buffer.bytes.count >= Self.hardLimit { return (false, true) }
            guard buffer.bytes.count >= flushBytes, !buffer.wakePending else { return (false, false) }
            buffer.wakePending = true
            return (true, false)
        }
        if flushHere {
            flush()
        } else if wakeFlusher {
            wake.signal()
        }
    }

    /// The flushing thread: wakes every `flushInterval` or when signalled, until closed.
    private func startFlusher() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let log = Unmanaged<AccessLog>.fromOpaque(raw).takeRetainedValue()
            log.runFlusher()
            return nil
        }, context)
        if rc == 0 {
            pthread_detach(thread)
        } else {
            // No thread: every line is written as it comes, as if closed.
            Unmanaged<AccessLog>.fromOpaque(context).release()
            buffer.withLock { $0.closed = true }
            finished.signal()
        }
    }

    private func runFlusher() {
        let (seconds, attoseconds) = flushInterval.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        while true {
            _ = wake.wait(timeout: .now() + .nanoseconds(max(1_000_000, nanoseconds)))
            let closed = buffer.withLock { buffer -> Bool in
                buffer.wakePending = false
                return buffer.closed
            }
            flush()
            if closed { break }
        }
        finished.signal()
    }

    /// Takes what is buffered and writes it.
    private func flush() {
        writing.withLock { _ in
            let chunk = buffer.withLock { buffer -> [UInt8] in
                // Hand the bytes over and keep a buffer of similar capacity for the next lines.
                let capacity = buffer.bytes.capacity
                var taken: [UInt8] = []
                swap(&taken, &buffer.bytes)
                buffer.bytes.reserveCapacity(min(capacity, 4 * flushBytes))
                return taken
            }
            if !chunk.isEmpty { Self.writeAll(fd, chunk) }
        }
    }

    /// write(2) until every byte is out (a partial write would otherwise cut a line).
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, base + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return   // EPIPE, EBADF, ENOSPC: nowhere to log; the request itself succeeded
                }
            }
        }
    }
}
