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
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: false
            case 0x00...0x1F, 0x7F...0x9F: true
            default: false
            }
        }
    }

    /// The field error for text with control characters.
    public static let controlCharactersMessage = "must not contain control characters (tab and line breaks are allowed)"

    /// More UTF-8 bytes than real text takes for a character (`hasMoreCharacters(than:)`): a
    /// Vietnamese letter written decomposed takes at most 7 (a base and two marks), a flag 8, a
    /// family emoji joined by ZWJ 25.
    public static let maximumBytesPerCharacter = 32

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
    static func isKnownNFC(_ s: String) -> Bool {
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x0300 || (v >= 0x1E00 && v < 0x1F00) { continue }
            return false
        }
        return true
    }
}

extension StringProtocol {
    /// Whether the text has more than `limit` characters (grapheme clusters, what a person
    /// counts). Counting them walks every grapheme boundary, so text that has no more
    /// UTF-8 bytes than the limit (nearly every field) is answered from its byte count:
    /// a character is at least one byte. Text of more than `maximumBytesPerCharacter` bytes a
    /// character counts as too long too: one letter may carry any number of combining marks
    /// and still be one character, so "200 characters" could otherwise hold a megabyte.
    public func hasMoreCharacters(than limit: Int) -> Bool {
        utf8.count > limit && (utf8.count > limit * TextNormalization.maximumBytesPerCharacter || count > limit)
    }
}
