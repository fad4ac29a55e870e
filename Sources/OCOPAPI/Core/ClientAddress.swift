import HTTP

/// Who is calling, as an address without its port: what the access log names and
/// what `AuthFailureLimiter` counts by.
///
/// Behind a TLS proxy every connection comes from the proxy, so with
/// `trust_forwarded_for` the address is the last entry of `X-Forwarded-For`, the one
/// the proxy itself appended; entries before it are whatever the client claimed.
/// Only turn it on when nothing but the proxy can reach the server: a client talking
/// to us directly could name any address there.
public enum ClientAddress {
    public static func of(_ request: HTTPRequest, peer: String, trustForwardedFor: Bool) -> String {
        if trustForwardedFor, let forwarded = lastForwarded(request) { return forwarded }
        return withoutPort(peer)
    }

    /// `127.0.0.1:53122` → `127.0.0.1`, `[::1]:53122` → `::1`.
    static func withoutPort(_ peer: String) -> String {
        if peer.hasPrefix("["), let close = peer.firstIndex(of: "]") {
            return String(peer[peer.index(after: peer.startIndex)..<close])
        }
        guard let colon = peer.lastIndex(of: ":") else { return peer }
        return String(peer[..<colon])
    }

    /// The last element of the last `X-Forwarded-For` field, when it looks like an address.
    /// Proxies write bare addresses there (nginx's `$remote_addr`), so it is taken as it is.
    private static func lastForwarded(_ request: HTTPRequest) -> String? {
        guard let field = request.headers.values("X-Forwarded-For").last,
              let last = field.split(separator: ",").last?.trimmingASCIIWhitespace(),
              (1...64).contains(last.utf8.count),
              last.utf8.allSatisfy(isAddressByte) else { return nil }
        return String(last)
    }

    /// Hex digits, dots, colons and brackets: IPv4, IPv6 and their bracketed forms.
    private static func isAddressByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x46, 0x61...0x66, 0x2E, 0x3A, 0x5B, 0x5D: true
        default: false
        }
    }
}
