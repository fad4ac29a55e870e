import Testing
@testable import JSON

/// The eight-bytes-at-a-time scan in `appendEscaped` must escape exactly what the
/// byte-by-byte rules say, wherever the special byte falls in a word.
@Suite struct WriterEscapeTests {
    /// The rules written out plainly, one scalar at a time.
    private func reference(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private func written(_ s: String) -> String {
        var w = JSONWriter()
        w.string(s)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// Random texts of special characters, multi-byte letters and ASCII runs of every length,
    /// written from a `String` and from its bytes (`string(utf8:)`, which also checks them as
    /// UTF-8), so that each kind of byte falls at every offset of the words the writer loads.
    @Test func randomMixesFromStringsAndFromBytes() {
        let pieces = ["a", "xyz", "0123456789", "\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{7F}", " ", "ợ", "Đ",
                      "\u{2028}", "\u{2029}", "₫", "→", "😀", "\u{E2}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...10, using: &generator) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }
            #expect(written(text) == reference(text), "\(Array(text.utf8))")
            var lent = JSONWriter()
            Array(text.utf8).withUnsafeBufferPointer { lent.string(utf8: $0) }
            #expect(String(decoding: lent.bytes, as: UTF8.self) == reference(text), "\(Array(text.utf8))")
        }
    }

    @Test func everySpecialCharacterAtEveryOffset() {
        let specials = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "\u{2028}", "\u{2029}", "\u{2026}", "ạ", "€"]
        for special in specials {
            for offset in 0..<20 {
                for tail in [0, 1, 7, 8, 9] {
                    let s = String(repeating: "a", count: offset) + special + String(repeating: "Đ", count: tail)
                    #expect(written(s) == reference(s), "offset \(offset) tail \(tail) special \(special.unicodeScalars.map(\.value))")
                }
            }
        }
    }

    @Test func longMixedVietnameseText() {
        let s = String(repeating: "Hợp tác xã \"Trà\" hoa vàng\tBa Chẽ\u{2028}Quảng Ninh\\ ", count: 20)
        #expect(written(s) == reference(s))
    }
}
