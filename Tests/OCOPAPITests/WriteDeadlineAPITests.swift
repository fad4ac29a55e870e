import Dispatch
import Foundation
import JSON
import OCOPAPI
import SQLite
import Testing

/// A write that cannot get its turn at the writer in time is answered 503 and is *not* written,
/// so the retry the 503 invites is safe; and a shutdown past its drain deadline starts no
/// queued write. (Before, the engine answered 503 at the handler timeout while the queued
/// write still committed a moment later.)
@Suite(.serialized) struct WriteDeadlineAPITests {
    let admin = bearer(TestServer.adminToken)

    /// Holds the writer for `duration` on another thread (a long import ahead in the queue);
    /// returns once it holds it.
    private func occupyWriter(_ server: TestServer, for duration: Duration) -> DispatchGroup {
        let holding = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        let database = server.app.services.database
        done.enter()
        Thread {
            _ = try? database.exclusive { _ in
                holding.signal()
                Thread.sleep(forTimeInterval: Double(duration.components.seconds)
                             + Double(duration.components.attoseconds) / 1e18)
            }
            done.leave()
        }.start()
        holding.wait()
        return done
    }

    private func names(_ client: TestClient) throws -> [String] {
        try client.request("GET", "/api/v1/producers?limit=500").json["items"]?.arrayValue?
            .compactMap { $0["name"]?.stringValue } ?? []
    }

    @Test func aWriteThatWaitedPastTheHandlerTimeoutIs503AndNotWritten() throws {
        let server = try TestServer(configure: { $0.handlerTimeoutMs = 300 })
        let client = try server.client()
        let busy = occupyWriter(server, for: .milliseconds(900))
        let late = try client.request("POST", "/api/v1/producers", headers: [admin, ("Idempotency-Key", "late-1")],
                                      body: #"{"name":"Đến muộn","kind":"household"}"#)
        busy.wait()
        #expect(late.status == 503)
        #expect(late.header("Retry-After") == "1")
        #expect(try late.json["detail"]?.stringValue?.contains("nothing was written") == true)
        // The application's answer (the engine's would say "took too long" and close).
        #expect(late.header("Connection") != "close")
        #expect(try !names(client).contains("Đến muộn"))
        // The retry the 503 invites, with the same key, makes it exactly once.
        let retry = try client.request("POST", "/api/v1/producers", headers: [admin, ("Idempotency-Key", "late-1")],
                                       body: #"{"name":"Đến muộn","kind":"household"}"#)
        #expect(retry.status == 201)
        #expect(retry.header("Idempotent-Replayed") == nil)
        #expect(try names(client).filter { $0 == "Đến muộn" }.count == 1)
    }

    /// A read past the handler timeout: the client got the engine's 503, so that is what the
    /// metrics count for its route, not the 200 its handler produced later for nobody.
    /// Two requests with one Idempotency-Key while the writer is busy: one waits its turn and
    /// creates, the other is told at once that the first is in flight, and when to come back.
    @Test func aRetryWhileTheFirstIsQueuedIsAConflictWithRetryAfter() throws {
        let server = try TestServer()
        let (first, second) = (try server.client(), try server.client())
        _ = try first.request("GET", "/api/v1/producers/1", headers: [admin])   // the token is cached
        let busy = occupyWriter(server, for: .milliseconds(600))
        let body = #"{"name":"Gửi hai lần","kind":"household"}"#
        let request = "POST /api/v1/producers HTTP/1.1\r\nHost: localhost\r\nAuthorization: \(admin.1)\r\n"
            + "Idempotency-Key: twice-1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        first.send(request)
        second.send(request)
        let answers = [try first.readResponse(method: "POST"), try second.readResponse(method: "POST")]
        busy.wait()
        #expect(answers.map(\.status).sorted() == [201, 409])
        let conflict = try #require(answers.first { $0.status == 409 })
        #expect(conflict.header("Retry-After") == "1")
        #expect(try conflict.json["detail"]?.stringValue?.contains("still being processed") == true)
    }

    @Test func aReadCutOffByTheHandlerTimeoutIsCountedAsThe503ItGot() throws {
        let server = try TestServer(configure: { $0.handlerTimeoutMs = 300; $0.databaseReaders = 1 })
        let client = try server.client()
        #expect(try client.request("POST", "/api/v1/producers", headers: [admin],
                                   body: #"{"name":"Chờ đọc","kind":"household"}"#).status == 201)
        // Every reader busy for longer than the timeout: the read waits for one.
        let holding = DispatchSemaphore(value: 0)
        let released = DispatchGroup()
        let database = server.app.services.database
        released.enter()
        Thread {
            _ = try? database.read { _ in
                holding.signal()
                Thread.sleep(forTimeInterval: 0.9)
            }
            released.leave()
        }.start()
        holding.wait()
        let cut = try client.request("GET", "/api/v1/producers/1", headers: [("X-Request-Id", "dashboard-42")])
        #expect(cut.status == 503)
        #expect(cut.header("Retry-After") == "1")
        #expect(cut.header("X-Request-Id") == "dashboard-42", "the engine's answer is findable by the id sent")
        released.wait()
        let route = #"ocop_http_requests_total{method="GET",route="/api/v1/producers/{id}""#
        var metrics = ""
        for _ in 0..<100 {   // the handler reports once its read is done
            metrics = try server.client().request("GET", "/metrics").text
            if metrics.contains(route + #",status="503"} 1"#) { break }
            usleep(10_000)
        }
        #expect(metrics.contains(route + #",status="503"} 1"#), "\(metrics)")
        #expect(!metrics.contains(route + #",status="200""#))
        #expect(metrics.contains(#"ocop_http_rejected_total{status="503"} 1"#))
    }

    @Test func aShutdownPastItsDrainDeadlineStartsNoQueuedWrite() throws {
        let server = try TestServer(configure: { $0.drainTimeoutMs = 100 })
        // Long enough for the three writes to queue behind it even on a loaded machine.
        let busy = occupyWriter(server, for: .seconds(2))
        let answered = DispatchGroup()
        let port = server.port
        for i in 0..<3 {
            answered.enter()
            Thread {
                let client = try? TestClient(port: port)
                _ = try? client?.request("POST", "/api/v1/producers", headers: [admin],
                                         body: #"{"name":"Xếp hàng \#(i)","kind":"household"}"#)
                answered.leave()
            }.start()
        }
        var polls = 0
        while server.app.services.database.stats.writesQueued < 3, polls < 500 {
            usleep(10_000)
            polls += 1
        }
        #expect(server.app.services.database.stats.writesQueued == 3)
        server.app.shutdown()
        busy.wait()
        answered.wait()
        let database = try Database(path: server.databasePath)
        defer { database.close() }
        let queued = try database.read { try $0.scalarInt("SELECT count(*) FROM producers WHERE name LIKE 'Xếp hàng %'") }
        #expect(queued == 0)
    }
}
