/// Latin letters with a stroke or bar that Unicode does not decompose, but
/// that readers (and ICU's root collation) take for their base letter.
///
/// Đ/đ is the one that matters: DOMAIN.md requires search to fold it to d.
/// Ð/ð (U+00D0/U+00F0, the Icelandic eth) looks identical and turns up in
/// Vietnamese text converted from legacy encodings, so it gets the same
/// treatment; ø, ł and ħ follow ICU, which sorts them as their base letter
/// with a secondary difference.
enum StrokedLetter {
    /// The base letter, in the same case, or nil for any other scalar.
    static func base(of scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x0110, 0x00D0: return "D"  // Đ, Ð
        case 0x0111, 0x00F0: return "d"  // đ, ð
        case 0x00D8: return "O"  // Ø
        case 0x00F8: return "o"  // ø
        case 0x0141: return "L"  // Ł
        case 0x0142: return "l"  // ł
        case 0x0126: return "H"  // Ħ
        case 0x0127: return "h"  // ħ
        default: return nil
        }
    }

    /// Whether `scalar` is the Vietnamese letter đ/Đ, which collates as a letter of its own.
    static func isVietnameseDStroke(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x0110 || scalar.value == 0x0111
    }

    /// The mark the collation records for the stroke: U+0335 COMBINING SHORT STROKE OVERLAY.
    static let strokeMark: Unicode.Scalar = "\u{0335}"
}
