import Testing
@testable import JSON

@Suite struct WriterTests {
    @Test func escapesWhatRFC8259RequiresAndTheJavaScriptLineSeparators() {
        let s = "a\"b\\c\n\t\r\u{8}\u{C}\u{1}\u{1F}\u{0}/\u{7F}"
        #expect(written { $0.string(s) } == #""a\"b\\c\n\t\r\b\f\u0001\u001f\u0000/\#u{7F}""#)
        #expect(written { $0.string("x\u{2028}y\u{2029}z") } == #""x\u2028y\u2029z""#)
        // Other E2 sequences (arrows, dashes, the đồng sign) pass through untouched.
        #expect(written { $0.string("→ – ₫\u{2027}\u{202A}") } == "\"→ – ₫\u{2027}\u{202A}\"")
        #expect(written { $0.string("\u{2028}") } == #""\u2028""#)
        #expect(written { $0.string("") } == #""""#)
        #expect(written { $0.string("\u{E2}") } == "\"\u{E2}\"")
    }

    /// A buffer of plain ASCII goes out quoted and as it is, with the commas any value gets.
    @Test func writesUnescapedBuffersAsStrings() {
        let stamp = Array("2026-12-02T05:40:44.298Z".utf8)
        let out = written { w in
            w.beginArray()
            stamp.withUnsafeBufferPointer { w.string(unescaped: $0) }
            stamp.withUnsafeBufferPointer { w.string(unescaped: UnsafeBufferPointer(rebasing: $0[..<10])) }
            [UInt8]().withUnsafeBufferPointer { w.string(unescaped: $0) }
            w.int(1)
            w.endArray()
        }
        #expect(out == #"["2026-12-02T05:40:44.298Z","2026-12-02","",1]"#)
    }

    @Test func leavesNonASCIIAsUTF8() {
        let text = "Miến dong Bình Liêu – Đồng 😀"
        let out = written { $0.string(text) }
        #expect(Array(out.utf8) == [0x22] + Array(text.utf8) + [0x22])
    }

    @Test func insertsCommasAndColons() {
        let out = written { w in
            w.beginObject()
            w.field("a", 1)
            w.key("b")
            w.beginArray()
            w.int(1)
            w.beginObject()
            w.endObject()
            w.beginArray()
            w.endArray()
            w.string("x")
            w.beginArray()
            w.null()
            w.beginObject()
            w.field("n", nil as String?)
            w.endObject()
            w.endArray()
            w.endArray()
            w.field("c", nil as String?)
            w.field("d", true)
            w.field("e", "s" as String?)
            w.field("f", Int64(-5) as Int64?)
            w.field("g", nil as Int64?)
            w.field("h", Int64(7))
            w.key("i")
            w.beginObject()
            w.key("j")
            w.beginObject()
            w.endObject()
            w.endObject()
            w.field("k", ["x": [1]] as JSONValue)
            w.endObject()
        }
        #expect(out == #"{"a":1,"b":[1,{},[],"x",[null,{"n":null}]],"c":null,"d":true,"e":"s","f":-5,"g":null,"h":7,"i":{"j":{}},"k":{"x":[1]}}"#)
    }

    /// The buffer grows past its first capacity at any point, mid-string or mid-number, and
    /// keeps every byte in order.
    @Test func growsFromTheSmallestBuffer() {
        var w = JSONWriter(capacity: 0)
        var expected = "["
        w.beginArray()
        for i in 0..<500 {
            let text = String(repeating: "Đồn Đạc \"\(i)\" ", count: i % 7)
            w.string(text)
            w.int(Int64(i) * -1_000_003)
            let escaped = String(repeating: "Đồn Đạc \\\"\(i)\\\" ", count: i % 7)
            expected += (i == 0 ? "" : ",") + "\"\(escaped)\",\(Int64(i) * -1_000_003)"
        }
        w.endArray()
        expected += "]"
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
        #expect(w.count == expected.utf8.count)
    }

    /// A writer is a value: a copy goes on from where the original was, and neither sees what
    /// the other writes afterwards.
    @Test func copiesDoNotShareWhatTheyWriteNext() {
        var original = JSONWriter(capacity: 4)
        original.beginArray()
        original.int(1)
        var copy = original
        copy.int(2)
        original.string("x")
        copy.endArray()
        original.endArray()
        #expect(String(decoding: original.bytes, as: UTF8.self) == #"[1,"x"]"#)
        #expect(String(decoding: copy.bytes, as: UTF8.self) == "[1,2]")
    }

    /// Text lent as bytes is written as the `String` those bytes decode to would be: as it is
    /// when it is UTF-8, repaired (U+FFFD) when not, escaped alike either way.
    @Test func bytesAreWrittenAsTheStringTheyDecodeTo() {
        let pieces: [[UInt8]] = [
            Array("Đồn Đạc ".utf8), Array("plain ascii".utf8), [0x22], [0x5C], [0x0A], [0x01], [0x7F],
            [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0xA9], [0xE2, 0x82, 0xAB], [0xF0, 0x9D, 0x84, 0x9E],
            [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE1, 0xBA], [0x80], [0xFF], [0xC3],
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                bytes += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }
            var lent = JSONWriter(capacity: 8)
            bytes.withUnsafeBufferPointer { lent.string(utf8: $0) }
            var decoded = JSONWriter(capacity: 8)
            decoded.string(String(decoding: bytes, as: UTF8.self))
            #expect(lent.bytes == decoded.bytes, "\(bytes)")
        }
    }

    /// The lowest byte `bytesToLookAt` marks is the first byte that needs a look, and a word
    /// with none unmarked: held against a byte-by-byte reading of random words.
    @Test func marksTheFirstByteThatNeedsALook() {
        let interesting: [UInt8] = [0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xC3,
                                    0xE1, 0xE2, 0xE3, 0xFF, 0x41, 0x61]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            var bytes: [UInt8] = []
            for _ in 0..<8 {
                bytes.append(Bool.random(using: &generator) ? interesting.randomElement(using: &generator) ?? 0
                                                           : UInt8.random(in: 0...255, using: &generator))
            }
            let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            for checkingUTF8 in [false, true] {
                let needsLook = { (b: UInt8) in
                    b < 0x20 || b == 0x22 || b == 0x5C || (checkingUTF8 ? b >= 0x80 : b == 0xE2)
                }
                let marks = JSONWriter.bytesToLookAt(word, checkingUTF8: checkingUTF8)
                let first = bytes.firstIndex(where: needsLook)
                #expect((marks == 0 ? nil : marks.trailingZeroBitCount / 8) == first, "\(bytes) \(checkingUTF8)")
            }
        }
    }

    @Test func decimalsKeepTheirPrecisionWithoutTrailingZeros() {
        func written(_ units: Int64, _ digits: Int) -> String {
            var w = JSONWriter()
            w.decimal(units, fractionDigits: digits)
            return String(decoding: w.bytes, as: UTF8.self)
        }
        #expect(written(1250, 3) == "1.25")
        #expect(written(2000, 3) == "2")
        #expect(written(7, 3) == "0.007")
        #expect(written(0, 3) == "0")
        #expect(written(-1001, 3) == "-1.001")
        #expect(written(-5, 3) == "-0.005")
        #expect(written(123, 0) == "123")
        #expect(written(.min, 0) == "-9223372036854775808")
        #expect(written(.min, 18) == "-9.223372036854775808")
        #expect(written(.max, 18) == "9.223372036854775807")
        // Every one reads back as the number it stands for.
        for units in [Int64(1), 999, 1_000, 123_456_789, -42] {
            let text = written(units, 3)
            #expect(Double(text) == Double(units) / 1000, "\(text)")
        }
    }

    @Test func emptyContainers() {
        #expect(written { $0.beginObject(); $0.endObject() } == "{}")
        #expect(written { $0.beginArray(); $0.endArray() } == "[]")
        #expect(written { w in w.beginArray(); w.beginArray(); w.endArray(); w.beginObject(); w.endObject(); w.endArray() } == "[[],{}]")
    }

    @Test(arguments: [
        (Int64.min, "-9223372036854775808"), (Int64.max, "9223372036854775807"), (0, "0"), (-1, "-1"),
        (9, "9"), (10, "10"), (-10, "-10"), (1_234_567_890, "1234567890"),
    ])
    func integers(_ value: Int64, _ text: String) {
        #expect(written { $0.int(value) } == text)
        #expect(written { $0.int(Int(value)) } == text)
        #expect(JSONValue.number(JSONNumber(value)).serializedString() == text)
    }

    @Test func doublesAreShortestRoundTripAndNonFiniteIsNull() throws {
        #expect(written { $0.double(1.5) } == "1.5")
        #expect(written { $0.double(0.1) } == "0.1")
        #expect(written { $0.double(-0.0) } == "-0.0")
        #expect(written { w in w.beginArray(); w.double(.nan); w.double(.infinity); w.double(-.infinity); w.endArray() } == "[null,null,null]")
        for d in [0.1, 1.0 / 3, 1e-5, 1e20, 123456789012345678.0, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, -2.5e-300] {
            let text = written { $0.double(d) }
            let n = try #require(JSONNumber(text), "\(text) must be a valid JSON number")
            #expect(n.double == d)
        }
    }

    @Test func boolsNullAndRaw() {
        let out = written { w in
            w.beginArray()
            w.bool(true)
            w.bool(false)
            w.null()
            w.raw(Array(#"{"pre":"made"}"#.utf8))
            w.raw(Array("2".utf8))
            w.endArray()
        }
        #expect(out == #"[true,false,null,{"pre":"made"},2]"#)
    }

    @Test func escapesKeysMadeAtRunTime() {
        let name = "a\"\n" + "é\u{2028}"
        #expect(written { w in w.beginObject(); w.key(escaping: name); w.int(1); w.endObject() }
            == #"{"a\"\né\u2028":1}"#)
    }

    /// Names written in the source are copied as they are, a one-letter name (which Swift may
    /// store as a scalar rather than a pointer) included.
    @Test func copiesNamesFromTheSource() {
        #expect(written { w in
            w.beginObject(); w.field("a", 1); w.field("created_at", "x"); w.key("b"); w.null(); w.endObject()
        } == #"{"a":1,"created_at":"x","b":null}"#)
        #expect(written { w in w.beginObject(); w.key("q"); w.int(1); w.key(""); w.int(2); w.endObject() }
            == #"{"q":1,"":2}"#)
        // A StaticString made through its one-scalar literal holds no pointer; it writes the same.
        func scalarLiteral<T: ExpressibleByUnicodeScalarLiteral>(_: T.Type) -> T { "k" }
        let name = scalarLiteral(StaticString.self)
        #expect(!name.hasPointerRepresentation)
        #expect(written { w in w.beginObject(); w.key("a"); w.int(1); w.key(name); w.int(2); w.endObject() }
            == #"{"a":1,"k":2}"#)
    }

    /// The debug check behind `key(_: StaticString)`: only plain printable ASCII passes.
    @Test func onlyPlainASCIINamesNeedNoEscaping() {
        #expect(JSONWriter.needsNoEscaping("point_of_sale_id"))
        #expect(JSONWriter.needsNoEscaping("https://gs1.org/voc/pip"))
        #expect(!JSONWriter.needsNoEscaping("a\"b"))
        #expect(!JSONWriter.needsNoEscaping("a\\b"))
        #expect(!JSONWriter.needsNoEscaping("line\n"))
        #expect(!JSONWriter.needsNoEscaping("tên"))
    }

    /// A list page of 50 twelve-field objects, written 200 times: every page is complete JSON.
    @Test func writesManyListPages() throws {
        var total = 0
        for _ in 0..<200 {
            var w = JSONWriter(capacity: 16 * 1024)
            w.beginObject()
            w.key("items")
            w.beginArray()
            for i in 0..<50 { writeProduct(&w, Int64(i)) }
            w.endArray()
            w.field("next_cursor", nil as String?)
            w.endObject()
            total += w.bytes.count
            #expect(try JSONValue.parse(w.bytes)["items"]?.arrayValue?.count == 50)
        }
        #expect(total > 200 * 50 * 200)
    }
}

/// A product as the API returns it: 12 fields with Vietnamese text.
func writeProduct(_ w: inout JSONWriter, _ i: Int64) {
    w.beginObject()
    w.field("id", i)
    w.field("code", "OCOP-QN-2024-\(i)")
    w.field("name", "Miến dong Bình Liêu")
    w.field("producer_id", i % 7)
    w.field("group", "food")
    w.field("stars", Int64(4))
    w.field("price_vnd", Int64(85_000))
    w.field("gtin", "8936012345678" as String?)
    w.field("expires_on", nil as String?)
    w.field("active", true)
    w.field("created_at", "2024-12-13T08:00:00Z")
    w.field("version", Int64(3))
    w.endObject()
}
