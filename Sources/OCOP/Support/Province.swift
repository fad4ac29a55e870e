/// The province this deployment serves, and how other places are compared with it.
///
/// One constant, used wherever "ours" matters: the default origin of a product, the default
/// place of a fair, and whether a fair booth counts as local. Province names arrive typed by
/// people ("Quảng Ninh", "Quang Ninh", "QUẢNG NINH"), so they are compared folded.
public enum Province {
    /// The home province (DOMAIN.md: the programme described is Quang Ninh's).
    public static let home = "Quảng Ninh"

    /// Whether `name` names the home province, ignoring case, diacritics and đ, and the word
    /// for province that official documents put before it ("Tỉnh Quảng Ninh").
    public static func isHome(_ name: String) -> Bool {
        let folded = TextFolding.fold(name)
        return folded == homeFolded || folded == homeInFullFolded
    }

    private static let homeFolded = TextFolding.fold(home)
    private static let homeInFullFolded = "tinh " + homeFolded
}
