#if canImport(Glibc)
import Glibc
#endif
// CLinux includes <sys/socket.h>; the socket constants are visible through it.
import CLinux

/// Where the load goes: an `http://host[:port][/path]` URL split and resolved once,
/// so the hot path only ever calls `connect` with stored address bytes.
struct Endpoint: Sendable {
    /// Host as written in the URL (also the Host header, with the port).
    let host: String
    /// TCP port.
    let port: UInt16
    /// Path and query of the URL ("/" when absent).
    let target: String
    /// Address family for `socket(2)`.
    let family: Int32
    /// The resolved `sockaddr` bytes for `connect(2)`.
    let address: [UInt8]

    /// Value for the Host header (RFC 9110 §7.2: host and port when not the default).
    var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? h : "\(h):\(port)"
    }

    /// Parses and resolves a URL; only plain http (the bench talks to loopback).
    init(url: String) throws(BenchError) {
        guard url.hasPrefix("http://") else { throw BenchError("only http:// URLs are supported: \(url)") }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let path = rest.dropFirst(authority.count)
        target = path.isEmpty ? "/" : (path.hasPrefix("?") ? "/" + path : String(path))
        var hostPart = Substring(authority)
        var portText: Substring = "80"
        if hostPart.hasPrefix("[") {
            // RFC 3986 §3.2.2: an IPv6 literal is bracketed.
            guard let close = hostPart.firstIndex(of: "]") else { throw BenchError("bad IPv6 literal in \(url)") }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { throw BenchError("no host in \(url)") }
        guard let port = UInt16(portText), port > 0 else { throw BenchError("bad port in \(url)") }
        host = String(hostPart)
        self.port = port
        (family, address) = try Self.resolve(host: host, port: port)
    }

    /// getaddrinfo once, at start-up; the first stream address wins.
    private static func resolve(host: String, port: UInt16) throws(BenchError) -> (Int32, [UInt8]) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>? = nil
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result, let addr = first.pointee.ai_addr else {
            let reason = rc == 0 ? "no address" : String(cString: gai_strerror(rc))
            throw BenchError("cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(result) }
        let bytes = UnsafeRawBufferPointer(start: addr, count: Int(first.pointee.ai_addrlen))
        return (first.pointee.ai_family, Array(bytes))
    }
}
