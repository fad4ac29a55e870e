/// A JSON number kept as the literal that was written, so no precision is lost before the caller decides
/// how to read it (money must never pass through `Double`).
public struct JSONNumber: Sendable, Equatable, CustomStringConvertible {
    /// The literal exactly as written, e.g. "-12.50e3". Equality compares this text, so 1 and 1.0 differ.
    public let text: String

    /// Validates `text` against the RFC 8259 §6 number grammar; nil when it does not match exactly.
    public init?(_ text: String) {
        let valid: Bool = text.utf8.withContiguousStorageIfAvailable { p in
            if case .valid(let end) = NumberGrammar.scan(p, from: 0) { return end == p.count }
            return false
        } ?? {
            let copy = Array(text.utf8)
            return copy.withUnsafeBufferPointer { p in
                if case .valid(let end) = NumberGrammar.scan(p, from: 0) { return end == p.count }
                return false
            }
        }()
        guard valid else { return nil }
        self.text = text
    }

    /// An integer number.
    public init(_ value: Int64) {
        self.text = String(value)
    }

    /// Wraps a literal the parser has already validated.
    init(validated text: String) {
        self.text = text
    }

    /// The literal text.
    public var description: String { text }

    /// True when the number is a whole number, as JSON Schema's "integer" has it: "5", "5.0",
    /// "5e2" and "1e300" are; "5.5" and "1e-1" are not. Decided on the digits, never through `Double`.
    public var isInteger: Bool {
        wholeDigits(scaledBy: 0) != nil
    }

    /// The value as an `Int64` when the number is a whole number in range, exactly: "5", "5.0",
    /// "5e0" and "-12.5e1" give 5, 5, 5 and -125 (JSON Schema counts 5.0 as an integer, and clients
    /// that write every number as a float send it); nil for "5.5", "1e300" or anything beyond Int64,
    /// so a caller never gets a silently rounded or truncated id or amount.
    public var int64: Int64? {
        // The common case, a plain integer literal, in one pass: a '.' or an 'e' is no digit and
        // stops it, and only then is the literal taken apart.
        let negative = text.utf8.first == UInt8(ascii: "-")
        if let plain = Self.accumulate(text.utf8.dropFirst(negative ? 1 : 0).lazy.map { $0 &- UInt8(ascii: "0") },
                                       zeros: 0, negative: negative) { return plain }
        return int64(scaledBy: 0)
    }

    /// The value × 10^`power` as an `Int64` when that is a whole number in range, exactly, from
    /// the digits: "35.25", "3.525e1" and "3525e-2" scaled by 2 are 3525 (hundredths); nil for
    /// "35.255" or anything beyond Int64. `int64` is this at power 0.
    public func int64(scaledBy power: Int) -> Int64? {
        guard let whole = wholeDigits(scaledBy: power) else { return nil }
        return Self.accumulate(whole.digits, zeros: whole.zeros, negative: whole.negative)
    }

    /// The value × 10^`power` as its significant digits followed by `zeros` zeros ("12.50e2" at
    /// power 0 is [1, 2, 5] and 1 zero); nil when a non-zero digit is left after the decimal point.
    private func wholeDigits(scaledBy power: Int) -> (negative: Bool, digits: [UInt8], zeros: Int)? {
        var negative = false, exponentNegative = false
        var digits: [UInt8] = [], fractionLength = 0, exponent = 0
        enum Part { case whole, fraction, exponent }
        var part = Part.whole
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "-"): if part == .exponent { exponentNegative = true } else { negative = true }
            case UInt8(ascii: "+"): continue
            case UInt8(ascii: "."): part = .fraction
            case UInt8(ascii: "e"), UInt8(ascii: "E"): part = .exponent
            default:
                let digit = b &- UInt8(ascii: "0")
                switch part {
                // Saturates far beyond any exponent an Int64 or a fraction of 1 MiB could need.
                case .exponent: exponent = min(exponent * 10 + Int(digit), 10_000_000)
                case .fraction: fractionLength += 1; if !digits.isEmpty || digit != 0 { digits.append(digit) }
                case .whole: if !digits.isEmpty || digit != 0 { digits.append(digit) }
                }
            }
        }
        if digits.isEmpty { return (negative, [], 0) }
        let scale = (exponentNegative ? -exponent : exponent) - fractionLength + power
        if scale >= 0 { return (negative, digits, scale) }
        let dropped = -scale
        guard dropped < digits.count, digits.suffix(dropped).allSatisfy({ $0 == 0 }) else { return nil }
        return (negative, Array(digits.dropLast(dropped)), 0)
    }

    /// Digits then `zeros` zeros as an `Int64`, accumulated toward the sign so that Int64.min,
    /// whose magnitude exceeds Int64.max, still fits; nil on overflow.
    private static func accumulate(_ digits: some Sequence<UInt8>, zeros: Int, negative: Bool) -> Int64? {
        var value: Int64 = 0
        for digit in digits {
            guard digit < 10 else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative
                ? shifted.subtractingReportingOverflow(Int64(digit))
                : shifted.addingReportingOverflow(Int64(digit))
            if o1 || o2 { return nil }
            value = next
        }
        guard value == 0 || zeros <= 19 else { return nil }
        for _ in 0..<(value == 0 ? 0 : zeros) {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = shifted
        }
        return value
    }

    /// The nearest `Double`; ±infinity when the magnitude exceeds Double's range (e.g. "1e400").
    public var double: Double? {
        Double(text)
    }
}

/// The RFC 8259 §6 number grammar, shared by the parser and `JSONNumber.init?`:
/// `[ minus ] int [ frac ] [ exp ]`, `int = zero / ( digit1-9 *DIGIT )`, `frac = "." 1*DIGIT`,
/// `exp = ("e" / "E") [ "-" / "+" ] 1*DIGIT`.
enum NumberGrammar {
    /// Result of scanning one number.
    enum Scan {
        /// The number ends just before `end`.
        case valid(end: Int)
        /// The grammar fails at byte `offset` for `reason`.
        case invalid(offset: Int, reason: String)
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// Scans the longest number starting at `start`, which must hold '-' or a digit for success.
    static func scan(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> Scan {
        var i = start
        let n = p.count
        if i < n && p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, isDigit(p[i]) else {
            return .invalid(offset: i, reason: "invalid number: expected a digit")
        }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            // RFC 8259 §6: "Leading zeros are not allowed."
            if i < n && isDigit(p[i]) {
                return .invalid(offset: i, reason: "invalid number: leading zeros are not allowed")
            }
        } else {
            while i < n && isDigit(p[i]) { i += 1 }
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(p[i]) else {
                return .invalid(offset: i, reason: "invalid number: expected a digit after '.'")
            }
            while i < n && isDigit(p[i]) { i += 1 }
        }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < n, isDigit(p[i]) else {
                return .invalid(offset: i, reason: "invalid number: expected a digit in the exponent")
            }
            while i < n && isDigit(p[i]) { i += 1 }
        }
        return .valid(end: i)
    }
}
