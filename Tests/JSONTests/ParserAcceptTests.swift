import Testing
@testable import JSON

/// JSONTestSuite-style "y_" cases: documents every RFC 8259 parser must accept.
@Suite struct ParserAcceptTests {
    static let accepted: [String] = [
        "[]", "{}", "[null]", "[true]", "[false]", "0", "-0", "\"str\"", "null", "true", "false",
        " \t\r\n[1]\n\t ", "[1e1]", "[1E+2]", "[1e-2]", "[-123.456e-789]", "[0.5]", "[-0.0e-0]",
        "[123456789012345678901234567890]", "{\"a\":[{\"b\":{}}]}", "[[],[[]],{}]",
        "[\"\\u0000\"]", "[\"\\ud83d\\ude00\"]", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "[\"\\uFFFF\"]",
        "[\"\u{2028}\u{2029}\"]", "[\"日本\"]", "[\"\u{FFFF}\"]", "[\"\u{10FFFF}\"]", "[\"\u{7F}\"]",
        "{\"\":0}", "[1,2,3]", "{\"a\":1,\"b\":[true,false,null]}", "[\"Miến dong Bình Liêu\"]",
        "{ \"a\" : 1 , \"b\" : 2 }", "[1.5e+308]", "[1e-400]",
    ]

    @Test(arguments: accepted)
    func accepts(_ text: String) {
        #expect(parseError(text) == nil, "should accept \(text)")
    }

    @Test func parsesStructureInOrder() throws {
        let v = try JSONValue.parse(#" {"b": [1, "x", null, true], "a": {"c": -2.5}} "#)
        let object = try #require(v.objectValue)
        #expect(object.keys == ["b", "a"])
        #expect(v["b"]?.arrayValue == [1, "x", .null, true])
        #expect(v["a"]?["c"] == .number(try #require(JSONNumber("-2.5"))))
        #expect(v["missing"] == nil)
        #expect(v["b"]?["c"] == nil)
    }

    @Test func decodesEscapes() throws {
        let v = try JSONValue.parse(#"["\"\\\/\b\f\n\r\t", "\u00e9\u0110", "\ud83d\ude00", "a\u0000b"]"#)
        let a = try #require(v.arrayValue)
        #expect(a[0].stringValue == "\"\\/\u{8}\u{C}\n\r\t")
        #expect(a[1].stringValue == "é\u{110}")
        #expect(a[2].stringValue == "😀")
        #expect(a[3].stringValue.map { Array($0.utf8) } == [0x61, 0x00, 0x62])
    }

    @Test func skipsLeadingByteOrderMark() throws {
        let v = try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8))
        #expect(v == [1])
        // Only at the very start: a BOM after whitespace is not whitespace.
        #expect(parseError([0x20, 0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) != nil)
    }

    @Test func parsesAllThreeInputKinds() throws {
        let bytes = Array("xx{\"k\":[1]}yy".utf8)
        let slice = bytes[2..<(bytes.count - 2)]
        let expected: JSONValue = ["k": [1]]
        #expect(try JSONValue.parse(slice) == expected)
        #expect(try JSONValue.parse(Array(slice)) == expected)
        #expect(try JSONValue.parse("{\"k\":[1]}") == expected)
        // Offsets in a slice count from the slice's start.
        let bad = Array("xx[1,]".utf8)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bad[2...]) }
        do {
            _ = try JSONValue.parse(bad[2...])
        } catch {
            #expect(error.offset == 3)
        }
    }

    @Test func acceptsDepthSixtyFour() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(parseError(text) == nil)
        let objects = String(repeating: "{\"a\":", count: 63) + "[]" + String(repeating: "}", count: 63)
        #expect(parseError(objects) == nil)
    }

    @Test func accessorsAnswerOnlyForTheirType() throws {
        let v = try JSONValue.parse(#"[null, true, 7, "s", [], {}]"#)
        let a = try #require(v.arrayValue)
        #expect(a.map(\.typeName) == ["null", "boolean", "number", "string", "array", "object"])
        #expect(a.map(\.isNull) == [true, false, false, false, false, false])
        #expect(a.map { $0.boolValue != nil } == [false, true, false, false, false, false])
        #expect(a.map { $0.int64Value != nil } == [false, false, true, false, false, false])
        #expect(a.map { $0.stringValue != nil } == [false, false, false, true, false, false])
        #expect(a.map { $0.arrayValue != nil } == [false, false, false, false, true, false])
        #expect(a.map { $0.objectValue != nil } == [false, false, false, false, false, true])
        #expect(JSONValue.string("7").int64Value == nil)
    }
}
