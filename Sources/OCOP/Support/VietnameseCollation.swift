/// A byte string whose memcmp order is Vietnamese alphabetical order (so SQLite can index and keyset-paginate by it with plain BINARY collation).
///
/// Primary level: letters in the Vietnamese alphabet a ă â b c d đ e ê g h i
/// k l m n o ô ơ p q r s t u ư v x y (f j w z where Latin puts them), digits
/// before letters, spaces then punctuation lowest. Secondary level: tone
/// (none < grave < hook < tilde < acute < dot below), then any other marks.
/// Tertiary level: case (lower before upper). This is the CLDR `vi` tailoring
/// that ICU applies (DOMAIN.md: "a < à < ả < ã < á < ạ < ă < â", "d < đ").
///
/// The key is laid out like an ICU sort key: all primary weights, 0x00, all
/// secondary weights, 0x00, all tertiary weights. No weight byte is 0x00, so
/// a string whose primaries are a prefix of another's sorts first, and the
/// key is stored in a BLOB column that SQLite compares with memcmp, which
/// lets an index serve `ORDER BY name_key, id` and keyset pagination without
/// a custom collation registered on every connection.
///
/// Each level's trailing run of its lowest weight (no tone, lower case) is left out, as
/// ICU compresses common weights: with equal primaries two keys have as many secondary and
/// tertiary weights, so a run missing at the end loses no order (the 0x00 that follows, or
/// the key's end, sorts below any weight, as the weights it stands for sorted below
/// anything else). Keys of Vietnamese names mostly lower case and toneless at the end are
/// about half as long, and so is the `name_key` index every insert writes to.
public enum VietnameseCollation {
    /// The sort key of `s`; equal keys mean equal under the collation.
    public static func sortKey(_ s: String) -> [UInt8] {
        sortKey(s, trimmed: true)
    }

    /// The trimmed form of a key made with every weight (as keys were before migration 0022),
    /// and the same key when it is trimmed already: the levels are split at their 0x00
    /// separators (no weight is 0x00). Bytes that are no key come back as they are.
    public static func trimmed(_ key: [UInt8]) -> [UInt8] {
        let levels = key.split(separator: Weights.levelSeparator, maxSplits: 2, omittingEmptySubsequences: false)
        guard levels.count == 3 else { return key }
        var out = Array(levels[0])
        out.append(Weights.levelSeparator)
        out += levels[1].reversed().drop(while: { $0 == Weights.commonSecondary }).reversed()
        out.append(Weights.levelSeparator)
        out += levels[2].reversed().drop(while: { $0 == Weights.lowerTertiary }).reversed()
        return out
    }

    /// `trimmed: false` is the key with every weight, which the trimmed key must order alike (tests).
    static func sortKey(_ s: String, trimmed: Bool) -> [UInt8] {
        var text = s
        return text.withUTF8 { commonKey($0, trimmed: trimmed) } ?? keyByScalars(s, trimmed: trimmed)
    }

    /// The key with the general `KeyBuilder`, for any text.
    static func keyByScalars(_ s: String, trimmed: Bool) -> [UInt8] {
        var builder = KeyBuilder(capacity: s.utf8.count)
        CanonicalDecomposition.forEachScalar(in: s) { builder.add($0) }
        return builder.finish(trimmed: trimmed)
    }

    /// Whether `a` sorts strictly before `b` (a strict weak order for `sort(by:)`).
    public static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool {
        sortKey(a).lexicographicallyPrecedes(sortKey(b))
    }
}

extension VietnameseCollation {
    /// The key of text made of ASCII, đ/Đ, letters that decompose into ASCII and the
    /// Vietnamese modifier and tone marks, and those marks themselves after a base (all of
    /// Vietnamese: `CanonicalDecomposition.forEachCommonScalar`); nil for any other text,
    /// which `KeyBuilder` weighs. The same weights as `KeyBuilder`'s, written straight into
    /// the key (`CommonKeyWriter`).
    ///
    /// Why: `KeyBuilder` spends most of its time building and switching over enums per
    /// character; this runs on the event loop of every producer and product written.
    static func commonKey(_ utf8: UnsafeBufferPointer<UInt8>, trimmed: Bool) -> [UInt8]? {
        var common = true
        // Per scalar at most 4 primary bytes (ASCII punctuation), 2 secondary (common and a
        // tone) and 1 tertiary, and every scalar takes at least one byte of input.
        let key = [UInt8](unsafeUninitializedCapacity: 7 * utf8.count + 2) { key, count in
            var writer = CommonKeyWriter(key: key, scalars: utf8.count)
            common = CanonicalDecomposition.forEachCommonScalar(inUTF8: utf8) { writer.add($0) }
            count = common ? writer.finish(trimmed: trimmed) : 0
        }
        return common ? key : nil
    }
}

/// `VietnameseCollation.commonKey`'s levels, written into the key's own buffer: the primary
/// level from its start, the secondary and tertiary levels into room past the most the
/// primary can take, then moved down behind it.
private struct CommonKeyWriter {
    private let key: UnsafeMutableBufferPointer<UInt8>
    private let secondaryStart: Int
    private let tertiaryStart: Int
    private var primary = 0
    private var secondary: Int
    private var tertiary: Int
    // The base character waiting for its marks: its primary weight (0 while none waits;
    // `punctuationWeight` for the four bytes of an ASCII punctuation character), its letter
    // rank if it is a letter, its tone weight (0 for none) and case. The weights are those of
    // `Weights`, `Letter` and `Tone` below, which `KeyBuilder` writes too.
    private var weight: UInt8 = 0
    private var punctuation: UInt8 = 0
    private var letter: UInt8 = Self.noLetter
    private var tone: UInt8 = 0
    private var isUpper = false

    /// `key` has room for `7 * scalars + 2` bytes.
    init(key: UnsafeMutableBufferPointer<UInt8>, scalars: Int) {
        self.key = key
        secondaryStart = 4 * scalars + 1  // past the primary level and its separator
        tertiaryStart = 6 * scalars + 2
        secondary = secondaryStart
        tertiary = tertiaryStart
    }

    /// Takes the next scalar; false for one `KeyBuilder` must weigh (then the whole text is).
    @inline(__always)
    mutating func add(_ value: UInt32) -> Bool {
        switch value {
        case 0x00..<0x80:
            flush()
            let byte = UInt8(truncatingIfNeeded: value)
            tone = 0
            isUpper = false
            letter = Self.noLetter
            switch byte {
            case 0x61...0x7A:
                letter = Letter.ascii[Int(byte - 0x61)].rawValue
                weight = Weights.letterBase + letter
            case 0x41...0x5A:
                letter = Letter.ascii[Int(byte - 0x41)].rawValue
                weight = Weights.letterBase + letter
                isUpper = true
            case 0x30...0x39:
                weight = Weights.digitBase + (byte - 0x30)
            case 0x09...0x0D, 0x20:
                weight = Weights.spacePrimary
            default:
                weight = Self.punctuationWeight
                punctuation = byte
            }
        case 0x0110, 0x0111:  // Đ đ
            flush()
            letter = Letter.dStroke.rawValue
            weight = Weights.letterBase + letter
            tone = 0
            isUpper = value == 0x0110
        case 0x0300..<0x0370:
            // A mark with no base, or one beyond a letter modifier and one tone, is not weighed here.
            guard weight != 0, let mark = Unicode.Scalar(value) else { return false }
            if let modified = Letter(rawValue: letter)?.modified(by: mark) {
                letter = modified.rawValue
                weight = Weights.letterBase + letter
            } else if tone == 0, let markTone = Tone(mark) {
                tone = markTone.rawValue
            } else {
                return false
            }
        default:
            return false
        }
        return true
    }

    /// Writes the waiting character's weights to the three levels.
    @inline(__always)
    private mutating func flush() {
        guard weight != 0 else { return }
        if weight == Self.punctuationWeight {
            key[primary] = Weights.punctuationPrefix
            key[primary + 1] = 0x80
            key[primary + 2] = 0x80
            key[primary + 3] = 0x80 | punctuation
            primary += 4
        } else {
            key[primary] = weight
            primary += 1
        }
        key[secondary] = Weights.commonSecondary
        secondary += 1
        if tone != 0 {
            key[secondary] = tone
            secondary += 1
        }
        key[tertiary] = isUpper ? Weights.upperTertiary : Weights.lowerTertiary
        tertiary += 1
        weight = 0
    }

    /// Lays the levels out one behind the other with their 0x00 separators; returns the key's length.
    mutating func finish(trimmed: Bool) -> Int {
        flush()
        if trimmed {
            while secondary > secondaryStart && key[secondary - 1] == Weights.commonSecondary { secondary -= 1 }
            while tertiary > tertiaryStart && key[tertiary - 1] == Weights.lowerTertiary { tertiary -= 1 }
        }
        guard let base = UnsafeMutableRawPointer(key.baseAddress) else { return 0 }
        // Each level moves down behind the one before (the regions may overlap).
        var end = primary
        key[end] = 0
        end += 1
        (base + end).copyMemory(from: base + secondaryStart, byteCount: secondary - secondaryStart)
        end += secondary - secondaryStart
        key[end] = 0
        end += 1
        (base + end).copyMemory(from: base + tertiaryStart, byteCount: tertiary - tertiaryStart)
        return end + tertiary - tertiaryStart
    }

    // Markers of this writer's own, outside every weight and rank (`Weights`, `Letter`).
    private static let noLetter: UInt8 = 0xFF
    private static let punctuationWeight: UInt8 = 0xFF
}

/// Accumulates the three levels while walking NFD scalars. A base character
/// stays pending until the next base arrives, because the marks that follow
/// it can change its primary weight (a + U+0306 is ă, a different letter)
/// or add secondary weights.
private struct KeyBuilder {
    private var primary: [UInt8] = []
    private var secondary: [UInt8] = []
    private var tertiary: [UInt8] = []
    private var pending: Pending?
    /// Marks of the pending character that are neither letter modifiers nor
    /// its tone (rare in Vietnamese); one buffer reused for every character.
    private var otherMarks: [Unicode.Scalar] = []

    /// A base character and the tone gathered so far (plain data: no refcounting per character).
    private struct Pending {
        var primary: PrimaryWeight
        var tone: Tone?
        var isUpper: Bool
    }

    /// Room for `capacity` UTF-8 bytes of input: each scalar takes at least
    /// one byte and adds one primary and one tertiary weight. The primary
    /// buffer becomes the key, so it has room for all three levels.
    init(capacity: Int) {
        primary.reserveCapacity(3 * capacity + 16)
        secondary.reserveCapacity(capacity + 8)
        tertiary.reserveCapacity(capacity)
    }

    mutating func add(_ scalar: Unicode.Scalar) {
        // Fast paths first: after decomposition Vietnamese is ASCII letters plus
        // marks from U+0300–U+036F (all general category Mn), and Unicode
        // property lookups cost more than everything else here together.
        let v = scalar.value
        if v < 0x80 {
            flush()
            pending = Pending(primary: PrimaryWeight(ascii: UInt8(truncatingIfNeeded: v)), isUpper: v >= 0x41 && v <= 0x5A)
            return
        }
        if v >= 0x0300 && v < 0x0370 {
            attach(mark: scalar)
            return
        }
        let category = scalar.properties.generalCategory
        switch category {
        case .nonspacingMark, .spacingMark, .enclosingMark:
            attach(mark: scalar)
        default:
            flush()
            let isUpper = scalar.properties.isUppercase
            if !StrokedLetter.isVietnameseDStroke(scalar), let base = StrokedLetter.base(of: scalar) {
                // ð ø ł ħ: the base letter plus a secondary difference, as ICU sorts them.
                pending = Pending(primary: PrimaryWeight(base, category: category), isUpper: isUpper)
                otherMarks.append(StrokedLetter.strokeMark)
            } else {
                pending = Pending(primary: PrimaryWeight(scalar, category: category), isUpper: isUpper)
            }
        }
    }

    /// Applies a combining mark to the pending base: breve, circumflex and
    /// horn make the letters ă â ê ô ơ ư (primary); a tone is secondary;
    /// anything else (or a second tone) is an extra secondary weight.
    private mutating func attach(mark: Unicode.Scalar) {
        var current = pending ?? Pending(primary: .ignorable, isUpper: false)
        if case .letter(let letter) = current.primary, let modified = letter.modified(by: mark) {
            current.primary = .letter(modified)
        } else if current.tone == nil, let tone = Tone(mark) {
            current.tone = tone
        } else {
            otherMarks.append(mark)
        }
        pending = current
    }

    /// Writes the pending character's weights to the three levels.
    private mutating func flush() {
        guard let current = pending else { return }
        pending = nil
        current.primary.append(to: &primary)
        if case .ignorable = current.primary {} else {
            secondary.append(Weights.commonSecondary)
            tertiary.append(current.isUpper ? Weights.upperTertiary : Weights.lowerTertiary)
        }
        if let tone = current.tone { secondary.append(tone.rawValue) }
        guard !otherMarks.isEmpty else { return }
        if otherMarks.count > 1 {
            // Canonical order (by combining class, stable) so NFC and NFD input give one key.
            otherMarks = otherMarks.enumerated().sorted {
                ($0.element.properties.canonicalCombiningClass.rawValue, $0.offset)
                    < ($1.element.properties.canonicalCombiningClass.rawValue, $1.offset)
            }.map(\.element)
        }
        for mark in otherMarks { Weights.appendSecondary(of: mark, to: &secondary) }
        otherMarks.removeAll(keepingCapacity: true)
    }

    mutating func finish(trimmed: Bool) -> [UInt8] {
        flush()
        if trimmed {
            while secondary.last == Weights.commonSecondary { secondary.removeLast() }
            while tertiary.last == Weights.lowerTertiary { tertiary.removeLast() }
        }
        primary.append(Weights.levelSeparator)
        primary.append(contentsOf: secondary)
        primary.append(Weights.levelSeparator)
        primary.append(contentsOf: tertiary)
        return primary
    }
}

/// The 33 letters in order: the 29 of the Vietnamese alphabet with f, j, w, z
/// slotted in where the Latin alphabet has them. The raw value is the rank.
private enum Letter: UInt8 {
    case a, aBreve, aCircumflex, b, c, d, dStroke, e, eCircumflex, f, g, h, i, j, k, l, m
    case n, o, oCircumflex, oHorn, p, q, r, s, t, u, uHorn, v, w, x, y, z

    /// The Latin letters a…z, by ASCII offset.
    static let ascii: [Letter] = [
        .a, .b, .c, .d, .e, .f, .g, .h, .i, .j, .k, .l, .m,
        .n, .o, .p, .q, .r, .s, .t, .u, .v, .w, .x, .y, .z,
    ]

    /// The letter a modifier mark turns this one into, if any: in Vietnamese
    /// ă â ê ô ơ ư are letters of their own, not accented a e o u.
    func modified(by mark: Unicode.Scalar) -> Letter? {
        switch (self, mark.value) {
        case (.a, 0x0306): return .aBreve
        case (.a, 0x0302): return .aCircumflex
        case (.e, 0x0302): return .eCircumflex
        case (.o, 0x0302): return .oCircumflex
        case (.o, 0x031B): return .oHorn
        case (.u, 0x031B): return .uHorn
        default: return nil
        }
    }
}

/// The five Vietnamese tone marks in CLDR order; the raw value is the secondary weight.
private enum Tone: UInt8 {
    case grave = 0x06, hook = 0x07, tilde = 0x08, acute = 0x09, dotBelow = 0x0A

    init?(_ mark: Unicode.Scalar) {
        switch mark.value {
        case 0x0300: self = .grave
        case 0x0309: self = .hook
        case 0x0303: self = .tilde
        case 0x0301: self = .acute
        case 0x0323: self = .dotBelow
        default: return nil
        }
    }
}

/// The primary weight of one base character, lowest first: spaces,
/// punctuation and symbols, digits, other numbers, the alphabet, other letters.
private enum PrimaryWeight {
    case space
    /// Punctuation, symbols, controls, by code point.
    case punctuation(UInt32)
    case digit(UInt8)
    case otherNumber(UInt32)
    case letter(Letter)
    /// Letters outside the alphabet (ø, ß, Greek, CJK...), by lower-case code point.
    case otherLetter(UInt32)
    /// A mark with no base before it: no primary weight, like ICU.
    case ignorable

    /// The weight of an ASCII character (no Unicode property lookups).
    init(ascii byte: UInt8) {
        switch byte {
        case 0x61...0x7A: self = .letter(Letter.ascii[Int(byte - 0x61)])
        case 0x41...0x5A: self = .letter(Letter.ascii[Int(byte - 0x41)])
        case 0x30...0x39: self = .digit(byte - 0x30)
        case 0x09...0x0D, 0x20: self = .space  // ASCII's White_Space characters
        default: self = .punctuation(UInt32(byte))
        }
    }

    init(_ scalar: Unicode.Scalar, category: Unicode.GeneralCategory) {
        let v = scalar.value
        if v < 0x80 {
            self.init(ascii: UInt8(truncatingIfNeeded: v))
            return
        }
        if StrokedLetter.isVietnameseDStroke(scalar) {
            self = .letter(.dStroke)  // đ: a letter of its own, and no decomposition
            return
        }
        if scalar.properties.isWhitespace {
            self = .space
            return
        }
        switch category {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            // Case belongs to the tertiary level: weigh the lower-case form when it is one scalar.
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            self = .otherLetter(lower.count == 1 ? lower[lower.startIndex].value : v)
        case .decimalNumber, .letterNumber, .otherNumber:
            self = .otherNumber(v)
        default:
            self = .punctuation(v)
        }
    }

    func append(to key: inout [UInt8]) {
        switch self {
        case .space: key.append(Weights.spacePrimary)
        case .punctuation(let v): Weights.appendCodePoint(v, prefix: Weights.punctuationPrefix, to: &key)
        case .digit(let d): key.append(Weights.digitBase + d)
        case .otherNumber(let v): Weights.appendCodePoint(v, prefix: Weights.otherNumberPrefix, to: &key)
        case .letter(let letter): key.append(Weights.letterBase + letter.rawValue)
        case .otherLetter(let v): Weights.appendCodePoint(v, prefix: Weights.otherLetterPrefix, to: &key)
        case .ignorable: break
        }
    }
}

/// Weight bytes. Prefix bytes are below 0x80 and code-point payloads are
/// three bytes of 0x80 | 7 bits, so no weight contains 0x00 (the level
/// separator) and every key parses one way only.
private enum Weights {
    static let levelSeparator: UInt8 = 0x00
    // Primary level.
    static let spacePrimary: UInt8 = 0x01
    static let punctuationPrefix: UInt8 = 0x02
    static let digitBase: UInt8 = 0x10  // 0x10…0x19
    static let otherNumberPrefix: UInt8 = 0x1A
    static let letterBase: UInt8 = 0x20  // 0x20…0x40
    static let otherLetterPrefix: UInt8 = 0x70
    // Secondary level: common < tones (0x06…0x0A) < other marks.
    static let commonSecondary: UInt8 = 0x05
    static let otherMarkPrefix: UInt8 = 0x0B
    static let combiningDiacriticBase: UInt8 = 0x10  // U+0300…U+036F → 0x10…0x7F
    // Tertiary level: ICU's default puts lower case first.
    static let lowerTertiary: UInt8 = 0x05
    static let upperTertiary: UInt8 = 0x06

    /// A prefix byte and a 21-bit code point as three order-preserving, nonzero bytes.
    static func appendCodePoint(_ v: UInt32, prefix: UInt8, to key: inout [UInt8]) {
        key.append(prefix)
        key.append(0x80 | UInt8(truncatingIfNeeded: v >> 14) & 0x7F)
        key.append(0x80 | UInt8(truncatingIfNeeded: v >> 7) & 0x7F)
        key.append(0x80 | UInt8(truncatingIfNeeded: v) & 0x7F)
    }

    /// A non-tone mark: the common diacritics by code point, others after them.
    static func appendSecondary(of mark: Unicode.Scalar, to key: inout [UInt8]) {
        if mark.value >= 0x0300 && mark.value < 0x0370 {
            key.append(combiningDiacriticBase + UInt8(mark.value - 0x0300))
        } else {
            appendCodePoint(mark.value, prefix: otherMarkPrefix, to: &key)
        }
    }
}
