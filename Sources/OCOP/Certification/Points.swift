/// A score in points with at most two decimals, held exactly as hundredths.
///
/// Council members score to two decimals (e.g. 35.25), and the star thresholds are
/// compared against the UNROUNDED average (DOMAIN.md: 69.9 is 3 stars), so no binary
/// floating point is involved anywhere: 0.1 + 0.2 must not become 0.30000000000000004.
public struct Points: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value in hundredths of a point (35.25 points → 3525).
    public let hundredths: Int64

    public init(hundredths: Int64) { self.hundredths = hundredths }

    /// Whole points.
    public init(_ whole: Int) { self.hundredths = Int64(whole) * 100 }

    public static let zero = Points(hundredths: 0)

    /// Parses a plain non-negative decimal literal with at most two decimals ("35", "35.5",
    /// "35.25", "35.250"); nil for signs, exponents, a third significant decimal or absurd sizes.
    /// Takes the literal text of a JSON number so nothing passes through `Double`.
    public init?(decimal text: String) {
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var digits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint, digits > 0 else { return nil }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            if seenPoint {
                fractionDigits += 1
                if fractionDigits > 2 {
                    // Trailing zeros past the second decimal add no precision ("35.250" is 35.25).
                    guard digit == 0 else { return nil }
                    continue
                }
                fraction = fraction * 10 + digit
            } else {
                digits += 1
                // Scores are at most 100; twelve digits keeps the multiplication far from overflow.
                guard digits <= 12 else { return nil }
                whole = whole * 10 + digit
            }
        }
        guard digits > 0, !seenPoint || fractionDigits > 0 else { return nil }
        if fractionDigits == 1 { fraction *= 10 }
        hundredths = whole * 100 + fraction
    }

    /// The shortest exact decimal: "35", "35.5", "35.25" (what a person typed, a valid JSON number).
    public var description: String {
        let whole = hundredths / 100, fraction = hundredths % 100
        if fraction == 0 { return String(whole) }
        if fraction % 10 == 0 { return "\(whole).\(fraction / 10)" }
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Always two decimals: "85.00", "69.99".
    public var fixedTwoDecimals: String {
        let whole = hundredths / 100, fraction = hundredths % 100
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public static func + (a: Points, b: Points) -> Points { Points(hundredths: a.hundredths + b.hundredths) }

    public static func < (a: Points, b: Points) -> Bool { a.hundredths < b.hundredths }
}
