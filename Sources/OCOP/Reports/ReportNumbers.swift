/// Figures a report shows beside its counts, derived on the fly with integer arithmetic:
/// shares and hectares are never stored (DOMAIN.md: compute, never store percentages) and
/// never pass through binary floating point.
public enum ReportNumbers {
    /// `part` of `whole` as a percentage with one decimal, rounded half up:
    /// 160 of 393 → "40.7", 108 of 393 → "27.5". Nil when `whole` is 0 (no share of nothing).
    public static func percent(_ part: Int, of whole: Int) -> String? {
        guard whole > 0, part >= 0 else { return nil }
        let tenths = (Int64(part) * 1000 + Int64(whole) / 2) / Int64(whole)
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Whole square metres as hectares with two decimals, rounded half up:
    /// 3,223,500 m² → "322.35", 4,100 m² → "0.41" (1 ha = 10,000 m²).
    public static func hectares(squareMetres m2: Int64) -> String {
        let hundredths = (m2 + 50) / 100
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
