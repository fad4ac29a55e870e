/// Streaming JSON writer into a byte buffer; inserts commas and colons itself.
///
/// Separators need no stack: a comma is due exactly when the previous thing written inside the current
/// container was a complete value, and `key` clears that so the value after it gets no comma.
/// The writer trusts its caller to balance begin/end and to give a key before each object value.
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8]
    /// True when the next value or key must be preceded by a comma.
    private var commaDue = false

    /// Creates a writer whose buffer starts with room for `capacity` bytes.
    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    private mutating func separate() {
        if commaDue {
            bytes.append(UInt8(ascii: ","))
            commaDue = false
        }
    }

    /// Opens an object.
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
    }

    /// Closes the current object.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        commaDue = true
    }

    /// Opens an array.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
    }

    /// Closes the current array.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        commaDue = true
    }

    /// Writes a member name from our source and its colon; call inside an object before each value.
    ///
    /// The name is copied as it is, without the escaping scan: every item a list returns writes a
    /// dozen of these, and that scan was a tenth of a page's CPU. A name written in the source is
    /// plain ASCII (`created_at`); a name made at run time goes through `key(escaping:)`.
    public mutating func key(_ name: StaticString) {
        assert(Self.needsNoEscaping(name), "a StaticString member name must need no escaping: \(name)")
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes a member name made at run time (from input, or computed), escaped like any string.
    public mutating func key(escaping name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Whether `name` holds no byte JSON would escape (controls, '"', '\\') and only ASCII, which
    /// also rules out U+2028/U+2029.
    static func needsNoEscaping(_ name: StaticString) -> Bool {
        name.withUTF8Buffer { $0.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } }
    }

    /// Writes a string value whose bytes need no escaping (printable ASCII other than '"' and
    /// '\', which the caller guarantees), straight from the caller's buffer: a value rendered
    /// into stack memory (a timestamp) needs neither a `String` of its own nor the escaping scan.
    public mutating func string(unescaped ascii: UnsafeBufferPointer<UInt8>) {
        assert(ascii.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") },
               "string(unescaped:) was given a byte JSON escapes")
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: ascii)
        bytes.append(UInt8(ascii: "\""))
        commaDue = true
    }

    /// Writes a string value.
    public mutating func string(_ s: String) {
        separate()
        appendQuoted(s)
        commaDue = true
    }

    /// Writes an integer.
    public mutating func int(_ i: Int64) {
        separate()
        appendDecimal(i)
        commaDue = true
    }

    /// Writes an integer.
    public mutating func int(_ i: Int) {
        int(Int64(i))
    }

    /// Writes a double in its shortest round-trip form; NaN and infinities, which JSON cannot express
    /// (RFC 8259 §6), become null.
    public mutating func double(_ d: Double) {
        guard d.isFinite else {
            null()
            return
        }
        separate()
        // Swift's description is the shortest digits that round-trip, and always valid JSON
        // ("5.0", "1e-05", "1.2345678901234568e+17"); it fits a small string, so it does not allocate.
        bytes.append(contentsOf: d.description.utf8)
        commaDue = true
    }

    /// Writes true or false.
    public mutating func bool(_ b: Bool) {
        separate()
        if b {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [
                UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e"),
            ])
        }
        commaDue = true
    }

    /// Writes null.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
        commaDue = true
    }

    /// Writes a whole value; numbers keep their literal text.
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let n):
            separate()
            bytes.append(contentsOf: n.text.utf8)
            commaDue = true
        case .string(let s): string(s)
        case .array(let elements):
            beginArray()
            for e in elements { value(e) }
            endArray()
        case .object(let object):
            beginObject()
            for m in object.members {
                key(escaping: m.key)
                value(m.value)
            }
            endObject()
        }
    }

    /// Writes a pre-serialized JSON value as is; the caller guarantees it is one valid value.
    public mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
        commaDue = true
    }
}

extension JSONWriter {
    /// Writes `"key":"s"`.
    public mutating func field(_ key: StaticString, _ s: String) {
        self.key(key)
        string(s)
    }

    /// Writes `"key":"s"`, or `"key":null` when `s` is nil.
    public mutating func field(_ key: StaticString, _ s: String?) {
        self.key(key)
        if let s { string(s) } else { null() }
    }

    /// Writes `"key":i`.
    public mutating func field(_ key: StaticString, _ i: Int64) {
        self.key(key)
        int(i)
    }

    /// Writes `"key":i`, or `"key":null` when `i` is nil.
    public mutating func field(_ key: StaticString, _ i: Int64?) {
        self.key(key)
        if let i { int(i) } else { null() }
    }

    /// Writes `"key":i`.
    public mutating func field(_ key: StaticString, _ i: Int) {
        self.key(key)
        int(Int64(i))
    }

    /// Writes `"key":true` or `"key":false`.
    public mutating func field(_ key: StaticString, _ b: Bool) {
        self.key(key)
        bool(b)
    }

    /// Writes `"key":` followed by the value.
    public mutating func field(_ key: StaticString, _ v: JSONValue) {
        self.key(key)
        value(v)
    }
}

extension JSONWriter {
    /// An array with one object per row, its fields written by `fields` (report tables).
    public mutating func objects<Row>(_ rows: some Sequence<Row>, _ fields: (Row, inout JSONWriter) -> Void) {
        beginArray()
        for row in rows {
            beginObject()
            fields(row, &self)
            endObject()
        }
        endArray()
    }
}

/// Byte-level encoding of strings and integers for `JSONWriter`.
extension JSONWriter {
    /// Appends `s` as a quoted JSON string (RFC 8259 §7).
    ///
    /// Escapes '"', '\' and controls below U+0020, plus U+2028/U+2029, which are legal in JSON but end a
    /// line in JavaScript source and would break JSON pasted into a script. Everything else, including
    /// all Vietnamese text, is copied as UTF-8 in runs between the bytes that need escaping.
    mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        if done == nil {
            Array(s.utf8).withUnsafeBufferPointer { appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ p: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var i = 0
        let n = p.count
        while i < n {
            // Eight bytes at a time while none of them needs a look (most text): SWAR tests
            // for a byte below 0x20 and for bytes equal to '"', '\' or 0xE2 (Hacker's
            // Delight "has zero byte"), on an unaligned little-endian load.
            if i + 8 <= n, let base = p.baseAddress {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                if !Self.mayNeedEscape(word) {
                    i += 8
                    continue
                }
            }
            let b = p[i]
            // One range check rejects almost every byte: only controls, '"', '\' and 0xE2 need a look.
            if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b != 0xE2 {
                i += 1
                continue
            }
            if b == 0xE2 {
                // U+2028 is E2 80 A8 and U+2029 is E2 80 A9; other E2 sequences pass through.
                guard i + 2 < n, p[i + 1] == 0x80, p[i + 2] == 0xA8 || p[i + 2] == 0xA9 else {
                    i += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<i]))
                appendUnicodeEscape(p[i + 2] == 0xA8 ? 0x2028 : 0x2029)
                i += 3
                runStart = i
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<i]))
            switch b {
            case UInt8(ascii: "\""): appendTwo(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): appendTwo(UInt8(ascii: "\\"))
            case 0x0A: appendTwo(UInt8(ascii: "n"))
            case 0x0D: appendTwo(UInt8(ascii: "r"))
            case 0x09: appendTwo(UInt8(ascii: "t"))
            case 0x08: appendTwo(UInt8(ascii: "b"))
            case 0x0C: appendTwo(UInt8(ascii: "f"))
            default: appendUnicodeEscape(UInt16(b))
            }
            i += 1
            runStart = i
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<n]))
    }

    /// Whether any of the eight bytes is a control (< 0x20), '"', '\' or 0xE2. May say yes
    /// for a byte next to one that matches (then the byte loop decides), never wrongly no.
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        return control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
            || hasZeroByte(word ^ (ones &* 0xE2))
    }

    @inline(__always)
    private mutating func appendTwo(_ c: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(c)
    }

    /// Appends \uXXXX with lowercase hex digits.
    private mutating func appendUnicodeEscape(_ unit: UInt16) {
        let hexDigits: StaticString = "0123456789abcdef"
        let digits = hexDigits.utf8Start
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "u"))
        bytes.append(digits[Int(unit >> 12 & 0xF)])
        bytes.append(digits[Int(unit >> 8 & 0xF)])
        bytes.append(digits[Int(unit >> 4 & 0xF)])
        bytes.append(digits[Int(unit & 0xF)])
    }

    /// Appends a decimal integer without building a String: digits go into a 20-byte stack buffer
    /// back to front, then into `bytes` in one copy.
    mutating func appendDecimal(_ value: Int64) {
        // magnitude handles Int64.min, whose negation does not fit in Int64.
        var m = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        if m < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(m))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var k = 20
            while m > 0 {
                k -= 1
                digits[k] = UInt8(ascii: "0") &+ UInt8(m % 10)
                m /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[k..<20]))
        }
    }
}
