/// Text in the Stream-Safe Text Format of UAX #15 §13: never more than 30 combining marks
/// (non-starters) in a row. Putting a run of marks in canonical order, which every normalisation
/// and every canonical-equivalence comparison of Swift strings does, costs the square of its
/// length: one letter followed by 160,000 marks took 48 s of CPU to compare. No language needs
/// more than a few marks on a letter (Vietnamese at most two), so longer runs are refused.
public enum StreamSafeText {
    /// UAX #15 §13's bound.
    public static let maximumNonStarters = 30

    /// Whether `text` has no run of more than `maximumNonStarters` combining marks.
    public static func check<S: StringProtocol>(_ text: S) -> Bool {
        // Every non-starter is at or above U+0300, whose UTF-8 lead byte is 0xCC: text without
        // such a byte (ASCII, Latin-1) needs no look at its scalars.
        guard text.utf8.contains(where: { $0 >= 0xCC }) else { return true }
        var run = 0
        for scalar in text.unicodeScalars {
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
