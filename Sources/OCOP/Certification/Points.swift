import JSON

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

    /// Parses the literal of a JSON number (RFC 8259 §6) that is a score: at least 0, at most two
    /// significant decimals, exponents read exactly ("35", "35.25", "35.250", "3.525e1", "-0");
    /// nil for a negative number, a third significant decimal, absurd sizes or anything that is
    /// not such a literal. Read from the digits (`JSONNumber.int64(scaledBy:)`), never through
    /// `Double`: a client whose JSON library writes 3525e-2 means 35.25 as much as one that writes 35.25.
    public init?(decimal text: String) {
        // Scores are at most 100: fourteen digits of hundredths are far past any, and far from overflow.
        guard let hundredths = JSONNumber(text)?.int64(scaledBy: 2), (0..<100_000_000_000_000).contains(hundredths) else {
            return nil
        }
        self.hundredths = hundredths
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
