/// Byte classes of the HTTP grammar (RFC 9110 §5.6, RFC 9112 §2), as bit sets so
/// the hot loops test a byte with a shift and a mask instead of a table lookup.
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

    /// tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~", DIGIT and ALPHA; bits for 0x00-0x3F and 0x40-0x7F.
    private static let tokenLow: UInt64 = 0x03FF_6CFA_0000_0000
    private static let tokenHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE

    /// Bytes of `uri-host [":" port]` (RFC 3986 §3.2.2: unreserved, pct-encoded,
    /// sub-delims, IP-literal brackets) for validating Host (RFC 9112 §3.2).
    private static let hostLow: UInt64 = 0x2FFF_7FF2_0000_0000
    private static let hostHigh: UInt64 = 0x47FF_FFFE_AFFF_FFFE

    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        inSet(byte, low: tokenLow, high: tokenHigh)
    }

    @inline(__always)
    static func isHost(_ byte: UInt8) -> Bool {
        inSet(byte, low: hostLow, high: hostHigh)
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

    @inline(__always)
    private static func inSet(_ byte: UInt8, low: UInt64, high: UInt64) -> Bool {
        if byte < 64 { return (low >> UInt64(byte)) & 1 != 0 }
        if byte < 128 { return (high >> UInt64(byte &- 64)) & 1 != 0 }
        return false
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
