/// Vietnamese-aware search folding: NFC→NFD, drop combining marks, đ/Đ → d, lower-case, collapse runs of whitespace/punctuation to one space, trim. "Vân Đồn" → "van don", "Miến dong Bình Liêu" → "mien dong binh lieu", "BA CHẼ" → "ba che".
///
/// SQLite FTS5's `remove_diacritics 2` and Foundation's diacritic-insensitive
/// options both leave đ alone (it is a letter with a stroke, not d plus a
/// mark), so "van don" would never find "Vân Đồn"; folding ourselves, the same
/// way for stored text and for queries, makes search predictable.
public enum TextFolding {
    /// The search form of `s`: lower-case base letters and digits, single spaces.
    public static func fold(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        CanonicalDecomposition.forEachScalar(in: s) { scalar in
            let value = scalar.value
            if value < 0x80 {
                // ASCII fast path: letters and digits kept, everything else separates words.
                switch value {
                case 0x30...0x39, 0x61...0x7A:
                    emit(scalar, into: &out, pendingSpace: &pendingSpace)
                case 0x41...0x5A:
                    emit(Unicode.Scalar(UInt8(value + 0x20)), into: &out, pendingSpace: &pendingSpace)
                default:
                    pendingSpace = true
                }
                return
            }
            if let base = StrokedLetter.base(of: scalar) {
                // đ/Đ has no decomposition (DOMAIN.md: fold it ourselves); nor do its look-alikes.
                emit(Unicode.Scalar(UInt8(base.value) | 0x20), into: &out, pendingSpace: &pendingSpace)
                return
            }
            switch classify(scalar) {
            case .mark:
                break  // Diacritics are what the search must ignore.
            case .separator:
                pendingSpace = true
            case .wordCharacter:
                let lower = scalar.properties.lowercaseMapping.unicodeScalars
                for part in lower where classify(part) == .wordCharacter {
                    // Lower-casing can add marks (İ → i + U+0307); those are dropped too.
                    emit(part, into: &out, pendingSpace: &pendingSpace)
                }
            }
        }
        return String(out)
    }

    private enum Role { case wordCharacter, mark, separator }

    /// Letters and numbers make words; marks vanish; whitespace, punctuation,
    /// symbols and controls all separate words.
    private static func classify(_ scalar: Unicode.Scalar) -> Role {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return .wordCharacter
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return .mark
        default:
            return .separator
        }
    }

    /// Appends a word character, first writing the one space owed for any
    /// separators seen since the previous one (none at the start: trimmed).
    @inline(__always)
    private static func emit(_ scalar: Unicode.Scalar, into out: inout String.UnicodeScalarView, pendingSpace: inout Bool) {
        if pendingSpace && !out.isEmpty {
            out.append(" ")
        }
        pendingSpace = false
        out.append(scalar)
    }
}
