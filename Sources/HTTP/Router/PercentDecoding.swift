/// Percent-decoding of URI components (RFC 3986 §2.1).
public enum PercentDecoding {
    /// Decodes `%XX` escapes; `plusAsSpace` is for `application/x-www-form-urlencoded`
    /// query strings. Returns nil for a malformed escape or bytes that are not UTF-8.
    public static func decode<S: StringProtocol>(_ text: S, plusAsSpace: Bool = false) -> S.SubSequence? where S.SubSequence == Substring {
        let utf8 = text.utf8
        if !utf8.contains(37) && !(plusAsSpace && utf8.contains(43)) { return text[...] }
        guard let decoded = decodeToString(text, plusAsSpace: plusAsSpace) else { return nil }
        return decoded[...]
    }

    /// Same as `decode` but always returns a String.
    public static func decodeToString<S: StringProtocol>(_ text: S, plusAsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case 37: // '%'
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            case 43 where plusAsSpace:
                bytes.append(32)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: return byte - 48
        case 65...70: return byte - 55
        case 97...102: return byte - 87
        default: return nil
        }
    }
}
