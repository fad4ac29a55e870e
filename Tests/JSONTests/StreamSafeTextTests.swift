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

    /// The byte-level answer never calls a mark a starter: checked for every scalar of the
    /// first two planes. And NFC Vietnamese, every letter of it, is answered from its bytes.
    @Test func theByteLevelAnswerIsOnlyEverRight() {
        for value in UInt32(0)..<0x20000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let claimed = Array(String(scalar).utf8).withUnsafeBufferPointer(StreamSafeText.isPrecomposedLatin)
            if claimed {
                #expect(scalar.properties.canonicalCombiningClass.rawValue == 0, "U+\(String(value, radix: 16))")
            }
        }
        let vietnamese = "Hợp tác xã Đồn Đạc, Ba Chẽ: ă â ê ô ơ ư đ; à á ả ã ạ ằ ắ ẳ ẵ ặ ầ ấ ẩ ẫ ậ ề ế ể ễ ệ ì í ỉ ĩ ị "
            + "ồ ố ổ ỗ ộ ờ ớ ở ỡ ợ ù ú ủ ũ ụ ừ ứ ử ữ ự ỳ ý ỷ ỹ ỵ ẰẮẲẴẶẦẤẨẪẬỀẾỂỄỆỒỐỔỖỘỜỚỞỠỢỪỨỬỮỰỲÝỶỸỴ"
        #expect(Array(vietnamese.utf8).withUnsafeBufferPointer(StreamSafeText.isPrecomposedLatin))
        #expect(!Array("Mie\u{302}\u{301}n".utf8).withUnsafeBufferPointer(StreamSafeText.isPrecomposedLatin))
        // A run of marks after such letters is still counted.
        #expect(!StreamSafeText.check("Hợp " + String(repeating: "\u{301}", count: 31)))
        #expect(StreamSafeText.check("Hợp tác " + String(repeating: "\u{301}", count: 30)))
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
