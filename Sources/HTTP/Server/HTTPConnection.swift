import CLinux
import Glibc

/// One accepted TCP connection: moves bytes between the socket, the parser,
/// the responder and the outbound buffer, and lets `ConnectionStateMachine`
/// decide what each event means. Lives on its worker's loop thread only.
///
/// Registered edge-triggered for input and output once, so a request costs no
/// `epoll_ctl` calls. An edge is "drained" when a read returns less than the
/// buffer size or would block; until then `mayHaveInput` remembers it, so a
/// connection that stopped reading (a response pending) resumes later.
final class HTTPConnection {
    let fd: Int32
    let token: UInt64
    let info: ConnectionInfo
    private unowned let worker: ServerWorker
    private(set) var machine: ConnectionStateMachine
    private var parser: RequestParser

    /// Unconsumed input; only leftovers are copied here, fresh reads are parsed in place.
    private var input: [UInt8] = []
    private var inputStart = 0
    /// Leftover input not yet offered to the parser (a request was dispatched before it).
    private var hasUnparsedInput = false
    /// How many bytes at the start of the unconsumed input the head detector has seen.
    private var scanned = 0
    private var detector = HeadEndDetector()
    /// The head of the request in progress was offered to `admitBody`, and whether as beyond the
    /// free share (a chunked body is offered again when it grows past it).
    private var headOffered = false
    private var offeredBeyondFreeShare = false
    /// The responder deferred its decision on the current request's body (`.decideLater`): who
    /// settles it, the decision or this connection giving up. Set exactly while `admitting`.
    private var admissionSlot: ReplySlot?
    /// `100 Continue` goes out once the deferred decision is to read the body.
    private var continueOwed = false
    /// This connection's body bytes counted in the server-wide budget (`BodyBudget`).
    private var countedBodyBytes = 0
    /// The last request was answered before the body it announced arrived: lingering waits for
    /// the rest as long as it keeps coming (`ConnectionStateMachine.lingerProgressed`).
    private var drainsRefusedBody = false

    private var output = OutboundBuffer()
    /// What the kernel held unsent for the peer at the last look while output is blocked: a later,
    /// smaller figure means the peer has been reading, though no write of ours moved
    /// (`notePeerReading`).
    private var unsentAtLastLook: Int32 = -1
    private var mayHaveInput = true
    /// Waiting in the worker's list to be driven again after the loop's other connections
    /// (`drive`'s turn ran out with input left).
    private var awaitsTurn = false
    private var inputClosed = false
    private var isOpen = true
    private var peerHungUp = false

    /// True while the responder runs: an inline `done` only parks its response.
    private var dispatching = false
    private var parkedResponse: (request: UInt64, response: HTTPResponse)?
    /// The request being handled: who answers it, the responder or this connection giving up.
    private var replySlot: ReplySlot?
    /// The head of the request being handled (body dropped): whether its answer carries content
    /// (HEAD), and what the engine's own answer for it is for. Nil once it is answered.
    private var currentHead: HTTPRequest?
    private var currentWantsKeepAliveField = false

    init(fd: Int32, token: UInt64, info: ConnectionInfo, worker: ServerWorker, now: MonotonicInstant) {
        self.fd = fd
        self.token = token
        self.info = info
        self.worker = worker
        machine = ConnectionStateMachine(timeouts: worker.connectionTimeouts, now: now)
        parser = RequestParser(limits: worker.configuration.limits)
    }

    private var now: MonotonicInstant { worker.loop.now }

    // MARK: Events

    /// The socket is ready for something.
    func handleEvents(_ events: UInt32) {
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            mayHaveInput = true
        }
        // The peer's FIN may sit behind data we are about to read: a short read
        // then does not mean "drained", and no new edge would report the EOF.
        if events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { peerHungUp = true }
        // Reset (or failed) while its request is handled or admitted: no answer can reach the client
        // any more, so the responder hears so (499 in its log). A FIN alone is not this: a
        // half-closed client may still read the answer.
        if events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0, machine.awaitsServer {
            close()
            return
        }
        drive()
    }

    /// What one `drive` may do before the loop's other connections get their turn. A client
    /// pipelining requests answered on the loop (`/healthz`, a cached page) as fast as it read
    /// the answers kept every read full, and the loop in this connection: another connection
    /// of the loop waited 4.6 s, until the client stopped. One read's worth of input, 32
    /// requests (about 0.1 ms of `/healthz`), or 128 KiB of answers written, then the connection
    /// waits for the next round. The last bound is for large answers: 1,000 connections each
    /// pipelining 20 pages of 144 KB, answered from the cache, wrote 2.9 MB a turn, and a
    /// `/healthz` on the same loops waited 0.7–2.8 s behind one round.
    struct Turn {
        var bytes = ServerWorker.readBufferSize
        var requests = 32
        var written = 128 * 1024

        var isOver: Bool { bytes <= 0 || requests <= 0 || written <= 0 }
        /// Whether another buffered request may be parsed and answered in this turn.
        var mayAnswer: Bool { requests > 0 && written > 0 }
    }

    /// What is left of the current turn.
    private var turn = Turn()

    /// Driven again after the other connections had their turn (`ServerWorker.afterEvents`).
    func resumeTurn() {
        awaitsTurn = false
        guard isOpen else { return }
        drive()
    }

    /// The responder finished request `n` (on this loop's thread).
    func responseReady(request n: UInt64, response: HTTPResponse) {
        if dispatching {
            if parkedResponse == nil { parkedResponse = (n, response) }
            return
        }
        queueResponse(request: n, response)
        drive()
    }

    /// The responder decided on the body of the request it deferred (`slot` is that decision's):
    /// nil to read it, else the answer that ends the request.
    func bodyDecided(slot: ReplySlot, answer: HTTPResponse?) {
        guard isOpen, admissionSlot === slot else { return }
        endAdmission(abandoning: nil)
        if let answer {
            endRequest(with: answer, isHead: parser.isHead, bodyStillComing: true)
        } else {
            machine.admissionGranted(now: now)
            if continueOwed { output.append(ResponseSerializer.continueLine) }
            continueOwed = false
            // Edges that came while we waited were not acted on.
            mayHaveInput = true
        }
        drive()
    }

    /// Leaves `admitting` (a decision came, the connection gave up, or it closed): the server-wide
    /// count of connections waiting for one goes down, and a decision still to come learns why it
    /// will not be used.
    private func endAdmission(abandoning reason: Delivery?) {
        guard let slot = admissionSlot else { return }
        if let reason { _ = slot.abandon(reason) }
        admissionSlot = nil
        worker.admissionEnded()
    }

    /// Called every tick with the loop's time: acts on a passed deadline.
    func checkTimers() {
        if machine.outputBlocked { notePeerReading() }
        // The handler's deadline passed, but its response may be on its way to this loop already:
        // then it is sent, not a 503 (the responder was told it was). Otherwise it is too late.
        // The same for a deferred decision on a body.
        if machine.handlerDeadlinePassed(now: now),
           let slot = machine.phase == .admitting ? admissionSlot : replySlot, !slot.abandon(.timedOut) { return }
        // Which request a timeout's answer is for: the one with the responder, or the one being
        // read or admitted, whose head the parser holds.
        let handled = if case .handling = machine.phase { currentHead } else { parser.headInProgress }
        switch machine.timedOut(now: now) {
        case .none:
            break
        case .close:
            close()
        case .reset:
            Socket.resetOnClose(fd)
            close()
        case .respond(let status, let reason):
            // The request in progress is abandoned; its unread bytes are worthless now.
            discardInput()
            let isHead = handled.map { $0.method == .head } ?? parser.isHead
            endRequest(with: worker.configuration.errorRenderer(status, reason, handled), isHead: isHead, bodyStillComing: false)
            drive()
        }
    }

    /// While output is blocked, a peer that reads counts as progress even when no write of ours
    /// moves: a slow reader drains the kernel's send buffer, which can hold megabytes, and the
    /// socket reports room only once much of it is free, so seconds may pass between our writes
    /// while it reads steadily. Without this its write deadline (and, at the connection limit,
    /// the eviction of connections that do not read) would treat it as gone.
    private func notePeerReading() {
        let unsent = clinux_unsent_bytes(fd)
        guard unsent >= 0 else { return }
        if unsentAtLastLook >= 0, unsent < unsentAtLastLook { machine.writeProgressed(now: now) }
        unsentAtLastLook = unsent
    }

    /// The server is full and this connection has held its slot without moving (`stall`): it is let
    /// go the way its stall calls for, at once (no lingering: its slot is needed now).
    func evict(_ stall: ConnectionStateMachine.Stall) {
        switch stall {
        case .silent:
            break
        case .head, .body:
            let part = stall == .head ? "head" : "body"
            endRequest(with: worker.configuration.errorRenderer(.requestTimeout, "request \(part) not received in time; the server is full",
                                                                parser.headInProgress),
                       isHead: parser.isHead, bodyStillComing: false)
            _ = try? output.write(to: fd)
        case .notReading:
            Socket.resetOnClose(fd)
        }
        close()
    }

    /// The server is full: a connection whose answer its client has taken in full (the kernel
    /// holds none of it unacknowledged) and that sends nothing more is closed now rather than at
    /// the end of its lingering wait; closing it sends no reset, as nothing unread is left. False
    /// when it is not such a connection.
    func leaveIfAnswered() -> Bool {
        // After our FIN the kernel counts its sequence number as one unsent unit: at most 1 left
        // means every byte of the answer was acknowledged.
        guard machine.isClosingAnswered, (0...1).contains(clinux_unsent_bytes(fd)) else { return false }
        if case .some = Socket.discardInput(fd, scratch: worker.readBuffer) { return false }  // still sending
        close()
        return true
    }

    /// Graceful shutdown: idle connections close now, busy ones after their response.
    func beginDrain() {
        if machine.beginDrain() { close() }
    }

    /// Closes the socket and forgets the connection. Safe to call twice.
    func close() {
        guard isOpen else { return }
        isOpen = false
        _ = replySlot?.abandon(.connectionClosed)
        endAdmission(abandoning: .connectionClosed)
        machine.close()
        output.removeAll()
        releaseBody()
        Syscall.close(fd)
        worker.connectionClosed(self)
    }

    // MARK: The driving loop

    /// Does everything that can be done now: flush blocked output, parse
    /// buffered requests, read while a request may be dispatched, then flush.
    private func drive() {
        if machine.outputBlocked {
            flush()
            if machine.outputBlocked { return }
        }
        turn = Turn()
        loop: while true {
            switch machine.phase {
            case .closed:
                return
            case .closing:
                linger()
                return
            case .admitting, .handling, .finishing:
                break loop
            case .idle, .readingHead, .readingBody:
                break
            }
            if machine.outputBlocked { return }
            // Bound what a deep pipeline can make us queue before the peer reads.
            if output.count >= OutboundBuffer.retainedCapacity {
                flush()
                continue
            }
            if hasUnparsedInput || mayHaveInput, turn.isOver {
                if !awaitsTurn {
                    awaitsTurn = true
                    worker.resumeLater(self)
                }
                break
            }
            if hasUnparsedInput {
                feedBuffered()
                continue
            }
            if inputClosed {
                // Answers queued in this pass go out before our FIN.
                flush()
                if machine.phase == .closed { return }
                if machine.inputEnded() {
                    close()
                    return
                }
                continue
            }
            guard mayHaveInput else { break }
            let buffer = worker.readBuffer
            let count: Int?
            do {
                count = try Socket.read(fd, into: buffer)
            } catch {
                close()  // ECONNRESET and friends: the peer is gone.
                return
            }
            guard let count else {
                mayHaveInput = false
                break
            }
            if count == 0 {
                inputClosed = true
                mayHaveInput = false
                continue
            }
            // A short read drained the socket: edge-triggered epoll reports new data afresh.
            mayHaveInput = count == buffer.count || peerHungUp
            turn.bytes -= count
            feedFresh(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        flush()
    }

    /// Parses freshly read bytes: in place when nothing is buffered, else behind the leftovers.
    private func feedFresh(_ bytes: UnsafeRawBufferPointer) {
        if inputStart == input.count {
            input.removeAll(keepingCapacity: true)
            inputStart = 0
            let used = feed(bytes)
            if used < bytes.count { input.append(contentsOf: bytes[used...]) }
        } else {
            if inputStart > 0 {
                input.removeFirst(inputStart)
                inputStart = 0
            }
            input.append(contentsOf: bytes)
            feedBuffered()
        }
    }

    private func feedBuffered() {
        hasUnparsedInput = false
        let start = inputStart
        let used = input.withUnsafeBytes { feed(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        inputStart += used
        if inputStart >= input.count {
            input.removeAll(keepingCapacity: input.capacity <= OutboundBuffer.retainedCapacity)
            inputStart = 0
        }
    }

    /// Offers `bytes` (all unconsumed input) to the parser and dispatches
    /// requests while the state machine accepts them. Returns bytes consumed.
    private func feed(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while machine.acceptsRequests {
            guard offset < bytes.count else { return offset }
            // Requests answered on this loop (a cached page, `/openapi.json`) finish inside
            // `dispatch`, so one read of pipelined requests could queue all their answers before
            // the peer took any: 1,600 of 277 KB from one 64 KiB read. At the bound the rest of
            // the input waits, `drive` flushes, and nothing more is read until the peer reads.
            guard output.count < OutboundBuffer.retainedCapacity, turn.mayAnswer else { break }
            machine.bytesArrived(now: now)
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            let (consumed, result) = parser.parse(slice)
            if !countBody() {
                refuseLargeBody()
                return bytes.count
            }
            switch result {
            case .needMore:
                if admitBody() == .ended { return bytes.count }
                if machine.phase == .readingHead, scanned < slice.count,
                   detector.scan(UnsafeRawBufferPointer(rebasing: slice[scanned...])) {
                    machine.headCompleted(now: now)
                }
                scanned = slice.count - consumed
                return offset + consumed
            case .expectContinue:
                // RFC 9110 §10.1.1: the client waits for this before sending the body, or for a
                // final status, which it gets when the head alone decides the answer.
                switch admitBody() {
                case .ended: return bytes.count
                case .read: output.append(ResponseSerializer.continueLine)
                case .awaited: continueOwed = true
                }
                machine.headCompleted(now: now)
                scanned = max(0, scanned - consumed)
                offset += consumed
                // What the client sent on without waiting stays unparsed until the decision.
                if machine.phase == .admitting {
                    hasUnparsedInput = offset < bytes.count
                    return offset
                }
            case .request(let request):
                offset += consumed
                headOffered = false
                offeredBeyondFreeShare = false
                scanned = 0
                detector.reset()
                turn.requests -= 1
                dispatch(request)
            case .failure(let error):
                // A 413 is decided from the head's Content-Length while the client may be uploading.
                endRequest(with: worker.configuration.errorRenderer(error.status, error.reason, parser.headInProgress),
                           isHead: parser.isHead,
                           bodyStillComing: error.status == .contentTooLarge)
                return bytes.count
            }
        }
        hasUnparsedInput = offset < bytes.count
        return offset
    }

    /// Counts the body the parser holds in the server-wide budget; false when it has grown past
    /// what the budget has left. A finished request's body left the parser, so its count returns.
    private func countBody() -> Bool {
        let counted = BodyBudget.counted(parser.bodyBytesHeld)
        guard worker.moveLargeBody(from: countedBodyBytes, to: counted) else { return false }
        countedBodyBytes = counted
        return true
    }

    private func releaseBody() {
        _ = worker.moveLargeBody(from: countedBodyBytes, to: 0)
        countedBodyBytes = 0
    }

    /// The budget for large bodies is spent: this request is refused with 503 and the connection
    /// closes behind it (its body is never read further).
    private func refuseLargeBody() {
        var response = worker.configuration.errorRenderer(.serviceUnavailable,
                                                          "too many large request bodies are being received; retry shortly",
                                                          parser.headInProgress)
        response.headers.set("Retry-After", "1")
        endRequest(with: response, isHead: parser.isHead, bodyStillComing: true)
    }

    /// The one way a request ends without being dispatched (a parse error, a timeout, an answer
    /// from its head, the body budget), and a handled one at its deadline: `response` goes out
    /// with `Connection: close`, the parser forgets the request and frees its body at once, its
    /// budget share comes back, and the connection closes once the response is out.
    /// `bodyStillComing`: the peer was answered before it sent the body it announced, so it may
    /// read the answer only once it has sent it all; lingering waits while it keeps sending.
    private func endRequest(with response: HTTPResponse, isHead: Bool, bodyStillComing: Bool) {
        parser.abandonRequest()
        releaseBody()
        endAdmission(abandoning: .timedOut)
        continueOwed = false
        drainsRefusedBody = bodyStillComing
        machine.requestFailed()
        ResponseSerializer.write(response, isHead: isHead, connection: .close, dateLine: worker.dateLine(), into: &output)
    }

    /// What `admitBody` did with the request in progress.
    private enum Admission { case read, awaited, ended }

    /// Offers the head of a request whose body is still to come to the responder: once, and for a
    /// chunked body once more when what has come passes the free share. When it answers, the body
    /// is never read: the answer goes out with
    /// `Connection: close` and the connection lingers and closes as after a parse error, so a
    /// client sending a megabyte to a route that needs a token cannot make us buffer it first.
    /// When it defers, the connection reads nothing until `bodyDecided`.
    private func admitBody() -> Admission {
        guard let head = parser.headAwaitingBody else { return .read }
        // A chunked body's length is known only at its end: it is beyond the share once what has
        // come is.
        let beyondFreeShare = (parser.announcedBodyLength ?? parser.bodyBytesHeld) > BodyBudget.freeBytes
        guard !headOffered || (beyondFreeShare && !offeredBeyondFreeShare) else { return .read }
        headOffered = true
        offeredBeyondFreeShare = beyondFreeShare
        let slot = ReplySlot()
        let later = worker.makeBodyDecision(token: token, slot: slot)
        switch worker.responder.admitBody(of: head, beyondFreeShare: beyondFreeShare, connection: info, later: later) {
        case .readBody:
            return .read
        case .answer(let response):
            endRequest(with: response, isHead: head.method == .head, bodyStillComing: true)
            return .ended
        case .decideLater:
            guard worker.admissionBegan() else {
                // Too many connections wait for a decision: each holds what came with its head.
                _ = slot.abandon(.timedOut)
                var response = worker.configuration.errorRenderer(.serviceUnavailable,
                                                                  "too many requests are waiting to be admitted; retry shortly", head)
                response.headers.set("Retry-After", "1")
                endRequest(with: response, isHead: head.method == .head, bodyStillComing: true)
                return .ended
            }
            admissionSlot = slot
            machine.headCompleted(now: now)
            machine.admissionDeferred(now: now)
            return .awaited
        }
    }

    private func dispatch(_ request: HTTPRequest) {
        let keepAlive = request.keepAlive
        guard let number = machine.requestReceived(keepAlive: keepAlive, timeLimited: request.method.isSafe,
                                                   now: now) else { return }
        // Its head without the body (which may be a megabyte and is the handler's now), for the
        // engine's 503 should the handler outlive its time.
        var head = request
        head.body = []
        currentHead = head
        // RFC 9112 §9.3: a 1.0 client keeps the connection only if we confirm it.
        currentWantsKeepAliveField = keepAlive && request.version == .http1_0
        dispatching = true
        worker.dispatchingToken = token
        let slot = ReplySlot()
        replySlot = slot
        worker.responder.respond(to: request, connection: info, reply: worker.makeReply(token: token, request: number, slot: slot))
        worker.dispatchingToken = nil
        dispatching = false
        if let parked = parkedResponse {
            parkedResponse = nil
            queueResponse(request: parked.request, parked.response)
        }
    }

    private func queueResponse(request n: UInt64, _ response: HTTPResponse) {
        guard machine.phase == .handling(n) else { return }  // late (timed out) or repeated `done`
        if response.headers.contains("Connection"), response.headers.tokens("Connection").contains("close") {
            machine.requestClose()
        }
        let field: ResponseSerializer.ConnectionField =
            machine.closeRequested ? .close : (currentWantsKeepAliveField ? .keepAlive : .omitted)
        _ = machine.responseQueued(for: n, now: now)
        let isHead = currentHead?.method == .head
        currentHead = nil   // answered: an idle connection holds no header bytes for it
        ResponseSerializer.write(response, isHead: isHead, connection: field,
                                 dateLine: worker.dateLine(), into: &output)
    }

    // MARK: Output and closing

    private func flush() {
        if !output.isEmpty {
            let queued = output.count
            do {
                switch try output.write(to: fd) {
                case .flushed:
                    turn.written -= queued
                case .blocked(let progressed):
                    let first = !machine.outputBlocked
                    machine.writeBlocked(now: now)
                    if progressed { machine.writeProgressed(now: now) }
                    if first || progressed { unsentAtLastLook = clinux_unsent_bytes(fd) }
                    return
                }
            } catch {
                close()  // EPIPE/ECONNRESET: the peer left; nothing more to send.
                return
            }
        }
        if machine.outputFlushed(now: now) {
            // Lingering close: our FIN goes after the response, and we keep
            // reading so unread input does not make the kernel send a reset.
            Socket.shutdownWrite(fd)
            discardInput()
            linger()
        }
    }

    private func linger() {
        switch Socket.discardInput(fd, scratch: worker.readBuffer) {
        case .ended: close()
        case .some where drainsRefusedBody: machine.lingerProgressed(now: now)
        case .some, .nothing: break
        }
    }

    private func discardInput() {
        input.removeAll()
        inputStart = 0
        hasUnparsedInput = false
    }
}
