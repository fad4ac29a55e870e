/// The life of one connection as a value: which phase it is in and when that
/// phase's deadline passes. It performs no I/O and reads no clock: every
/// transition is told `now`, so tests drive it with made-up instants and the
/// event loop with the time it sampled for the current batch of events.
///
///     idle ──bytes──▶ readingHead ──head end──▶ readingBody ──request──▶ handling(n)
///       ▲                  │ (whole request at once)   ▲    │                  │
///       │                  │        admitted (read it) │    ▼ deferred         │
///       │                  │                         admitting                 │
///       │                  └───────────────────────────────────────────────▶│
///       └──────────── response queued (keep-alive) ◀──────────────────────────┘
///     response queued with close / parse error / answer from the head / 408 / 503 ──▶ finishing
///     finishing ──output flushed──▶ closing (write side shut, input drained) ──▶ closed
///
/// Independently of the phase, the output may be blocked on a full socket
/// buffer: then a write deadline runs, and the idle and read deadlines are
/// suspended (we read nothing while we cannot write; see `outputBlocked`).
struct ConnectionStateMachine: Sendable {
    /// How long each phase may last, in the nanoseconds deadlines are counted in.
    struct Timeouts: Sendable, Equatable {
        let header: Nanoseconds
        let body: Nanoseconds
        let idle: Nanoseconds
        let handler: Nanoseconds
        let write: Nanoseconds
        /// After an error response: how long input may pause before the close. Each read of it
        /// starts this wait again, up to `body` after the response went out (nginx's
        /// `lingering_timeout` and `lingering_time`): a client still uploading the body we
        /// refused from its head reads our answer only once it has sent it all.
        let linger: Nanoseconds

        init(header: Duration, body: Duration, idle: Duration, handler: Duration, write: Duration,
             linger: Duration) {
            self.header = Nanoseconds(header)
            self.body = Nanoseconds(body)
            self.idle = Nanoseconds(idle)
            self.handler = Nanoseconds(handler)
            self.write = Nanoseconds(write)
            self.linger = Nanoseconds(linger)
        }
    }

    /// Where the connection is in its request/response cycle.
    enum Phase: Equatable, Sendable {
        /// Keep-alive: no request in progress.
        case idle
        /// Bytes of a request arrived; its head is not complete.
        case readingHead
        /// The head is complete; the body is not.
        case readingBody
        /// The head is complete and the responder is deciding whether to read the body
        /// (`BodyAdmission.decideLater`): nothing is read meanwhile.
        case admitting
        /// Request number `n` is with the responder.
        case handling(UInt64)
        /// The last response is queued; close once it is flushed.
        case finishing
        /// The last response was flushed and the write side shut; input is
        /// read and dropped until EOF so the peer gets our response, not a reset.
        case closing
        /// Nothing more to do; the descriptor is closed.
        case closed
    }

    /// What the owner must do when a deadline passes.
    enum TimeoutAction: Equatable, Sendable {
        case none
        /// Close without a response (idle keep-alive, lingering).
        case close
        /// The peer stopped reading (a stalled write): close and drop what it never took, rather
        /// than leave the kernel holding megabytes of unsent output for minutes (nginx's
        /// `reset_timedout_connection`).
        case reset
        /// Queue this error response with `Connection: close`; the machine is now `finishing`.
        case respond(HTTPStatus, String)
    }

    let timeouts: Timeouts
    private(set) var phase: Phase = .idle
    /// The deadline of the current phase, when it has one.
    private(set) var phaseDeadline: MonotonicInstant?
    /// Set while output waits for the socket to drain.
    private(set) var writeDeadline: MonotonicInstant?
    /// The next response is the last (the peer asked, HTTP/1.0, draining, EOF).
    private(set) var closeRequested = false
    /// While `closing`: when draining input ends, however much still comes.
    private var lingerEnds: MonotonicInstant?
    /// Since when the connection has owed the server a request head: from its connect until its
    /// first head is complete, and from the first byte of each later one. Nil when it owes none.
    private var owesHeadSince: MonotonicInstant?
    /// When input last arrived (or the head was completed): a body's progress.
    private var lastInput: MonotonicInstant
    private var requestCount: UInt64 = 0

    /// How a connection holds its slot without moving (`stall(for:now:)`), which says how it is
    /// best let go when the server needs the slot.
    enum Stall: Equatable, Sendable {
        /// Connected and never sent a byte: closed silently, as at its header timeout.
        case silent
        /// Began a request head and has not finished it (a slowloris's drip): 408.
        case head
        /// Sent a head and then no body bytes: 408.
        case body
        /// Does not read what we send: reset, as at the write timeout.
        case notReading
    }

    /// A fresh connection counts as idle: it has no request in progress. But it has not earned
    /// the keep-alive allowance yet: a client that connects owes a request head, so a silent one
    /// is closed at the header timeout, not held for the idle one (connections that never send a
    /// byte would otherwise keep `max_connections` full for a minute each).
    init(timeouts: Timeouts, now: MonotonicInstant) {
        self.timeouts = timeouts
        phaseDeadline = now + min(timeouts.header, timeouts.idle)
        owesHeadSince = now
        lastInput = now
    }

    /// How the connection has held its slot without moving for `threshold` or longer at `now`, if
    /// it has: owed a request head since its connect or the head's first byte (a drip does not
    /// count as moving), sent no body bytes, or read none of our output. Nil while it moves, and
    /// while it waits on the server (a request handled or admitted).
    func stall(for threshold: Duration, now: MonotonicInstant) -> Stall? {
        if let deadline = writeDeadline {
            // The write deadline moves with each write that makes progress.
            return now - (deadline - timeouts.write) >= threshold ? .notReading : nil
        }
        switch phase {
        case .idle, .readingHead:
            guard let since = owesHeadSince, now - since >= threshold else { return nil }
            return phase == .idle ? .silent : .head
        case .readingBody:
            return now - lastInput >= threshold ? .body : nil
        case .admitting, .handling, .finishing, .closing, .closed:
            return nil
        }
    }

    /// Whether output is waiting for the peer to read.
    var outputBlocked: Bool { writeDeadline != nil }

    /// Kept alive after a response, with nothing in progress and nothing to send: closing it now
    /// costs its client only a reconnect, so it is the one to give up when slots run out.
    var isIdleKeepAlive: Bool { phase == .idle && requestCount > 0 && writeDeadline == nil }

    /// Answered in full and closing: our FIN is sent and only the client's is awaited (lingering).
    /// Its client has its answer, so its slot is the first to give up when slots run out.
    var isClosingAnswered: Bool { phase == .closing && writeDeadline == nil }

    /// Whether a new request may be parsed and dispatched now.
    var acceptsRequests: Bool {
        switch phase {
        case .idle, .readingHead, .readingBody: return writeDeadline == nil
        default: return false
        }
    }

    /// The earliest instant at which `timedOut` could act.
    var nextDeadline: MonotonicInstant? {
        guard let w = writeDeadline else { return phaseDeadline }
        if case .handling = phase, let p = phaseDeadline { return min(p, w) }
        return w
    }

    // MARK: Reading

    /// Request bytes arrived: an idle connection starts the header timer.
    mutating func bytesArrived(now: MonotonicInstant) {
        lastInput = now
        guard phase == .idle else { return }
        phase = .readingHead
        phaseDeadline = now + timeouts.header
        if owesHeadSince == nil { owesHeadSince = now }
    }

    /// The head is complete but the body is not: the body timer replaces the header timer.
    mutating func headCompleted(now: MonotonicInstant) {
        guard phase == .readingHead || phase == .idle else { return }
        phase = .readingBody
        phaseDeadline = now + timeouts.body
        owesHeadSince = nil
        lastInput = now
    }

    /// The responder deferred its decision on the body: the body timer stops, as it is the server,
    /// not the client, holding the body back now; the handler timeout bounds the wait instead.
    mutating func admissionDeferred(now: MonotonicInstant) {
        guard phase == .readingHead || phase == .readingBody else { return }
        phase = .admitting
        phaseDeadline = now + timeouts.handler
    }

    /// The responder decided to read the body: the client gets the whole body timeout from now.
    mutating func admissionGranted(now: MonotonicInstant) {
        guard phase == .admitting else { return }
        phase = .readingBody
        phaseDeadline = now + timeouts.body
        lastInput = now
    }

    /// A whole request was parsed. Returns its number for `responseQueued`,
    /// or nil when no request may be dispatched in this phase. `timeLimited: false` waits for
    /// the responder however long it takes (see `ServerConfiguration.handlerTimeout`).
    mutating func requestReceived(keepAlive: Bool, timeLimited: Bool = true, now: MonotonicInstant) -> UInt64? {
        guard acceptsRequests else { return nil }
        requestCount &+= 1
        owesHeadSince = nil
        if !keepAlive { closeRequested = true }
        phase = .handling(requestCount)
        phaseDeadline = timeLimited ? now + timeouts.handler : nil
        return requestCount
    }

    /// The request could not be parsed: its error response will be the last.
    mutating func requestFailed() {
        closeRequested = true
        phase = .finishing
        phaseDeadline = nil
        owesHeadSince = nil
    }

    /// The peer ended its input (read returned 0) and we need more of it.
    /// Returns true when the connection should close now (nothing left to send).
    mutating func inputEnded() -> Bool {
        closeRequested = true
        switch phase {
        case .idle, .readingHead, .readingBody:
            if writeDeadline == nil {
                close()
                return true
            }
            phase = .finishing
            phaseDeadline = nil
            return false
        case .closing:
            close()
            return true
        case .admitting, .handling, .finishing, .closed:
            return phase == .closed
        }
    }

    // MARK: Responding

    /// Makes the next response the last one (the responder sent `Connection: close`).
    mutating func requestClose() { closeRequested = true }

    /// The response to request `n` is queued for writing. Returns false when
    /// that request is no longer awaited (handler timed out, or `done` called twice).
    mutating func responseQueued(for n: UInt64, now: MonotonicInstant) -> Bool {
        guard phase == .handling(n) else { return false }
        if closeRequested {
            phase = .finishing
            phaseDeadline = nil
        } else {
            phase = .idle
            phaseDeadline = now + timeouts.idle
        }
        return true
    }

    /// A write could not finish: the peer's window is full.
    mutating func writeBlocked(now: MonotonicInstant) {
        if writeDeadline == nil { writeDeadline = now + timeouts.write }
    }

    /// A write made progress while blocked: the write timer restarts, so a
    /// large response to a slow but live reader is not cut off.
    mutating func writeProgressed(now: MonotonicInstant) {
        if writeDeadline != nil { writeDeadline = now + timeouts.write }
    }

    /// Input was read and dropped while `closing`: the peer is still sending (the rest of a
    /// body we answered without reading), so it may take a while yet to read our answer.
    mutating func lingerProgressed(now: MonotonicInstant) {
        guard phase == .closing, let ends = lingerEnds else { return }
        phaseDeadline = min(now + timeouts.linger, ends)
    }

    /// Everything queued has been written. Returns true when the write side
    /// should now be shut down (the connection enters `closing`).
    mutating func outputFlushed(now: MonotonicInstant) -> Bool {
        let wasBlocked = writeDeadline != nil
        writeDeadline = nil
        switch phase {
        case .finishing:
            phase = .closing
            lingerEnds = now + max(timeouts.linger, timeouts.body)
            phaseDeadline = now + timeouts.linger
            return true
        case .idle where wasBlocked:
            phaseDeadline = now + timeouts.idle
        case .readingHead where wasBlocked:
            phaseDeadline = now + timeouts.header
        case .readingBody where wasBlocked:
            phaseDeadline = now + timeouts.body
        default:
            break
        }
        return false
    }

    // MARK: Shutdown and timers

    /// Graceful shutdown began. Returns true when the connection should close
    /// now (idle, nothing to send); otherwise its current or next response is its last.
    mutating func beginDrain() -> Bool {
        closeRequested = true
        guard phase == .idle else { return phase == .closed }
        if writeDeadline == nil {
            close()
            return true
        }
        phase = .finishing
        phaseDeadline = nil
        return false
    }

    /// The descriptor was closed (or is about to be).
    mutating func close() {
        phase = .closed
        phaseDeadline = nil
        writeDeadline = nil
        owesHeadSince = nil
    }

    /// Whether the server, not the client, owes the next step: the responder is handling the
    /// request or deciding whether to read its body.
    var awaitsServer: Bool {
        if case .handling = phase { return true }
        return phase == .admitting
    }

    /// Whether the request being handled (or admitted) has outlived its handler deadline at `now`
    /// (the `timedOut` action would then be its 503, unless output is blocked past its own deadline).
    func handlerDeadlinePassed(now: MonotonicInstant) -> Bool {
        guard awaitsServer, let deadline = phaseDeadline else { return false }
        return now >= deadline
    }

    /// Acts on a deadline that has passed at `now` (a deadline equal to `now`
    /// has passed). Does nothing before.
    mutating func timedOut(now: MonotonicInstant) -> TimeoutAction {
        if let w = writeDeadline {
            if now >= w {
                close()
                return .reset
            }
            // Blocked output suspends every timer but the handler's.
            guard case .handling = phase else { return .none }
        }
        guard let deadline = phaseDeadline, now >= deadline else { return .none }
        switch phase {
        case .idle, .closing:
            close()
            return .close
        case .readingHead:
            requestFailed()
            return .respond(.requestTimeout, "request head not received in time")
        case .readingBody:
            requestFailed()
            return .respond(.requestTimeout, "request body not received in time")
        case .admitting:
            requestFailed()
            return .respond(.serviceUnavailable, "the server could not decide in time whether to take this request's body")
        case .handling:
            requestFailed()
            return .respond(.serviceUnavailable, "the request took too long to handle")
        case .finishing, .closed:
            return .none
        }
    }
}
