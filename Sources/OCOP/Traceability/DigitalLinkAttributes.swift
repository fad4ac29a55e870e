/// The query of a GS1 Digital Link: data attributes (`?17=271231`, an expiry date printed in
/// the code) beside anything else a campaign adds (`?utm_source=qr`).
///
/// A parameter named by two to four digits is a GS1 application identifier, and the standard
/// makes a URI whose attribute breaks its AI's format malformed (a resolver answers 400). The
/// formats checked are the ones a food or craft product's code carries — dates, counts,
/// measures, countries — and every other AI gets the general rule (1–90 characters of set 82).
/// Other names are not GS1's and are left alone. Lots of the path are not narrowed by these
/// yet, so a well-formed attribute changes nothing.
public enum DigitalLinkAttributes {
    /// The longest value of any GS1 AI (AI 8110 and the like are X..70; the ceiling of the
    /// element string syntax is 90).
    public static let maximumLength = 90

    /// Primary keys: a Digital Link has exactly one, in its path.
    static let primaryKeys: Set<String> = ["00", "01", "253", "255", "401", "402", "414", "417",
                                           "8003", "8004", "8006", "8010", "8013", "8017", "8018"]
    /// Key qualifiers of a GTIN: they belong in the path, in order.
    static let keyQualifiers: Set<String> = ["10", "21", "22", "235"]
    /// Dates as YYMMDD (DD may be 00: "the end of the month").
    static let dates: Set<String> = ["11", "12", "13", "15", "16", "17"]
    /// Counts, N..8.
    static let counts: Set<String> = ["30", "37"]
    /// ISO 3166 numeric country codes, N3.
    static let countries: Set<String> = ["422", "424", "426"]

    /// Checks every attribute; throws the first malformed one, named `?{ai}`.
    public static func check(_ pairs: [(name: String, value: String)]) throws(MalformedLink) {
        var seen = Set<String>()
        for (name, value) in pairs where isApplicationIdentifier(name) {
            let field = "?\(name)"
            guard seen.insert(name).inserted else { throw MalformedLink(field, "is given more than once") }
            try check(name, value, field: field)
        }
    }

    /// Two to four ASCII digits: the shape of every GS1 application identifier.
    static func isApplicationIdentifier(_ name: String) -> Bool {
        (2...4).contains(name.utf8.count) && name.utf8.allSatisfy(DigitalLink.isDigit)
    }

    private static func check(_ ai: String, _ value: String, field: String) throws(MalformedLink) {
        if primaryKeys.contains(ai) {
            throw MalformedLink(field, "is a primary key; a Digital Link has one, in its path (/01/{gtin})")
        }
        if keyQualifiers.contains(ai) {
            throw MalformedLink(field, "is a key qualifier; it belongs in the path (/01/{gtin}/10/{lot}/21/{serial})")
        }
        guard !value.isEmpty else { throw MalformedLink(field, "is empty") }
        let digits = value.utf8.allSatisfy(DigitalLink.isDigit)
        let count = value.utf8.count
        if dates.contains(ai) {
            guard digits, count == 6, isDate(Array(value.utf8), allowingDayZero: true) else {
                throw MalformedLink(field, "must be a date as YYMMDD (DD 00 for the end of the month)")
            }
        } else if ai == "7003" {
            let bytes = Array(value.utf8)
            guard digits, count == 10, isDate(Array(bytes[0..<6]), allowingDayZero: false),
                  number(bytes[6..<8]) < 24, number(bytes[8..<10]) < 60 else {
                throw MalformedLink(field, "must be a date and time as YYMMDDhhmm")
            }
        } else if counts.contains(ai) {
            guard digits, count <= 8 else { throw MalformedLink(field, "must be a count of at most 8 digits") }
        } else if countries.contains(ai) {
            guard digits, count == 3 else { throw MalformedLink(field, "must be a 3-digit ISO 3166 country code") }
        } else if ai.utf8.count == 4, let head = Int(ai.prefix(2)), (31...36).contains(head) {
            // 31nn–36nn: a measure (weight, length, area, volume…) in six digits, the last AI
            // digit placing the decimal point.
            guard digits, count == 6 else { throw MalformedLink(field, "must be a measure of exactly 6 digits") }
        } else {
            guard count <= maximumLength, value.utf8.allSatisfy(DigitalLink.isSet82) else {
                throw MalformedLink(field, "must be 1–\(maximumLength) characters of GS1 set 82")
            }
        }
    }

    /// YYMMDD with a real month and a day that month has (the year read as 20YY for February).
    private static func isDate(_ bytes: [UInt8], allowingDayZero: Bool) -> Bool {
        let year = 2000 + number(bytes[0..<2]), month = number(bytes[2..<4]), day = number(bytes[4..<6])
        guard (1...12).contains(month) else { return false }
        if day == 0 { return allowingDayZero }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
