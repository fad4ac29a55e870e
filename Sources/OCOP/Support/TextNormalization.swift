/// Unicode NFC (API rule: store text as NFC).
///
/// Clients send Vietnamese both precomposed and decomposed (macOS and some
/// keyboards emit NFD); storing one form keeps byte-wise equality, UNIQUE
/// constraints and LIKE queries honest.
public enum TextNormalization {
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
