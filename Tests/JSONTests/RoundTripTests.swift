import Testing
@testable import JSON

@Suite struct RoundTripTests {
    static let values: [JSONValue] = [
        .null, true, false, 0, -1, .number(JSONNumber(Int64.min)), .number(JSONNumber("-12.50e3")!),
        .number(JSONNumber("1e400")!), "", "plain", "Miến dong Bình Liêu", "\u{0}\u{1F}\"\\/\u{2028}\u{2029}😀",
        [], [[], [[]]], ["a": [1, "x", ["b": .null]], "": "", "đ": [:] as JSONValue],
        .object(JSONObject([(key: "z", value: 1), (key: "a", value: 2)])),
    ]

    @Test(arguments: values)
    func parseOfSerializeIsIdentity(_ value: JSONValue) throws {
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(try JSONValue.parse(value.serializedString()) == value)
    }

    @Test(arguments: [
        #"{"b":[1,"x",null,true,false],"a":{"c":-2.5e-3,"d":{}},"e":[]}"#,
        #"["Miến dong Bình Liêu","Đồng",0,-0,1E+2]"#,
        #"{"z":1,"y":2,"x":3}"#,
    ])
    func compactInputIsReproducedExactly(_ text: String) throws {
        #expect(try JSONValue.parse(text).serializedString() == text)
    }

    @Test func whitespaceIsDroppedAndEscapesNormalised() throws {
        let v = try JSONValue.parse(" { \"a\" : [ 1 , \"\\u0041\\/\" ] } ")
        #expect(v.serializedString() == #"{"a":[1,"A/"]}"#)
    }

    /// NFC and NFD spellings are different bytes and must both survive byte for byte.
    @Test func vietnameseNormalisationFormsArePreservedByteExactly() throws {
        let nfc = "\u{110}\u{1ED3}ng"  // Đồng, precomposed
        let nfd = "\u{110}o\u{302}\u{300}ng"  // Đồng, decomposed
        #expect(nfc == nfd)  // Swift's String equality is canonical equivalence...
        #expect(Array(nfc.utf8) != Array(nfd.utf8))  // ...but the bytes differ.
        for form in [nfc, nfd, "Mi\u{1EBF}n dong B\u{EC}nh Li\u{EA}u", "Mie\u{302}\u{301}n dong Bi\u{300}nh Lie\u{302}u"] {
            let doc = Array("{\"name\":\"".utf8) + Array(form.utf8) + Array("\"}".utf8)
            let v = try JSONValue.parse(doc)
            #expect(v["name"]?.stringValue.map { Array($0.utf8) } == Array(form.utf8))
            #expect(v.serialized() == doc)
        }
        // JSON compares code points (RFC 8259 §8.3): the two forms are different values and different keys.
        #expect(JSONValue.string(nfc) != JSONValue.string(nfd))
        let both = try JSONValue.parse("{\"\(nfc)\":1,\"\(nfd)\":2}")
        #expect(both[nfc]?.int64Value == 1)
        #expect(both[nfd]?.int64Value == 2)
        // An escaped spelling decodes to the precomposed bytes it names.
        #expect(try JSONValue.parse(#""\u0110\u1ED3ng""#).stringValue.map { Array($0.utf8) } == Array(nfc.utf8))
    }

    @Test func parsedListPageRoundTrips() throws {
        var w = JSONWriter()
        w.beginArray()
        for i in 0..<50 { writeProduct(&w, Int64(i)) }
        w.endArray()
        let v = try JSONValue.parse(w.bytes)
        #expect(v.arrayValue?.count == 50)
        #expect(v.arrayValue?[3]["name"]?.stringValue == "Miến dong Bình Liêu")
        #expect(v.arrayValue?[3]["expires_on"]?.isNull == true)
        #expect(v.serialized() == w.bytes)
    }
}
