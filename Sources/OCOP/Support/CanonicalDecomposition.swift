// The standard library's own normalization (what Foundation's
// `decomposedStringWithCanonicalMapping` uses on Linux), published as SPI: the
// server does not link Foundation, whose libraries alone were ~10 MB of its memory.
@_spi(_Unicode) import Swift

/// Canonical decomposition (NFD) of text, scalar by scalar, for the search
/// folding and the collation.
///
/// Every Vietnamese letter, precomposed or not, lies in the blocks tabulated
/// here, so names and search queries never take the general path after the
/// table is built; the table itself is taken from the standard library's NFD
/// once (the Unicode data stays authoritative, no hand-typed mappings). Other
/// scalars (Greek, Hangul, compatibility ideographs...) are decomposed one at a time.
///
/// Marks come out in each source scalar's own order and are *not* canonically
/// reordered across scalars, so consumers must not depend on the order of
/// consecutive marks (both consumers treat a letter's marks as a set).
enum CanonicalDecomposition {
    /// Latin-1 letters through the combining diacriticals (U+0340, U+0341,
    /// U+0343, U+0344 decompose too), and Latin Extended Additional, where
    /// the precomposed Vietnamese letters with tones live (U+1EA0–U+1EF9).
    private static let lowRange: Range<UInt32> = 0x00C0..<0x0370
    private static let highRange: Range<UInt32> = 0x1E00..<0x1F00

    /// One packed entry per scalar of the two ranges: up to three scalars of
    /// 21 bits each (0 = absent), or `fallback` when the expansion is longer.
    private static let table: [UInt64] = {
        var entries = [UInt64]()
        entries.reserveCapacity(lowRange.count + highRange.count)
        for value in Array(lowRange) + Array(highRange) {
            entries.append(pack(value))
        }
        return entries
    }()

    private static let fallback: UInt64 = 1 << 63
    private static let scalarMask: UInt64 = (1 << 21) - 1

    private static func pack(_ value: UInt32) -> UInt64 {
        guard let scalar = Unicode.Scalar(value) else { return UInt64(value) }
        let decomposed = Array(String(Character(scalar))._nfd)
        guard decomposed.count <= 3 else { return fallback }
        var packed: UInt64 = 0
        for (i, part) in decomposed.enumerated() {
            packed |= UInt64(part.value) << (21 * UInt64(i))
        }
        return packed
    }

    /// Calls `body` with each scalar of the canonical decomposition of `s`.
    @inline(__always)
    static func forEachScalar(in s: String, _ body: (Unicode.Scalar) -> Void) {
        for scalar in s.unicodeScalars {
            let value = scalar.value
            if value < lowRange.lowerBound {
                // ASCII and the Latin-1 symbols below À never decompose.
                body(scalar)
                continue
            }
            let index: Int
            if lowRange.contains(value) {
                index = Int(value - lowRange.lowerBound)
            } else if highRange.contains(value) {
                index = lowRange.count + Int(value - highRange.lowerBound)
            } else {
                decomposeGenerally(scalar, body)
                continue
            }
            let packed = table[index]
            if packed == fallback {
                decomposeGenerally(scalar, body)
                continue
            }
            var rest = packed
            while rest != 0 {
                // Every packed scalar value is nonzero, so 0 ends the list.
                if let part = Unicode.Scalar(UInt32(rest & scalarMask)) { body(part) }
                rest >>= 21
            }
        }
    }

    /// `forEachScalar` read straight from UTF-8, for text whose scalars all lie below U+0370
    /// or in Latin Extended Additional (every Vietnamese letter, precomposed or not): calls
    /// `body` with each scalar value of the decomposition while it returns true. Returns
    /// false, having stopped, when `body` does or a scalar lies elsewhere (the caller then
    /// walks the text with `forEachScalar`); true when the whole text was walked.
    ///
    /// Why: walking `String.unicodeScalars` and building `Unicode.Scalar`s per character was
    /// most of what the collation key and the search folding of a name cost, on the event
    /// loop of every producer written. `utf8` is valid UTF-8, as a `String`'s always is.
    @inline(__always)
    static func forEachCommonScalar(inUTF8 utf8: UnsafeBufferPointer<UInt8>, _ body: (UInt32) -> Bool) -> Bool {
        table.withUnsafeBufferPointer { table in
            var i = 0
            let end = utf8.count
            while i < end {
                let lead = utf8[i]
                let value: UInt32
                if lead < 0x80 {
                    guard body(UInt32(lead)) else { return false }
                    i += 1
                    continue
                } else if lead < 0xE0 {
                    guard i + 1 < end else { return false }
                    value = UInt32(lead & 0x1F) << 6 | UInt32(utf8[i + 1] & 0x3F)
                    i += 2
                } else if lead < 0xF0 {
                    guard i + 2 < end else { return false }
                    value = UInt32(lead & 0x0F) << 12 | UInt32(utf8[i + 1] & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F)
                    i += 3
                } else {
                    return false
                }
                let index: Int
                if value < lowRange.lowerBound {
                    guard body(value) else { return false }
                    continue
                } else if value < lowRange.upperBound {
                    index = Int(value - lowRange.lowerBound)
                } else if highRange.contains(value) {
                    index = lowRange.count + Int(value - highRange.lowerBound)
                } else {
                    return false
                }
                let packed = table[index]
                guard packed != fallback else { return false }
                var rest = packed
                while rest != 0 {
                    guard body(UInt32(truncatingIfNeeded: rest & scalarMask)) else { return false }
                    rest >>= 21
                }
            }
            return true
        }
    }

    private static func decomposeGenerally(_ scalar: Unicode.Scalar, _ body: (Unicode.Scalar) -> Void) {
        for part in String(Character(scalar))._nfd {
            body(part)
        }
    }
}
