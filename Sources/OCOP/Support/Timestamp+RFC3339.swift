extension Timestamp {
    /// Strict RFC 3339 date-time: `2024-12-13T08:00:00Z`, `2024-12-13T15:00:00+07:00`, fractional seconds (up to 9 digits, truncated to ms), 'T'/'t', 'Z'/'z'; rejects missing offset, invalid dates/times (leap second 60 → reject is fine).
    public init?(rfc3339 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Timestamp.parseRFC3339($0) }) else { return nil }
        self = parsed
    }

    /// Whether `bytes` are an instant exactly as `description` writes it: upper-case `T` and
    /// `Z`, and milliseconds exactly when they are not zero (`2024-12-13T08:00:00Z`,
    /// `2024-12-13T08:00:00.250Z`), with every field in range as `parseRFC3339` requires. Every
    /// stored instant is that text, so a list copies it once this says yes, without computing
    /// the instant (a page of 50 producers checks 100 of them).
    static func isCanonicalRFC3339(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard count == 20 || count == 24, bytes[10] == UInt8(ascii: "T"), bytes[count - 1] == UInt8(ascii: "Z"),
              dateAndTime(bytes) != nil else { return false }
        guard count == 24 else { return true }
        // ".000" is not written: an instant on a whole second has no fraction.
        guard bytes[19] == UInt8(ascii: "."), let milliseconds = Digits.value(bytes, 20, 3) else { return false }
        return milliseconds != 0
    }

    /// The first 19 bytes (at least that many) as `full-date "T" partial-time` without its
    /// fraction, every field in range; 'T' or 't' (§5.6 note: case-insensitive).
    private static func dateAndTime(_ bytes: UnsafeBufferPointer<UInt8>)
        -> (date: CivilDate, hour: Int, minute: Int, second: Int)? {
        guard let date = CivilDate.parse(UnsafeBufferPointer(rebasing: bytes[0..<10])),
              bytes[10] | 0x20 == UInt8(ascii: "t"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let hour = Digits.value(bytes, 11, 2), hour <= 23,
              let minute = Digits.value(bytes, 14, 2), minute <= 59,
              // §5.7 allows second 60 at a leap second; POSIX time cannot represent it, so reject.
              let second = Digits.value(bytes, 17, 2), second <= 59 else { return nil }
        return (date, hour, minute, second)
    }

    /// RFC 3339 §5.6:
    /// `date-fullyear "-" date-month "-" date-mday ("T"/"t") time-hour ":" time-minute ":" time-second ["." 1*DIGIT] ("Z"/"z" / ("+"/"-") time-hour ":" time-minute)`.
    /// The §5.6 note allows a space for "T" in other profiles; the API does not.
    static func parseRFC3339(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        // Shortest form: "YYYY-MM-DDTHH:MM:SSZ" is 20 bytes; nine fraction digits and an offset make 35.
        guard bytes.count >= 20, bytes.count <= 35,
              let (date, hour, minute, second) = dateAndTime(bytes) else { return nil }

        var i = 19
        var milliseconds = 0
        if bytes[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10 {
                // Keep the first three digits; the rest are truncated (not rounded), so
                // an instant never moves into the next millisecond (or day).
                if i - start < 3 { milliseconds = milliseconds * 10 + Int(bytes[i] - UInt8(ascii: "0")) }
                i += 1
            }
            let fractionDigits = i - start
            guard fractionDigits >= 1, fractionDigits <= 9 else { return nil }
            for _ in fractionDigits..<max(3, fractionDigits) { milliseconds *= 10 }
        }

        guard i < bytes.count else { return nil }  // the offset is mandatory
        let offset: Int?
        if bytes[i] | 0x20 == UInt8(ascii: "z") {
            offset = 0
            i += 1
        } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            guard bytes.count - i == 6, bytes[i + 3] == UInt8(ascii: ":"),
                  let offsetHour = Digits.value(bytes, i + 1, 2), offsetHour <= 23,
                  let offsetMinute = Digits.value(bytes, i + 4, 2), offsetMinute <= 59 else { return nil }
            let magnitude = offsetHour * 3600 + offsetMinute * 60
            let negative = bytes[i] == UInt8(ascii: "-")
            // §4.3: "-00:00" means the local offset is unknown, unlike "+00:00" or "Z".
            offset = negative && magnitude == 0 ? nil : (negative ? -magnitude : magnitude)
            i += 6
        } else {
            return nil
        }
        guard i == bytes.count else { return nil }

        // Local wall time minus the offset is UTC (§4.2: "+07:00" is 7 h ahead of UTC).
        let localSeconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let utcMilliseconds = (localSeconds - Int64(offset ?? 0)) * 1000 + Int64(milliseconds)
        return Timestamp(millisecondsSinceEpoch: utcMilliseconds, utcOffsetSeconds: offset)
    }
}
