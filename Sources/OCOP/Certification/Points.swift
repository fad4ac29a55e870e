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
    /// not such a literal. Takes the literal text so nothing passes through `Double`: a client
    /// whose JSON library writes 3525e-2 means 35.25 as much as one that writes 35.25.
    public init?(decimal text: String) {
        var digits: [UInt8] = []              // the mantissa's digits, leading zeros dropped
        var fractionDigits = 0
        var wholeDigits = 0
        var negative = false
        var exponent = 0, exponentDigits = 0, exponentNegative = false
        enum Part { case sign, whole, fraction, exponentSign, exponent }
        var part = Part.sign
        for byte in text.utf8 {
            switch (byte, part) {
            case (UInt8(ascii: "-"), .sign):
                negative = true
                part = .whole
            case (UInt8(ascii: "0")...UInt8(ascii: "9"), .sign), (UInt8(ascii: "0")...UInt8(ascii: "9"), .whole):
                wholeDigits += 1
                part = .whole
                if byte != UInt8(ascii: "0") || !digits.isEmpty { digits.append(byte - UInt8(ascii: "0")) }
            case (UInt8(ascii: "."), .whole) where wholeDigits > 0:
                part = .fraction
            case (UInt8(ascii: "0")...UInt8(ascii: "9"), .fraction):
                fractionDigits += 1
                if byte != UInt8(ascii: "0") || !digits.isEmpty { digits.append(byte - UInt8(ascii: "0")) }
            case (UInt8(ascii: "e"), .whole) where wholeDigits > 0, (UInt8(ascii: "E"), .whole) where wholeDigits > 0,
                 (UInt8(ascii: "e"), .fraction) where fractionDigits > 0, (UInt8(ascii: "E"), .fraction) where fractionDigits > 0:
                part = .exponentSign
            case (UInt8(ascii: "+"), .exponentSign), (UInt8(ascii: "-"), .exponentSign):
                exponentNegative = byte == UInt8(ascii: "-")
                part = .exponent
            case (UInt8(ascii: "0")...UInt8(ascii: "9"), .exponentSign), (UInt8(ascii: "0")...UInt8(ascii: "9"), .exponent):
                part = .exponent
                exponentDigits += 1
                // Six digits of exponent are far past any score; more would only risk overflow.
                guard exponentDigits <= 6 else { return nil }
                exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
            default:
                return nil
            }
        }
        switch part {
        case .sign, .exponentSign: return nil
        case .whole: guard wholeDigits > 0 else { return nil }
        case .fraction: guard fractionDigits > 0 else { return nil }
        case .exponent: guard exponentDigits > 0 else { return nil }
        }
        // Leading zeros are not significant, and JSON allows none before other digits.
        if digits.isEmpty {
            self.hundredths = 0
            return
        }
        guard !negative else { return nil }
        // The value is digits × 10^shift hundredths; drop zeros that only said where the point was.
        var shift = (exponentNegative ? -exponent : exponent) - fractionDigits + 2
        while shift < 0, digits.last == 0 {
            digits.removeLast()
            shift += 1
        }
        // Scores are at most 100: fourteen digits of hundredths keep the arithmetic far from overflow.
        guard shift >= 0, digits.count + shift <= 14 else { return nil }
        var value: Int64 = 0
        for digit in digits { value = value * 10 + Int64(digit) }
        for _ in 0..<shift { value *= 10 }
        self.hundredths = value
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
