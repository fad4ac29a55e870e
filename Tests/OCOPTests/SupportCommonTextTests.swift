import Foundation
import Testing
@testable import OCOP

/// The collation key and the search folding read common text (ASCII, Vietnamese letters
/// precomposed or not, đ) straight from its UTF-8 and hand anything else to the general
/// walk over scalars; the two must give the same bytes for every text the first accepts.
@Suite("Collation and folding read from UTF-8")
struct SupportCommonTextTests {
    /// Pieces to build texts from: every Vietnamese letter precomposed and decomposed, in
    /// both cases, marks with and without a base, ASCII of every class, and text the byte
    /// paths leave to the scalar walk (ð, ø, Greek, CJK, NBSP, emoji, a second tone).
    private static let pieces: [String] = {
        var pieces = ["đ", "Đ", " ", "\t", "-", ",", "(", "~", "\u{7F}", "0", "7", "b", "Q", "z", "W",
                      "\u{0301}", "\u{0323}", "\u{0302}", "\u{031B}", "\u{0306}", "\u{0308}", "\u{0340}",
                      "ð", "Ø", "ω", "ώ", "下", "\u{00A0}", "·", "🍵", "İ", "ǅ", "Å", "ﬁ"]
        for base in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"] {
            for tone in ["", "\u{0300}", "\u{0309}", "\u{0303}", "\u{0301}", "\u{0323}"] {
                let lower = TextNormalization.nfc(base + tone)
                pieces += [lower, lower.uppercased(), base + tone, (base + tone).uppercased()]
            }
        }
        return pieces
    }()

    private static func texts(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }.joined()
        }
    }

    @Test func keysFromUTF8MatchTheScalarWalk() {
        var read = 0
        for text in Self.texts(count: 20_000, seed: 0x5EED_0001) + ["", "Hợp tác xã 3f2a9c1e-8b7d", "Ặ\u{0301}"] {
            for trimmed in [true, false] {
                var utf8 = text
                let common = utf8.withUTF8 { VietnameseCollation.commonKey($0, trimmed: trimmed) }
                let general = VietnameseCollation.keyByScalars(text, trimmed: trimmed)
                if let common {
                    read += 1
                    #expect(common == general, "\(text.debugDescription) trimmed: \(trimmed)")
                }
                #expect(VietnameseCollation.sortKey(text, trimmed: trimmed) == general)
            }
        }
        // Both paths were taken: most texts here hold something only the scalar walk weighs.
        #expect(read > 2_000)
        #expect(read < 38_000)
    }

    @Test func foldsFromUTF8MatchTheScalarWalk() {
        var read = 0
        for text in Self.texts(count: 20_000, seed: 0x5EED_0002) + ["", " - ", "Đồn Đạc, Ba Chẽ"] {
            var utf8 = text
            let common = utf8.withUTF8 { TextFolding.foldCommon($0) }
            let general = TextFolding.foldScalars(text)
            if let common {
                read += 1
                #expect(Array(common.utf8) == Array(general.utf8), "\(text.debugDescription)")
            }
            #expect(Array(TextFolding.fold(text).utf8) == Array(general.utf8))
        }
        #expect(read > 1_000)
        #expect(read < 19_000)
    }

    @Test func vietnameseNamesAreReadFromUTF8() {
        for name in ["Hợp tác xã Miến dong Bình Liêu", "CÔNG TY TNHH TRÀ HOA VÀNG", "Nguyễn Văn Đức",
                     "Vân Đồn".decomposedStringWithCanonicalMapping, "Lô 2A, thôn Đồng Trà (khu 3)"] {
            var utf8 = name
            #expect(utf8.withUTF8 { VietnameseCollation.commonKey($0, trimmed: true) } != nil, "\(name)")
            #expect(utf8.withUTF8 { TextFolding.foldCommon($0) } != nil, "\(name)")
        }
    }
}
