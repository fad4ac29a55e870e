import CLinux
import Glibc

/// The few socket operations the server performs, each through `Syscall`.
enum Socket {
    /// A listening socket on `address`, non-blocking and CLOEXEC. SO_REUSEPORT
    /// lets every event loop bind its own listener to the same port, so the
    /// kernel spreads connections across loops without a shared accept lock.
    static func listen(on address: SocketAddress, backlog: Int32) throws(SocketError) -> Int32 {
        let fd = try bound(to: address, reusePort: true)
        do {
            _ = try Syscall.checked("listen") { Int(Glibc.listen(fd, backlog)) }
            return fd
        } catch {
            Syscall.close(fd)
            throw error
        }
    }

    /// Throws EADDRINUSE when anything listens on `address` already, another process's
    /// SO_REUSEPORT listeners included: ours would otherwise join their group and the kernel
    /// would split connections between two servers (and two databases). A socket without
    /// SO_REUSEPORT conflicts with every listener on the port, so binding one tells.
    static func checkUnused(_ address: SocketAddress) throws(SocketError) {
        Syscall.close(try bound(to: address, reusePort: false))
    }

    /// A non-blocking CLOEXEC socket bound to `address`. SO_REUSEADDR always: a restart may bind
    /// while old connections sit in TIME_WAIT.
    private static func bound(to address: SocketAddress, reusePort: Bool) throws(SocketError) -> Int32 {
        let fd = Int32(try Syscall.checked("socket") {
            Int(socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0))
        })
        do {
            _ = try Syscall.checked("setsockopt(SO_REUSEADDR)") {
                Int(clinux_setsockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1))
            }
            if reusePort {
                _ = try Syscall.checked("setsockopt(SO_REUSEPORT)") {
                    Int(clinux_setsockopt_int(fd, SOL_SOCKET, SO_REUSEPORT, 1))
                }
            }
            _ = try Syscall.checked("bind") {
                Int(address.withSockAddr { bind(fd, $0, $1) })
            }
            return fd
        } catch {
            Syscall.close(fd)
            throw error
        }
    }

    /// The port a socket is bound to (the real one after binding port 0).
    static func boundPort(_ fd: Int32) throws(SocketError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try Syscall.checked("getsockname") {
            Int(withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            })
        }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        default:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
        }
    }

    /// Accepts one pending connection, already non-blocking and CLOEXEC
    /// (accept4 sets both atomically), or nil when none is pending.
    static func accept(_ listener: Int32) throws(SocketError) -> (fd: Int32, peer: String)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        guard let fd = try Syscall.nonBlocking("accept4", {
            Int(withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { clinux_accept4(listener, $0, &length, flags) }
            })
        }) else { return nil }
        // TCP_NODELAY: a response is written whole, so Nagle would only hold
        // back its last segment until the peer's delayed ACK (up to 40 ms).
        _ = clinux_setsockopt_int(Int32(fd), Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        return (Int32(fd), SocketAddress.describe(&storage))
    }

    /// Makes the next close send a reset and discard unsent output (SO_LINGER on, 0 s), so a peer
    /// that stopped reading does not keep the kernel's send buffer alive after we gave up on it.
    static func resetOnClose(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    /// Reads into `buffer`; nil when nothing is available, 0 at end of input.
    @inline(__always)
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int? {
        try Syscall.nonBlocking("recv") { recv(fd, buffer.baseAddress, buffer.count, 0) }
    }

    /// Shuts the write side: our FIN follows the response already queued.
    static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// What `discardInput` found.
    enum Drained {
        /// Nothing was pending.
        case nothing
        /// Bytes were read and dropped; more may come.
        case some
        /// End of input, or an error: nothing more will come.
        case ended
    }

    /// Reads and drops whatever input is pending (before closing, so that
    /// unread data does not turn our FIN into a reset that destroys the response
    /// in the peer's receive buffer). At most 16 reads per call, so a peer that
    /// keeps sending cannot hold the loop; the lingering deadline ends such a connection.
    static func discardInput(_ fd: Int32, scratch: UnsafeMutableRawBufferPointer) -> Drained {
        var drained = Drained.nothing
        for _ in 0..<16 {
            do {
                guard let n = try read(fd, into: scratch) else { return drained }
                if n == 0 { return .ended }
                drained = .some
            } catch {
                return .ended
            }
        }
        return drained
    }
}
