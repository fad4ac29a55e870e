import Testing
@testable import JSON

/// JSONTestSuite-style "n_" cases: documents a strict RFC 8259 parser must reject.
@Suite struct ParserRejectTests {
    static let rejectedText: [String] = [
        "", "   ", "\n", "[1,]", "[,1]", "[,]", "{\"a\":1,}", "{,}", "[1 2]", "{\"a\" 1}", "{\"a\":}",
        "{a:1}", "{'a':1}", "['a']", "[01]", "[-01]", "[00]", "[+1]", "[.5]", "[1.]", "[1.e5]", "[1e]",
        "[1e+]", "[-]", "[--1]", "[NaN]", "[Infinity]", "[-Infinity]", "[0x10]", "[1_000]", "[tru]",
        "[True]", "[nul]", "[NULL]", "/* c */[]", "[] // c", "[]x", "[][]", "1 2", "\"abc", "[\"\\x\"]",
        "[\"\\u12\"]", "[\"\\u12G4\"]", "[\"\\uD800\"]", "[\"\\uDC00\"]", "[\"\\uD800\\u0041\"]",
        "[\"\\uD800x\"]", "[\"\\uD800\\\"]", "[\"\\U0041\"]", "[\"\\'\"]", "[\"a\tb\"]", "[\"a\nb\"]",
        "[\"\u{1}\"]", "[\"\u{1F}\"]", "[1]\u{0}", "{\"a\":1}}", "[", "{", "{\"a\"", "{\"a\":", "[1",
        "[\"a\\", "[1]\u{A0}", "\u{C}[]", "[\u{B}1]", "{\"a\":1 \"b\":2}", "{\"a\":1,\"a\":2}",
        "{\"a\":1,\"b\":{\"c\":1,\"c\":2}}", "{\"a\";1}", "[1;2]", "{\"a\":1]", "[1}", "{[]:1}",
        "{1:1}", "{null:1}", "[\"\\", "[\"\\u", "[\"\\uD83D\\u", "'a'", "[1e01x]",
    ]

    @Test(arguments: rejectedText)
    func rejects(_ text: String) {
        #expect(parseError(text) != nil, "should reject \(text.debugDescription)")
    }

    /// Ill-formed UTF-8 per Unicode Table 3-7, inside and outside strings.
    static let rejectedBytes: [[UInt8]] = [
        [0x22, 0xC0, 0x80, 0x22],  // overlong NUL
        [0x22, 0xC1, 0xBF, 0x22],  // overlong
        [0x22, 0xE0, 0x80, 0x80, 0x22],  // overlong 3-byte
        [0x22, 0xE0, 0x9F, 0xBF, 0x22],  // overlong 3-byte (just below U+0800)
        [0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22],  // overlong 4-byte
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // U+D800 encoded in UTF-8
        [0x22, 0xED, 0xBF, 0xBF, 0x22],  // U+DFFF encoded in UTF-8
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // U+110000
        [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],  // lead byte past the range
        [0x22, 0xFF, 0x22],
        [0x22, 0x80, 0x22],  // lone continuation
        [0x22, 0xE1, 0xBA, 0x22],  // truncated 3-byte sequence
        [0x22, 0xC3],  // truncated at end of input
        [0x22, 0xE1, 0x41, 0x41, 0x22],  // missing continuation
        [0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22],  // bad UTF-8 after an escape (slow path)
        [0x5B, 0xC3, 0xA9, 0x5D],  // valid UTF-8 but outside a string
        [0x5B, 0xFF, 0x5D],
    ]

    @Test(arguments: rejectedBytes)
    func rejectsBytes(_ bytes: [UInt8]) {
        #expect(parseError(bytes) != nil)
    }

    @Test func invalidUTF8IsNamedAndLocated() throws {
        let e = try #require(parseError([0x5B, 0x22, 0x61, 0xED, 0xA0, 0x80, 0x22, 0x5D]))
        #expect(e.offset == 3)
        #expect(e.message == "invalid UTF-8 at line 1, column 4")
        let outside = try #require(parseError([0x5B, 0x31, 0x2C, 0xFF, 0x5D]))
        #expect(outside.message == "invalid UTF-8 at line 1, column 4")
    }

    @Test func messagesSayWhatAndWhere() throws {
        let cases: [(String, Int, String)] = [
            ("", 0, "empty document at line 1, column 1"),
            ("{\"name\":\"x\",}", 12, "trailing comma before '}' at line 1, column 13"),
            ("[1,]", 3, "trailing comma before ']' at line 1, column 4"),
            ("{\"a\":1,\"b\":2,\"a\":3}", 13, "duplicate key \"a\" at line 1, column 14"),
            ("[1,\n 2,\n x]", 9, "unexpected character 'x', expected a value at line 3, column 2"),
            ("{\"tên\": đ}", 9, "unexpected character 'đ', expected a value at line 1, column 9"),
            ("[01]", 2, "invalid number: leading zeros are not allowed at line 1, column 3"),
            ("[1.]", 3, "invalid number: expected a digit after '.' at line 1, column 4"),
            ("[1", 2, "unexpected end of input, expected ',' or ']' at line 1, column 3"),
            ("[1 2]", 3, "unexpected character '2', expected ',' or ']' at line 1, column 4"),
            ("{\"a\" 1}", 5, "unexpected character '1', expected ':' after the key at line 1, column 6"),
            ("{a:1}", 1, "unexpected character 'a', expected a string key at line 1, column 2"),
            ("[] x", 3, "unexpected character 'x' after the end of the JSON value at line 1, column 4"),
            ("[\"ab", 1, "unterminated string starting at line 1, column 2"),
            ("[\"a\tb\"]", 3, "unescaped control character U+0009 in string at line 1, column 4"),
            ("[\"\\x\"]", 2, "invalid escape sequence '\\x' at line 1, column 3"),
            ("[\"\\uD800\"]", 2, "lone surrogate \\uD800 in string at line 1, column 3"),
            ("[\"\\uDE00\"]", 2, "lone surrogate \\uDE00 in string at line 1, column 3"),
            ("[\"\\u12x4\"]", 2, "invalid \\u escape: expected 4 hex digits at line 1, column 3"),
            ("[tru]", 4, "unexpected character ']' in what looks like 'true' at line 1, column 5"),
            ("[NaN]", 1, "unexpected character 'N', expected a value at line 1, column 2"),
        ]
        for (text, offset, message) in cases {
            let e = try #require(parseError(text), "should reject \(text.debugDescription)")
            #expect(e.offset == offset, "offset for \(text.debugDescription)")
            #expect(e.message == message)
            #expect(e.description == e.message)
        }
    }

    @Test func nestingIsLimitedToSixtyFour() throws {
        let text = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let e = try #require(parseError(text))
        #expect(e.offset == 64)
        #expect(e.message == "nesting deeper than 64 at line 1, column 65")
        let objects = String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(parseError(objects)?.message.hasPrefix("nesting deeper than 64") == true)
    }

    @Test func hostileNestingFailsFastWithoutExhaustingTheStack() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(parseError(bytes)?.offset == 64)
    }
}
