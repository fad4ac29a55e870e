import Synchronization

/// Request counters and latency histograms per route, rendered as Prometheus text.
public final class Metrics: Sendable {
    /// Upper bounds of the latency buckets in seconds.
    static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Latency {
        var buckets = [UInt64](repeating: 0, count: Metrics.bounds.count)
        var count: UInt64 = 0
        var sum: Double = 0

        mutating func record(_ seconds: Double, bucket: Int?) {
            count += 1
            sum += seconds
            if let bucket { buckets[bucket] += 1 }
        }
    }

    /// One route's counters by method and status, and its latency histogram.
    ///
    /// Why one entry per route rather than a dictionary keyed by (method, route, status): that
    /// key hashed two strings and an integer on every request, half of what recording cost. A
    /// route sees a handful of (method, status) pairs, found here by a short scan.
    private struct RouteSeries {
        var requests: [(method: String, status: Int, count: UInt64)] = []
        var latency = Latency()

        mutating func record(method: String, status: Int, seconds: Double, bucket: Int?) {
            latency.record(seconds, bucket: bucket)
            for i in requests.indices where requests[i].status == status && requests[i].method == method {
                requests[i].count += 1
                return
            }
            requests.append((method, status, 1))
        }
    }

    private struct State {
        var routes: [String: RouteSeries] = [:]
        var rejected: [Int: UInt64] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Records one finished request. `route` is the pattern, never the raw path,
    /// so ids do not explode the number of series.
    public func record(method: String, route: String, status: Int, seconds: Double) {
        let bucket = Metrics.bounds.firstIndex(where: { seconds <= $0 })
        state.withLock { state in
            // Mutated in place through the dictionary (a copy out and back in made the
            // buckets array non-unique, so every request reallocated it under the lock).
            state.routes[route, default: RouteSeries()].record(method: method, status: status, seconds: seconds,
                                                                bucket: bucket)
        }
    }

    /// Records an answer the HTTP engine gave by itself, before any route: malformed or
    /// oversized requests, timeouts, too many connections. These never reach a handler, so
    /// without this a flood or a slowloris would leave no trace.
    public func recordRejection(status: Int) {
        state.withLock { $0.rejected[status, default: 0] += 1 }
    }

    /// Prometheus text exposition format 0.0.4. `counters` only ever grow (since start);
    /// `gauges` go up and down.
    public func render(gauges: [(name: String, help: String, value: Double)],
                       counters: [(name: String, help: String, value: Double)] = []) -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP ocop_http_requests_total Requests answered, by method, route and status.\n"
        out += "# TYPE ocop_http_requests_total counter\n"
        let routes = snapshot.routes.sorted(by: { $0.key < $1.key })
        for (route, series) in routes {
            for request in series.requests.sorted(by: { ($0.method, $0.status) < ($1.method, $1.status) }) {
                out += "ocop_http_requests_total{method=\"\(request.method)\",route=\"\(escape(route))\",status=\"\(request.status)\"} \(request.count)\n"
            }
        }
        out += "# HELP ocop_http_request_duration_seconds Time from routing to response, by route.\n"
        out += "# TYPE ocop_http_request_duration_seconds histogram\n"
        for (route, series) in routes {
            let latency = series.latency
            var cumulative: UInt64 = 0
            for (i, bound) in Metrics.bounds.enumerated() {
                cumulative += latency.buckets[i]
                out += "ocop_http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "ocop_http_request_duration_seconds_bucket{route=\"\(escape(route))\",le=\"+Inf\"} \(latency.count)\n"
            out += "ocop_http_request_duration_seconds_sum{route=\"\(escape(route))\"} \(latency.sum)\n"
            out += "ocop_http_request_duration_seconds_count{route=\"\(escape(route))\"} \(latency.count)\n"
        }
        out += "# HELP ocop_http_rejected_total Requests and connections the server answered itself (bad framing, limits, timeouts, too many connections), by status.\n"
        out += "# TYPE ocop_http_rejected_total counter\n"
        for (status, count) in snapshot.rejected.sorted(by: { $0.key < $1.key }) {
            out += "ocop_http_rejected_total{status=\"\(status)\"} \(count)\n"
        }
        for (samples, type) in [(gauges, "gauge"), (counters, "counter")] {
            for sample in samples {
                out += "# HELP \(sample.name) \(sample.help)\n# TYPE \(sample.name) \(type)\n\(sample.name) \(sample.value)\n"
            }
        }
        return out
    }

    private func escape(_ label: String) -> String {
        label.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
