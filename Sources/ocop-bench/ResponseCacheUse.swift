/// How many of a run's cacheable requests the server answered from its response cache, read
/// from `/metrics` before and after the run: printed beside every scenario, so a figure that
/// measures the cache is never mistaken for one that measures building the page.
struct ResponseCacheUse {
    let hits: Double
    let misses: Double

    /// The server's counters now; nil if `/metrics` could not be read (an older server).
    static func read(_ endpoint: Endpoint) -> ResponseCacheUse? {
        let client = BlockingClient(endpoint: endpoint)
        defer { client.disconnect() }
        guard let response = try? client.send("GET", "/metrics"), response.status == 200 else { return nil }
        var hits: Double?
        var misses: Double?
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            if parts[0] == "ocop_response_cache_hits_total" { hits = value }
            if parts[0] == "ocop_response_cache_misses_total" { misses = value }
        }
        guard let hits, let misses else { return nil }
        return ResponseCacheUse(hits: hits, misses: misses)
    }

    /// "response cache: 99.9 % of 123,456 cacheable requests answered from it", or "not used".
    static func summary(from before: ResponseCacheUse?, to after: ResponseCacheUse?) -> String {
        guard let before, let after else { return "response cache: unknown" }
        let hits = after.hits - before.hits
        let total = hits + (after.misses - before.misses)
        guard total > 0 else { return "response cache: not used" }
        return "response cache: \(Report.fixed(100 * hits / total, 1)) % of \(Int(total)) cacheable requests answered from it"
    }
}
