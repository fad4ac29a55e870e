/// Text in the Stream-Safe Text Format of UAX #15 §13: never more than 30 combining marks
/// (non-starters) in a row. Putting a run of marks in canonical order, which every normalisation
/// and every canonical-equivalence comparison of Swift strings does, costs the square of its
/// length: one letter followed by 160,000 marks took 48 s of CPU to compare. No language needs
/// more than a few marks on a letter (Vietnamese at most two), so longer runs are refused.
public enum StreamSafeText {
    /// UAX #15 §13's bound.
    public static let maximumNonStarters = 30

    /// Whether `text` has no run of more than `maximumNonStarters` combining marks. Answered from
    /// its bytes when they show every scalar is a starter (`isPrecomposedLatin`), which is nearly
    /// every text the API reads; only the rest is decoded and looked up scalar by scalar.
    @inlinable
    public static func check(_ text: String) -> Bool {
        let plain = text.utf8.withContiguousStorageIfAvailable(isPrecomposedLatin)
        return plain == true || checkScalars(text.unicodeScalars)
    }

    /// The same for part of a string.
    @inlinable
    public static func check(_ text: Substring) -> Bool {
        let plain = text.utf8.withContiguousStorageIfAvailable(isPrecomposedLatin)
        return plain == true || checkScalars(text.unicodeScalars)
    }

    /// Whether UTF-8 `bytes` encode only scalars below U+0300 (a lead byte under 0xCC) or in
    /// Latin Extended Additional, U+1E00–U+1EFF (E1 B8–BB), where Vietnamese's precomposed letters
    /// live (ợ, ễ, ậ): precomposed Latin text, NFC Vietnamese. Every such scalar has combining
    /// class 0 (every non-starter is at or above U+0300, and none is in that block) and
    /// NFC_Quick_Check=Yes, so such text is stream-safe and already NFC (`TextNormalization`
    /// asks this too). False means "look closer", not "unsafe".
    @inlinable
    public static func isPrecomposedLatin(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte < 0xCC {
                i += 1
            } else if byte == 0xE1, i + 1 < bytes.count, bytes[i + 1] >= 0xB8, bytes[i + 1] <= 0xBB {
                i += 3
            } else {
                return false
            }
        }
        return true
    }

    @usableFromInline
    static func checkScalars<Scalars: Sequence<Unicode.Scalar>>(_ scalars: Scalars) -> Bool {
        var run = 0
        for scalar in scalars {
            if scalar.properties.canonicalCombiningClass.rawValue == 0 {
                run = 0
            } else {
                run += 1
                if run > maximumNonStarters { return false }
            }
        }
        return true
    }

    /// Why such text is refused, for a problem's detail.
    public static let refusal = "has more than \(maximumNonStarters) combining marks in a row (not stream-safe text, UAX #15)"
}
