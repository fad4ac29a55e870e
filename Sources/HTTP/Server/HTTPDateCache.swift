import Glibc

/// The `Date:` header line (RFC 9110 §6.6.1), formatted once a second rather
/// than per response: formatting is the costly part, and a server may send
/// the same second-resolution date for every response in that second.
struct HTTPDateCache: Sendable {
    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n`, ready to copy into a response head.
    private(set) var line: [UInt8] = []
    private var second = Int.min

    init() { refresh() }

    /// Re-formats the line if the wall-clock second changed.
    mutating func refresh() {
        refresh(epochSeconds: Int(time(nil)))
    }

    /// Re-formats the line for `epochSeconds` if it differs from the cached one.
    mutating func refresh(epochSeconds: Int) {
        guard epochSeconds != second else { return }
        second = epochSeconds
        line = Array("Date: ".utf8) + Self.imfFixdate(epochSeconds: epochSeconds) + [13, 10]
    }

    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    /// Computed from the epoch in pure integer arithmetic, with no locale or
    /// time-zone lookups (the civil-from-days algorithm of H. Hinnant).
    static func imfFixdate(epochSeconds: Int) -> [UInt8] {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondsOfDay = epochSeconds - days * 86_400
        // 1970-01-01 was a Thursday (index 4 counting from Sunday).
        let weekday = ((days % 7) + 11) % 7
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        var out: [UInt8] = []
        out.reserveCapacity(29)
        out += dayNames[weekday].utf8
        out += [44, 32]  // ", "
        appendTwoDigits(day, to: &out)
        out.append(32)
        out += monthNames[month - 1].utf8
        out.append(32)
        appendTwoDigits(year / 100, to: &out)
        appendTwoDigits(year % 100, to: &out)
        out.append(32)
        appendTwoDigits(secondsOfDay / 3600, to: &out)
        out.append(58)
        appendTwoDigits(secondsOfDay / 60 % 60, to: &out)
        out.append(58)
        appendTwoDigits(secondsOfDay % 60, to: &out)
        out += " GMT".utf8
        return out
    }

    private static func appendTwoDigits(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(48 + value / 10 % 10))
        out.append(UInt8(48 + value % 10))
    }
}
