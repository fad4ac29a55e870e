import CLinux
import Glibc

/// The bytes a connection still has to send: response heads and small bodies
/// copied into one contiguous array, plus at most one large body kept by
/// reference (not copied) behind them. Both go out in one `sendmsg` when
/// possible; only what the kernel did not take stays queued (redis style).
struct OutboundBuffer: Sendable {
    /// Bodies at least this large are sent from the response's own storage.
    static let largeBody = 16 * 1024
    /// Capacity kept between responses; a buffer that grew past it is released
    /// once flushed so idle connections do not pin large allocations.
    static let retainedCapacity = 64 * 1024

    private var bytes: [UInt8] = []
    private var start = 0
    private var tail: [UInt8] = []
    private var tailStart = 0

    /// What a write achieved.
    enum WriteResult: Equatable, Sendable {
        /// Everything queued was sent.
        case flushed
        /// The socket buffer is full; `progressed` tells whether any byte went out.
        case blocked(progressed: Bool)
    }

    init() {}

    /// Whether nothing is waiting to be sent.
    var isEmpty: Bool { start == bytes.count && tailStart == tail.count }

    /// Number of bytes waiting to be sent.
    var count: Int { bytes.count - start + tail.count - tailStart }

    /// Lets `body` append to the contiguous part (for response heads).
    mutating func appendHead(_ body: (inout [UInt8]) -> Void) {
        moveTailIntoBytes()
        if start > 0 && start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
        }
        body(&bytes)
    }

    /// Appends a body, by reference when it is large.
    mutating func appendBody(_ body: [UInt8]) {
        guard !body.isEmpty else { return }
        moveTailIntoBytes()
        if body.count >= Self.largeBody {
            tail = body
            tailStart = 0
        } else {
            bytes.append(contentsOf: body)
        }
    }

    /// Appends raw bytes to the contiguous part.
    mutating func append(_ raw: [UInt8]) {
        appendHead { $0.append(contentsOf: raw) }
    }

    /// Drops everything queued (the connection is being torn down).
    mutating func removeAll() {
        bytes = []
        start = 0
        tail = []
        tailStart = 0
    }

    /// Sends as much as the socket takes. A short send means the kernel buffer
    /// is full, so we stop there rather than spend a syscall to hear EAGAIN.
    mutating func write(to fd: Int32) throws(SocketError) -> WriteResult {
        var progressed = false
        while !isEmpty {
            let wanted = count
            let sent: Int?
            if tailStart < tail.count && start < bytes.count {
                sent = try Self.sendTwo(fd, bytes, start, tail, tailStart)
            } else if tailStart < tail.count {
                sent = try Self.sendOne(fd, tail, tailStart)
            } else {
                sent = try Self.sendOne(fd, bytes, start)
            }
            guard let sent else { return .blocked(progressed: progressed) }
            if sent > 0 { progressed = true }
            consume(sent)
            if sent < wanted { return isEmpty ? .flushed : .blocked(progressed: progressed) }
        }
        return .flushed
    }

    private mutating func consume(_ n: Int) {
        let fromBytes = min(n, bytes.count - start)
        start += fromBytes
        tailStart += n - fromBytes
        if start == bytes.count {
            if bytes.capacity > Self.retainedCapacity { bytes = [] } else { bytes.removeAll(keepingCapacity: true) }
            start = 0
        }
        if tailStart == tail.count {
            tail = []
            tailStart = 0
        }
    }

    private mutating func moveTailIntoBytes() {
        guard tailStart < tail.count else { return }
        // Rare: a response queued behind a large body still in flight.
        bytes.append(contentsOf: tail[tailStart...])
        tail = []
        tailStart = 0
    }

    /// `send` with MSG_NOSIGNAL: a vanished peer yields EPIPE, not a process-killing SIGPIPE.
    private static func sendOne(_ fd: Int32, _ buffer: [UInt8], _ offset: Int) throws(SocketError) -> Int? {
        try Syscall.nonBlocking("send") {
            buffer.withUnsafeBytes { raw in
                send(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
        }
    }

    /// Head and large body in one `sendmsg` (writev with MSG_NOSIGNAL).
    private static func sendTwo(_ fd: Int32, _ first: [UInt8], _ firstOffset: Int,
                                _ second: [UInt8], _ secondOffset: Int) throws(SocketError) -> Int? {
        try Syscall.nonBlocking("sendmsg") {
            first.withUnsafeBytes { a in
                second.withUnsafeBytes { b in
                    var vectors = (
                        iovec(iov_base: a.baseAddress.map { UnsafeMutableRawPointer(mutating: $0 + firstOffset) },
                              iov_len: a.count - firstOffset),
                        iovec(iov_base: b.baseAddress.map { UnsafeMutableRawPointer(mutating: $0 + secondOffset) },
                              iov_len: b.count - secondOffset)
                    )
                    return withUnsafeMutableBytes(of: &vectors) { raw in
                        var message = msghdr()
                        message.msg_iov = raw.baseAddress?.assumingMemoryBound(to: iovec.self)
                        message.msg_iovlen = 2
                        return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                    }
                }
            }
        }
    }
}
