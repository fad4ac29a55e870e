import CLinux
import Glibc
import Synchronization

/// Counters shared by all loops of one server.
final class ServerCounters: Sendable {
    /// Connections accepted and not yet closed (rejected ones excluded).
    let open = Atomic<Int>(0)
    /// Body bytes held by requests still being read, past the first `BodyBudget.freeBytes` of each.
    let largeBodies = Atomic<Int>(0)
    /// Connections waiting for the responder to decide whether to read a body.
    let admitting = Atomic<Int>(0)
}

/// What requests still being read may hold of their bodies, server-wide. A body is kept in
/// memory until it is whole, so without a bound a client could open connections and send each
/// most of a `maxBodyBytes` body, then stop: with the default 1 MiB and 10,000 connections,
/// 10 GiB. The first `freeBytes` of every body are free (every JSON write is far smaller, so no
/// ordinary request ever waits on this); beyond that, bodies share `limit` bytes, and one that
/// would take more is refused with 503 and `Retry-After`.
public enum BodyBudget {
    /// Bytes of each body that do not count: what the parser reserves for any body up front.
    public static let freeBytes = RequestParser.initialBodyCapacity

    /// The share of all bodies beyond their first `freeBytes`: 32 bodies of the largest size
    /// allowed, and never less than 64 MiB.
    static func limit(_ limits: HTTPLimits) -> Int {
        max(64 << 20, 32 * limits.maxBodyBytes)
    }

    /// The part of a body of `bytes` that counts.
    static func counted(_ bytes: Int) -> Int { max(0, bytes - freeBytes) }

    /// How many connections may wait at once for the responder to decide whether to read a body
    /// (`BodyAdmission.decideLater`). Each holds what came with its head, up to one read, in the
    /// budget: so many can take at most a quarter of it, and bodies already admitted keep the rest
    /// (with a 64 MiB budget, 256). A request beyond them is refused with 503 and `Retry-After`.
    static func admissionLimit(_ limits: HTTPLimits) -> Int {
        max(1, limit(limits) / 4 / ServerWorker.readBufferSize)
    }
}

/// Everything one event loop serves: its listener, its connections (in a
/// slot table addressed by epoll tokens), its read buffer and Date cache.
///
/// `@unchecked Sendable`: it is built on the starting thread before its loop
/// thread exists (pthread_create orders those writes before the thread runs, `ring`
/// included), and from then on its mutable state is touched only on the loop thread:
/// every entry from another thread (`complete`, `beginDrain`, a newcomer handed over by
/// another loop) goes through `EventLoop.execute`.
final class ServerWorker: EventLoopDelegate, @unchecked Sendable {
    /// epoll token of the listening socket.
    static let listenerToken: UInt64 = .max - 1
    static let readBufferSize = 64 * 1024

    let loop: EventLoop
    let index: Int
    let configuration: ServerConfiguration
    /// `configuration.connectionTimeouts`, converted once rather than for every connection.
    let connectionTimeouts: ConnectionStateMachine.Timeouts
    let responder: any HTTPResponder
    private let counters: ServerCounters

    // Loop-thread state.
    private var listener: Int32?
    private var acceptPaused = false
    private var connections: [HTTPConnection?] = []
    private var generations: [UInt32] = []
    private var freeSlots: [Int] = []
    private var live = 0
    private var accepted: UInt64 = 0
    /// Connections to drive again after this round's events (`afterEvents`), and the list
    /// being driven, kept apart so that neither reallocates each round.
    private var resumable: [HTTPConnection] = []
    private var resuming: [HTTPConnection] = []
    /// Where the search for an idle keep-alive connection to close resumes.
    private var evictionCursor = 0
    /// Every loop of the server in order, this one at `index`: where a newcomer goes when this
    /// loop has no connection to let go for it. Set by `HTTPServer` before the loops start.
    var ring: [Sibling] = []
    private var drainDeadline: MonotonicInstant?
    private var date = HTTPDateCache()
    /// Scratch for every read on this loop: leftovers are copied out, so one
    /// 64 KiB buffer serves all connections.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// The connection whose responder is running right now, if any.
    var dispatchingToken: UInt64?
    private let largeBodyLimit: Int
    private let admissionLimit: Int

    /// A connection starts waiting for a body decision; false (nothing counted) when
    /// `BodyBudget.admissionLimit` connections already are.
    func admissionBegan() -> Bool {
        guard counters.admitting.add(1, ordering: .relaxed).newValue > admissionLimit else { return true }
        counters.admitting.subtract(1, ordering: .relaxed)
        return false
    }

    /// A connection stopped waiting for a body decision.
    func admissionEnded() {
        counters.admitting.subtract(1, ordering: .relaxed)
    }

    /// Moves a connection's counted body bytes from `old` to `new` in the server-wide budget
    /// (`BodyBudget`); false when growing them would pass its limit (the share is not taken then).
    func moveLargeBody(from old: Int, to new: Int) -> Bool {
        guard new != old else { return true }
        let total = counters.largeBodies.add(new - old, ordering: .relaxed).newValue
        guard new > old, total > largeBodyLimit else { return true }
        counters.largeBodies.subtract(new - old, ordering: .relaxed)
        return false
    }

    init(index: Int, listener: Int32, loop: EventLoop, configuration: ServerConfiguration,
         responder: any HTTPResponder, counters: ServerCounters) throws(SocketError) {
        self.index = index
        self.listener = listener
        self.loop = loop
        self.configuration = configuration
        connectionTimeouts = configuration.connectionTimeouts
        self.responder = responder
        self.counters = counters
        largeBodyLimit = BodyBudget.limit(configuration.limits)
        admissionLimit = BodyBudget.admissionLimit(configuration.limits)
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        // Level-triggered: whatever we leave in the accept queue is reported again.
        try loop.add(fd: listener, events: EPOLLIN.rawValue, token: Self.listenerToken)
    }

    deinit {
        readBuffer.deallocate()
        if let listener { Syscall.close(listener) }
    }

    // MARK: EventLoopDelegate

    func handleEvent(token: UInt64, events: UInt32) {
        if token == Self.listenerToken {
            acceptConnections()
        } else {
            connection(for: token)?.handleEvents(events)
        }
    }

    /// Drives the connections whose turn ran out with input left, once the round's events are
    /// handled: each ready connection gets one turn a round. True when some used theirs up
    /// again, so the loop polls for events without sleeping and comes back.
    func afterEvents() -> Bool {
        guard !resumable.isEmpty else { return false }
        swap(&resumable, &resuming)
        for connection in resuming { connection.resumeTurn() }
        resuming.removeAll(keepingCapacity: true)
        return !resumable.isEmpty
    }

    /// `connection` used its turn (`HTTPConnection.Turn`) and has more to do: it goes on
    /// after the loop's other connections.
    func resumeLater(_ connection: HTTPConnection) {
        resumable.append(connection)
    }

    /// The `Date:` line for a response written now. Read from the clock per response (`time` is
    /// a vDSO call, no system call) rather than on the tick: a loop asleep in `epoll_wait` ticks
    /// only every 250 ms, so a date refreshed there ran up to 1.25 s behind the response's second.
    func dateLine() -> [UInt8] {
        date.refresh()
        return date.line
    }

    func tick() {
        if acceptPaused, let listener {
            acceptPaused = (try? loop.modify(fd: listener, events: EPOLLIN.rawValue, token: Self.listenerToken)) == nil
        }
        for case let connection? in connections { connection.checkTimers() }
        if let deadline = drainDeadline, loop.now >= deadline {
            for case let connection? in connections { connection.close() }
        }
        stopIfDrained()
    }

    // MARK: Responses from any thread

    /// Builds the `Reply` for request `n` on the connection `token`: it sends the response
    /// only if `slot` says the connection has not given up on the request first.
    func makeReply(token: UInt64, request n: UInt64, slot: ReplySlot) -> Reply {
        Reply { [self] response in
            let delivery = slot.answer()
            if delivery == .sent { complete(token: token, request: n, response: response) }
            return delivery
        }
    }

    /// Builds the way back for a body decision the responder deferred on connection `token`:
    /// always through the loop's queue, never inline, as the responder may decide before
    /// `admitBody` has even returned, in the middle of the connection's parsing.
    /// It is used only if `slot` says the connection has not given up on the request first.
    func makeBodyDecision(token: UInt64, slot: ReplySlot) -> BodyDecision {
        BodyDecision { [self] answer in
            let delivery = slot.answer()
            if delivery == .sent {
                loop.execute { [self] in connection(for: token)?.bodyDecided(slot: slot, answer: answer) }
            }
            return delivery
        }
    }

    private func complete(token: UInt64, request n: UInt64, response: HTTPResponse) {
        // Inline when already on this loop, unless another connection's
        // responder is running (its bytes may sit in the shared read buffer).
        if loop.isCurrent && (dispatchingToken == nil || dispatchingToken == token) {
            connection(for: token)?.responseReady(request: n, response: response)
        } else {
            loop.execute { [self] in
                connection(for: token)?.responseReady(request: n, response: response)
            }
        }
    }

    // MARK: Graceful shutdown (loop thread)

    /// Stops accepting (the listener closes so new connects are refused),
    /// closes idle connections and lets busy ones finish until `deadline`.
    func beginDrain(until deadline: MonotonicInstant) {
        if let listener {
            Syscall.close(listener)
            self.listener = nil
        }
        drainDeadline = deadline
        for case let connection? in connections { connection.beginDrain() }
        stopIfDrained()
    }

    private func stopIfDrained() {
        guard drainDeadline != nil, live == 0 else { return }
        loop.stop()
    }

    // MARK: Connection table

    private func connection(for token: UInt64) -> HTTPConnection? {
        let slot = Int(truncatingIfNeeded: token & 0xFFFF_FFFF)
        guard slot < connections.count, generations[slot] == UInt32(truncatingIfNeeded: token >> 32) else { return nil }
        return connections[slot]
    }

    /// Called by a connection once its descriptor is closed.
    func connectionClosed(_ connection: HTTPConnection) {
        let slot = Int(truncatingIfNeeded: connection.token & 0xFFFF_FFFF)
        guard slot < connections.count, connections[slot] === connection else { return }
        connections[slot] = nil
        // A new generation makes stale tokens (late `done`, old epoll events) miss.
        generations[slot] &+= 1
        freeSlots.append(slot)
        live -= 1
        counters.open.wrappingSubtract(1, ordering: .relaxed)
        stopIfDrained()
    }

    private func acceptConnections() {
        // A bounded batch per wake-up keeps a connection storm from starving
        // the connections already served; level triggering brings us back.
        for _ in 0..<128 {
            guard let listener else { return }
            let accepted: (fd: Int32, peer: String)?
            do {
                accepted = try Socket.accept(listener)
            } catch {
                switch error.errno {
                case ECONNABORTED, EPROTO, EPERM, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET,
                     EHOSTUNREACH, EOPNOTSUPP, ENETUNREACH:
                    continue  // that one connection failed; the next may not
                default:
                    // Out of descriptors before max_connections (a low `ulimit -n`): a connection
                    // whose client loses least gives its descriptor back, as when full. Otherwise
                    // idle keep-alive connections held every descriptor for their idle timeout
                    // while new clients, /healthz included, waited unanswered in the backlog.
                    if error.errno == EMFILE || error.errno == ENFILE {
                        if makeRoom() { continue }
                        // Descriptors are the process's: one let go on another loop serves here,
                        // where accepting resumes at the next tick.
                        if let next = nextLoop { next.loop.execute { _ = next.makeRoom() } }
                    }
                    // Nothing to let go, or ENOBUFS/ENOMEM: out of resources. Stop watching the
                    // listener until the next tick, or level triggering would spin.
                    acceptPaused = (try? loop.modify(fd: listener, events: 0, token: Self.listenerToken)) != nil
                    return
                }
            }
            guard let accepted else { return }
            admit(fd: accepted.fd, peer: accepted.peer, loopsWithoutRoom: 0)
        }
    }

    /// Serves a newcomer while the server is under `maxConnections`. Full, a connection of this
    /// loop whose client loses least makes room (`makeRoom`); with none here, the newcomer goes
    /// to the next loop, which does the same: the limit is the server's, and the idle connection
    /// that could make room may be on any loop (`SO_REUSEPORT` spreads them by hash). Only when
    /// every loop had none is the newcomer refused.
    private func admit(fd: Int32, peer: String, loopsWithoutRoom: Int) {
        // Draining: this loop takes no one new.
        guard listener != nil else { return reject(fd) }
        let count = counters.open.wrappingAdd(1, ordering: .relaxed).newValue
        if count <= configuration.maxConnections { return register(fd: fd, peer: peer) }
        counters.open.wrappingSubtract(1, ordering: .relaxed)
        if makeRoom() {
            counters.open.wrappingAdd(1, ordering: .relaxed)
            return register(fd: fd, peer: peer)
        }
        guard loopsWithoutRoom + 1 < ring.count, let next = nextLoop else { return reject(fd) }
        let passedOn = HandedOverConnection(fd: fd)
        let queued = next.loop.execute {
            guard let fd = passedOn.take() else { return }
            next.admit(fd: fd, peer: peer, loopsWithoutRoom: loopsWithoutRoom + 1)
        }
        if !queued, let fd = passedOn.take() { reject(fd) }
    }

    /// The loop after this one in `ring`; nil with one loop.
    private var nextLoop: ServerWorker? {
        guard ring.count > 1 else { return nil }
        return ring[(index + 1) % ring.count].worker
    }

    /// A server's loop as its siblings hold it: the server owns its workers, which must not own
    /// each other. Unowned, not weak: a weak reference gives the object a side table, and every
    /// retain and release of the worker (a few per request) then took the slow path, 5 % of
    /// `/healthz`'s instructions. The workers live as long as their loops run.
    struct Sibling {
        unowned let worker: ServerWorker
    }

    /// How long a connection may hold its slot without moving (owe its head, send no body bytes,
    /// read none of our output) before, when the server is full, it is let go for a newcomer.
    static let stallEviction: Duration = .seconds(1)

    /// Closes one connection of this loop to make room for a newcomer, looking at a bounded number
    /// of slots from where the last search stopped (so a full server does not scan 10,000 per
    /// accept): an idle keep-alive one, whose client loses only a reconnect (nginx reuses its
    /// keep-alive connections so), or one answered and closing that waits only for its client's
    /// FIN, else one stalled for a second or more (`stallEviction`): so
    /// connections opened and left silent, fed a byte of a head at a time (slowloris), left in the
    /// middle of a body, or never reading their answers, cannot keep everyone else out until their
    /// timeouts. Connections waiting on the server (handled, admitted) are never chosen.
    private func makeRoom() -> Bool {
        guard !connections.isEmpty else { return false }
        var stalled: (connection: HTTPConnection, stall: ConnectionStateMachine.Stall)?
        for _ in 0..<min(connections.count, 256) {
            evictionCursor = (evictionCursor + 1) % connections.count
            guard let connection = connections[evictionCursor] else { continue }
            if connection.machine.isIdleKeepAlive {
                connection.close()
                return true
            }
            if connection.leaveIfAnswered() { return true }
            if stalled == nil, let stall = connection.machine.stall(for: Self.stallEviction, now: loop.now) {
                stalled = (connection, stall)
            }
        }
        guard let stalled else { return false }
        stalled.connection.evict(stalled.stall)
        return true
    }

    private func register(fd: Int32, peer: String) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = connections.count
            connections.append(nil)
            generations.append(0)
        }
        let token = UInt64(generations[slot]) << 32 | UInt64(slot)
        self.accepted &+= 1
        let info = ConnectionInfo(id: self.accepted << 8 | UInt64(index & 0xFF), remoteAddress: peer)
        let connection = HTTPConnection(fd: fd, token: token, info: info, worker: self, now: loop.now)
        connections[slot] = connection
        live += 1
        do {
            // Edge-triggered input and output, registered once for the connection's life.
            let events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
            try loop.add(fd: fd, events: events, token: token)
        } catch {
            connection.close()
        }
    }

    /// Over `maxConnections`: answer 503 at once and close, without tracking
    /// the connection. Pending input is read first so that closing sends a FIN
    /// after the response rather than a reset that would destroy it.
    private func reject(_ fd: Int32) {
        _ = Socket.discardInput(fd, scratch: readBuffer)
        var output = OutboundBuffer()
        var response = configuration.errorRenderer(.serviceUnavailable, "too many connections", nil)
        // Slots free as connections finish or time out (RFC 9110 §10.2.3: when to try again).
        response.headers.set("Retry-After", "1")
        ResponseSerializer.write(response, isHead: false, connection: .close, dateLine: dateLine(), into: &output)
        _ = try? output.write(to: fd)
        Socket.shutdownWrite(fd)
        Syscall.close(fd)
    }
}

/// An accepted descriptor on its way from one loop to another. Whoever takes it serves or
/// refuses it; released untaken (the hand-over was still queued on a loop that stopped, and
/// dropped with its queue), it is closed, so no descriptor outlives the server unseen.
/// `@unchecked Sendable`: one thread at a time has it, handed over through the loop's locked queue.
final class HandedOverConnection: @unchecked Sendable {
    private var fd: Int32?

    init(fd: Int32) { self.fd = fd }

    /// The descriptor, to the first caller only.
    func take() -> Int32? {
        defer { fd = nil }
        return fd
    }

    deinit {
        if let fd { Syscall.close(fd) }
    }
}
