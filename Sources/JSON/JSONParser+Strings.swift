/// Strings (RFC 8259 §7) and UTF-8 validation (RFC 8259 §8.1, Unicode Table 3-7).
extension JSONParser {
    /// Parses a string starting at the opening quote.
    ///
    /// Fast path: no escapes, so the bytes between the quotes become the String directly after validation.
    mutating func string() throws(JSONParseError) -> String {
        let quote = i
        i += 1
        let start = i
        var mayHaveMarks = false
        while i < p.count {
            let b = p[i]
            if b < 0x80 {
                if b == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
                    if mayHaveMarks { try checkStreamSafe(s, quote: quote) }
                    i += 1
                    return s
                }
                if b == UInt8(ascii: "\\") { return try escapedString(quote: quote, start: start) }
                if b < 0x20 { throw controlCharacter(at: i) }
                i += 1
            } else {
                mayHaveMarks = mayHaveMarks || b >= 0xCC
                i = try utf8SequenceEnd(at: i)
            }
        }
        throw fail(quote, "unterminated string starting")
    }

    /// Slow path for a string with escapes: decodes into a byte buffer from the first backslash on.
    private mutating func escapedString(quote: Int, start: Int) throws(JSONParseError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(i - start + 16)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<i]))
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: out, as: UTF8.self)
                try checkStreamSafe(s, quote: quote)
                i += 1
                return s
            } else if b == UInt8(ascii: "\\") {
                try escape(into: &out, quote: quote)
            } else if b < 0x20 {
                throw controlCharacter(at: i)
            } else if b < 0x80 {
                out.append(b)
                i += 1
            } else {
                let end = try utf8SequenceEnd(at: i)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<end]))
                i = end
            }
        }
        throw fail(quote, "unterminated string starting")
    }

    /// Refuses a string (or member name) with a run of combining marks too long to normalise or
    /// compare cheaply (`StreamSafeText`): every string the API reads is compared or normalised.
    private func checkStreamSafe(_ s: String, quote: Int) throws(JSONParseError) {
        guard StreamSafeText.check(s) else { throw fail(quote, "string " + StreamSafeText.refusal + ", starting") }
    }

    /// Decodes one escape at the backslash: the eight short forms and \uXXXX (RFC 8259 §7).
    private mutating func escape(into out: inout [UInt8], quote: Int) throws(JSONParseError) {
        let backslash = i
        i += 1
        guard i < p.count else { throw fail(quote, "unterminated string starting") }
        let c = p[i]
        i += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4(escapeAt: backslash)
            let scalar: UInt32
            switch unit {
            case 0xD800...0xDBFF:
                // §7: a character outside the BMP is a UTF-16 surrogate pair written as two \u escapes.
                guard i + 1 < p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                    throw fail(backslash, "lone surrogate \\u\(Self.hex(unit)) in string")
                }
                let lowAt = i
                i += 2
                let low = try hex4(escapeAt: lowAt)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail(backslash, "lone surrogate \\u\(Self.hex(unit)) in string")
                }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw fail(backslash, "lone surrogate \\u\(Self.hex(unit)) in string")
            default:
                scalar = unit
            }
            Self.appendUTF8(scalar, to: &out)
        default:
            let shown = c >= 0x20 && c < 0x7F ? "'\\\(Character(Unicode.Scalar(c)))'" : "after '\\'"
            throw fail(backslash, "invalid escape sequence \(shown)")
        }
    }

    /// Reads the four hex digits after "\u" (the index is just past the "u").
    private mutating func hex4(escapeAt backslash: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard i < p.count else { throw fail(i, "unexpected end of input in a \\u escape") }
            let b = p[i]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b &- UInt8(ascii: "A") &+ 10
            default: throw fail(backslash, "invalid \\u escape: expected 4 hex digits")
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    /// §7: characters below U+0020 must be escaped inside strings.
    private func controlCharacter(at offset: Int) -> JSONParseError {
        fail(offset, "unescaped control character \(Self.codePoint(UInt32(p[offset]))) in string")
    }

    /// Validates the multi-byte UTF-8 sequence whose lead byte is at `start` and returns its end
    /// (`UTF8Sequence.end`: overlong forms, surrogates and anything above U+10FFFF are refused).
    func utf8SequenceEnd(at start: Int) throws(JSONParseError) -> Int {
        guard let end = UTF8Sequence.end(in: p, at: start) else { throw fail(start, "invalid UTF-8") }
        return end
    }

    /// Appends the UTF-8 encoding of a scalar that is known not to be a surrogate.
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Four uppercase hex digits.
    static func hex(_ value: UInt32) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}
