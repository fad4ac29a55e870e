/// Streaming JSON writer into a byte buffer; inserts commas and colons itself.
///
/// Separators need no stack: a comma is due exactly when the previous thing written inside the current
/// container was a complete value, and `key` clears that so the value after it gets no comma.
/// The writer trusts its caller to balance begin/end and to give a key before each object value.
public struct JSONWriter: Sendable {
    /// Where the JSON goes; shared only between copies of a writer that have not written since
    /// (`output`).
    private var storage: OutputBytes
    /// True when the next value or key must be preceded by a comma.
    private var commaDue = false

    /// Creates a writer whose buffer starts with room for `capacity` bytes.
    public init(capacity: Int = 1024) {
        storage = OutputBytes(capacity: capacity)
    }

    /// The JSON written so far.
    public var bytes: [UInt8] { storage.array }

    /// How many bytes have been written.
    public var count: Int { storage.count }

    /// The buffer, made this writer's own first if a copy of the writer shares it (value semantics).
    private var output: OutputBytes {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    /// The buffer, after the comma a value or key owes.
    @inline(__always)
    private mutating func separated() -> OutputBytes {
        let out = output
        if commaDue {
            out.append(UInt8(ascii: ","))
            commaDue = false
        }
        return out
    }

    /// Opens an object.
    public mutating func beginObject() {
        separated().append(UInt8(ascii: "{"))
    }

    /// Closes the current object.
    public mutating func endObject() {
        output.append(UInt8(ascii: "}"))
        commaDue = true
    }

    /// Opens an array.
    public mutating func beginArray() {
        separated().append(UInt8(ascii: "["))
    }

    /// Closes the current array.
    public mutating func endArray() {
        output.append(UInt8(ascii: "]"))
        commaDue = true
    }

    /// Writes a member name from our source and its colon; call inside an object before each value.
    ///
    /// The name is copied as it is, without the escaping scan: every item a list returns writes a
    /// dozen of these, and that scan was a tenth of a page's CPU. A name written in the source is
    /// plain ASCII (`created_at`); a name made at run time goes through `key(escaping:)`.
    ///
    /// The comma, quotes, name and colon go in as one write (`OutputBytes.appendMemberName`): a
    /// page of 50 producers writes 700 member names, and four appends each (each with its
    /// capacity check) plus the closure that lends a `StaticString`'s bytes were a ninth of that
    /// page's instructions.
    public mutating func key(_ name: StaticString) {
        assert(Self.needsNoEscaping(name), "a StaticString member name must need no escaping: \(name)")
        let comma = commaDue
        commaDue = false
        let out = output
        guard name.hasPointerRepresentation else {
            // A one-scalar `StaticString` holds no pointer; it lends a copy of its bytes.
            name.withUTF8Buffer { if let bytes = $0.baseAddress { out.appendMemberName(bytes, count: $0.count, comma: comma) } }
            return
        }
        out.appendMemberName(name.utf8Start, count: name.utf8CodeUnitCount, comma: comma)
    }

    /// Writes a member name made at run time (from input, or computed), escaped like any string.
    public mutating func key(escaping name: String) {
        let out = separated()
        Self.appendQuoted(name, to: out)
        out.append(UInt8(ascii: ":"))
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
        let out = separated()
        out.append(UInt8(ascii: "\""))
        out.append(ascii)
        out.append(UInt8(ascii: "\""))
        commaDue = true
    }

    /// Writes a string value from its UTF-8 bytes (a column as SQLite lends it), with no `String`
    /// made for it. Bytes that are not well-formed UTF-8 are written as `String(decoding:)`
    /// repairs them (U+FFFD for each bad sequence), so the JSON is the same either way.
    public mutating func string(utf8 text: UnsafeBufferPointer<UInt8>) {
        let out = separated()
        let start = out.count
        out.append(UInt8(ascii: "\""))
        guard Self.appendEscaped(text, to: out, checkingUTF8: true) else {
            out.truncate(to: start)
            Self.appendQuoted(String(decoding: text, as: UTF8.self), to: out)
            commaDue = true
            return
        }
        out.append(UInt8(ascii: "\""))
        commaDue = true
    }

    /// Writes a string value.
    public mutating func string(_ s: String) {
        Self.appendQuoted(s, to: separated())
        commaDue = true
    }

    /// Writes an integer.
    public mutating func int(_ i: Int64) {
        Self.appendDecimal(i, to: separated())
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
        // Swift's description is the shortest digits that round-trip, and always valid JSON
        // ("5.0", "1e-05", "1.2345678901234568e+17"); it fits a small string, so it does not allocate.
        Self.appendASCII(d.description, to: separated())
        commaDue = true
    }

    /// Writes `units` / 10^`fractionDigits` as a decimal number with at most that many
    /// fraction digits and no trailing zeros (`decimal(1250, fractionDigits: 3)` is `1.25`,
    /// `decimal(2000, fractionDigits: 3)` is `2`): a measured quantity in its own precision,
    /// without the shortest-round-trip search `double` runs. `fractionDigits` is 0 to 18.
    public mutating func decimal(_ units: Int64, fractionDigits: Int) {
        precondition((0...18).contains(fractionDigits), "fractionDigits must be 0 to 18")
        guard fractionDigits > 0 else { return int(units) }
        var scale: UInt64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let magnitude = units.magnitude
        let whole = magnitude / scale
        var fraction = magnitude % scale
        let out = separated()
        if units < 0 { out.append(UInt8(ascii: "-")) }
        Self.appendDecimal(Int64(whole), to: out)
        if fraction != 0 {
            var digits = fractionDigits
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            out.append(UInt8(ascii: "."))
            out.write(upTo: 18) { start in
                var k = digits
                while k > 0 {
                    k -= 1
                    start[k] = UInt8(ascii: "0") &+ UInt8(fraction % 10)
                    fraction /= 10
                }
                return digits
            }
        }
        commaDue = true
    }

    /// Writes true or false.
    public mutating func bool(_ b: Bool) {
        let out = separated()
        let literal: StaticString = b ? "true" : "false"
        literal.withUTF8Buffer { out.append($0) }
        commaDue = true
    }

    /// Writes null.
    public mutating func null() {
        let literal: StaticString = "null"
        let out = separated()
        literal.withUTF8Buffer { out.append($0) }
        commaDue = true
    }

    /// Writes a whole value; numbers keep their literal text.
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let n):
            Self.appendASCII(n.text, to: separated())
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
        let out = separated()
        json.withUnsafeBufferPointer { out.append($0) }
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
    static func appendQuoted(_ s: String, to out: OutputBytes) {
        out.append(UInt8(ascii: "\""))
        let done: Bool? = s.utf8.withContiguousStorageIfAvailable { appendEscaped($0, to: out, checkingUTF8: false) }
        if done == nil {
            _ = Array(s.utf8).withUnsafeBufferPointer { appendEscaped($0, to: out, checkingUTF8: false) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends text the caller knows is ASCII JSON needs no escaping for (a number's digits).
    private static func appendASCII(_ s: String, to out: OutputBytes) {
        var s = s
        s.withUTF8 { out.append($0) }
    }

    /// Appends `p` with JSON's escapes. `checkingUTF8`: the bytes are not known to be UTF-8 (text
    /// lent by SQLite) and are checked in the same pass; false at the first sequence that is not
    /// well formed (`UTF8Sequence.end`), with part of the text written. A `String`'s bytes are
    /// UTF-8 already. Inlined into both callers, so each gets the loop for its constant flag.
    @inline(__always)
    @discardableResult
    private static func appendEscaped(_ p: UnsafeBufferPointer<UInt8>, to out: OutputBytes, checkingUTF8: Bool) -> Bool {
        var runStart = 0
        var i = 0
        let n = p.count
        while i < n {
            // Eight bytes at a time (an unaligned little-endian load): `bytesToLookAt` marks each
            // byte that needs a look, and its lowest mark is exact, so the walk jumps straight to
            // the first such byte, or past all eight when none does (most text). Vietnamese text
            // has a multi-byte letter every few bytes; stepping byte by byte between them cost
            // a dozen instructions a byte.
            if i + 8 <= n, let base = p.baseAddress {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let marks = bytesToLookAt(word, checkingUTF8: checkingUTF8)
                if marks == 0 {
                    i += 8
                    continue
                }
                i += marks.trailingZeroBitCount >> 3
            }
            let b = p[i]
            if b >= 0x80 {
                var end = i + 1
                if checkingUTF8 {
                    guard let sequenceEnd = UTF8Sequence.end(in: p, at: i) else { return false }
                    end = sequenceEnd
                }
                // U+2028 is E2 80 A8 and U+2029 is E2 80 A9; other E2 sequences pass through.
                if b == 0xE2, i + 2 < n, p[i + 1] == 0x80, p[i + 2] == 0xA8 || p[i + 2] == 0xA9 {
                    out.append(UnsafeBufferPointer(rebasing: p[runStart..<i]))
                    appendUnicodeEscape(p[i + 2] == 0xA8 ? 0x2028 : 0x2029, to: out)
                    end = i + 3
                    runStart = end
                }
                i = end
                continue
            }
            // One range check rejects almost every ASCII byte: only controls, '"' and '\' need one.
            if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            out.append(UnsafeBufferPointer(rebasing: p[runStart..<i]))
            appendEscape(b, to: out)
            i += 1
            runStart = i
        }
        out.append(UnsafeBufferPointer(rebasing: p[runStart..<n]))
        return true
    }

    /// The escape of an ASCII byte JSON may not carry as it is: '"', '\' or a control.
    @inline(__always)
    private static func appendEscape(_ b: UInt8, to out: OutputBytes) {
        switch b {
        case UInt8(ascii: "\""): appendTwo(UInt8(ascii: "\""), to: out)
        case UInt8(ascii: "\\"): appendTwo(UInt8(ascii: "\\"), to: out)
        case 0x0A: appendTwo(UInt8(ascii: "n"), to: out)
        case 0x0D: appendTwo(UInt8(ascii: "r"), to: out)
        case 0x09: appendTwo(UInt8(ascii: "t"), to: out)
        case 0x08: appendTwo(UInt8(ascii: "b"), to: out)
        case 0x0C: appendTwo(UInt8(ascii: "f"), to: out)
        default: appendUnicodeEscape(UInt16(b), to: out)
        }
    }

    /// The high bit of each byte of `word` that needs a look: a control (< 0x20), '"' or '\',
    /// and any byte that is not ASCII when the bytes are still to be checked as UTF-8, else 0xE2
    /// (the lead of U+2028 and U+2029, which JSON text must escape for JavaScript). Bytes above
    /// a marked one may be marked wrongly (a borrow runs upward: Hacker's Delight's "has zero
    /// byte"), never a byte below it, so the lowest mark is always a byte that needs a look.
    @inline(__always)
    static func bytesToLookAt(_ word: UInt64, checkingUTF8: Bool) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func zeroBytes(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let controls = (word &- ones &* 0x20) & ~word & highs
        let special = controls | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
        return special | (checkingUTF8 ? word & highs : zeroBytes(word ^ (ones &* 0xE2)))
    }

    @inline(__always)
    private static func appendTwo(_ c: UInt8, to out: OutputBytes) {
        out.append(UInt8(ascii: "\\"))
        out.append(c)
    }

    /// Appends \uXXXX with lowercase hex digits.
    private static func appendUnicodeEscape(_ unit: UInt16, to out: OutputBytes) {
        let hexDigits: StaticString = "0123456789abcdef"
        let digits = hexDigits.utf8Start
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        out.append(digits[Int(unit >> 12 & 0xF)])
        out.append(digits[Int(unit >> 8 & 0xF)])
        out.append(digits[Int(unit >> 4 & 0xF)])
        out.append(digits[Int(unit & 0xF)])
    }

    /// Appends a decimal integer without building a String: its digits are written back to
    /// front straight into the buffer, after room for the longest (a sign and 19 digits).
    static func appendDecimal(_ value: Int64, to out: OutputBytes) {
        // magnitude handles Int64.min, whose negation does not fit in Int64.
        var m = value.magnitude
        var length = value < 0 ? 1 : 0
        var rest = m
        repeat {
            length += 1
            rest /= 10
        } while rest > 0
        out.write(upTo: 20) { start in
            if value < 0 { start[0] = UInt8(ascii: "-") }
            var k = length
            repeat {
                k -= 1
                start[k] = UInt8(ascii: "0") &+ UInt8(m % 10)
                m /= 10
            } while m > 0
            return length
        }
    }
}
