import JSON
import OCOP

/// One JSON line per request on standard output, for log shippers, and the errors an
/// operator must see (500s, failed background jobs) on standard error.
///
/// Both go through a `LogOutput`, whose own thread writes them in large chunks; a request
/// never waits for the output. Lines stay whole and in order; none is lost on a graceful
/// shutdown (`Application.shutdown` closes the log after the last request finished) unless
/// the output has stopped moving, when the log drops lines rather than stop the server and
/// says how many it dropped. A crash loses at most the last `flushInterval` of lines, which
/// the data itself never depends on.
public final class AccessLog: Sendable {
    private let lines: LogOutput?
    private let errors: LogOutput

    public init(enabled: Bool, fd: Int32 = 1, errorFD: Int32 = 2, flushInterval: Duration = .milliseconds(200),
                flushBytes: Int = 64 << 10, limit: Int = 4 << 20,
                clock: @escaping @Sendable () -> String = { Timestamp.now().description }) throws {
        lines = enabled
            ? try LogOutput(fd: fd, name: "ocop-access-log", flushInterval: flushInterval, flushBytes: flushBytes,
                            limit: limit) { dropped in
                var writer = JSONWriter(capacity: 128)
                writer.beginObject()
                writer.field("at", clock())
                writer.field("event", "log_lines_dropped")
                writer.field("count", Int64(dropped))
                writer.field("reason", "standard output was not read fast enough")
                writer.endObject()
                return writer.bytes
            }
            : nil
        // Errors go out at once (a flush per line): there are few, and an operator waits for them.
        errors = try LogOutput(fd: errorFD, name: "ocop-error-log", flushInterval: flushInterval, flushBytes: 1,
                               limit: limit) { dropped in
            Array("\(clock()) \(dropped) error lines dropped: standard error was not read fast enough".utf8)
        }
    }

    /// Whether both writing threads have finished (after `close`).
    var hasStopped: Bool { (lines?.hasStopped ?? true) && errors.hasStopped }

    /// Lines dropped since start because an output was not read.
    public var droppedLines: Int { (lines?.droppedLines ?? 0) + errors.droppedLines }

    /// `status` is what the client got; `unsent` the handler's status when that response was
    /// never sent (the engine answered 503 at its handler timeout, or the connection closed).
    public func record(requestID: String, method: String, target: String, route: String, status: Int,
                       milliseconds: Double, bytes: Int, remote: String, tokenID: Int64?,
                       at: @autoclosure () -> Timestamp, unsent: Int? = nil) {
        guard let lines else { return }
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("at", at())
        writer.field("request_id", requestID)
        writer.field("method", method)
        writer.field("target", target)
        writer.field("route", route)
        writer.field("status", Int64(status))
        writer.key("ms")
        // To the microsecond, as three decimals of a millisecond (a duration is finite and far
        // below the bound; the bound keeps the conversion from trapping whatever comes).
        let microseconds = (milliseconds * 1000).rounded()
        writer.decimal(microseconds.isFinite ? Int64(max(-9e18, min(9e18, microseconds))) : 0, fractionDigits: 3)
        writer.field("bytes", Int64(bytes))
        writer.field("remote", remote)
        writer.field("token_id", tokenID)
        if let unsent { writer.field("unsent_status", Int64(unsent)) }
        writer.endObject()
        lines.append(writer.bytes)
    }

    /// A line for an answer the HTTP engine gave by itself (no route): its request id (the one
    /// its `X-Request-Id` carried), status and why, so refused and timed-out requests show in the
    /// log too.
    public func recordRejection(status: Int, reason: String, requestID: String, at: @autoclosure () -> Timestamp) {
        guard let lines else { return }
        var writer = JSONWriter(capacity: 160)
        writer.beginObject()
        writer.field("at", at())
        writer.field("event", "rejected")
        writer.field("request_id", requestID)
        writer.field("status", Int64(status))
        writer.field("reason", reason)
        writer.endObject()
        lines.append(writer.bytes)
    }

    /// Writes every line recorded so far and stops the writing threads; later lines are
    /// dropped. Call after the server stopped handling requests. Idempotent.
    public func close() {
        // Both outputs at once, with one deadline: with `2>&1` into a pipe nobody reads they
        // stall together, and a shutdown waits 2 s for them, not 2 s each.
        lines?.beginClosing()
        errors.beginClosing()
        let deadline = ContinuousClock.now + .seconds(2)
        lines?.waitUntilStopped(by: deadline)
        errors.waitUntilStopped(by: deadline)
    }

    /// An error an operator must see (a 500, a failed background job), on standard error.
    public func error(_ message: String) {
        errors.append(Array(message.utf8))
    }
}
