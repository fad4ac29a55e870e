import Testing
@testable import JSON

/// Runs of combining marks longer than UAX #15's 30 are refused: normalising or comparing them
/// costs the square of their length (a review's 160,000 marks took 48 s of CPU).
@Suite struct StreamSafeTextTests {
    @Test func thirtyMarksInARowPassAndThirtyOneDoNot() {
        let thirty = "a" + String(repeating: "\u{301}", count: 30)
        #expect(StreamSafeText.check(thirty))
        #expect(!StreamSafeText.check(thirty + "\u{323}"))
        // A starter ends a run: many short runs are fine.
        #expect(StreamSafeText.check(String(repeating: thirty, count: 100)))
        // Real text: Vietnamese precomposed and decomposed, ASCII, emoji.
        for text in ["Miến dong Bình Liêu", "Mie\u{302}\u{301}n dong", "HTX Ba Chẽ 🍵", ""] {
            #expect(StreamSafeText.check(text), "\(text)")
        }
    }

    @Test func theParserRefusesSuchAStringOrMemberNameEscapedOrNot() throws {
        let marks = String(repeating: "\u{301}", count: 31)
        let escaped = String(repeating: "\\u0301", count: 31)
        for document in [#"{"name":"a\#(marks)"}"#, #"{"a\#(marks)":1}"#, #"["a\#(escaped)"]"#] {
            #expect(throws: JSONParseError.self, "\(document.prefix(12))") { try JSONValue.parse(document) }
        }
        let allowed = String(repeating: "\u{301}", count: 30)
        #expect(try JSONValue.parse(#"{"name":"a\#(allowed)"}"#)["name"]?.stringValue == "a" + allowed)
    }
}
