/// A UUID a device made (RFC 9562 §4 text form: 8-4-4-4-12 hex digits), kept in canonical
/// lower case so `A1…` and `a1…` are one id — the idempotency key of a change or a sale.
public struct ClientUUID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 36 characters, lower-case hexadecimal and hyphens.
    public let text: String

    /// Accepts any RFC 9562 UUID in its hyphenated text form, either case; nil otherwise.
    /// The version and variant digits are not checked: terminals use v4, v7 or their own.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        var canonical = [UInt8]()
        canonical.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard b == UInt8(ascii: "-") else { return nil }
                canonical.append(b)
            } else if (48...57).contains(b) || (97...102).contains(b) {
                canonical.append(b)
            } else if (65...70).contains(b) {
                canonical.append(b + 32)
            } else {
                return nil
            }
        }
        self.text = String(decoding: canonical, as: UTF8.self)
    }

    /// Formats 16 bytes as a UUID.
    init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a UUID is 16 bytes")
        let hex = Hex.encode(bytes)
        let h = Array(hex.utf8)
        let dash = [UInt8(ascii: "-")]
        let parts = Array(h[0..<8]) + dash + Array(h[8..<12]) + dash + Array(h[12..<16]) + dash + Array(h[16..<20])
            + dash + Array(h[20..<32])
        text = String(decoding: parts, as: UTF8.self)
    }

    /// A fresh random UUID (version 4) for changes the server makes itself.
    public static func random() -> ClientUUID {
        var bytes = SecureRandom.bytes(16)
        bytes[6] = bytes[6] & 0x0F | 0x40   // version 4 (RFC 9562 §5.4)
        bytes[8] = bytes[8] & 0x3F | 0x80   // variant 10xx (§4.1)
        return ClientUUID(bytes: bytes)
    }

    /// A name-based UUID derived from `name` by SHA-256 (version 8, RFC 9562 §5.8): the same
    /// name always gives the same UUID, so an id made from a sale and a line number is
    /// stable across retries of that sale.
    public static func derived(from name: String) -> ClientUUID {
        var bytes = Array(SHA256.hash(name).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80   // version 8: custom
        bytes[8] = bytes[8] & 0x3F | 0x80   // variant 10xx
        return ClientUUID(bytes: bytes)
    }

    /// The 16 bytes the text spells (RFC 9562 §4), as the ledger stores them. Their byte order
    /// is the order of the lower-case text, so sorting either way agrees.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        var i = 0, high = true
        for b in text.utf8 where b != UInt8(ascii: "-") {
            // `text` is canonical: only 0-9 and a-f remain once hyphens are skipped.
            let nibble = b <= UInt8(ascii: "9") ? b &- UInt8(ascii: "0") : b &- UInt8(ascii: "a") &+ 10
            if high { out[i] = nibble << 4 } else { out[i] |= nibble; i += 1 }
            high.toggle()
        }
        return out
    }

    /// The UUID of 16 stored bytes; nil when there are not 16.
    public init?(stored bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.init(bytes: bytes)
    }

    public var description: String { text }

    public static func < (lhs: ClientUUID, rhs: ClientUUID) -> Bool { lhs.text < rhs.text }
}
