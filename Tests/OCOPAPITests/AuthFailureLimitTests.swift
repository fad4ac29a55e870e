import HTTP
import OCOPAPI
import Synchronization
import Testing

/// A clock the test moves by hand.
private final class ManualSeconds: Sendable {
    private let value = Mutex<Double>(0)
    var now: Double { value.withLock { $0 } }
    func advance(_ seconds: Double) { value.withLock { $0 += seconds } }
}

@Suite struct AuthFailureLimiterTests {
    @Test func anAddressIsLimitedAfterItsAllowanceAndRecoversAsItRefills() {
        let clock = ManualSeconds()
        let limiter = AuthFailureLimiter(perMinute: 3, clock: { clock.now })
        for _ in 0..<3 {
            #expect(limiter.retryAfter("10.0.0.1") == nil)
            limiter.recordFailure("10.0.0.1")
        }
        // One failure refills every 20 s at 3 a minute.
        #expect(limiter.retryAfter("10.0.0.1") == 20)
        #expect(limiter.retryAfter("10.0.0.2") == nil, "other addresses are not affected")
        clock.advance(15)
        #expect(limiter.retryAfter("10.0.0.1") == 5)
        clock.advance(5)
        #expect(limiter.retryAfter("10.0.0.1") == nil)
        limiter.recordFailure("10.0.0.1")
        #expect(limiter.retryAfter("10.0.0.1") == 20, "one refilled attempt, used again")
    }

    @Test func theAllowanceNeverGrowsPastOneMinutesWorth() {
        let clock = ManualSeconds()
        let limiter = AuthFailureLimiter(perMinute: 2, clock: { clock.now })
        limiter.recordFailure("a")
        clock.advance(3600)
        limiter.recordFailure("a")
        limiter.recordFailure("a")
        #expect(limiter.retryAfter("a") == 30)
    }

    @Test func zeroTurnsTheLimitOff() {
        let limiter = AuthFailureLimiter(perMinute: 0)
        for _ in 0..<100 { limiter.recordFailure("a") }
        #expect(!limiter.isEnabled)
        #expect(limiter.retryAfter("a") == nil)
    }

    /// While anything is tracked every request with a token pays for an address lookup, and
    /// cached pages for token holders leave the event loop: one failure must not do that for good.
    @Test func anAddressIsForgottenOnceItsAllowanceHasRefilled() {
        let clock = ManualSeconds()
        let limiter = AuthFailureLimiter(perMinute: 2, clock: { clock.now })
        limiter.recordFailure("mistyped")
        limiter.recordFailure("mistyped")
        #expect(limiter.isCounting)
        clock.advance(59)
        #expect(limiter.retryAfter("someone else") == nil)
        #expect(limiter.isCounting, "half a failure is still owed")
        clock.advance(1)
        #expect(limiter.retryAfter("someone else") == nil, "a later request of anyone looks")
        #expect(!limiter.isCounting)
        #expect(limiter.retryAfter("mistyped") == nil)
    }

    @Test func memoryStaysBoundedAndRecoveredAddressesGoFirst() {
        let clock = ManualSeconds()
        let limiter = AuthFailureLimiter(perMinute: 1, capacity: 2, clock: { clock.now })
        limiter.recordFailure("old")
        clock.advance(60)                    // "old" has fully recovered: nothing to remember
        limiter.recordFailure("busy")
        limiter.recordFailure("new")         // at capacity: "old" is dropped, "busy" kept
        #expect(limiter.retryAfter("busy") != nil)
        #expect(limiter.retryAfter("new") != nil)
        limiter.recordFailure("newer")       // nobody recovered: the table starts over
        #expect(limiter.retryAfter("busy") == nil)
        #expect(limiter.retryAfter("newer") != nil)
    }
}

@Suite struct ClientAddressTests {
    private func request(forwardedFor: [String]) -> HTTPRequest {
        HTTPRequest(method: .get, target: "/", version: .http1_1,
                    headers: HTTPHeaders([("Host", "a")] + forwardedFor.map { ("X-Forwarded-For", $0) }), body: [])
    }

    @Test func thePeerAddressLosesItsPort() {
        let plain = request(forwardedFor: [])
        #expect(ClientAddress.of(plain, peer: "127.0.0.1:53122", trustForwardedFor: false) == "127.0.0.1")
        #expect(ClientAddress.of(plain, peer: "[::1]:53122", trustForwardedFor: false) == "::1")
    }

    @Test func forwardedForCountsOnlyWhenTrustedAndThenItsLastEntry() {
        let proxied = request(forwardedFor: ["1.1.1.1", "203.0.113.9, 2001:db8::7"])
        #expect(ClientAddress.of(proxied, peer: "10.0.0.2:4000", trustForwardedFor: false) == "10.0.0.2")
        #expect(ClientAddress.of(proxied, peer: "10.0.0.2:4000", trustForwardedFor: true) == "2001:db8::7")
    }

    @Test func aForwardedValueThatIsNoAddressIsIgnored() {
        for junk in ["", "unknown", "1.2.3.4, <script>", String(repeating: "1", count: 80)] {
            let proxied = request(forwardedFor: [junk])
            #expect(ClientAddress.of(proxied, peer: "10.0.0.2:4000", trustForwardedFor: true) == "10.0.0.2", "\(junk)")
        }
    }
}

/// The limit seen from a client, on a real socket.
@Suite struct AuthFailureLimitAPITests {
    @Test func guessingTokensEndsIn429WithRetryAfterWhileOthersAreServed() throws {
        let server = try TestServer(configure: { $0.authFailuresPerMinute = 3 })
        let client = try server.client()
        let guess = bearer("ocop_guess-0123456789abcdefghij")
        for _ in 0..<3 {
            let refused = try client.request("GET", "/api/v1/tokens", headers: [guess])
            #expect(refused.status == 401)
        }
        let limited = try client.request("GET", "/api/v1/tokens", headers: [guess])
        #expect(limited.status == 429)
        #expect(limited.header("Content-Type") == "application/problem+json")
        let retryAfter = try #require(limited.header("Retry-After").flatMap { Int($0) })
        #expect((1...20).contains(retryAfter))
        #expect(try limited.json["status"]?.int64Value == 429)

        // From this address even a good token waits: a 200 would confirm a guess.
        #expect(try client.request("GET", "/api/v1/tokens", headers: [bearer(TestServer.adminToken)]).status == 429)
        // Requests without a token are not guesses, and are served.
        #expect(try client.request("GET", "/api/v1/producers").status == 200)
        #expect(try client.request("POST", "/api/v1/producers", body: "{}").status == 401)
    }

    /// One guesser behind an address many clients share (a proxy, a fair's NAT) must not lock out
    /// the terminals and officers there: a token whose secret the server made is still served, since
    /// nobody can have guessed one. A chosen secret (the bootstrap admin's), a wrong one of the made
    /// shape and a revoked one still wait.
    @Test func aMadeSecretIsServedFromAnAddressPastItsAllowance() throws {
        let server = try TestServer(configure: { $0.authFailuresPerMinute = 2 })
        let client = try server.client()
        let officer = try server.token("officer")
        let revoked = try server.token("officer")
        let revokedID = try #require(try client.request("GET", "/api/v1/tokens?limit=500", headers: [bearer(TestServer.adminToken)])
            .json["items"]?.arrayValue?.last?["id"]?.int64Value)
        #expect(try client.request("DELETE", "/api/v1/tokens/\(revokedID)", headers: [bearer(TestServer.adminToken)]).status == 204)
        let guess = bearer("ocop_guess-0123456789abcdefghij")
        for _ in 0..<2 { #expect(try client.request("GET", "/api/v1/audit", headers: [guess]).status == 401) }
        #expect(try client.request("GET", "/api/v1/audit", headers: [guess]).status == 429)

        #expect(try client.request("GET", "/api/v1/audit", headers: [bearer(officer)]).status == 200)
        let created = try client.request("POST", "/api/v1/producers", headers: [bearer(officer)],
                                         body: #"{"name":"HTX Trà hoa vàng","kind":"cooperative"}"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(try client.request("GET", "/api/v1/audit", headers: [bearer(TestServer.adminToken)]).status == 429)
        #expect(try client.request("GET", "/api/v1/audit", headers: [bearer(revoked)]).status == 429)
        let madeShapeGuess = bearer("ocop_" + String(repeating: "Q", count: 43))
        #expect(try client.request("GET", "/api/v1/audit", headers: [madeShapeGuess]).status == 429)
    }

    @Test func validTokensAreNeverCounted() throws {
        let server = try TestServer(configure: { $0.authFailuresPerMinute = 2 })
        let client = try server.client()
        for _ in 0..<20 {
            #expect(try client.request("GET", "/api/v1/tokens", headers: [bearer(TestServer.adminToken)]).status == 200)
        }
        let officer = try server.token("officer")
        // Forbidden is not a failed authentication either.
        for _ in 0..<5 {
            #expect(try client.request("GET", "/api/v1/tokens", headers: [bearer(officer)]).status == 403)
        }
    }

    @Test func behindATrustedProxyEachForwardedClientHasItsOwnAllowance() throws {
        let server = try TestServer(configure: {
            $0.authFailuresPerMinute = 1
            $0.trustForwardedFor = true
        })
        let client = try server.client()
        let guess = bearer("ocop_guess-0123456789abcdefghij")
        let first = ("X-Forwarded-For", "203.0.113.1")
        let second = ("X-Forwarded-For", "203.0.113.2")
        #expect(try client.request("GET", "/api/v1/tokens", headers: [guess, first]).status == 401)
        #expect(try client.request("GET", "/api/v1/tokens", headers: [guess, first]).status == 429)
        #expect(try client.request("GET", "/api/v1/tokens", headers: [guess, second]).status == 401)
        #expect(try client.request("GET", "/api/v1/tokens", headers: [bearer(TestServer.adminToken), second]).status == 429)
        #expect(try client.request("GET", "/api/v1/tokens", headers: [bearer(TestServer.adminToken)]).status == 200,
                "the proxy's own address (no header) was never counted")
    }
}
