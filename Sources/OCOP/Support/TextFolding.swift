/// Vietnamese-aware search folding: NFC→NFD, drop combining marks, đ/Đ → d, lower-case, collapse runs of whitespace/punctuation to one space, trim. "Vân Đồn" → "van don", "Miến dong Bình Liêu" → "mien dong binh lieu", "BA CHẼ" → "ba che".
///
/// SQLite FTS5's `remove_diacritics 2` and Foundation's diacritic-insensitive
/// options both leave đ alone (it is a letter with a stroke, not d plus a
/// mark), so "van don" would never find "Vân Đồn"; folding ourselves, the same
/// way for stored text and for queries, makes search predictable.
public enum TextFolding {
    /// The search form of `s`: lower-case base letters and digits, single spaces.
    public static func fold(_ s: String) -> String {
        var text = s
        return text.withUTF8 { foldCommon($0) } ?? foldScalars(s)
    }

    /// `fold` of text made of ASCII, combining marks U+0300–U+036F, đ/Đ and letters that
    /// decompose into those (`CanonicalDecomposition.forEachCommonScalar`: all of Vietnamese),
    /// written straight into the result; nil for any other text. The folded text is never
    /// longer than such a text: a letter of two or three bytes becomes one, a mark none.
    static func foldCommon(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
        var common = true
        let folded = String(unsafeUninitializedCapacity: utf8.count) { out in
            var count = 0
            var pendingSpace = false
            common = CanonicalDecomposition.forEachCommonScalar(inUTF8: utf8) { value in
                var byte: UInt8
                switch value {
                case 0x30...0x39, 0x61...0x7A: byte = UInt8(truncatingIfNeeded: value)
                case 0x41...0x5A: byte = UInt8(truncatingIfNeeded: value) | 0x20
                case 0x00..<0x80:
                    pendingSpace = true
                    return true
                case 0x0300..<0x0370: return true  // combining diacritics: what search ignores
                case 0x0110, 0x0111: byte = UInt8(ascii: "d")  // Đ đ
                default: return false
                }
                // Never false, as said above; checked all the same, this being written unchecked.
                guard count + (pendingSpace ? 2 : 1) <= out.count else { return false }
                if pendingSpace && count > 0 {
                    out[count] = UInt8(ascii: " ")
                    count += 1
                }
                pendingSpace = false
                out[count] = byte
                count += 1
                return true
            }
            return common ? count : 0
        }
        return common ? folded : nil
    }

    /// `fold` for any text, scalar by scalar.
    static func foldScalars(_ s: String) -> String {
        var out = Output()
        out.bytes.reserveCapacity(s.utf8.count)
        CanonicalDecomposition.forEachScalar(in: s) { scalar in
            let value = scalar.value
            if value < 0x80 {
                // ASCII fast path: letters and digits kept, everything else separates words.
                switch value {
                case 0x30...0x39, 0x61...0x7A:
                    out.emit(UInt8(truncatingIfNeeded: value))
                case 0x41...0x5A:
                    out.emit(UInt8(truncatingIfNeeded: value) | 0x20)
                default:
                    out.pendingSpace = true
                }
                return
            }
            if value >= 0x0300 && value < 0x0370 {
                return  // Combining diacritics (all category Mn) are what search ignores.
            }
            if let base = StrokedLetter.base(of: scalar) {
                // đ/Đ has no decomposition (DOMAIN.md: fold it ourselves); nor do its look-alikes.
                out.emit(UInt8(truncatingIfNeeded: base.value) | 0x20)
                return
            }
            switch classify(scalar) {
            case .mark:
                break
            case .separator:
                out.pendingSpace = true
            case .wordCharacter:
                for part in scalar.properties.lowercaseMapping.unicodeScalars where classify(part) == .wordCharacter {
                    // Lower-casing can add marks (İ → i + U+0307); those are dropped too.
                    out.emit(part)
                }
            }
        }
        return String(decoding: out.bytes, as: UTF8.self)
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

    /// The folded text as UTF-8, with the one space owed for any separators
    /// seen since the last word character (none at the start or end: trimmed).
    private struct Output {
        var bytes: [UInt8] = []
        var pendingSpace = false

        @inline(__always)
        mutating func emit(_ ascii: UInt8) {
            writeSpaceIfOwed()
            bytes.append(ascii)
        }

        mutating func emit(_ scalar: Unicode.Scalar) {
            writeSpaceIfOwed()
            UTF8.encode(scalar) { bytes.append($0) }
        }

        @inline(__always)
        private mutating func writeSpaceIfOwed() {
            if pendingSpace && !bytes.isEmpty {
                bytes.append(UInt8(ascii: " "))
            }
            pendingSpace = false
        }
    }
}
