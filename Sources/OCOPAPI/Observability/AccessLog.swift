import Glibc
import JSON

/// One JSON line per request on standard output, for log shippers.
public struct AccessLog: Sendable {
    public let enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public func record(requestID: String, method: String, target: String, route: String, status: Int,
                       milliseconds: Double, bytes: Int, remote: String, tokenID: Int64?, at: String) {
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
        writer.endObject()
        var line = writer.bytes
        line.append(10)
        // One write(2) per line: lines from concurrent threads never interleave (each is < PIPE_BUF
        // for pipes; files opened O_APPEND are atomic per write too).
        line.withUnsafeBytes { _ = Glibc.write(1, $0.baseAddress, $0.count) }
    }

    /// Errors that must reach an operator (500s), on standard error.
    public static func error(_ message: String) {
        let line = Array((message + "\n").utf8)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
