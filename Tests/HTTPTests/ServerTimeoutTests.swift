import Dispatch
import Glibc
import Testing
@testable import HTTP

/// Timeouts, connection limits and graceful shutdown over real sockets.
@Suite(.serialized) struct ServerTimeoutTests {
    @Test func slowlorisGets408WhenTheHeadTakesTooLong() throws {
        try withServer(ClosureResponder.echo, configure: { $0.headerReadTimeout = .milliseconds(300) }) { _, port in
            let client = try TestClient(port: port)
            let start = ContinuousClock.now
            try client.send("GET / HTTP/1.1\r\n")
            // Dripping bytes does not extend the header deadline.
            for _ in 0..<3 {
                sleepFor(.milliseconds(100))
                try? client.send("X-Drip: 1\r\n")
            }
            let response = try client.readResponse()
            let elapsed = ContinuousClock.now - start
            #expect(response.status == 408)
            #expect(elapsed >= .milliseconds(300))
            #expect(elapsed < .seconds(2))
            #expect(client.isClosedByPeer())
        }
    }

    @Test func bodyTimeoutGets408() throws {
        try withServer(ClosureResponder.echo, configure: {
            $0.headerReadTimeout = .seconds(5)
            $0.bodyReadTimeout = .milliseconds(300)
        }) { _, port in
            let client = try TestClient(port: port)
            try client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345")
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.text.contains("body"))
        }
    }

    @Test func bodyTimeoutOfAHeadRequestIsAnsweredWithoutContent() throws {
        try withServer(ClosureResponder.echo, configure: {
            $0.headerReadTimeout = .seconds(5)
            $0.bodyReadTimeout = .milliseconds(300)
        }) { _, port in
            let client = try TestClient(port: port)
            try client.send("HEAD / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345")
            let response = try client.readResponse(head: true)
            #expect(response.status == 408)
            #expect(response.header("Content-Length") != nil)
            #expect(client.isClosedByPeer())   // nothing after the head: the content was left out
        }
    }

    /// A client that connects owes a request head: silent, it is closed at the header timeout,
    /// not held for the (longer) keep-alive idle timeout, or silent sockets could fill
    /// `max_connections` for a minute each.
    @Test func aSilentNewConnectionIsClosedAtTheHeaderTimeout() throws {
        try withServer(ClosureResponder.echo, configure: {
            $0.headerReadTimeout = .milliseconds(300)
            $0.idleTimeout = .seconds(30)
        }) { server, port in
            let start = ContinuousClock.now
            let client = try TestClient(port: port)
            #expect(client.isClosedByPeer())  // no bytes, just EOF
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(250))
            #expect(elapsed < .seconds(5))
            #expect(eventually { server.openConnections == 0 })
        }
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() throws {
        try withServer(ClosureResponder.echo, configure: { $0.idleTimeout = .milliseconds(300) }) { server, port in
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try client.readResponse()
            let start = ContinuousClock.now
            #expect(client.isClosedByPeer())  // no bytes, just EOF
            #expect(ContinuousClock.now - start >= .milliseconds(250))
            sleepFor(.milliseconds(50))
            #expect(server.openConnections == 0)
        }
    }

    @Test func handlerTimeoutGets503AndTheLateDoneIsIgnored() throws {
        let lateDone = TestBox<Delivery?>(nil)
        let responder = ClosureResponder { _, _, done in
            runLater(.milliseconds(700)) {
                // The responder learns its answer was not sent, and why (its log counts the 503).
                lateDone.set(done(.text(.ok, "too late")))
            }
        }
        try withServer(responder, configure: { $0.handlerTimeout = .milliseconds(300) }) { _, port in
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 503)
            #expect(response.header("Connection") == "close")
            #expect(client.isClosedByPeer())
            #expect(eventually { lateDone.get() == .timedOut })
        }
    }

    @Test func aClientThatResetsWhileItsRequestIsHandledIsHeardAsGone() throws {
        let delivery = TestBox<Delivery?>(nil)
        let responder = ClosureResponder { _, _, done in
            runLater(.milliseconds(300)) { delivery.set(done(.text(.ok, "nobody is there"))) }
        }
        try withServer(responder) { server, port in
            do {
                let client = try TestClient(port: port)
                try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                sleepFor(.milliseconds(50))
                client.reset()
            }   // closed with SO_LINGER 0: an RST, as a client that gives up sends
            #expect(eventually { server.openConnections == 0 })
            #expect(eventually { delivery.get() == .connectionClosed })
        }
    }

    @Test func aResponderLearnsWhetherItsResponseWasSent() throws {
        let delivery = TestBox<Delivery?>(nil)
        let responder = ClosureResponder { _, _, done in delivery.set(done(.text(.ok, "answer"))) }
        try withServer(responder) { _, port in
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(delivery.get() == .sent)
        }
    }

    /// A request that may change something gets the responder's own answer however late:
    /// a 503 sent while its change still went ahead would invite a retry that repeats it.
    @Test func anUnsafeRequestIsWaitedForPastTheHandlerTimeout() throws {
        let responder = ClosureResponder { request, _, done in
            runLater(.milliseconds(600)) { done(.text(.created, "made by \(request.method)")) }
        }
        try withServer(responder, configure: { $0.handlerTimeout = .milliseconds(200) }) { _, port in
            let client = try TestClient(port: port)
            for method in ["POST", "PUT", "PATCH", "DELETE"] {
                try client.send("\(method) / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 201, "\(method)")
                #expect(response.text == "made by \(method)")
            }
        }
    }

    @Test func aSlowHandlerDoesNotDelayAnotherConnectionOnTheSameLoop() throws {
        let responder = ClosureResponder { request, _, done in
            if request.target == "/slow" {
                runLater(.seconds(1)) { done(.text(.ok, "slow")) }
            } else {
                done(.text(.ok, "fast"))
            }
        }
        try withServer(responder, loops: 1) { _, port in
            let slow = try TestClient(port: port)
            try slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            sleepFor(.milliseconds(50))
            let fast = try TestClient(port: port)
            let start = ContinuousClock.now
            try fast.send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try fast.readResponse().text == "fast")
            #expect(ContinuousClock.now - start < .milliseconds(500))
            #expect(try slow.readResponse().text == "slow")
        }
    }

    @Test func aPeerThatStopsReadingIsDisconnectedAfterTheWriteTimeout() throws {
        let big = [UInt8](repeating: 66, count: 16 * 1024 * 1024)
        let responder = ClosureResponder { _, _, done in done(HTTPResponse(status: .ok, body: big)) }
        try withServer(responder, configure: { $0.writeTimeout = .milliseconds(300) }) { server, port in
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            sleepFor(.milliseconds(900))
            #expect(eventually { server.openConnections == 0 })
            // Whatever was buffered can still be read, but never the whole body.
            #expect(throws: TestClientError.closedEarly) { _ = try client.readResponse() }
        }
    }

    @Test func connectionsOverTheLimitGet503() throws {
        try withServer(ClosureResponder.echo, loops: 1, configure: { $0.maxConnections = 1 }) { server, port in
            // The first is busy (half a request head): nothing can make room.
            let first = try TestClient(port: port)
            try first.send("GET / HTTP/1.1\r\nHost: t\r\n")
            #expect(eventually { server.openConnections == 1 })

            let second = try TestClient(port: port)
            try? second.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            let rejected = try second.readResponse()
            #expect(rejected.status == 503)
            #expect(rejected.header("Connection") == "close")
            #expect(rejected.header("Retry-After") == "1")

            // The first connection is still served.
            try first.send("\r\n")
            #expect(try first.readResponse().status == 200)
            try first.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try first.readResponse().text == "GET /again ")
            #expect(server.openConnections == 1)
        }
    }

    /// At the limit an idle keep-alive connection makes room for a newcomer: its client loses
    /// only a reconnect, where a refused newcomer would lose its request.
    @Test func atTheLimitAnIdleKeepAliveConnectionMakesRoom() throws {
        try withServer(ClosureResponder.echo, loops: 1, configure: { $0.maxConnections = 1 }) { server, port in
            let idle = try TestClient(port: port)
            try idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try idle.readResponse().status == 200)

            let newcomer = try TestClient(port: port)
            try newcomer.send("GET /new HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try newcomer.readResponse().text == "GET /new ")
            #expect(idle.isClosedByPeer())
            #expect(server.openConnections == 1)
        }
    }

    /// At the limit a connection answered with `Connection: close`, whose client has its answer
    /// but has not closed its end yet, makes room: it waited only for the client's FIN, and a
    /// newcomer was refused with 503 for the ~2 s of that lingering wait (outside probe).
    @Test func atTheLimitAnAnsweredClosingConnectionMakesRoom() throws {
        try withServer(ClosureResponder.echo, loops: 1, configure: { $0.maxConnections = 2 }) { server, port in
            var answered: [TestClient] = []
            for n in 0..<2 {
                let client = try TestClient(port: port)
                try client.send("GET /\(n) HTTP/1.0\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                answered.append(client)   // kept open: the client never closes its end
            }
            #expect(server.openConnections == 2)
            let newcomer = try TestClient(port: port)
            try newcomer.send("GET /new HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            let answer = try newcomer.readResponse()
            #expect(answer.status == 200 && answer.text == "GET /new ", "\(answer.status)")
        }
    }

    /// The limit is the server's, so the idle connection that makes room may be on either loop:
    /// the kernel spreads connections over the loops' listeners by hash, and a newcomer that
    /// landed on the loop with nothing to let go was refused while the other loop held an idle
    /// one. Each newcomer here is answered and the one before it let go, wherever each landed.
    @Test func atTheLimitAnIdleConnectionOnAnotherLoopMakesRoom() throws {
        try withServer(ClosureResponder.echo, loops: 2, configure: { $0.maxConnections = 1 }) { server, port in
            var idle = try TestClient(port: port)
            try idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try idle.readResponse().status == 200)
            for n in 0..<24 {
                let newcomer = try TestClient(port: port)
                try newcomer.send("GET /\(n) HTTP/1.1\r\nHost: t\r\n\r\n")
                let answer = try newcomer.readResponse()
                #expect(answer.status == 200 && answer.text == "GET /\(n) ", "newcomer \(n): \(answer.status)")
                #expect(idle.isClosedByPeer())
                idle = newcomer
            }
            #expect(server.openConnections == 1)
        }
    }

    /// At the limit with no idle connection, one that has owed its request head for a second or
    /// more makes room: it gets a 408 and closes, where the newcomer would have been refused until
    /// the header timeout (10 s by default) ended it. A connection that sent nothing counts too.
    @Test func atTheLimitAConnectionSlowToSendItsHeadMakesRoom() throws {
        try withServer(ClosureResponder.echo, loops: 1, configure: { $0.maxConnections = 2 }) { server, port in
            let slow = try TestClient(port: port)
            try slow.send("GET / HTTP/1.1\r\nHost: t\r\nX-Drip: ")
            let silent = try TestClient(port: port)
            #expect(eventually { server.openConnections == 2 })
            sleepFor(.milliseconds(1100))
            // The first newcomer takes one's place, answered, and begins another head at once.
            let first = try TestClient(port: port)
            try first.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try first.readResponse().text == "GET /first ")
            try first.send("GET /more HTTP/1.1\r\n")
            // The second takes the other's: the head just begun is not a slow one.
            let second = try TestClient(port: port)
            try second.send("GET /second HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try second.readResponse().text == "GET /second ")
            try first.send("Host: t\r\n\r\n")
            #expect(try first.readResponse().text == "GET /more ")
            #expect(try slow.readResponse().status == 408)
            #expect(slow.isClosedByPeer())
            #expect(silent.isClosedByPeer())
        }
    }

    /// The same for a connection left in the middle of its body, and one that never reads the
    /// answers to its pipelined requests (reset, as at the write timeout): a review held a full
    /// server's every slot with 50 such connections for the 30 s of the body timeout, over and over.
    @Test func atTheLimitAConnectionStalledMidBodyOrNotReadingMakesRoom() throws {
        let big = String(repeating: "x", count: 200_000)
        let sized = ClosureResponder { _, _, done in done(.text(.ok, big)) }
        try withServer(sized, loops: 1, configure: { $0.maxConnections = 2 }) { server, port in
            let midBody = try TestClient(port: port)
            try midBody.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
            let deaf = try TestClient(port: port)
            try deaf.send(String(repeating: "GET /big HTTP/1.1\r\nHost: t\r\n\r\n", count: 40))
            #expect(eventually { server.openConnections == 2 })
            // Once the kernel's buffers are full the deaf one stops moving (until then its peer's
            // kernel taking our bytes counts as reading); a second and a half covers both.
            sleepFor(.milliseconds(1500))
            // The first newcomer takes one's place, answered, and begins another head at once;
            // the second takes the other's.
            let first = try TestClient(port: port)
            try first.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try first.readResponse().status == 200)
            try first.send("GET /more HTTP/1.1\r\n")
            let second = try TestClient(port: port)
            try second.send("GET /second HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try second.readResponse().status == 200)
            #expect(try midBody.readResponse().status == 408)
            #expect(midBody.isClosedByPeer())
            var answered = 0
            while (try? deaf.readResponse()) != nil { answered += 1 }
            #expect(answered < 40, "reset before all its answers were sent")
        }
    }

    @Test func gracefulShutdownFinishesInFlightRequestsThenRefusesConnections() throws {
        let responder = ClosureResponder { _, _, done in
            runLater(.milliseconds(400)) { done(.text(.ok, "finished")) }
        }
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.eventLoops = 2
        let server = HTTPServer(configuration: configuration, responder: responder)
        let port = try server.start()
        let busy = try TestClient(port: port)
        let idle = try TestClient(port: port)
        try busy.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        sleepFor(.milliseconds(100))

        let stopped = DispatchSemaphore(value: 0)
        Thread.detach { server.shutdown(drainTimeout: .seconds(5)); stopped.signal() }
        let response = try busy.readResponse()
        #expect(response.text == "finished")
        #expect(response.header("Connection") == "close")
        #expect(busy.isClosedByPeer())
        #expect(idle.isClosedByPeer())
        #expect(stopped.wait(timeout: .now() + .seconds(5)) == .success)
        #expect(server.port == nil)
        #expect(throws: TestClientError.syscall("connect", ECONNREFUSED)) { _ = try TestClient(port: port) }
        server.shutdown(drainTimeout: .seconds(1))  // idempotent
    }

    @Test func drainTimeoutClosesWhatDidNotFinish() throws {
        let reply = TestBox<Reply?>(nil)
        let responder = ClosureResponder { _, _, done in reply.set(done) }  // answers only after the drain
        var configuration = ServerConfiguration()
        configuration.port = 0
        let server = HTTPServer(configuration: configuration, responder: responder)
        let port = try server.start()
        let client = try TestClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        sleepFor(.milliseconds(50))
        let start = ContinuousClock.now
        server.shutdown(drainTimeout: .milliseconds(300))
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(300))
        #expect(elapsed < .seconds(2))
        #expect(client.isClosedByPeer())
        // Its response comes too late, and its responder is told so (not that it was sent).
        #expect(reply.get()?(.text(.ok, "after the drain")) == .connectionClosed)
    }
}

/// Detached OS threads for tests that must block while the test thread reads.
enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        DispatchQueue(label: "test-detached").async(execute: body)
    }
}
