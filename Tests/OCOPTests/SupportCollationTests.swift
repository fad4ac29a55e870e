import Foundation
import Testing
@testable import OCOP

@Suite("Vietnamese collation")
struct SupportCollationTests {
    private func sorted(_ names: [String]) -> [String] {
        names.sorted(by: VietnameseCollation.areInIncreasingOrder)
    }

    /// Asserts that `names` is already in strictly increasing collation order.
    private func expectIncreasing(_ names: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for (a, b) in zip(names, names.dropFirst()) {
            #expect(VietnameseCollation.areInIncreasingOrder(a, b), "\(a) < \(b)", sourceLocation: sourceLocation)
            #expect(!VietnameseCollation.areInIncreasingOrder(b, a), "not \(b) < \(a)", sourceLocation: sourceLocation)
        }
    }

    @Test func tonesAreSecondaryInCLDROrder() {
        // DOMAIN.md: a < à < ả < ã < á < ạ < ă < â.
        expectIncreasing(["a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ẳ", "ẵ", "ắ", "ặ", "â", "ầ", "ẩ", "ẫ", "ấ", "ậ", "b"])
        expectIncreasing(["o", "ò", "ỏ", "õ", "ó", "ọ", "ô", "ồ", "ổ", "ỗ", "ố", "ộ", "ơ", "ờ", "ở", "ỡ", "ớ", "ợ", "p"])
        expectIncreasing(["u", "ù", "ủ", "ũ", "ú", "ụ", "ư", "ừ", "ử", "ữ", "ứ", "ự", "v"])
    }

    @Test func alphabetOrder() {
        expectIncreasing(["d", "đ", "e"])
        expectIncreasing(["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
                          "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"])
        // A letter outranks every tone: "ăa" sorts after "ạz".
        expectIncreasing(["az", "ạz", "ăa"])
        expectIncreasing(["Dương", "Đặng", "Đinh", "Đỗ", "Đức", "Em"])
    }

    @Test func levelsAreOrderedPrimaryThenToneThenCase() {
        expectIncreasing(["Anh", "Ánh", "Ăn"])
        expectIncreasing(["anh", "Anh", "ANH", "ánh", "Ánh"])
        expectIncreasing(["An", "Anh", "Ân"])  // â is a letter after a, not a toned a
        expectIncreasing(["ba", "Ba", "bà", "Bà", "bả"])
        expectIncreasing(["đa", "Đa", "đà"])
    }

    @Test func strokedLookAlikesSortAsTheirBaseLetter() {
        // U+00D0 Ð (eth) is not Đ: like ICU, it is d with a secondary difference.
        expectIncreasing(["da", "ða", "Ða", "dàb", "db", "đa"])
        expectIncreasing(["oa", "øa", "Øa", "oàb", "ob", "ôa"])
        expectIncreasing(["la", "ła", "Ła", "lb", "ma"])
    }

    @Test func spacesAndPunctuationBeforeDigitsBeforeLetters() {
        expectIncreasing(["Ba", "Ba Chẽ", "Ba-Chẽ", "Ba1", "Bac"])
        expectIncreasing([" a", "-a", "0", "1", "9", "a"])
        expectIncreasing(["Lô 10", "Lô 2"])  // digit by digit, like ICU without numeric ordering
    }

    @Test func decomposedAndPrecomposedInputCollateIdentically() {
        for name in ["Vân Đồn", "Miến dong Bình Liêu", "Ặ Ợ Ự", "Crème Brûlée", "Ωμέγα"] {
            let nfd = name.decomposedStringWithCanonicalMapping
            #expect(VietnameseCollation.sortKey(nfd) == VietnameseCollation.sortKey(name))
        }
        // Marks typed out of canonical order: breve then dot below, dot below then breve.
        #expect(VietnameseCollation.sortKey("a\u{0306}\u{0323}") == VietnameseCollation.sortKey("ặ"))
        #expect(VietnameseCollation.sortKey("a\u{0323}\u{0306}") == VietnameseCollation.sortKey("ặ"))
    }

    @Test func keysAreDistinctForDistinctVietnameseNames() {
        let names = ["Anh", "anh", "Ánh", "ánh", "Ảnh", "Ăn", "An", "Ân", "A n", "A-n"]
        #expect(Set(names.map(VietnameseCollation.sortKey)).count == names.count)
    }

    @Test func keysHaveThreeLevelsAndNoZeroWeights() {
        let key = VietnameseCollation.sortKey("Ánh ✓ 下")
        #expect(key.filter { $0 == 0 }.count == 2)
        #expect(VietnameseCollation.sortKey("") == [0, 0])
    }

    @Test func wholeNamesSort() {
        let expected = [
            "Ba Chẽ", "Bình Liêu", "Cẩm Phả", "Cô Tô", "Đầm Hà", "Đông Triều", "Hạ Long",
            "Hải Hà", "Hoành Bồ", "Móng Cái", "Quảng Hà", "Quảng Yên", "Tiên Yên", "Uông Bí", "Vân Đồn",
        ]
        #expect(sorted(expected.reversed()) == expected)
        #expect(sorted(expected.shuffled()) == expected)
        let people = [
            "Đặng Thị Hà", "Đỗ Văn An", "Lê Thị Ánh", "Lê Thị Anh", "Lê Văn Ăn", "Ngô Ân",
            "Nguyễn Thị Ánh", "Nguyễn Văn A", "Nguyễn Văn Á", "Nguyễn Văn Ă", "Phạm Đức",
        ]
        #expect(sorted(people.reversed()) == [
            "Đặng Thị Hà", "Đỗ Văn An", "Lê Thị Anh", "Lê Thị Ánh", "Lê Văn Ăn", "Ngô Ân",
            "Nguyễn Thị Ánh", "Nguyễn Văn A", "Nguyễn Văn Á", "Nguyễn Văn Ă", "Phạm Đức",
        ])
    }

    /// Foundation on Linux ships ICU with CLDR's `vi` tailoring, so its
    /// locale-aware compare is an independent oracle for the sort key.
    @Test func agreesWithFoundationOnRealNames() {
        let vi = Locale(identifier: "vi")
        let names = [
            "Ba Chẽ", "Bình Liêu", "Cẩm Phả", "Cô Tô", "Đầm Hà", "Đông Triều", "Hạ Long", "Hải Hà",
            "Hoành Bồ", "Móng Cái", "Quảng Hà", "Quảng Yên", "Tiên Yên", "Uông Bí", "Vân Đồn", "Vạn Ninh",
            "Miến dong Bình Liêu", "Chả mực Hạ Long", "Trà hoa vàng Ba Chẽ", "Nước mắm Cái Rồng",
            "Rượu ba kích", "Sá sùng Vân Đồn", "Ngán Quảng Yên", "Gà đồi Tiên Yên", "Dầu sở Bình Liêu",
            "Ba kích tím", "Ba Kích", "BA KÍCH", "bà kích", "Anh", "Ánh", "Ăn", "Ân", "An", "anh", "ANH",
            "Đặng", "Dương", "Đinh", "Đỗ", "Đức", "Ðức", "Em", "Ê", "Êm", "Ơn", "Ôn", "On", "Ưng", "Ung",
            "Nguyễn Văn An", "Nguyễn Văn Ân", "Nguyễn Thị Ánh", "Lê Thị Anh", "Lê Thị Ánh", "Ngô Ân",
            "Lô 10", "Lô 2", "Lô 2A", "OCOP 3 sao", "OCOP 4 sao", "OCOP 5 sao", "Z", "zz", "Y", "X",
            "Øresund", "Oslo", "Łódź", "Lodz", "da", "ða", "Ða", "dàb", "db", "đa",
        ]
        for a in names {
            for b in names {
                let foundation = a.compare(b, options: [], range: nil, locale: vi)
                let ours: ComparisonResult = VietnameseCollation.areInIncreasingOrder(a, b) ? .orderedAscending
                    : VietnameseCollation.areInIncreasingOrder(b, a) ? .orderedDescending : .orderedSame
                #expect(ours == foundation, "\(a) vs \(b)")
            }
        }
    }

    /// Random strings over every Vietnamese letter in both cases, with tones,
    /// spaces and digits, compared pairwise with Foundation (fixed seed).
    @Test func agreesWithFoundationOnRandomStrings() {
        let vi = Locale(identifier: "vi")
        var letters: [String] = ["đ", "Đ", " ", "0", "1", "9", "b", "C", "n", "g", "h", "T", "r", "q"]
        for base in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"] {
            for tone in ["", "\u{0300}", "\u{0309}", "\u{0303}", "\u{0301}", "\u{0323}"] {
                let lower = (base + tone).precomposedStringWithCanonicalMapping
                letters.append(lower)
                letters.append(lower.uppercased())
            }
        }
        var generator = SplitMix64(seed: 0x0C0F_2024)
        let strings = (0..<400).map { _ in
            (0..<Int.random(in: 1...4, using: &generator)).map { _ in letters.randomElement(using: &generator) ?? "a" }.joined()
        }
        var mismatches = 0
        let pairs = Array(zip(strings, strings.shuffled(using: &generator))) + Array(zip(strings, strings.dropFirst()))
        for (a, b) in pairs {
            let foundation = a.compare(b, options: [], range: nil, locale: vi)
            let ours: ComparisonResult = VietnameseCollation.areInIncreasingOrder(a, b) ? .orderedAscending
                : VietnameseCollation.areInIncreasingOrder(b, a) ? .orderedDescending : .orderedSame
            if ours != foundation {
                mismatches += 1
                Issue.record("\(a.debugDescription) vs \(b.debugDescription): ours \(ours.rawValue), Foundation \(foundation.rawValue)")
            }
        }
        #expect(mismatches == 0)
    }

    /// The trimmed key orders every pair as the key with all its weights does (and is equal
    /// exactly when that is). Pairs share their primary weights (each position picks from one
    /// group of same-letter spellings, so only tones, case and marks differ) or are random;
    /// strings end in every mix of tones, cases, marks without a base, punctuation and digits.
    @Test func trimmedKeysOrderAsFullKeys() {
        let groups: [[String]] = [
            ["a", "A", "à", "Ạ", "á", "ả"], ["ă", "Ẳ", "ằ"], ["đ", "Đ"], ["o", "O", "ò", "Ọ"], ["ơ", "Ớ", "ờ"],
            ["e", "E", "è", "ẹ"], ["ê", "Ê", "ề"], ["x", "X"], ["ø", "Ø"], ["Ω", "ω", "ώ"], [" "], ["-"], ["0"], ["7"],
            ["\u{0301}", "\u{0323}", "\u{0308}", "\u{0300}"], ["下"],
        ]
        var generator = SplitMix64(seed: 0x0022_2026)
        var strings: [String] = []
        var pairs: [(String, String)] = []
        for _ in 0..<1500 {
            let shape = (0..<Int.random(in: 0...5, using: &generator)).map { _ in Int.random(in: 0..<groups.count, using: &generator) }
            let spell = { (generator: inout SplitMix64) in
                shape.map { groups[$0].randomElement(using: &generator) ?? "" }.joined()
            }
            let a = spell(&generator)
            pairs.append((a, spell(&generator)))
            strings.append(a)
        }
        pairs += Array(zip(strings, strings.shuffled(using: &generator)))
        var disagreements = 0
        for (a, b) in pairs {
            let full = (VietnameseCollation.sortKey(a, trimmed: false), VietnameseCollation.sortKey(b, trimmed: false))
            let short = (VietnameseCollation.sortKey(a), VietnameseCollation.sortKey(b))
            if full.0.lexicographicallyPrecedes(full.1) != short.0.lexicographicallyPrecedes(short.1)
                || (full.0 == full.1) != (short.0 == short.1) {
                disagreements += 1
                Issue.record("\(a.debugDescription) vs \(b.debugDescription)")
            }
        }
        #expect(disagreements == 0)
        // What the trimming is for: a toneless lower-case tail costs no secondary or tertiary bytes.
        #expect(VietnameseCollation.sortKey("Hợp tác xã 12345").count < VietnameseCollation.sortKey("Hợp tác xã 12345", trimmed: false).count - 20)
    }
}

/// A small deterministic generator so the random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
