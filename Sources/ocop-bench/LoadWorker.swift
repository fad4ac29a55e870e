#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// One keep-alive client connection of a worker, driven by the worker's epoll loop.
private final class Connection {
    enum Phase: Equatable {
        /// Non-blocking connect in progress (EPOLLOUT tells when it settles).
        case connecting
        /// Request bytes not all sent yet.
        case writing
        /// Request sent; waiting for the whole response.
        case reading
        /// Connect failed; retry at the given time rather than spin on a dead port.
        case backoff(until: UInt64)
        /// No more requests to send (request budget spent); socket closed.
        case stopped
    }

    var fd: Int32 = -1
    /// Bumped on every (re)connect and packed into the epoll data, so an event for a
    /// socket already replaced is recognised and ignored.
    var generation: UInt32 = 0
    var phase = Phase.stopped
    var out: [UInt8] = []
    var outOffset = 0
    /// Whether EPOLLOUT is armed: only while a write is pending (redis `ae` style).
    var wantsWrite = false
    var reader = HTTPResponseReader()
    /// When the request (or the connect) started, for latency and timeouts.
    var startedAt: UInt64 = 0
}

/// One thread's share of the load: its own epoll instance, its connections, its
/// buffers and statistics, so threads share nothing but the request counter.
/// Closed loop: each connection sends a request, reads the whole response, records
/// the latency and sends the next, until the deadline or the request budget.
final class LoadWorker {
    private let config: LoadConfig
    private let shared: LoadShared
    private let deadline: UInt64
    private let timeoutNanos: UInt64
    private var connections: [Connection]
    private var stats = LoadStats()
    private var random = FastRandom()
    private var scratch: [UInt8] = []
    private var epfd: Int32 = -1
    private let readBuffer: UnsafeMutableRawPointer
    private static let readBufferSize = 64 * 1024
    private static let backoffNanos: UInt64 = 20_000_000
    private var active: Int
    private var inBackoff = 0
    /// Set when `stopWhenRefused` applies: the loop ends at its next turn.
    private var givenUp = false

    /// Prepares a worker with `connectionCount` connections; nothing opens until `run`.
    init(config: LoadConfig, shared: LoadShared, connectionCount: Int, deadline: UInt64) {
        self.config = config
        self.shared = shared
        self.deadline = deadline
        timeoutNanos = UInt64(config.timeout * 1e9)
        connections = (0..<connectionCount).map { _ in Connection() }
        active = connectionCount
        readBuffer = UnsafeMutableRawPointer.allocate(byteCount: Self.readBufferSize, alignment: 16)
    }

    deinit { readBuffer.deallocate() }

    /// Runs the loop until the deadline (or the budget is spent) and returns the stats.
    func run() -> LoadStats {
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else {
            stats.count(.connect, errno: errno)
            return stats
        }
        defer { close(epfd) }
        for index in connections.indices { open(index) }
        var datas = [UInt64](repeating: 0, count: 256)
        var events = [UInt32](repeating: 0, count: 256)
        var lastSweep = MonotonicClock.now()
        while active > 0 {
            let now = MonotonicClock.now()
            if now >= deadline || givenUp || config.interrupt?.raised == true { break }
            // Wake at least every 50 ms for timeouts and backoffs, and at the deadline.
            let wait = Swift.min(50, Int32((deadline - now) / 1_000_000) + 1)
            let n = clinux_epoll_wait(epfd, &datas, &events, 256, wait)
            if n < 0 && errno != EINTR { break }
            for k in 0..<Swift.max(0, Int(n)) {
                let index = Int(datas[k] & 0xFFFF_FFFF)
                let generation = UInt32(truncatingIfNeeded: datas[k] >> 32)
                guard index < connections.count, connections[index].generation == generation else { continue }
                handle(index, events: events[k])
            }
            let after = MonotonicClock.now()
            if after &- lastSweep >= 50_000_000 {
                sweep(now: after)
                lastSweep = after
            }
        }
        for connection in connections where connection.fd >= 0 { close(connection.fd) }
        return stats
    }

    // MARK: Connection lifecycle

    /// Opens a fresh socket for connection `index` and starts a non-blocking connect.
    private func open(_ index: Int) {
        let c = connections[index]
        c.generation &+= 1
        c.reader = HTTPResponseReader()
        c.wantsWrite = false
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(config.endpoint.family, type, 0)
        guard fd >= 0 else { return connectFailed(index, errno) }
        c.fd = fd
        // Requests are small and latency is what we measure: no Nagle delay.
        _ = clinux_setsockopt_int(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        c.startedAt = MonotonicClock.now()
        let rc = config.endpoint.address.withUnsafeBytes { raw in
            connect(fd, raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if rc == 0 {
            // Loopback connects can finish at once.
            c.phase = .connecting
            register(index, events: EPOLLIN_EVENTS, op: EPOLL_CTL_ADD)
            connected(index)
        } else if errno == EINPROGRESS {
            c.phase = .connecting
            register(index, events: UInt32(EPOLLOUT.rawValue), op: EPOLL_CTL_ADD)
        } else {
            connectFailed(index, errno)
        }
    }

    private var EPOLLIN_EVENTS: UInt32 { UInt32(EPOLLIN.rawValue) | UInt32(EPOLLRDHUP.rawValue) }

    private func register(_ index: Int, events: UInt32, op: Int32) {
        let c = connections[index]
        let data = UInt64(index) | UInt64(c.generation) << 32
        _ = clinux_epoll_ctl(epfd, op, c.fd, events, data)
    }

    private func connected(_ index: Int) {
        stats.connects += 1
        sendNext(index)
    }

    private func connectFailed(_ index: Int, _ code: Int32) {
        stats.count(.connect, errno: code)
        if code == ECONNREFUSED && config.stopWhenRefused { givenUp = true }
        let c = connections[index]
        if c.fd >= 0 { close(c.fd); c.fd = -1 }
        c.phase = .backoff(until: MonotonicClock.now() &+ Self.backoffNanos)
        inBackoff += 1
    }

    /// Drops the socket and starts over (after a failure or a `Connection: close`).
    private func reconnect(_ index: Int) {
        let c = connections[index]
        if c.fd >= 0 { close(c.fd); c.fd = -1 }
        open(index)
    }

    private func fail(_ index: Int, _ kind: LoadErrorKind, errno code: Int32 = 0) {
        stats.count(kind, errno: code)
        reconnect(index)
    }

    /// Retries connections whose backoff ended; abandons requests past the timeout.
    private func sweep(now: UInt64) {
        for index in connections.indices {
            let c = connections[index]
            switch c.phase {
            case .backoff(let until) where now >= until:
                inBackoff -= 1
                open(index)
            case .connecting where now &- c.startedAt > timeoutNanos:
                connectFailed(index, ETIMEDOUT)
            case .writing where now &- c.startedAt > timeoutNanos,
                 .reading where now &- c.startedAt > timeoutNanos:
                fail(index, .timeout)
            default:
                break
            }
        }
    }

    // MARK: Requests

    /// Starts the next request on a connected socket, or retires the connection when
    /// the budget is spent.
    private func sendNext(_ index: Int) {
        let c = connections[index]
        let ticket = shared.issued.wrappingAdd(1, ordering: .relaxed).newValue
        if let limit = config.requestLimit, ticket > limit {
            if c.fd >= 0 { close(c.fd); c.fd = -1 }
            c.phase = .stopped
            active -= 1
            return
        }
        let requests = config.requests
        let request = requests.count == 1 ? requests[0] : requests[random.oneThrough(requests.count) - 1]
        if let bytes = request.prerendered {
            c.out = bytes // shares the storage: no copy
        } else {
            request.render(into: &c.out, scratch: &scratch, random: &random, sequence: ticket)
        }
        c.outOffset = 0
        c.reader.reset(headRequest: request.isHead)
        c.phase = .writing
        c.startedAt = MonotonicClock.now()
        write(index)
    }

    /// Sends what is left of the request; arms EPOLLOUT only if the socket is full.
    private func write(_ index: Int) {
        let c = connections[index]
        while c.outOffset < c.out.count {
            let n = c.out.withUnsafeBytes { raw in
                // MSG_NOSIGNAL: a server that vanished must give EPIPE, not kill us.
                send(c.fd, raw.baseAddress! + c.outOffset, raw.count - c.outOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                c.outOffset += n
                stats.bytesWritten += n
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                if !c.wantsWrite {
                    c.wantsWrite = true
                    register(index, events: EPOLLIN_EVENTS | UInt32(EPOLLOUT.rawValue), op: EPOLL_CTL_MOD)
                }
                return
            }
            return fail(index, code == EPIPE || code == ECONNRESET ? .reset : .write, errno: code)
        }
        if c.phase == .writing { c.phase = .reading }
        if c.wantsWrite {
            c.wantsWrite = false
            register(index, events: EPOLLIN_EVENTS, op: EPOLL_CTL_MOD)
        }
    }

    // MARK: Events

    private func handle(_ index: Int, events: UInt32) {
        let c = connections[index]
        switch c.phase {
        case .connecting:
            // The connect settled: SO_ERROR says how (connect(2), "EINPROGRESS").
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            let rc = getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if rc != 0 || error != 0 { return connectFailed(index, rc != 0 ? errno : error) }
            c.phase = .reading // placeholder until sendNext sets .writing
            register(index, events: EPOLLIN_EVENTS, op: EPOLL_CTL_MOD)
            connected(index)
        case .writing, .reading:
            let generation = c.generation
            if events & UInt32(EPOLLOUT.rawValue) != 0 && c.phase == .writing { write(index) }
            // The write may have failed and replaced the socket; this event was for the old one.
            if c.generation != generation || c.fd < 0 { return }
            let readable = UInt32(EPOLLIN.rawValue) | UInt32(EPOLLRDHUP.rawValue)
                | UInt32(EPOLLHUP.rawValue) | UInt32(EPOLLERR.rawValue)
            if events & readable != 0 { read(index) }
        case .backoff, .stopped:
            break
        }
    }

    /// Reads what is available and feeds it to the response reader.
    private func read(_ index: Int) {
        let c = connections[index]
        let generation = c.generation
        while c.generation == generation {
            let n = Glibc.read(c.fd, readBuffer, Self.readBufferSize)
            if n > 0 {
                stats.bytesRead += n
                let input = UnsafeBufferPointer(start: readBuffer.assumingMemoryBound(to: UInt8.self), count: n)
                switch c.reader.feed(input) {
                case .needMore:
                    // Level-triggered epoll reports the rest; a full buffer means read again now.
                    if n < Self.readBufferSize { return }
                case .complete(let consumed):
                    if consumed < n { return fail(index, .unexpectedBytes) }
                    return completed(index)
                case .failed:
                    return fail(index, .malformedResponse)
                }
            } else if n == 0 {
                return closedByPeer(index)
            } else {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { return }
                return fail(index, code == ECONNRESET ? .reset : .read, errno: code)
            }
        }
    }

    private func closedByPeer(_ index: Int) {
        let c = connections[index]
        if c.reader.finishAtEOF() { return completed(index, peerClosed: true) }
        fail(index, c.reader.started ? .closedMidResponse : .closedBeforeResponse)
    }

    /// Records a whole response and moves on: next request, or a new connection when
    /// the server asked to close (or answered before the request was fully sent).
    private func completed(_ index: Int, peerClosed: Bool = false) {
        let c = connections[index]
        let now = MonotonicClock.now()
        stats.latency.record(now &- c.startedAt)
        stats.completed += 1
        stats.statusCounts[c.reader.status < 600 ? c.reader.status : 599] += 1
        if !peerClosed && c.reader.keepAlive && c.outOffset == c.out.count {
            sendNext(index)
        } else {
            reconnect(index)
        }
    }
}
