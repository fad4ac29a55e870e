import HTTP
import OCOP
import SQLite

/// What a write route's handler prepares (`Route(…, write:)`): the body to run on the writer
/// inside the shared transaction, returning the answer. The responder claims the request's
/// `Idempotency-Key` and submits the body at once, so nothing between the claim and the
/// submission can throw and leave the key claimed.
///
/// Not `Sendable`: the body crosses to the writer the way every write body does.
/// Its answer is kept for replays as sent; a write whose answer must not be (a secret shown
/// once) uses `RequestContext.write(_:stored:)`.
public struct WritePlan {
    let body: (Connection) throws -> HTTPResponse

    public init(_ body: @escaping (Connection) throws -> HTTPResponse) {
        self.body = body
    }
}

/// A write about to run: `body` runs on the writer inside the shared transaction, then
/// `resolve` turns its outcome into the answer (or the error to answer with) on the caller's
/// thread. `RequestContext.write` runs one and waits; the responder submits one for a write
/// route and lets its thread go (`Database.submitWrite`).
struct PendingWrite {
    let deadline: ContinuousClock.Instant
    let body: (Connection) throws -> HTTPResponse
    /// Called exactly once, whatever happened: it also releases what preparing claimed.
    let resolve: @Sendable (Result<HTTPResponse, any Error>) throws -> HTTPResponse
}

/// What readying a write gives: the write to run, or already the answer, when a retry's
/// stored response was found without the writer's help.
enum PreparedWrite {
    case run(PendingWrite)
    case answered(HTTPResponse)
}

extension RequestContext {
    /// Runs a write in the shared writer transaction and waits for its answer (`prepareWrite`).
    public func write(_ body: @escaping (Connection) throws -> HTTPResponse,
                      stored: @escaping @Sendable (HTTPResponse) -> HTTPResponse = { $0 }) throws -> HTTPResponse {
        switch try prepareWrite(body, stored: stored) {
        case .answered(let replay):
            return replay
        case .run(let pending):
            return try pending.resolve(Result { try database.write(deadline: pending.deadline, pending.body) })
        }
    }

    /// Readies a write for the shared writer transaction. For a POST with an
    /// `Idempotency-Key`, the stored response of an earlier identical request is
    /// replayed, and the new response is stored in the same transaction as the
    /// write itself — a retry after a crash finds both or neither.
    ///
    /// `stored` turns the response into the one kept for replays, for a response that must
    /// not be kept as sent (a secret shown once); by default it is kept as it is.
    /// The key is claimed here until `resolve`: run or submit a `.run` at once. An `.answered`
    /// claimed nothing.
    func prepareWrite(_ body: @escaping (Connection) throws -> HTTPResponse,
                      stored: @escaping @Sendable (HTTPResponse) -> HTTPResponse = { $0 }) throws -> PreparedWrite {
        guard request.method == .post, let key = request.headers["Idempotency-Key"] else {
            return .run(PendingWrite(deadline: writeDeadline, body: body, resolve: { try $0.get() }))
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw Problem.validation([FieldError("Idempotency-Key", "must be 1 to 255 visible ASCII characters")])
        }
        let scope = principal.map { "token:\($0.tokenID)" } ?? "anonymous"
        let hash = SHA256.hash(Array("\(request.method.rawValue) \(path)\n".utf8) + request.body)
        let storedKey = IdempotencyKey(scope: scope, key: key)
        let gate = services.idempotency
        guard gate.begin(storedKey) else {
            // Someone holds the key: the first attempt, still running, or a retry of one that
            // has finished. A 409 is only for the first (API.md "Writes"): a finished one's
            // stored answer is this request's answer too, however many retries arrive at once.
            // Like any read, the lookup may see the first attempt's commit before its flush
            // (`WALSyncer`): only a power loss in that window could undo it.
            if let replay = try storedResponse(storedKey, hash: hash) { return .answered(replay) }
            throw Problem.idempotencyKeyInFlight
        }
        // No lookup first: `save` looks, after the body. When the key was used before, either
        // `save` finds it, or the body fails first (a retried create may now meet its own
        // earlier effect, e.g. a duplicate tax code); in both cases this job is rolled back
        // and the stored response decides the answer. The gate above keeps two requests of
        // this process from using one key at once, until `resolve`.
        let now = self.now
        let tail = services.idempotencyTail
        let idempotent: (Connection) throws -> HTTPResponse = { db in
            let response = try body(db)
            let kept = stored(response)
            let storedResponse = StoredResponse(status: kept.status.code,
                                                headers: kept.headers.map { .init(name: $0.name, value: $0.value) },
                                                body: kept.body)
            // `KeyTaken` undoes this job's writes: the stored answer wins.
            try IdempotencyStore.save(db, tail: tail, key: storedKey, requestHash: hash,
                                      response: storedResponse, now: now)
            return response
        }
        let context = self
        return .run(PendingWrite(deadline: writeDeadline, body: idempotent) { outcome in
            defer { gate.end(storedKey) }
            let failure: any Error
            switch outcome {
            case .success(let response): return response
            case .failure(let error): failure = error
            }
            // Committed, stored response included, but maybe not durable: replaying that would be
            // the 2xx the failed flush withholds. The same for a retry the writer refuses once the
            // storage failed: what the file holds past the last good flush may not survive.
            if failure is WriteOutcomeUnknown || (failure as? SQLiteError)?.isStorageFailure == true { throw failure }
            let replay: HTTPResponse?
            do {
                replay = try context.storedResponse(storedKey, hash: hash)
            } catch let mismatch as Problem {
                throw mismatch      // the key was used with a different request
            } catch {
                throw failure       // the lookup failed too: report what went wrong first
            }
            if let replay { return replay }
            if failure is IdempotencyStore.KeyTaken {
                // Stored, yet gone by the time we looked: purged in between. Let the client retry.
                throw Problem.idempotencyKeyInFlight
            }
            throw failure
        })
    }

    /// The answer stored for this key, marked as replayed; nil when none is stored.
    /// A key used with a different request is a validation error.
    private func storedResponse(_ key: IdempotencyKey, hash: [UInt8]) throws -> HTTPResponse? {
        guard let earlier = try database.read({ try IdempotencyStore.lookup($0, key) }) else {
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
