import Testing
@testable import HTTP

/// The connection state machine driven by a made-up clock: every timeout
/// fires exactly at its deadline and not a nanosecond before.
@Suite struct ConnectionStateMachineTests {
    let t0 = MonotonicInstant.now
    let timeouts = ConnectionStateMachine.Timeouts(
        header: .seconds(10), body: .seconds(30), idle: .seconds(60),
        handler: .seconds(20), write: .seconds(15), linger: .seconds(2))
    let tick = Duration.nanoseconds(1)

    func make() -> ConnectionStateMachine { ConnectionStateMachine(timeouts: timeouts, now: t0) }

    @Test func freshConnectionIsIdleAndClosesSilentlyAtTheHeaderDeadline() {
        var m = make()
        #expect(m.phase == .idle)
        #expect(m.timedOut(now: t0 + .seconds(10) - tick) == .none)
        #expect(m.phase == .idle)
        #expect(m.timedOut(now: t0 + .seconds(10)) == .close)
        #expect(m.phase == .closed)
    }

    @Test func headerTimeoutCountsFromFirstByteAndAnswers408() {
        var m = make()
        let first = t0 + .seconds(5)
        m.bytesArrived(now: first)
        #expect(m.phase == .readingHead)
        // More bytes do not restart the header timer (slowloris).
        m.bytesArrived(now: first + .seconds(9))
        #expect(m.timedOut(now: first + .seconds(10) - tick) == .none)
        #expect(m.timedOut(now: first + .seconds(10)) == .respond(.requestTimeout, "request head not received in time"))
        #expect(m.phase == .finishing)
        #expect(m.closeRequested)
    }

    @Test func bodyTimeoutCountsFromEndOfHead() {
        var m = make()
        m.bytesArrived(now: t0)
        let headEnd = t0 + .seconds(8)
        m.headCompleted(now: headEnd)
        #expect(m.phase == .readingBody)
        // The header deadline (t0+10s) no longer applies.
        #expect(m.timedOut(now: t0 + .seconds(10)) == .none)
        #expect(m.timedOut(now: headEnd + .seconds(30) - tick) == .none)
        #expect(m.timedOut(now: headEnd + .seconds(30)) == .respond(.requestTimeout, "request body not received in time"))
    }

    /// While the responder decides whether to read a body, the body timer stops (the server holds
    /// the body back) and the handler timeout bounds the wait; once admitted, the client gets the
    /// whole body timeout from then. Nothing is parsed meanwhile.
    @Test func admittingWaitsOnTheHandlerTimeoutThenTheBodyTimerStartsAfresh() {
        let shortBody = ConnectionStateMachine.Timeouts(
            header: .seconds(10), body: .seconds(5), idle: .seconds(60),
            handler: .seconds(20), write: .seconds(15), linger: .seconds(2))
        var m = ConnectionStateMachine(timeouts: shortBody, now: t0)
        m.bytesArrived(now: t0)
        m.headCompleted(now: t0)
        let deferred = t0 + .seconds(1)
        m.admissionDeferred(now: deferred)
        #expect(m.phase == .admitting)
        #expect(!m.acceptsRequests)
        #expect(m.awaitsServer)
        #expect(m.timedOut(now: t0 + .seconds(10)) == .none, "the body deadline does not apply")
        let admitted = deferred + .seconds(19)
        #expect(!m.handlerDeadlinePassed(now: admitted))
        m.admissionGranted(now: admitted)
        #expect(m.phase == .readingBody)
        #expect(m.acceptsRequests)
        #expect(m.timedOut(now: admitted + .seconds(5) - tick) == .none)
        #expect(m.timedOut(now: admitted + .seconds(5)) == .respond(.requestTimeout, "request body not received in time"))

        var late = make()
        late.bytesArrived(now: t0)
        late.admissionDeferred(now: t0)
        #expect(late.phase == .admitting, "from the head too: the head's end may not have been seen yet")
        #expect(late.handlerDeadlinePassed(now: t0 + .seconds(20)))
        #expect(late.timedOut(now: t0 + .seconds(20))
                == .respond(.serviceUnavailable, "the server could not decide in time whether to take this request's body"))
        #expect(late.phase == .finishing)
    }

    /// A connection stalls on its head from its connect until its first head is complete, and from
    /// the first byte of each later one (a drip is no progress); on its body from the last byte
    /// that came; on our output from the last write that moved. Not while kept alive between
    /// requests, nor while the server owes the next step.
    @Test func aStallIsCountedFromWhereTheConnectionLastMoved() throws {
        var m = make()
        let second = Duration.seconds(1)
        #expect(m.stall(for: second, now: t0 + second - tick) == nil)
        #expect(m.stall(for: second, now: t0 + second) == .silent, "connected and silent")
        m.bytesArrived(now: t0 + .seconds(5))
        m.bytesArrived(now: t0 + .seconds(6))
        #expect(m.stall(for: .seconds(6), now: t0 + .seconds(6)) == .head, "still from the connect")
        m.headCompleted(now: t0 + .seconds(7))
        #expect(m.stall(for: second, now: t0 + .seconds(8) - tick) == nil)
        #expect(m.stall(for: second, now: t0 + .seconds(8)) == .body)
        m.bytesArrived(now: t0 + .seconds(9))
        #expect(m.stall(for: second, now: t0 + .seconds(10) - tick) == nil, "body bytes are progress")
        let received = m.requestReceived(keepAlive: true, now: t0 + .seconds(10))
        let n = try #require(received)
        #expect(m.stall(for: .zero, now: t0 + .seconds(20)) == nil, "handled: the server owes the next step")
        _ = m.responseQueued(for: n, now: t0 + .seconds(21))
        #expect(m.stall(for: .zero, now: t0 + .seconds(30)) == nil, "kept alive: owes nothing")
        m.writeBlocked(now: t0 + .seconds(31))
        #expect(m.stall(for: second, now: t0 + .seconds(32)) == .notReading)
        m.writeProgressed(now: t0 + .seconds(32))
        #expect(m.stall(for: second, now: t0 + .seconds(33) - tick) == nil, "a write that moved is progress")
        _ = m.outputFlushed(now: t0 + .seconds(33))
        m.bytesArrived(now: t0 + .seconds(40))
        #expect(m.stall(for: second, now: t0 + .seconds(41) - tick) == nil)
        #expect(m.stall(for: second, now: t0 + .seconds(41)) == .head)
    }

    @Test func handlerTimeoutAnswers503AndIgnoresTheLateResponse() throws {
        var m = make()
        m.bytesArrived(now: t0)
        let start = t0 + .seconds(1)
        let nReceived = m.requestReceived(keepAlive: true, now: start)
        let n = try #require(nReceived)
        #expect(m.phase == .handling(n))
        #expect(m.timedOut(now: start + .seconds(20) - tick) == .none)
        #expect(m.timedOut(now: start + .seconds(20)) == .respond(.serviceUnavailable, "the request took too long to handle"))
        #expect(m.responseQueued(for: n, now: start + .seconds(21)) == false)
        #expect(m.phase == .finishing)
    }

    @Test func aRequestThatIsNotTimeLimitedIsWaitedFor() throws {
        var m = make()
        m.bytesArrived(now: t0)
        let nReceived = m.requestReceived(keepAlive: true, timeLimited: false, now: t0)
        let n = try #require(nReceived)
        #expect(m.timedOut(now: t0 + .seconds(3600)) == .none)
        let queued = m.responseQueued(for: n, now: t0 + .seconds(3600))
        #expect(queued)
        #expect(m.phase == .idle)
    }

    @Test func keepAliveResponseReturnsToIdleWithFreshIdleDeadline() throws {
        var m = make()
        m.bytesArrived(now: t0)
        let nReceived = m.requestReceived(keepAlive: true, now: t0)
        let n = try #require(nReceived)
        let answered = t0 + .seconds(3)
        #expect(m.responseQueued(for: n, now: answered) == true)
        #expect(m.phase == .idle)
        #expect(m.outputFlushed(now: answered) == false)
        #expect(m.timedOut(now: answered + .seconds(60) - tick) == .none)
        #expect(m.timedOut(now: answered + .seconds(60)) == .close)
    }

    @Test func onlyAConnectionKeptAliveAfterAResponseIsIdleKeepAlive() throws {
        var m = make()
        #expect(!m.isIdleKeepAlive)   // fresh: it owes a request
        m.bytesArrived(now: t0)
        #expect(!m.isIdleKeepAlive)
        let nReceived = m.requestReceived(keepAlive: true, now: t0)
        let n = try #require(nReceived)
        #expect(!m.isIdleKeepAlive)
        #expect(m.responseQueued(for: n, now: t0) == true)
        #expect(m.outputFlushed(now: t0) == false)
        #expect(m.isIdleKeepAlive)
        m.bytesArrived(now: t0)
        #expect(!m.isIdleKeepAlive)
    }

    @Test func doneTwiceIsIgnored() throws {
        var m = make()
        m.bytesArrived(now: t0)
        let nReceived = m.requestReceived(keepAlive: true, now: t0)
        let n = try #require(nReceived)
        #expect(m.responseQueued(for: n, now: t0) == true)
        #expect(m.responseQueued(for: n, now: t0) == false)
    }

    @Test func closeRequestLeadsThroughFinishingToLingeringClose() throws {
        var m = make()
        m.bytesArrived(now: t0)
        let nReceived = m.requestReceived(keepAlive: false, now: t0)
        let n = try #require(nReceived)
        #expect(m.closeRequested)
        #expect(m.responseQueued(for: n, now: t0) == true)
        #expect(m.phase == .finishing)
        #expect(m.acceptsRequests == false)
        #expect(m.requestReceived(keepAlive: true, now: t0) == nil)
        #expect(m.outputFlushed(now: t0 + .seconds(1)) == true)
        #expect(m.phase == .closing)
        #expect(m.timedOut(now: t0 + .seconds(3) - tick) == .none)
        #expect(m.timedOut(now: t0 + .seconds(3)) == .close)
    }

    @Test func blockedWriteTimesOutFromLastProgress() throws {
        var m = make()
        m.bytesArrived(now: t0)
        let nReceived = m.requestReceived(keepAlive: true, now: t0)
        let n = try #require(nReceived)
        #expect(m.responseQueued(for: n, now: t0) == true)
        m.writeBlocked(now: t0)
        #expect(m.outputBlocked)
        #expect(m.acceptsRequests == false)
        let progress = t0 + .seconds(10)
        m.writeProgressed(now: progress)
        // Idle is suspended while we write: t0+60s passes without a close.
        #expect(m.timedOut(now: progress + .seconds(15) - tick) == .none)
        #expect(m.timedOut(now: progress + .seconds(15)) == .reset)
        #expect(m.phase == .closed)
    }

    @Test func flushAfterBlockingRestartsTheIdleTimer() throws {
        var m = make()
        m.bytesArrived(now: t0)
        let nReceived = m.requestReceived(keepAlive: true, now: t0)
        let n = try #require(nReceived)
        #expect(m.responseQueued(for: n, now: t0) == true)
        m.writeBlocked(now: t0)
        let flushed = t0 + .seconds(14)
        #expect(m.outputFlushed(now: flushed) == false)
        #expect(m.timedOut(now: flushed + .seconds(60) - tick) == .none)
        #expect(m.timedOut(now: flushed + .seconds(60)) == .close)
    }

    @Test func handlerTimerRunsEvenWhileOutputIsBlocked() throws {
        var m = make()
        m.bytesArrived(now: t0)
        let nReceived = m.requestReceived(keepAlive: true, now: t0)
        let n = try #require(nReceived)
        m.writeBlocked(now: t0 + .seconds(10))  // an earlier pipelined response is stuck
        #expect(m.nextDeadline == t0 + .seconds(20))
        #expect(m.timedOut(now: t0 + .seconds(20)) == .respond(.serviceUnavailable, "the request took too long to handle"))
        _ = n
    }

    @Test func drainClosesIdleAtOnceAndLetsBusyFinish() throws {
        var idle = make()
        #expect(idle.beginDrain() == true)
        #expect(idle.phase == .closed)

        var busy = make()
        busy.bytesArrived(now: t0)
        let nReceived = busy.requestReceived(keepAlive: true, now: t0)
        let n = try #require(nReceived)
        #expect(busy.beginDrain() == false)
        #expect(busy.responseQueued(for: n, now: t0) == true)
        #expect(busy.phase == .finishing)

        var reading = make()
        reading.bytesArrived(now: t0)
        #expect(reading.beginDrain() == false)
        let mReceived = reading.requestReceived(keepAlive: true, now: t0)
        let m = try #require(mReceived)
        #expect(reading.responseQueued(for: m, now: t0) == true)
        #expect(reading.phase == .finishing)
    }

    @Test func inputEndedClosesWhenNothingIsPending() throws {
        var m = make()
        m.bytesArrived(now: t0)
        #expect(m.inputEnded() == true)
        #expect(m.phase == .closed)

        var blocked = make()
        blocked.bytesArrived(now: t0)
        let nReceived = blocked.requestReceived(keepAlive: true, now: t0)
        let n = try #require(nReceived)
        #expect(blocked.responseQueued(for: n, now: t0) == true)
        blocked.writeBlocked(now: t0)
        #expect(blocked.inputEnded() == false)
        #expect(blocked.phase == .finishing)
        #expect(blocked.outputFlushed(now: t0) == true)
        #expect(blocked.phase == .closing)
    }

    @Test func parseFailureFinishesTheConnection() {
        var m = make()
        m.bytesArrived(now: t0)
        m.requestFailed()
        #expect(m.phase == .finishing)
        #expect(m.acceptsRequests == false)
        #expect(m.timedOut(now: t0 + .seconds(1000)) == .none)
    }
}
