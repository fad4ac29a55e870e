import Glibc

/// An IPv4 or IPv6 socket address parsed from a literal (no DNS lookups: a
/// listen address is configuration, and resolving it could block or vary).
enum SocketAddress: Sendable {
    case v4(sockaddr_in)
    case v6(sockaddr_in6)

    /// Parses `host` ("127.0.0.1", "::1", "0.0.0.0", "::" or "localhost") with `port`.
    init(host: String, port: Int) throws(SocketError) {
        guard (0...65_535).contains(port) else { throw SocketError(call: "port", errno: EINVAL) }
        let literal = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_port = UInt16(port).bigEndian
        if inet_pton(AF_INET, literal, &v4.sin_addr) == 1 {
            self = .v4(v4)
            return
        }
        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        v6.sin6_port = UInt16(port).bigEndian
        // Accept the bracketed form too ("[::1]"), as in URLs.
        var bare = Substring(literal)
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
        if inet_pton(AF_INET6, String(bare), &v6.sin6_addr) == 1 {
            self = .v6(v6)
            return
        }
        throw SocketError(call: "inet_pton(\(host))", errno: EINVAL)
    }

    /// The address family, for `socket()`.
    var family: Int32 {
        switch self {
        case .v4: return AF_INET
        case .v6: return AF_INET6
        }
    }

    /// The same address with another port.
    func with(port: Int) -> SocketAddress {
        switch self {
        case .v4(var a):
            a.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
            return .v4(a)
        case .v6(var a):
            a.sin6_port = UInt16(truncatingIfNeeded: port).bigEndian
            return .v6(a)
        }
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch self {
        case .v4(var a):
            return withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(var a):
            return withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    /// `127.0.0.1:53122` or `[::1]:53122` for a peer address returned by accept.
    static func describe(_ storage: inout sockaddr_storage) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p -> String in
                    var addr = p.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
                    return "\(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)):\(UInt16(bigEndian: p.pointee.sin_port))"
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p -> String in
                    var addr = p.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                    return "[\(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))]:\(UInt16(bigEndian: p.pointee.sin6_port))"
                }
            }
        default:
            return "unknown"
        }
    }
}
