import Foundation
import Testing
@testable import OCOP

@Suite("Text folding and NFC")
struct SupportTextTests {
    @Test(arguments: [
        ("Vân Đồn", "van don"),
        ("Miến dong Bình Liêu", "mien dong binh lieu"),
        ("BA CHẼ", "ba che"),
        ("Ba Chẽ", "ba che"),
        ("Đầm Hà", "dam ha"),
        ("Hạ Long", "ha long"),
        ("Quảng Ninh", "quang ninh"),
        ("Cô Tô", "co to"),
        ("ĐẶC SẢN QUẢNG NINH", "dac san quang ninh"),
        ("Chả mực Hạ Long", "cha muc ha long"),
        ("NƯỚC MẮM CÁI RỒNG", "nuoc mam cai rong"),
        ("Trà hoa vàng Ba Chẽ", "tra hoa vang ba che"),
        ("ƯỚC ƠI Ữ Ự Ỳ Ỷ Ỹ Ý Ỵ", "uoc oi u u y y y y y"),
        ("đđĐĐ", "dddd"),
    ])
    func foldsVietnamese(input: String, expected: String) {
        #expect(TextFolding.fold(input) == expected)
    }

    @Test func foldsDecomposedInputLikePrecomposed() {
        let decomposed = "Vân Đồn".decomposedStringWithCanonicalMapping
        #expect(Array(decomposed.unicodeScalars) != Array("Vân Đồn".unicodeScalars))
        #expect(TextFolding.fold(decomposed) == "van don")
        // Hand-written NFD with marks in the non-canonical order a keyboard may produce.
        #expect(TextFolding.fold("Ba Che\u{0303}") == "ba che")
        #expect(TextFolding.fold("a\u{0306}\u{0323}") == "a")
        #expect(TextFolding.fold("D\u{0323}") == "d")
    }

    @Test func collapsesSeparatorsAndTrims() {
        #expect(TextFolding.fold("  Hạ   Long  ") == "ha long")
        #expect(TextFolding.fold("Hạ-Long,\tQuảng Ninh!") == "ha long quang ninh")
        #expect(TextFolding.fold("Chè (loại 1) – 500g") == "che loai 1 500g")
        #expect(TextFolding.fold("\n\u{00A0}Cô\u{2003}Tô\u{3000}") == "co to")
        #expect(TextFolding.fold("") == "")
        #expect(TextFolding.fold(" ,;- ") == "")
        #expect(TextFolding.fold("OCOP 5★") == "ocop 5")
    }

    @Test func foldsStrokedLookAlikes() {
        #expect(TextFolding.fold("Phạm Ðức") == "pham duc")  // U+00D0 eth, as legacy converters emit
        #expect(TextFolding.fold("ðð") == "dd")
        #expect(TextFolding.fold("Łódź Øresund Ħal") == "lodz oresund hal")
    }

    @Test func foldsOtherScriptsWithoutLosingLetters() {
        #expect(TextFolding.fold("Crème Brûlée") == "creme brulee")
        #expect(TextFolding.fold("ÅNGSTRÖM") == "angstrom")
        #expect(TextFolding.fold("İstanbul") == "istanbul")  // lower-casing İ adds U+0307, dropped
        #expect(TextFolding.fold("Ωμέγα") == "ωμεγα")
        #expect(TextFolding.fold("下龙湾") == "下龙湾")
        #expect(TextFolding.fold("ﬁ") == "ﬁ")  // compatibility ligatures are kept (NFD, not NFKD)
    }

    @Test func foldIsIdempotent() {
        for s in ["Vân Đồn", "Miến dong Bình Liêu", " BA  CHẼ ", "Crème Brûlée", "İstanbul"] {
            let once = TextFolding.fold(s)
            #expect(TextFolding.fold(once) == once)
        }
    }

    /// Every scalar up to U+0800 (all C0 and C1 controls, and every 2-byte lead before and
    /// after 0xC2), alone and inside text, is a control exactly when its general category says
    /// so, except tab, LF and CR.
    @Test func controlCharactersAreFoundByCodePoint() {
        for value in UInt32(0)..<0x800 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let isControl = scalar.properties.generalCategory == .control && ![0x09, 0x0A, 0x0D].contains(value)
            let alone = String(Character(scalar))
            #expect(TextNormalization.containsControlCharacters(alone) == isControl, "U+\(String(value, radix: 16))")
            #expect(TextNormalization.containsControlCharacters("Hạ Long " + alone + " ệ") == isControl)
        }
        #expect(!TextNormalization.containsControlCharacters("Trà hoa vàng\tBa Chẽ\r\n 🍵 下龙湾"))
        #expect(TextNormalization.containsControlCharacters("🍵\u{1B}[31m"))
    }

    @Test func nfcComposesDecomposedVietnamese() {
        let precomposed = "Miến dong Bình Liêu, Vân Đồn, Hạ Long, Ba Chẽ, ặ ợ ự"
        let decomposed = precomposed.decomposedStringWithCanonicalMapping
        #expect(Array(decomposed.unicodeScalars) != Array(precomposed.unicodeScalars))
        // Swift's == is canonical equivalence, so compare scalars to see the form.
        #expect(Array(TextNormalization.nfc(decomposed).unicodeScalars) == Array(precomposed.unicodeScalars))
        #expect(Array(TextNormalization.nfc(precomposed).unicodeScalars) == Array(precomposed.unicodeScalars))
        // Marks in non-canonical order (breve before dot below) still compose to ặ.
        #expect(Array(TextNormalization.nfc("a\u{0306}\u{0323}").unicodeScalars) == ["\u{1EB7}"])
        #expect(Array(TextNormalization.nfc("").unicodeScalars) == [])
    }

    /// The fast path's claim: every scalar it lets through is NFC on its own
    /// and does not compose with a letter before it.
    @Test func nfcFastPathAgreesWithFoundation() {
        let ranges: [ClosedRange<UInt32>] = [0x0000...0x02FF, 0x1E00...0x1EFF]
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                for text in [String(Character(scalar)), "a" + String(Character(scalar)), "o" + String(Character(scalar))] {
                    #expect(TextNormalization.isKnownNFC(text))
                    let foundation = Array(text.precomposedStringWithCanonicalMapping.unicodeScalars)
                    guard foundation == Array(text.unicodeScalars) else {
                        Issue.record("U+\(String(value, radix: 16)) is not NFC-stable in \(text.debugDescription)")
                        return
                    }
                }
            }
        }
        #expect(!TextNormalization.isKnownNFC("e\u{0301}"))
        #expect(!TextNormalization.isKnownNFC("\u{AC00}"))
    }

    /// The table-driven decomposition gives Foundation's NFD for every scalar
    /// it covers (up to the order of marks, which neither consumer depends on).
    @Test func decompositionTableMatchesFoundation() {
        for value in UInt32(0x00A0)...0x1FFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            var ours: [Unicode.Scalar] = []
            CanonicalDecomposition.forEachScalar(in: String(Character(scalar))) { ours.append($0) }
            let foundation = Array(String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars)
            guard ours == foundation else {
                Issue.record("U+\(String(value, radix: 16)): \(ours) vs \(foundation)")
                return
            }
        }
    }

    /// Limits count code points, as JSON Schema's maxLength does, of the NFC form that is stored.
    @Test func characterLimitsCountCodePointsOfTheStoredForm() {
        #expect(!String(repeating: "a", count: 200).hasMoreCharacters(than: 200))
        #expect(String(repeating: "a", count: 201).hasMoreCharacters(than: 200))
        // "ễ" is 3 bytes precomposed and 3 code points decomposed; stored precomposed, it counts once.
        #expect(!String(repeating: "ễ", count: 200).hasMoreCharacters(than: 200))
        #expect(String(repeating: "ễ", count: 201).hasMoreCharacters(than: 200))
        #expect(!String(repeating: "e\u{302}\u{303}", count: 200).hasMoreCharacters(than: 200))
        #expect(String(repeating: "e\u{302}\u{303}", count: 201).hasMoreCharacters(than: 200))
        #expect(!"".hasMoreCharacters(than: 0))
        // A mark with no precomposed letter stays a code point of its own: 150 "x́" are 300.
        #expect(String(repeating: "x\u{301}", count: 150).hasMoreCharacters(than: 200))
        #expect(!String(repeating: "x\u{301}", count: 100).hasMoreCharacters(than: 200))
        // A family emoji is seven code points (four people, three joiners).
        #expect(!String(repeating: "👨‍👩‍👧‍👦", count: 28).hasMoreCharacters(than: 200))
        #expect(String(repeating: "👨‍👩‍👧‍👦", count: 29).hasMoreCharacters(than: 200))
        // Substrings count the same way.
        #expect(("x" + String(repeating: "b", count: 201)).dropFirst().hasMoreCharacters(than: 200))
    }
}
