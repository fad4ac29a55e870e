import HTTP
import OCOP
import SQLite

extension RequestContext {
    /// Runs a write in the shared writer transaction. For a POST with an
    /// `Idempotency-Key`, the stored response of an earlier identical request is
    /// replayed, and the new response is stored in the same transaction as the
    /// write itself — a retry after a crash finds both or neither.
    ///
    /// `stored` turns the response into the one kept for replays, for a response that must
    /// not be kept as sent (a secret shown once); by default it is kept as it is.
    public func write(_ body: @escaping (Connection) throws -> HTTPResponse,
                      stored: @escaping @Sendable (HTTPResponse) -> HTTPResponse = { $0 }) throws -> HTTPResponse {
        guard request.method == .post, let key = request.headers["Idempotency-Key"] else {
            return try database.write(deadline: writeDeadline, body)
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
        // No lookup first: the stored responses' primary key (scope, key) is the lookup.
        // A new key (the common case) costs nothing extra. When the key was used before,
        // either its INSERT below fails, or the body fails first (a retried create may now
        // meet its own earlier effect, e.g. a duplicate tax code); in both cases this job
        // is rolled back and the stored response decides the answer. The gate above keeps
        // two requests of this process from using one key at once.
        let now = self.now
        do {
            return try database.write(deadline: writeDeadline) { db in
                let response = try body(db)
                let kept = stored(response)
                let storedResponse = StoredResponse(status: kept.status.code,
                                                    headers: kept.headers.map { .init(name: $0.name, value: $0.value) },
                                                    body: kept.body)
                do {
                    try IdempotencyStore.save(db, scope: scope, key: key, requestHash: hash, response: storedResponse, now: now)
                } catch let error as SQLiteError where error.isUniqueViolation {
                    throw KeyAlreadyStored()   // undoes this job's writes: the stored answer wins
                }
                return response
            }
        } catch let failure {
            let replay: HTTPResponse?
            do {
                replay = try storedResponse(scope: scope, key: key, hash: hash)
            } catch let mismatch as Problem {
                throw mismatch      // the key was used with a different request
            } catch {
                throw failure       // the lookup failed too: report what went wrong first
            }
            if let replay { return replay }
            if failure is KeyAlreadyStored {
                // Stored, yet gone by the time we looked: purged in between. Let the client retry.
                throw Problem.conflict("a request with this Idempotency-Key is still being processed; retry later")
            }
            throw failure
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

/// The idempotency key already has a stored response (see `write`).
private struct KeyAlreadyStored: Error {}
