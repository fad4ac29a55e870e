import JSON

/// Unicode NFC (API rule: store text as NFC).
///
/// Clients send Vietnamese both precomposed and decomposed (macOS and some
/// keyboards emit NFD); storing one form keeps byte-wise equality, UNIQUE
/// constraints and LIKE queries honest.
public enum TextNormalization {
    /// Whether `text` holds a C0 or C1 control character other than tab, LF and CR: no text
    /// people write holds them, and stored they reach CSV exports, logs and terminals (NUL,
    /// ESC sequences), so every text a client writes is refused with them.
    public static func containsControlCharacters(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            // Read from the bytes: C0 controls and DEL are bytes of their own, and the C1
            // controls U+0080–U+009F are 0xC2 followed by 0x80–0x9F (a continuation byte is
            // never 0xC2, so no other character holds that pair).
            var i = 0
            while i < utf8.count {
                let byte = utf8[i]
                switch byte {
                case 0x09, 0x0A, 0x0D: break
                case 0x00...0x1F, 0x7F: return true
                case 0xC2 where i + 1 < utf8.count && utf8[i + 1] < 0xA0: return true
                default: break
                }
                i += 1
            }
            return false
        }
    }

    /// The field error for text with control characters.
    public static let controlCharactersMessage = "must not contain control characters (tab and line breaks are allowed)"

    /// The NFC form of `s` (UAX #15).
    public static func nfc(_ s: String) -> String {
        // The standard library's NFC (what Foundation's `precomposedStringWithCanonicalMapping`
        // uses on Linux); the server does not link Foundation (see CanonicalDecomposition).
        isKnownNFC(s) ? s : String(decoding: s._nfcCodeUnits, as: UTF8.self)
    }

    /// UAX #15 §9 quick check, narrowed to the scalars Vietnamese text is made
    /// of: every scalar below U+0300 and in Latin Extended Additional
    /// (U+1E00–U+1EFF) has NFC_Quick_Check=Yes and combining class 0, so a
    /// string made only of them is already NFC and needs no normalization pass.
    /// Anything else (combining marks, other scripts) takes the full path.
    /// The same set of scalars the JSON parser's stream-safe check accepts on sight, read from
    /// the same bytes (`StreamSafeText.isPrecomposedLatin`).
    static func isKnownNFC(_ s: String) -> Bool {
        var s = s
        return s.withUTF8(StreamSafeText.isPrecomposedLatin)
    }
}

extension StringProtocol {
    /// Whether the text has more than `limit` characters, counted as JSON Schema's `maxLength`
    /// counts them (Unicode code points) in the NFC form the API stores and answers.
    ///
    /// So every answer validates against the document's own maxLength (a count of grapheme
    /// clusters let 150 letters of two code points each into a 200-character field, and out again
    /// as 300), and Vietnamese typed decomposed counts what it will be stored as: one code point
    /// a letter. Text with no more UTF-8 bytes than the limit (nearly every field) is answered
    /// from its byte count, as a code point is at least one byte.
    public func hasMoreCharacters(than limit: Int) -> Bool {
        guard utf8.count > limit else { return false }
        return TextNormalization.nfc(String(self)).unicodeScalars.count > limit
    }
}
