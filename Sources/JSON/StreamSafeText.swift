/// Text in the Stream-Safe Text Format of UAX #15 §13: never more than 30 combining marks
/// (non-starters) in a row. Putting a run of marks in canonical order, which every normalisation
/// and every canonical-equivalence comparison of Swift strings does, costs the square of its
/// length: one letter followed by 160,000 marks took 48 s of CPU to compare. No language needs
/// more than a few marks on a letter (Vietnamese at most two), so longer runs are refused.
public enum StreamSafeText {
    /// UAX #15 §13's bound.
    public static let maximumNonStarters = 30

    /// Whether `text` has no run of more than `maximumNonStarters` combining marks. Every
    /// non-starter is at or above U+0300, whose UTF-8 lead byte is 0xCC: text without such a byte
    /// (ASCII, Latin-1: nearly every header) is answered by one pass over its bytes.
    @inlinable
    public static func check(_ text: String) -> Bool {
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes in !bytes.contains { $0 >= 0xCC } }
        return plain == true || checkScalars(text.unicodeScalars)
    }

    /// The same for part of a string.
    @inlinable
    public static func check(_ text: Substring) -> Bool {
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes in !bytes.contains { $0 >= 0xCC } }
        return plain == true || checkScalars(text.unicodeScalars)
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
