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
        precondition(offset % 60 == 0 && abs(offset) < 86_400, "RFC 3339 offsets are whole minutes under 24 h")
        let local = millisecondsSinceEpoch + Int64(offset) * 1000
        let days = Digits.floorDivide(local, 86_400_000)
        let millisecondOfDay = Int(local - days * 86_400_000)
        let date = CivilDate(daysSinceEpoch: Int(days))
        let milliseconds = millisecondOfDay % 1000
        let secondOfDay = millisecondOfDay / 1000
        // Years outside 0000–9999 (never from API input) take CivilDate's expanded form.
        let expandedDate = (0...9999).contains(date.year) ? nil : Array(date.description.utf8)
        let dateLength = expandedDate?.count ?? 10
        // Timestamps fill every JSON item (created_at, updated_at): one
        // allocation, digits written in place, no intermediate strings.
        let length = dateLength + 9 + (milliseconds != 0 ? 4 : 0) + (offset != 0 ? 6 : 1)
        return String(unsafeUninitializedCapacity: length) { out in
            if let expandedDate {
                for (i, byte) in expandedDate.enumerated() { out[i] = byte }
            } else {
                Digits.write(date.year, width: 4, into: out, at: 0)
                out[4] = UInt8(ascii: "-")
                Digits.write(date.month, width: 2, into: out, at: 5)
                out[7] = UInt8(ascii: "-")
                Digits.write(date.day, width: 2, into: out, at: 8)
            }
            var i = dateLength
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
}
