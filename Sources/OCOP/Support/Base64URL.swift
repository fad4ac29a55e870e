/// RFC 4648 §5 base64url without padding: URL- and header-safe token text.
public enum Base64URL {
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    /// Characters of the encoding of `byteCount` bytes: ceil(4n/3), no '='.
    public static func encodedLength(_ byteCount: Int) -> Int { (byteCount * 4 + 2) / 3 }

    /// Encodes `bytes`; the result has `encodedLength(bytes.count)` characters.
    public static func encode(_ bytes: [UInt8]) -> String {
        let length = encodedLength(bytes.count)
        return String(unsafeUninitializedCapacity: length) { out in
            alphabet.withUTF8Buffer { table in
                var o = 0
                var i = 0
                while i + 3 <= bytes.count {
                    let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    out[o] = table[Int(n >> 18 & 63)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    out[o + 2] = table[Int(n >> 6 & 63)]
                    out[o + 3] = table[Int(n & 63)]
                    i += 3
                    o += 4
                }
                // §3.2: padding is omitted; 1 leftover byte → 2 chars, 2 → 3 chars.
                let left = bytes.count - i
                if left > 0 {
                    let n = UInt32(bytes[i]) << 16 | (left == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                    out[o] = table[Int(n >> 18 & 63)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    o += 2
                    if left == 2 {
                        out[o] = table[Int(n >> 6 & 63)]
                        o += 1
                    }
                }
                return o
            }
        }
    }

    /// Decodes canonical unpadded base64url; nil for any other text.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case 65...90: v = UInt32(c - 65)
            case 97...122: v = UInt32(c - 71)
            case 48...57: v = UInt32(c + 4)
            case 45: v = 62
            case 95: v = 63
            default: return nil
            }
            buffer = buffer << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(buffer >> UInt32(bits) & 0xFF))
            }
        }
        // Leftover bits must be zero padding of a canonical encoding; 6 leftover bits means a truncated string.
        guard bits < 6, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}
