#if canImport(Glibc)
import Glibc
#endif
import JSON
import OCOP
import SQLite
import Synchronization
import Threads

/// The server's write path for `POST /api/v1/producers` with an `Idempotency-Key`, minus HTTP:
/// each caller thread builds a `ProducerDraft` and waits for its `Database.write`, which inserts
/// the producer (with its audit entry and search text) and stores the response for replays.
struct StoreRun {
    let path: String
    let rows: Int
    let threads: Int

    func measure() throws -> Measurement {
        var configuration = DatabaseConfiguration()
        // config/ocop.json's `database_cache_kib`, which the server passes on.
        configuration.cacheSizeKiB = 2048
        let database = try Database(path: path, configuration: configuration)
        defer { database.close() }
        try database.migrate(Schema.migrator)
        let tail = IdempotencyTail()
        let before = database.stats
        let claimed = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let start = Clocks.now()
        let workers = try (0..<threads).map { thread in
            try OSThread.spawn(name: "store-\(thread)") {
                while true {
                    let n = claimed.add(1, ordering: .relaxed).newValue
                    guard n <= rows else { return }
                    do {
                        try insert(number: n, thread: thread, into: database, tail: tail)
                    } catch {
                        failures.withLock { $0.append("insert \(n): \(error)") }
                        return
                    }
                }
            }
        }
        for worker in workers { worker.join() }
        let end = Clocks.now()
        if let first = failures.withLock({ $0.first }) { throw StoreFailure(description: first) }
        let after = database.stats
        return Measurement(inserts: after.writeJobs - before.writeJobs, commits: after.commits - before.commits,
                           wallSeconds: end.wall - start.wall, cpuSeconds: end.cpu - start.cpu)
    }

    /// One request's worth: what `ProducerRoutes.create` and `RequestContext.write` do.
    private func insert(number: Int, thread: Int, into database: Database, tail: IdempotencyTail) throws {
        let key = "bench-\(thread)-\(number)-\(UInt64.random(in: 0...UInt64.max))"
        let fields = ProducerFields(name: "Hợp tác xã \(key)", kind: .cooperative, commune: "Đồn Đạc", district: "Ba Chẽ")
        let draft = try ProducerDraft(fields)
        let hash = SHA256.hash(Array("POST /api/v1/producers\n\(key)".utf8))
        let now = Timestamp.now()
        let idempotencyKey = IdempotencyKey(scope: "token:1", key: key)
        let actor = Actor(tokenID: 1, requestID: key)
        try database.write { db in
            let producer = try ProducerStore.create(db, draft, actor: actor, now: now)
            var object = producer.fields.jsonObject
            object["id"] = .number(JSONNumber(producer.id))
            object["created_at"] = .string(now.description)
            object["updated_at"] = .string(now.description)
            object["version"] = .number(JSONNumber(producer.version))
            let response = StoredResponse(
                status: 201,
                headers: [.init(name: "Location", value: "/api/v1/producers/\(producer.id)"),
                          .init(name: "ETag", value: "\"\(producer.version)\""),
                          .init(name: "Content-Type", value: "application/json")],
                body: Array(JSONValue.object(object).serializedString().utf8))
            try IdempotencyStore.save(db, tail: tail, key: idempotencyKey, requestHash: hash, response: response, now: now)
        }
    }
}

struct StoreFailure: Error, CustomStringConvertible {
    let description: String
}
