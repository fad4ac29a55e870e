import Glibc

/// A failed system call: the call's name and the errno it left behind.
public struct SocketError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The failing call, e.g. `bind` or `epoll_create1`.
    public let call: String
    /// The errno value the call set.
    public let errno: Int32

    /// Makes an error for `call` failing with `errno`.
    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// `bind failed: Address already in use (errno 98)`.
    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// The one place that knows how a Linux socket call fails: EINTR means "try
/// again" (a signal landed mid-call), EAGAIN/EWOULDBLOCK means "would block"
/// on a non-blocking descriptor, anything else is a `SocketError` naming the call.
enum Syscall {
    /// Runs `body` until it is not interrupted. Returns its non-negative result,
    /// or nil when the descriptor would block.
    @inline(__always)
    static func nonBlocking(_ call: StaticString, _ body: () -> Int) throws(SocketError) -> Int? {
        while true {
            let rc = body()
            if rc >= 0 { return rc }
            let code = Glibc.errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return nil }
            throw SocketError(call: "\(call)", errno: code)
        }
    }

    /// Like `nonBlocking`, for calls where "would block" is itself a failure.
    @inline(__always)
    static func checked(_ call: StaticString, _ body: () -> Int) throws(SocketError) -> Int {
        while true {
            let rc = body()
            if rc >= 0 { return rc }
            let code = Glibc.errno
            if code == EINTR { continue }
            throw SocketError(call: "\(call)", errno: code)
        }
    }

    /// Closes a descriptor. Never retried: on Linux the descriptor is released
    /// even when close reports EINTR, and retrying could close a reused number.
    @inline(__always)
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}
