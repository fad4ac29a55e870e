import Dispatch
import Foundation
import JSON
import OCOPAPI
import SQLite
import Synchronization
import Testing

/// A producer's creation is a write route (`Route(…, write:)`): prepared on the event loop when
/// the caller is known without a read and the body is small, on a handler thread otherwise, and
/// answered from the write's completion without a thread waiting for it. Whichever way it went,
/// a client must see the same thing.
@Suite struct WriteHandOffAPITests {
    let admin = bearer(TestServer.adminToken)

    private func create(_ client: TestClient, _ headers: [(String, String)], name: String,
                        padding: Int = 0) throws -> WireResponse {
        let body = #"{"name":"\#(name)","kind":"cooperative","district":"Bình Liêu"}"#
            + String(repeating: " ", count: padding)
        return try client.request("POST", "/api/v1/producers", headers: headers, body: body)
    }

    private func count(_ server: TestServer, named name: String) throws -> Int64? {
        try server.app.services.database.read {
            try $0.scalarInt("SELECT count(*) FROM producers WHERE name = ?", [.text(name)])
        }
    }

    @Test func aProducerIsCreatedAlikeWhicheverThreadPreparesIt() throws {
        let server = try TestServer()
        let client = try server.client()
        // A token never used yet: authenticating it is a read, so a handler thread prepares.
        let officer = bearer(try server.token("officer"))
        let first = try create(client, [officer], name: "HTX Lần đầu")
        // Now the token cache holds it: the event loop prepares.
        let second = try create(client, [officer], name: "HTX Lần hai")
        // A body past what the loop parses (JSON allows the trailing spaces): a handler thread again.
        let large = try create(client, [officer], name: "HTX Thân lớn",
                               padding: APIResponder.writePreparedOnLoopBytes + 1)
        for (response, name) in [(first, "HTX Lần đầu"), (second, "HTX Lần hai"), (large, "HTX Thân lớn")] {
            #expect(response.status == 201)
            let id = try #require(try response.json["id"]?.int64Value)
            #expect(response.header("Location") == "/api/v1/producers/\(id)")
            #expect(response.header("ETag") == #"W/"1""#)
            #expect(response.header("X-Request-Id") != nil)
            #expect(try response.json["name"]?.stringValue == name)
            let read = try client.request("GET", "/api/v1/producers/\(id)")
            #expect(read.status == 200)
            #expect(read.body == response.body)
            let audit = try client.request("GET", "/api/v1/audit?entity=producer&entity_id=\(id)", headers: [admin])
            #expect(try audit.json["items"]?.arrayValue?.count == 1)
        }
    }

    /// Pipelined on one connection: writes answered from their completions, refusals answered on
    /// the spot and a read, all in the order they were sent (RFC 9112 §9.3.2).
    @Test func pipelinedWritesAreAnsweredInOrder() throws {
        let server = try TestServer()
        let client = try server.client()
        _ = try create(client, [admin], name: "HTX Mở đầu")   // the admin's token is cached from here on
        func post(_ name: String, key: String? = nil) -> String {
            let body = #"{"name":"\#(name)","kind":"household"}"#
            let keyLine = key.map { "Idempotency-Key: \($0)\r\n" } ?? ""
            return "POST /api/v1/producers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(TestServer.adminToken)\r\n"
                + keyLine + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        }
        client.send(post("Ống 1") + post("Ống 2", key: "pipe-a")
                    + "POST /api/v1/producers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                    + post("Ống 3") + "GET /api/v1/producers/1 HTTP/1.1\r\nHost: x\r\n\r\n" + post("Ống 2", key: "pipe-a"))
        let answers = try (0..<6).map { _ in try client.readResponse(method: "POST") }
        #expect(answers.map(\.status) == [201, 201, 401, 201, 200, 201])
        #expect(try answers[0].json["name"]?.stringValue == "Ống 1")
        #expect(try answers[1].json["name"]?.stringValue == "Ống 2")
        #expect(try answers[3].json["name"]?.stringValue == "Ống 3")
        #expect(try answers[4].json["name"]?.stringValue == "HTX Mở đầu")
        #expect(answers[5].header("Idempotent-Replayed") == "true")
        #expect(answers[5].body == answers[1].body)
        let ids = try [0, 1, 3].map { try #require(try answers[$0].json["id"]?.int64Value) }
        #expect(ids == ids.sorted() && Set(ids).count == 3)
    }

    /// Refusals decided while preparing are answered on the spot, on either side, and write nothing.
    @Test func refusalsWhilePreparingWriteNothing() throws {
        let server = try TestServer()
        let client = try server.client()
        let pos = bearer(try server.token("pos", pointOfSale: 1))
        _ = try client.request("GET", "/api/v1/producers/1", headers: [pos])   // cached from here on
        let cases: [(headers: [(String, String)], body: String, padding: Int, status: Int)] = [
            ([], #"{"name":"Vô danh","kind":"household"}"#, 0, 401),
            ([pos], #"{"name":"Điểm bán","kind":"household"}"#, 0, 403),
            ([("Authorization", "Bearer ocop_unknown-token")], #"{"name":"Lạ","kind":"household"}"#, 0, 401),
            ([admin], #"{"name":"","kind":"household"}"#, 0, 422),
            ([admin], #"{"name":"Sai loại","kind":"farm"}"#, 0, 422),
            ([admin], #"{"name":"Thừa","kind":"household","color":"red"}"#, 0, 422),
            ([admin], #"{"name":"Hỏng""#, 0, 400),
            ([admin], #"{"name":"","kind":"household"}"#, APIResponder.writePreparedOnLoopBytes + 1, 422),
            ([admin, ("Idempotency-Key", "bad key with spaces")], #"{"name":"Khóa xấu","kind":"household"}"#, 0, 422),
        ]
        for refusal in cases {
            let response = try client.request("POST", "/api/v1/producers", headers: refusal.headers,
                                              body: refusal.body + String(repeating: " ", count: refusal.padding))
            #expect(response.status == refusal.status, "\(refusal.body)")
            #expect(response.header("Content-Type") == "application/problem+json")
        }
        let written = try server.app.services.database.read { try $0.scalarInt("SELECT count(*) FROM producers") }
        #expect(written == 0)
        let text = try client.request("POST", "/api/v1/producers", headers: [admin, ("Content-Type", "text/plain")],
                                      body: #"{"name":"Chữ","kind":"household"}"#)
        #expect(text.status == 415)
    }

    /// Holds the writer and sends an admin's POST of `body` with `key`, returning once that
    /// write waits in the writer's queue, its key claimed. The closure returned lets the writer
    /// go and gives that POST's answer.
    private func postQueuedBehindAHeldWriter(_ server: TestServer, key: (String, String),
                                             body: String) -> () -> WireResponse? {
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let database = server.app.services.database
        let held = DispatchGroup()
        held.enter()
        Thread {
            _ = try? database.write { _ in
                holding.signal()
                release.wait()
            }
            held.leave()
        }.start()
        holding.wait()
        let port = server.port, admin = admin
        let answer = Shared<WireResponse?>(nil)
        let answered = DispatchGroup()
        answered.enter()
        Thread {
            let client = try? TestClient(port: port)
            answer.update { $0 = try? client?.request("POST", "/api/v1/producers", headers: [admin, key], body: body) }
            answered.leave()
        }.start()
        var polls = 0
        while database.stats.writesQueued < 1, polls < 500 {
            usleep(10_000)
            polls += 1
        }
        return {
            release.signal()
            held.wait()
            answered.wait()
            return answer.value
        }
    }

    /// The same key twice at once: the second is refused while the first is still being written,
    /// and afterwards every retry replays the one answer.
    @Test func anIdempotencyKeyIsHeldUntilItsWriteIsAnswered() throws {
        let server = try TestServer()
        let client = try server.client()
        let key = ("Idempotency-Key", "same-key-1")
        let body = #"{"name":"HTX Một lần","kind":"cooperative"}"#
        // The writer held, so the first request's write waits in the queue with its key claimed.
        let queued = postQueuedBehindAHeldWriter(server, key: key, body: body)
        let overtaking = try client.request("POST", "/api/v1/producers", headers: [admin, key], body: body)
        #expect(overtaking.status == 409)
        let first = try #require(queued())
        #expect(first.status == 201)
        let retry = try client.request("POST", "/api/v1/producers", headers: [admin, key], body: body)
        #expect(retry.status == 201)
        #expect(retry.header("Idempotent-Replayed") == "true")
        #expect(retry.body == first.body)
        #expect(try count(server, named: "HTX Một lần") == 1)
    }

    /// Retries of a request that has finished, arriving together: one of them holds the key on
    /// its way through the writer, and the others must still get the stored answer, not the 409
    /// that is only for a retry overtaking the first attempt (API.md "Writes").
    @Test func retriesArrivingTogetherAfterTheFirstFinishedAllReplayIt() throws {
        let server = try TestServer()
        let client = try server.client()
        let key = ("Idempotency-Key", "together-1")
        let body = #"{"name":"HTX Cùng lúc","kind":"cooperative"}"#
        let first = try client.request("POST", "/api/v1/producers", headers: [admin, key], body: body)
        #expect(first.status == 201)
        // The writer held, so the first retry waits in its queue holding the key.
        let queued = postQueuedBehindAHeldWriter(server, key: key, body: body)
        let together = try (0..<3).map { _ in
            try client.request("POST", "/api/v1/producers", headers: [admin, key], body: body)
        }
        let different = try client.request("POST", "/api/v1/producers", headers: [admin, key],
                                           body: #"{"name":"HTX Khác","kind":"cooperative"}"#)
        let holder = try #require(queued())
        for retry in together + [holder] {
            #expect(retry.status == 201)
            #expect(retry.header("Idempotent-Replayed") == "true")
            #expect(retry.body == first.body)
            #expect(retry.header("Location") == first.header("Location"))
        }
        #expect(different.status == 422)   // same key, another request: refused, as when no one holds it
        #expect(try count(server, named: "HTX Cùng lúc") == 1)
        #expect(try count(server, named: "HTX Khác") == 0)
    }

    /// Many writes in flight when the server is told to stop: each gets its whole answer, and
    /// every producer answered 201 is in the file after the shutdown.
    @Test func aShutdownAnswersTheWritesInFlightAndKeepsWhatItAcknowledged() throws {
        let server = try TestServer()
        let port = server.port, admin = admin
        let acknowledged = Shared<[Int64]>([])
        let otherStatuses = Shared<[Int]>([])
        let started = DispatchGroup()
        let finished = DispatchGroup()
        for connection in 0..<16 {
            started.enter()
            finished.enter()
            Thread {
                defer { finished.leave() }
                guard let client = try? TestClient(port: port) else { return started.leave() }
                started.leave()
                for i in 0..<200 {
                    guard let response = try? client.request("POST", "/api/v1/producers", headers: [admin],
                                                             body: #"{"name":"Dừng \#(connection)-\#(i)","kind":"household"}"#)
                    else { return }   // closed by the shutdown between two requests
                    if response.status == 201, let id = try? response.json["id"]?.int64Value {
                        acknowledged.update { $0.append(id) }
                    } else {
                        otherStatuses.update { $0.append(response.status) }
                    }
                }
            }.start()
        }
        started.wait()
        var polls = 0
        while acknowledged.value.count < 50, polls < 1000 {
            usleep(5_000)
            polls += 1
        }
        server.app.shutdown()
        finished.wait()
        #expect(acknowledged.value.count >= 50)
        #expect(otherStatuses.value.allSatisfy { $0 == 503 }, "\(otherStatuses.value)")
        let database = try Database(path: server.databasePath)
        defer { database.close() }
        let stored = try database.read { try $0.all("SELECT id FROM producers") { $0.int64(0) } }
        #expect(Set(acknowledged.value).isSubset(of: Set(stored)))
    }
}

/// A value the threads of a test share.
private final class Shared<T: Sendable>: Sendable {
    private let state: Mutex<T>
    init(_ value: T) { state = Mutex(value) }
    var value: T { state.withLock { $0 } }
    func update(_ change: (inout T) -> Void) { state.withLock { change(&$0) } }
}
