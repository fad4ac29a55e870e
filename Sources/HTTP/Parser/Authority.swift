/// The shape of an authority (`uri-host [ ":" port ]`, RFC 3986 §3.2) in a Host field or an
/// absolute-form target. Bytes are checked by `ByteClass.isHost`; this checks the structure:
/// an IP-literal closed by its `]`, at most one port separator, and a port of digits only.
/// A Host we would read one way and a proxy another is what host-confusion probes look for.
enum Authority {
    /// Why `b[start..<end]` is not an authority, or nil when it is one. An empty host is
    /// allowed only where the caller allows it (an empty Host field, RFC 9112 §3.2).
    static func problem(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, allowsEmptyHost: Bool) -> String? {
        var i = start
        while i < end {
            if b[i] == 0x40 { return "userinfo (@) is not allowed" }
            // A Host with a lone `%` is an invalid field value, a 400 (RFC 9110 §7.2).
            if b[i] == 0x25 {
                guard ByteClass.isPercentEscape(b, at: i, end: end) else { return "invalid percent-encoding" }
                i += 3
                continue
            }
            i += 1
        }
        i = start
        if i < end, b[i] == 0x5B {   // "[" IP-literal "]"
            i += 1
            while i < end, b[i] != 0x5D {
                guard isIPLiteralByte(b[i]) else { return "invalid IP literal" }
                i += 1
            }
            guard i < end, i > start + 1 else { return "unclosed IP literal" }
            i += 1
        } else {
            while i < end, b[i] != 0x3A {
                if b[i] == 0x5B || b[i] == 0x5D { return "invalid host" }
                i += 1
            }
            if i == start && !allowsEmptyHost { return "empty host" }
        }
        guard i < end else { return nil }
        guard b[i] == 0x3A else { return "invalid host" }
        i += 1
        while i < end {   // port = *DIGIT
            guard b[i] >= 0x30 && b[i] <= 0x39 else { return "invalid port" }
            i += 1
        }
        return nil
    }

    /// Hex digits, ":" and "." (IPv6, with an embedded IPv4), and what IPvFuture adds: "v",
    /// unreserved and sub-delims are rare enough to refuse; no client sends them.
    private static func isIPLiteralByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x46, 0x61...0x66, 0x3A, 0x2E: true
        default: false
        }
    }
}
