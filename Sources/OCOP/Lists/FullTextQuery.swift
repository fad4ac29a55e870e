/// Turns what a person typed into an FTS5 query over folded text.
enum FullTextQuery {
    /// Every word must match as a prefix: "van do" finds "Vân Đồn". nil when nothing searchable remains.
    static func match(_ text: String) -> String? {
        let words = TextFolding.fold(text).split(separator: " ")
        guard !words.isEmpty else { return nil }
        // Folded words hold only letters and digits, but quote them anyway so FTS5
        // syntax (AND, NEAR, *) typed by a user is always taken literally.
        return words.prefix(16).map { "\"\(String($0.filter { $0 != "\"" }))\"*" }.joined(separator: " ")
    }
}

/// Lower-case hexadecimal for binary values in cursors and ids.
public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            default: return nil
            }
        }
        var i = 0
        while i < chars.count {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
