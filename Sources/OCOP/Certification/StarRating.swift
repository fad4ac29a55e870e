/// An OCOP star rating, 1 to 5. Only 3–5 stars are certified "OCOP products";
/// 1–2 stars are recorded but not certified (DOMAIN.md "Scoring and stars").
public enum StarRating: Int, CaseIterable, Comparable, Sendable {
    case one = 1, two, three, four, five

    public static func < (a: StarRating, b: StarRating) -> Bool { a.rawValue < b.rawValue }

    /// 3, 4 and 5 stars earn a certificate.
    public var isCertified: Bool { rawValue >= 3 }
}
