/// A log-linear latency histogram in nanoseconds, in the spirit of HdrHistogram:
/// values below 256 ns are counted exactly, and every power of two above that is
/// split into 128 equal sub-buckets, so any recorded value is known to within
/// 1/128 (< 0.8 %) without storing samples. Recording is one `leadingZeroBitCount`,
/// a shift and an increment: cheap enough for the generator's hot path.
struct LatencyHistogram: Sendable {
    /// log2 of the sub-buckets per power of two: 2^7 = 128 → 0.78 % precision.
    private static let subBucketBits = 7
    private static let subBucketCount = 1 << subBucketBits
    /// Values are clamped here (2^37 ns ≈ 137 s), well past any run's hard stop.
    static let highestTrackable: UInt64 = (1 << 37) - 1
    private static let bucketCount = index(of: highestTrackable) + 1

    private var counts: [UInt64]
    /// Number of recorded values.
    private(set) var totalCount: UInt64 = 0
    /// Smallest recorded value (exact), or 0 when empty.
    private(set) var min: UInt64 = .max
    /// Largest recorded value (exact), or 0 when empty.
    private(set) var max: UInt64 = 0
    /// Sum of recorded values, for the mean.
    private var sum: UInt64 = 0

    init() {
        counts = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    /// Bucket index of a value: the identity below 2^(bits+1), then log-linear.
    @inline(__always)
    private static func index(of value: UInt64) -> Int {
        let v = value > highestTrackable ? highestTrackable : value
        if v < UInt64(subBucketCount << 1) { return Int(v) }
        let exponent = 63 - v.leadingZeroBitCount
        let shift = exponent - subBucketBits
        // v >> shift lies in [128, 255]; each shift step adds 128 new buckets.
        return shift * subBucketCount + Int(v >> UInt64(shift))
    }

    /// The range of values that fall in a bucket (inclusive).
    private static func range(ofBucket index: Int) -> ClosedRange<UInt64> {
        if index < subBucketCount << 1 { return UInt64(index)...UInt64(index) }
        let shift = index / subBucketCount - 1
        let sub = UInt64(index - shift * subBucketCount)
        return (sub << UInt64(shift))...(((sub + 1) << UInt64(shift)) - 1)
    }

    /// Records one latency in nanoseconds.
    @inline(__always)
    mutating func record(_ nanoseconds: UInt64) {
        counts[Self.index(of: nanoseconds)] &+= 1
        totalCount &+= 1
        sum &+= nanoseconds
        if nanoseconds < min { min = nanoseconds }
        if nanoseconds > max { max = nanoseconds }
    }

    /// Adds another histogram's counts into this one (per-thread results → total).
    mutating func merge(_ other: LatencyHistogram) {
        for i in 0..<counts.count { counts[i] &+= other.counts[i] }
        totalCount &+= other.totalCount
        sum &+= other.sum
        if other.min < min { min = other.min }
        if other.max > max { max = other.max }
    }

    /// Mean in nanoseconds, or 0 when empty.
    var mean: Double { totalCount == 0 ? 0 : Double(sum) / Double(totalCount) }

    /// The value at a percentile (0...100): the midpoint of the bucket holding the
    /// rank-th value, clamped to the exact min/max so p0/p100 are never invented.
    func value(atPercentile percentile: Double) -> UInt64 {
        guard totalCount > 0 else { return 0 }
        let p = percentile < 0 ? 0 : (percentile > 100 ? 100 : percentile)
        // Nearest-rank definition: the smallest value with at least p % at or below it.
        var rank = UInt64((p / 100 * Double(totalCount)).rounded(.up))
        if rank == 0 { rank = 1 }
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= rank {
                let r = Self.range(ofBucket: i)
                let mid = r.lowerBound + (r.upperBound - r.lowerBound) / 2
                return Swift.min(Swift.max(mid, min), max)
            }
        }
        return max
    }
}
