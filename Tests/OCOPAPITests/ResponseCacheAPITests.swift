import Foundation
import JSON
import Testing

/// The catalogue response cache end to end: a page is reused only while nothing was written,
/// and never across callers, days, representations or conditional requests.
@Suite struct ResponseCacheAPITests {
    func names(_ response: WireResponse) throws -> [String] {
        try #require(try response.json["items"]?.arrayValue).compactMap { $0["name"]?.stringValue }
    }

    @Test func aRepeatedPageIsServedFromTheCacheUntilAWriteLands() throws {
        let f = try ProductAPIFixtures()
        let cache = f.server.app.services.responses
        let producer = try f.producer()
        _ = try f.product("QN-TP-0001", "Miến dong Bình Liêu", producer: producer)

        let first = try f.client.request("GET", "/api/v1/products?limit=10")
        #expect(first.status == 200)
        let hitsBefore = cache.hits
        let second = try f.client.request("GET", "/api/v1/products?limit=10")
        #expect(cache.hits == hitsBefore + 1)
        #expect(second.body == first.body)
        #expect(second.header("ETag") == first.header("ETag"))
        #expect(second.header("X-Request-Id") != first.header("X-Request-Id"))  // added per request, never cached

        // A write through any route invalidates every page: the new product shows at once.
        _ = try f.product("QN-TP-0002", "Mật ong Ba Chẽ", producer: producer)
        let third = try f.client.request("GET", "/api/v1/products?limit=10")
        #expect(try names(third) == ["Miến dong Bình Liêu", "Mật ong Ba Chẽ"])
        // So does a write to another table the page shows (the producer's name is not on it, a rename is still a write).
        let renamed = try f.client.request("PATCH", "/api/v1/producers/\(producer)", headers: [f.admin],
                                           body: #"{"district":"Tiên Yên"}"#)
        #expect(renamed.status == 200)
        let hits = cache.hits
        _ = try f.client.request("GET", "/api/v1/products?limit=10")
        #expect(cache.hits == hits)
    }

    @Test func differentTargetsCallersAndRepresentationsAreKeptApart() throws {
        let f = try ProductAPIFixtures()
        let producer = try f.producer()
        _ = try f.product("QN-TP-0001", "Miến dong Bình Liêu", producer: producer)
        _ = try f.product("QN-DU-0001", "Rượu mơ Yên Tử", producer: producer, group: "beverage")

        let food = try f.client.request("GET", "/api/v1/products?group=food")
        let drinks = try f.client.request("GET", "/api/v1/products?group=beverage")
        #expect(try names(food) == ["Miến dong Bình Liêu"])
        #expect(try names(drinks) == ["Rượu mơ Yên Tử"])
        #expect(try names(try f.client.request("GET", "/api/v1/products?group=food")) == ["Miến dong Bình Liêu"])

        let csv = try f.client.request("GET", "/api/v1/products?group=food", headers: [("Accept", "text/csv")])
        #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        let json = try f.client.request("GET", "/api/v1/products?group=food")
        #expect(json.header("Content-Type")?.hasPrefix("application/json") == true)

        // A caller with a token gets its own entry, never an anonymous caller's.
        let cache = f.server.app.services.responses
        let misses = cache.misses
        let withToken = try f.client.request("GET", "/api/v1/products?group=food", headers: [f.admin])
        #expect(withToken.status == 200)
        #expect(cache.misses == misses + 1)
    }

    @Test func conditionalRequestsBypassTheCache() throws {
        let f = try ProductAPIFixtures()
        _ = try f.product("QN-TP-0001", "Miến dong Bình Liêu", producer: try f.producer())
        let cache = f.server.app.services.responses
        let page = try f.client.request("GET", "/api/v1/products")
        _ = try f.client.request("GET", "/api/v1/products")   // now cached
        let (hits, misses) = (cache.hits, cache.misses)
        let conditional = try f.client.request("GET", "/api/v1/products", headers: [("If-None-Match", "W/\"1\"")])
        #expect(conditional.status == 200)
        #expect(conditional.body == page.body)
        // Answered by the handler, which evaluates validators itself: the cache was not consulted.
        #expect(cache.hits == hits)
        #expect(cache.misses == misses)
    }

    @Test func theDayIsPartOfTheKeySoStatusesTurnAtMidnight() throws {
        // 23:59 on the day the certificate expires, in Asia/Ho_Chi_Minh (UTC+7).
        let clock = ProductTestClock("2026-11-29T16:59:00Z")
        let f = try ProductAPIFixtures(clock: clock)
        let id = try f.product("QN-TP-0001", "Miến dong Bình Liêu", producer: try f.producer())
        try f.certificate(product: id, stars: 4, decided: "2023-11-29", expires: "2026-11-29")
        func status() throws -> String? {
            try f.client.request("GET", "/api/v1/products").json["items"]?.arrayValue?.first?["status"]?.stringValue
        }
        #expect(try status() == "certified")
        #expect(try status() == "certified")   // from the cache
        clock.advance(days: 1)
        #expect(try status() == "expired")
    }

    @Test func theOverviewIsCachedPerOfficerUntilAWrite() throws {
        let f = try ProductAPIFixtures()
        let cache = f.server.app.services.responses
        let first = try f.client.request("GET", "/api/v1/reports/overview?as_of=2026-11-29", headers: [f.admin])
        #expect(first.status == 200)
        let hits = cache.hits
        let again = try f.client.request("GET", "/api/v1/reports/overview?as_of=2026-11-29", headers: [f.admin])
        #expect(cache.hits == hits + 1)
        #expect(again.body == first.body)
        // Registering a producer changes the producers-by-kind figures: the next overview is rebuilt.
        _ = try f.producer()
        let after = try f.client.request("GET", "/api/v1/reports/overview?as_of=2026-11-29", headers: [f.admin])
        #expect(cache.hits == hits + 1)
        #expect(after.body != first.body)
        // Anonymous callers are still refused: access is checked before the cache.
        #expect(try f.client.request("GET", "/api/v1/reports/overview?as_of=2026-11-29").status == 401)
    }

    @Test func aZeroSizedCacheIsOff() throws {
        let server = try TestServer(configure: { $0.responseCacheKiB = 0 })
        let client = try server.client()
        for _ in 0..<3 { #expect(try client.request("GET", "/api/v1/producers").status == 200) }
        #expect(server.app.services.responses.hits == 0)
        #expect(server.app.services.responses.misses == 0)
    }

    /// A cached page is answered on the event loop, not by a handler thread: it comes back while
    /// the only read thread waits for the only reader connection (held here) and another read
    /// waits for that thread. Before, it queued behind them until the reader was let go.
    @Test func aCachedPageIsAnsweredWhileEveryReadThreadIsBusy() throws {
        let server = try TestServer(configure: { $0.databaseReaders = 1 })
        let client = try server.client()
        let anonymous = try client.request("GET", "/api/v1/producers?limit=5")
        #expect(anonymous.status == 200)
        let admin = try client.request("GET", "/api/v1/producers?limit=5", headers: [bearer(TestServer.adminToken)])
        #expect(admin.status == 200)   // the token is now in the token cache too
        let cache = server.app.services.responses
        let (hits, misses) = (cache.hits, cache.misses)

        let (again, againAsAdmin) = try whileEveryReadThreadIsBusy(server) {
            (try? client.request("GET", "/api/v1/producers?limit=5"),
             try? client.request("GET", "/api/v1/producers?limit=5", headers: [bearer(TestServer.adminToken)]))
        }
        #expect(again?.body == anonymous.body)
        #expect(againAsAdmin?.body == admin.body)
        #expect(cache.hits == hits + 2)
        #expect(cache.misses == misses + 2)   // the two uncached reads, each counted once
    }

    /// While a failed authentication is counted, token holders' cached pages go through a handler
    /// thread (which checks the limit); once that address's allowance has refilled, the event loop
    /// answers them again. Before the limiter forgot refilled addresses, one mistyped token kept
    /// this path off until a restart.
    @Test func oneFailedAuthenticationDoesNotKeepCachedPagesOffTheLoop() throws {
        // 6,000 a minute: a failure's allowance is back within 10 ms.
        let server = try TestServer(configure: { $0.databaseReaders = 1; $0.authFailuresPerMinute = 6000 })
        let client = try server.client()
        let admin = try client.request("GET", "/api/v1/producers?limit=5", headers: [bearer(TestServer.adminToken)])
        #expect(admin.status == 200)
        #expect(try client.request("GET", "/api/v1/producers?limit=5", headers: [bearer("ocop_mistyped")]).status == 401)
        #expect(server.app.authFailures.isCounting)
        // The limiter looks for refilled addresses at most once a second, as token requests come.
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try client.request("GET", "/api/v1/producers?limit=5", headers: [bearer(TestServer.adminToken)]).status == 200)
        #expect(!server.app.authFailures.isCounting)

        let again = try whileEveryReadThreadIsBusy(server) {
            try? client.request("GET", "/api/v1/producers?limit=5", headers: [bearer(TestServer.adminToken)])
        }
        #expect(again?.body == admin.body)
    }

    /// Runs `body` while the server's only read thread waits for its only reader connection (held
    /// here) and another uncached read waits for that thread: whatever `body` gets back was
    /// answered without a read thread. Requires `databaseReaders = 1`.
    private func whileEveryReadThreadIsBusy<T>(_ server: TestServer, _ body: () throws -> T) throws -> T {
        let (database, port) = (server.app.services.database, server.port)
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let readsDone = DispatchGroup()
        readsDone.enter()
        Thread {
            _ = try? database.read { _ in holding.signal(); release.wait() }
            readsDone.leave()
        }.start()
        holding.wait()
        for target in ["/api/v1/producers?limit=6", "/api/v1/producers?limit=7"] {
            readsDone.enter()
            Thread {
                _ = try? TestClient(port: port).request("GET", target)
                readsDone.leave()
            }.start()
        }
        let handlerQueue = { server.app.services.gauges.read().first { $0.name == "ocop_handler_queue" }?.value ?? 0 }
        var queued = false
        for _ in 0..<1000 where !queued {
            queued = handlerQueue() >= 1
            if !queued { usleep(10_000) }
        }
        // The reader is let go whatever `body` did: a page that never comes back (the client's
        // 10 s timeout) must not keep the server from shutting down.
        defer {
            release.signal()
            readsDone.wait()
        }
        try #require(queued, "the second uncached read never waited for the read thread")
        return try body()
    }
}
