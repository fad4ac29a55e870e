#if canImport(Glibc)
import Glibc
#endif

/// A point on the system's monotonic clock, in nanoseconds: the engine's deadlines and `now`.
///
/// The engine's own rather than `ContinuousClock.Instant`, which the standard library keeps
/// resilient: the compiler cannot see its layout, so every copy, comparison and destruction of
/// a connection's optional deadlines went through runtime type metadata, about 2,500
/// instructions of a 40,000-instruction `/healthz` request. This one is an integer.
public struct MonotonicInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since an arbitrary start (the machine's boot): only differences mean anything.
    public let nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The instant of the call (`CLOCK_MONOTONIC`, which never steps back with the wall clock).
    public static var now: MonotonicInstant {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return MonotonicInstant(nanoseconds: Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec))
    }

    /// `instant` moved by `span`, pinned to the ends of the range rather than overflowing
    /// (a configured timeout of years must not wrap into the past).
    static func + (instant: MonotonicInstant, span: Nanoseconds) -> MonotonicInstant {
        let (sum, overflow) = instant.nanoseconds.addingReportingOverflow(span.count)
        guard !overflow else { return MonotonicInstant(nanoseconds: span.count < 0 ? .min : .max) }
        return MonotonicInstant(nanoseconds: sum)
    }

    static func - (instant: MonotonicInstant, span: Nanoseconds) -> MonotonicInstant {
        let (difference, overflow) = instant.nanoseconds.subtractingReportingOverflow(span.count)
        guard !overflow else { return MonotonicInstant(nanoseconds: span.count < 0 ? .max : .min) }
        return MonotonicInstant(nanoseconds: difference)
    }

    public static func + (instant: MonotonicInstant, duration: Duration) -> MonotonicInstant {
        instant + Nanoseconds(duration)
    }

    public static func - (instant: MonotonicInstant, duration: Duration) -> MonotonicInstant {
        instant - Nanoseconds(duration)
    }

    /// The time from `earlier` to `later`.
    public static func - (later: MonotonicInstant, earlier: MonotonicInstant) -> Duration {
        let (difference, overflow) = later.nanoseconds.subtractingReportingOverflow(earlier.nanoseconds)
        guard !overflow else { return .nanoseconds(later.nanoseconds < earlier.nanoseconds ? Int64.min : .max) }
        return .nanoseconds(difference)
    }

    public static func < (a: MonotonicInstant, b: MonotonicInstant) -> Bool {
        a.nanoseconds < b.nanoseconds
    }

    public var description: String { "\(nanoseconds) ns" }
}

/// A length of time in whole nanoseconds, for the engine's deadlines. Timeouts are converted
/// from `Duration` once: a `Duration` sum is 128-bit arithmetic, a few hundred instructions, and
/// a request moves its connection's deadline several times.
struct Nanoseconds: Comparable, Sendable {
    let count: Int64

    init(_ duration: Duration) {
        count = duration.wholeNanoseconds
    }

    static func < (a: Nanoseconds, b: Nanoseconds) -> Bool { a.count < b.count }
}

extension Duration {
    /// The duration in whole nanoseconds, toward zero, pinned to `Int64`'s range.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (sum, overflowed) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !overflowed else { return seconds < 0 ? .min : .max }
        return sum
    }
}
