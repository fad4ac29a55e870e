import Testing
@testable import HTTP

/// The engine's clock: arithmetic with `Duration` that is exact to the nanosecond and pins
/// rather than wraps at the ends of the range.
@Suite struct MonotonicInstantTests {
    @Test func durationsConvertToWholeNanoseconds() {
        #expect(Duration.seconds(3).wholeNanoseconds == 3_000_000_000)
        #expect(Duration.milliseconds(1500).wholeNanoseconds == 1_500_000_000)
        #expect(Duration.nanoseconds(-7).wholeNanoseconds == -7)
        #expect((Duration.seconds(-2) + .milliseconds(500)).wholeNanoseconds == -1_500_000_000)
        #expect(Duration.seconds(Int64.max).wholeNanoseconds == .max)
        #expect(Duration.seconds(Int64.min).wholeNanoseconds == .min)
    }

    @Test func addingAndSubtractingIsExact() {
        let t = MonotonicInstant(nanoseconds: 1_000)
        #expect((t + .nanoseconds(1)).nanoseconds == 1_001)
        #expect((t - .microseconds(1)).nanoseconds == 0)
        #expect((t + .seconds(2)) - t == .seconds(2))
        #expect(t - (t + .milliseconds(3)) == .milliseconds(-3))
        #expect(t < t + .nanoseconds(1))
        #expect(!(t < t))
    }

    @Test func farDeadlinesPinInsteadOfWrapping() {
        let late = MonotonicInstant(nanoseconds: .max - 5)
        #expect((late + .seconds(1)).nanoseconds == .max)
        let early = MonotonicInstant(nanoseconds: .min + 5)
        #expect((early - .seconds(1)).nanoseconds == .min)
        #expect(late - early == .nanoseconds(Int64.max))
        #expect(early - late == .nanoseconds(Int64.min))
    }

    @Test func nowNeverGoesBack() {
        var previous = MonotonicInstant.now
        for _ in 0..<10_000 {
            let next = MonotonicInstant.now
            #expect(next >= previous)
            previous = next
        }
    }
}
