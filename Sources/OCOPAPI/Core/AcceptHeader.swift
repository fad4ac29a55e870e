import HTTP

/// An `Accept` field as media ranges with weights (RFC 9110 §12.5.1), for the few places
/// where one URL answers in more than one format (lists as CSV, the resolver's linkset).
struct AcceptHeader {
    struct Range {
        /// Lower-cased `type/subtype`, possibly `type/*` or `*/*`.
        let mediaType: String
        /// The `q` weight, 0 to 1.
        let weight: Double
    }

    let ranges: [Range]

    init(_ field: String?) {
        var ranges: [Range] = []
        for member in (field ?? "").split(separator: ",") {
            let parts = member.split(separator: ";")
            let mediaType = (parts.first ?? "").trimmingASCIIWhitespace().lowercasedASCII()
            guard mediaType.split(separator: "/").count == 2 else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0].trimmingASCIIWhitespace().lowercasedASCII() == "q" {
                    weight = min(max(Double(pair[1].trimmingASCIIWhitespace()) ?? 0, 0), 1)
                }
            }
            ranges.append(Range(mediaType: mediaType, weight: weight))
        }
        self.ranges = ranges
    }

    /// The weight given to `mediaType` (lower-case `type/subtype`) by the most specific range
    /// that matches it: the type itself, then `type/*`, then `*/*`. Nil when none does.
    func weight(of mediaType: String) -> Double? {
        let wildcardSubtype = (mediaType.split(separator: "/").first.map(String.init) ?? "") + "/*"
        for candidate in [mediaType, wildcardSubtype, "*/*"] {
            let weights = ranges.filter { $0.mediaType == candidate }.map(\.weight)
            if let best = weights.max() { return best }
        }
        return nil
    }

    /// Whether the client asked for `mediaType` rather than `alternative`, the default: a
    /// positive weight above the alternative's (a tie, as with `*/*`, keeps the default).
    func prefers(_ mediaType: String, over alternative: String) -> Bool {
        guard let wanted = weight(of: mediaType), wanted > 0 else { return false }
        return wanted > (weight(of: alternative) ?? 0)
    }
}
