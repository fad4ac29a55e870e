/// Points → stars (DOMAIN.md "Scoring and stars"; Decision 148/QĐ-TTg keeps the 2019 bands):
/// ≥ 90 → 5, ≥ 70 → 4, ≥ 50 → 3, ≥ 30 → 2, otherwise 1.
public enum StarThresholds {
    /// Lowest average (in whole points) for each star rating, highest first. Data, not logic.
    public static let bands: [(minimum: Int64, stars: StarRating)] = [
        (90, .five), (70, .four), (50, .three), (30, .two),
    ]

    /// Stars for the UNROUNDED average of `members` totals summing to `sum`.
    /// Compares `sum ≥ minimum × members` in integers instead of dividing, so an average of
    /// 69.996… is never rounded up to 70 (69.9 is 3 stars).
    public static func stars(sum: Points, members: Int) -> StarRating {
        precondition(members > 0, "an evaluation has at least one member")
        for band in bands where sum.hundredths >= band.minimum * 100 * Int64(members) {
            return band.stars
        }
        return .one
    }
}
