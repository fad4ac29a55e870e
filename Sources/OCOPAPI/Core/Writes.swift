import HTTP
import OCOP
import SQLite

extension RequestContext {
    /// Runs a write in the shared writer transaction. For a POST with an
    /// `Idempotency-Key`, the stored response of an earlier identical request is
    /// replayed, and the new response is stored in the same transaction as the
    /// write itself — a retry after a crash finds both or neither.
    public func write(_ body: @escaping (Connection) throws -> HTTPResponse) throws -> HTTPResponse {
        guard request.method == .post, let key = request.headers["Idempotency-Key"] else {
            return try database.write(body)
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw Problem.validation([FieldError("Idempotency-Key", "must be 1 to 255 visible ASCII characters")])
        }
        let scope = principal.map { "token:\($0.tokenID)" } ?? "anonymous"
        let hash = SHA256.hash(Array("\(request.method.rawValue) \(path)\n".utf8) + request.body)
        let gateKey = scope + "\u{1F}" + key
        guard services.idempotency.begin(gateKey) else {
            throw Problem.conflict("a request with this Idempotency-Key is still being processed; retry later")
        }
        defer { services.idempotency.end(gateKey) }
        // The lookup runs on a reader, not in the writer's transaction: while this process
        // holds the key in the gate nobody here can store it, and an earlier request that
        // stored it committed before releasing the gate, so a fresh read sees it. Only
        // another process could store it in between; the primary key catches that below.
        if let replay = try storedResponse(scope: scope, key: key, hash: hash) { return replay }
        let now = self.now
        do {
            return try database.write { db in
                let response = try body(db)
                let stored = StoredResponse(status: response.status.code,
                                            headers: response.headers.map { .init(name: $0.name, value: $0.value) },
                                            body: response.body)
                do {
                    try IdempotencyStore.save(db, scope: scope, key: key, requestHash: hash, response: stored, now: now)
                } catch let error as SQLiteError where error.isUniqueViolation {
                    throw StoredMeanwhile()   // undoes this job's writes: the stored answer wins
                }
                return response
            }
        } catch is StoredMeanwhile {
            if let replay = try storedResponse(scope: scope, key: key, hash: hash) { return replay }
            throw Problem.conflict("a request with this Idempotency-Key is still being processed; retry later")
        }
    }

    /// The answer stored for this key, marked as replayed; nil when none is stored.
    /// A key used with a different request is a validation error.
    private func storedResponse(scope: String, key: String, hash: [UInt8]) throws -> HTTPResponse? {
        guard let earlier = try database.read({ try IdempotencyStore.lookup($0, scope: scope, key: key) }) else {
            return nil
        }
        guard earlier.requestHash == hash else {
            throw Problem.validation([FieldError("Idempotency-Key", "was already used with a different request")])
        }
        var headers = HTTPHeaders(earlier.response.headers.map { (name: $0.name, value: $0.value) })
        headers.set("Idempotent-Replayed", "true")
        return HTTPResponse(status: HTTPStatus(code: earlier.response.status), headers: headers, body: earlier.response.body)
    }
}

/// Another process stored the same idempotency key while this request ran (see `write`).
private struct StoredMeanwhile: Error {}
