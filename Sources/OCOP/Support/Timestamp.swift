#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant with millisecond precision; RFC 3339.
///
/// Equality, hashing and order look at the instant only: `08:00:00Z` and
/// `15:00:00+07:00` are the same moment. The offset a device wrote is kept
/// beside it (EPCIS event times carry one) but is presentation, not identity.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z, ignoring leap seconds (POSIX time).
    public let millisecondsSinceEpoch: Int64
    /// The offset the text carried, in seconds (for device times); nil when parsed from an instant.
    ///
    /// Also nil for RFC 3339 `-00:00`, which §4.3 defines as "UTC time known,
    /// local offset unknown".
    public let utcOffsetSeconds: Int?

    /// The instant `millisecondsSinceEpoch` after the epoch, optionally with the offset it was recorded in.
    public init(millisecondsSinceEpoch: Int64, utcOffsetSeconds: Int? = nil) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The current wall-clock time (`clock_gettime(CLOCK_REALTIME)`).
    public static func now() -> Timestamp {
        var ts = timespec()
        // CLOCK_REALTIME is wall time, what created_at and "today" mean; it can
        // step backwards, so never use it to measure durations.
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millisecondsSinceEpoch: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch == rhs.millisecondsSinceEpoch
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(millisecondsSinceEpoch)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The UTC calendar day of this instant.
    public var civilDateUTC: CivilDate {
        CivilDate.today(at: self, utcOffsetSeconds: 0)
    }

    /// UTC, "2024-12-13T08:00:00Z", with ".123" only when ms != 0.
    public var description: String {
        rfc3339(utcOffsetSeconds: 0)
    }

    /// RFC 3339 in the given offset (whole minutes, |offset| < 24 h): `2024-12-13T15:00:00+07:00`, `Z` for 0.
    public func rfc3339(utcOffsetSeconds offset: Int) -> String {
        String(unsafeUninitializedCapacity: Self.maxRFC3339Length) { writeRFC3339(utcOffsetSeconds: offset, into: $0) }
    }

    /// `rfc3339(utcOffsetSeconds:)`'s bytes, rendered on the stack and lent to `body`. Every JSON
    /// item carries two timestamps: written through this, a page of 50 makes no string for them.
    /// Not generic, so that a caller in another module gets this code as it is, not a generic
    /// entry point that allocates its buffer.
    public func withRFC3339(utcOffsetSeconds offset: Int = 0, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maxRFC3339Length) { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[..<writeRFC3339(utcOffsetSeconds: offset, into: buffer)]))
        }
    }

    /// The longest RFC 3339 text: an expanded year of Int64 milliseconds (`+292278994-08-17`,
    /// 16 bytes), a time with milliseconds (13) and an offset (6).
    private static var maxRFC3339Length: Int { 40 }

    /// Writes the RFC 3339 text into `out` (at least `maxRFC3339Length` bytes), digits in place
    /// and no intermediate strings, and returns its length.
    private func writeRFC3339(utcOffsetSeconds offset: Int, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(offset % 60 == 0 && abs(offset) < 86_400, "RFC 3339 offsets are whole minutes under 24 h")
        let local = millisecondsSinceEpoch + Int64(offset) * 1000
        let days = Digits.floorDivide(local, 86_400_000)
        let millisecondOfDay = Int(local - days * 86_400_000)
        let date = CivilDate(daysSinceEpoch: Int(days))
        let milliseconds = millisecondOfDay % 1000
        let secondOfDay = millisecondOfDay / 1000
        var i: Int
        if (0...9999).contains(date.year) {
            Digits.write(date.year, width: 4, into: out, at: 0)
            out[4] = UInt8(ascii: "-")
            Digits.write(date.month, width: 2, into: out, at: 5)
            out[7] = UInt8(ascii: "-")
            Digits.write(date.day, width: 2, into: out, at: 8)
            i = 10
        } else {
            // Years outside 0000–9999 (never from API input) take CivilDate's expanded form.
            i = 0
            for byte in date.description.utf8 {
                out[i] = byte
                i += 1
            }
        }
        out[i] = UInt8(ascii: "T")
        Digits.write(secondOfDay / 3600, width: 2, into: out, at: i + 1)
        out[i + 3] = UInt8(ascii: ":")
        Digits.write(secondOfDay / 60 % 60, width: 2, into: out, at: i + 4)
        out[i + 6] = UInt8(ascii: ":")
        Digits.write(secondOfDay % 60, width: 2, into: out, at: i + 7)
        i += 9
        if milliseconds != 0 {
            out[i] = UInt8(ascii: ".")
            Digits.write(milliseconds, width: 3, into: out, at: i + 1)
            i += 4
        }
        if offset == 0 {
            out[i] = UInt8(ascii: "Z")
            return i + 1
        }
        out[i] = offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
        Digits.write(abs(offset) / 3600, width: 2, into: out, at: i + 1)
        out[i + 3] = UInt8(ascii: ":")
        Digits.write(abs(offset) / 60 % 60, width: 2, into: out, at: i + 4)
        return i + 6
    }
}
