/// Well-formed UTF-8 (Unicode Table 3-7), checked on bytes: the JSON parser's check of its
/// input, and the writer's of text lent to it as bytes (`JSONWriter.string(utf8:)`), each in
/// the pass it makes over the bytes anyway.
enum UTF8Sequence {
    /// The end of the multi-byte sequence whose lead byte is at `start`, or nil when the bytes
    /// there are not one: a continuation byte, a C0/C1 overlong lead, F5..FF, an overlong form,
    /// a UTF-16 surrogate (ED A0..BF), a value above U+10FFFF (F4 90..) or a sequence cut short.
    @inline(__always)
    static func end(in p: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let length: Int
        var low: UInt8 = 0x80  // allowed range of the second byte
        var high: UInt8 = 0xBF
        switch p[start] {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard start + length <= p.count else { return nil }
        let second = p[start + 1]
        guard second >= low && second <= high else { return nil }
        var k = start + 2
        while k < start + length {
            guard p[k] & 0xC0 == 0x80 else { return nil }
            k += 1
        }
        return start + length
    }
}
