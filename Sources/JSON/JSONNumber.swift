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

    /// True when the literal has no fraction and no exponent ("5", "-0"; not "5.0" or "5e0").
    public var isInteger: Bool {
        for b in text.utf8 where b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            return false
        }
        return true
    }

    /// The value as an `Int64` when the literal is an integer in range; nil for "5.0", "5e0", "1e300" or
    /// anything beyond Int64, so a caller never gets a silently rounded or truncated id or amount.
    public var int64: Int64? {
        var negative = false
        var value: Int64 = 0
        var sawDigit = false
        for b in text.utf8 {
            if b == UInt8(ascii: "-") && !sawDigit && !negative {
                negative = true
                continue
            }
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            sawDigit = true
            let digit = Int64(b &- UInt8(ascii: "0"))
            // Accumulate toward the sign so Int64.min, whose magnitude exceeds Int64.max, still fits.
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative
                ? shifted.subtractingReportingOverflow(digit)
                : shifted.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = next
        }
        return sawDigit ? value : nil
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
