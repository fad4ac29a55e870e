#if canImport(Glibc)
import Glibc
#endif

/// Kinds of failure the generator counts separately (HTTP statuses are counted apart).
enum LoadErrorKind: Int, CaseIterable, Sendable {
    /// connect(2) failed or timed out.
    case connect
    /// read(2) failed with something other than a reset.
    case read
    /// send(2) failed with something other than a reset or broken pipe.
    case write
    /// ECONNRESET / EPIPE: the server dropped the connection abruptly.
    case reset
    /// The server closed after a request was sent but before any response byte.
    case closedBeforeResponse
    /// The server closed in the middle of a response.
    case closedMidResponse
    /// The bytes received were not a valid HTTP/1.1 response.
    case malformedResponse
    /// Bytes arrived after a complete response although nothing was pipelined.
    case unexpectedBytes
    /// No complete response within the per-request timeout.
    case timeout

    /// Short label for tables and JSON.
    var label: String {
        switch self {
        case .connect: "connect"
        case .read: "read"
        case .write: "write"
        case .reset: "reset"
        case .closedBeforeResponse: "closed_before_response"
        case .closedMidResponse: "closed_mid_response"
        case .malformedResponse: "malformed_response"
        case .unexpectedBytes: "unexpected_bytes"
        case .timeout: "timeout"
        }
    }
}

/// Everything one worker measured; workers' stats are merged into the run's total.
struct LoadStats: Sendable {
    /// Latency of every completed response, whatever its status.
    var latency = LatencyHistogram()
    /// Completed responses per status code (index = code, 0…599).
    var statusCounts = [Int](repeating: 0, count: 600)
    /// Failures per `LoadErrorKind.rawValue`.
    var errorCounts = [Int](repeating: 0, count: LoadErrorKind.allCases.count)
    /// First errno seen per kind (0: none or not an errno failure), for the report.
    var firstErrno = [Int32](repeating: 0, count: LoadErrorKind.allCases.count)
    /// Completed responses.
    var completed = 0
    /// Bytes received and sent on all connections.
    var bytesRead = 0
    var bytesWritten = 0
    /// Successful TCP connects (1 per connection plus reconnects).
    var connects = 0

    /// Counts a failure, remembering the first errno of its kind.
    @inline(__always)
    mutating func count(_ kind: LoadErrorKind, errno code: Int32 = 0) {
        errorCounts[kind.rawValue] += 1
        if firstErrno[kind.rawValue] == 0 { firstErrno[kind.rawValue] = code }
    }

    /// Completed responses with a 2xx or 3xx status.
    var successes: Int { statusCounts[200..<400].reduce(0, +) }

    /// Completed responses with any other status (1xx never completes a response).
    var badStatuses: Int { completed - successes }

    /// Socket and protocol failures of every kind.
    var socketErrors: Int { errorCounts.reduce(0, +) }

    /// The error total a reader cares about: bad statuses plus socket failures.
    var errors: Int { badStatuses + socketErrors }

    /// Statuses that occurred, ascending, with their counts.
    var statuses: [(status: Int, count: Int)] {
        statusCounts.indices.compactMap { statusCounts[$0] > 0 ? ($0, statusCounts[$0]) : nil }
    }

    /// Failure kinds that occurred, with counts and the first errno's text if any.
    var failures: [(kind: LoadErrorKind, count: Int, detail: String?)] {
        LoadErrorKind.allCases.compactMap { kind in
            let n = errorCounts[kind.rawValue]
            guard n > 0 else { return nil }
            let code = firstErrno[kind.rawValue]
            return (kind, n, code == 0 ? nil : String(cString: strerror(code)))
        }
    }

    /// Folds another worker's stats into these.
    mutating func merge(_ other: LoadStats) {
        latency.merge(other.latency)
        for i in statusCounts.indices { statusCounts[i] += other.statusCounts[i] }
        for i in errorCounts.indices {
            errorCounts[i] += other.errorCounts[i]
            if firstErrno[i] == 0 { firstErrno[i] = other.firstErrno[i] }
        }
        completed += other.completed
        bytesRead += other.bytesRead
        bytesWritten += other.bytesWritten
        connects += other.connects
    }
}

/// CLOCK_MONOTONIC in nanoseconds: immune to wall-clock steps, and a vDSO call
/// (no syscall) on Linux, so it can be read per request.
enum MonotonicClock {
    /// Now, in nanoseconds since an arbitrary origin.
    @inline(__always)
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
