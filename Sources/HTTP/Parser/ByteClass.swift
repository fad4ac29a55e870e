/// Byte classes of the HTTP grammar (RFC 9110 §5.6, RFC 9112 §2), tuned for the
/// hot loops: a table lookup per byte, eight bytes at a time where the class allows.
enum ByteClass {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let comma: UInt8 = 0x2C
    static let equals: UInt8 = 0x3D
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C

    /// The class of each byte value, as a literal in read-only memory: one load per byte
    /// and no lazy initialisation. The digit at index b has
    /// bit 0 set if b is a tchar (RFC 9110 §5.6.2: "!#$%&'*+-.^_`|~", DIGIT, ALPHA),
    /// bit 1 set if b may appear in `uri-host [":" port]` (RFC 3986 §3.2.2: unreserved,
    /// pct-encoded, sub-delims, IP-literal brackets), for validating Host (RFC 9112 §3.2), and
    /// bit 2 set if b may appear in a request-target (`isTarget`).
    private static let classMap: StaticString = """
        0000000000000000000000000000000007017777667767747777777777660604\
        4777777777777777777777777776061717777777777777777777777777701070\
        4444444444444444444444444444444444444444444444444444444444444444\
        4444444444444444444444444444444444444444444444444444444444444444
        """

    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        classMap.utf8Start[Int(byte)] & 1 != 0
    }

    @inline(__always)
    static func isHost(_ byte: UInt8) -> Bool {
        classMap.utf8Start[Int(byte)] & 2 != 0
    }

    /// Whether `byte` may appear in a request-target (RFC 9112 §3.2, RFC 3986 §3): unreserved,
    /// sub-delims, ":", "@", "/", "?", "%" (the caller checks the two HEXDIGs after it) and "[" "]"
    /// (IP literals; also sent raw in queries by many clients). Not SP, CTLs, DEL, `#` (no form of
    /// target has a fragment) or `"<>\^`{|}`, which a lenient hop may read otherwise (a `\` taken
    /// for `/`). obs-text passes: it is what curl sends for Vietnamese typed into a URL, and it
    /// is read as UTF-8 with one meaning.
    @inline(__always)
    static func isTarget(_ byte: UInt8) -> Bool {
        classMap.utf8Start[Int(byte)] & 4 != 0
    }

    /// SP or HTAB: OWS/BWS (RFC 9110 §5.6.3).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    /// field-vchar, SP or HTAB (RFC 9110 §5.5): everything but CTLs other than
    /// HTAB and DEL; obs-text (0x80-0xFF) is allowed.
    @inline(__always)
    static func isFieldValue(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte != 0x7F) || byte == tab
    }

    /// The index of the first byte in `b[start..<end]` that is not a field-value byte, or nil.
    /// Checks eight bytes per step (SWAR): values are the bulk of a head.
    static func firstNonFieldValue(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = start
        while end - i >= 8 {
            let word = b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // Exact "some byte < 0x20" and "some byte == 0x7F" tests (bit-twiddling hacks'
            // hasless/haszero); a hit may be a legal HTAB, so only then look byte by byte.
            let control = (word &- ones &* 0x20) & ~word & highs
            let del = word ^ (ones &* 0x7F)
            let hasDel = (del &- ones) & ~del & highs
            if control | hasDel != 0 {
                for j in i..<i + 8 where !isFieldValue(b[j]) { return j }
            }
            i += 8
        }
        while i < end {
            if !isFieldValue(b[i]) { return i }
            i += 1
        }
        return nil
    }

    /// Whether `b[i]`, a `%`, starts a pct-encoded triplet within `end` (`"%" HEXDIG HEXDIG`,
    /// RFC 3986 §2.1): in a request-target and in a Host alike, a lone `%` has no one meaning.
    @inline(__always)
    static func isPercentEscape(_ b: UnsafeRawBufferPointer, at i: Int, end: Int) -> Bool {
        i + 2 < end && hexValue(b[i + 1]) != nil && hexValue(b[i + 2]) != nil
    }

    /// The value of a HEXDIG (RFC 5234 B.1, case-insensitive), or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte &- 0x30)
        case 0x41...0x46: return Int(byte &- 0x41 &+ 10)
        case 0x61...0x66: return Int(byte &- 0x61 &+ 10)
        default: return nil
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Whether `self[start..<end]` equals `lowercase` ignoring ASCII case; `lowercase`
    /// must be lower-case ASCII (field names and coding names are case-insensitive, RFC 9110 §5.1).
    @inline(__always)
    func equalsLowercase(_ start: Int, _ end: Int, _ lowercase: StaticString) -> Bool {
        guard end - start == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        var i = 0
        while i < end - start {
            var byte = self[start + i]
            if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
            if byte != expected[i] { return false }
            i += 1
        }
        return true
    }

    /// `[start, end)` narrowed past leading and trailing SP/HTAB (OWS, RFC 9110 §5.6.3).
    @inline(__always)
    func trimmingWhitespace(_ start: Int, _ end: Int) -> (start: Int, end: Int) {
        var s = start, e = end
        while s < e, ByteClass.isWhitespace(self[s]) { s += 1 }
        while e > s, ByteClass.isWhitespace(self[e - 1]) { e -= 1 }
        return (s, e)
    }

    /// The bytes `[start, end)` as a String (invalid UTF-8 is repaired, never trapped on).
    @inline(__always)
    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: self[start..<end]), as: UTF8.self)
    }
}
