import HTTP
import JSON
import OCOP
import SQLite
import Synchronization

/// The application as the transport sees it: routes a request, runs the
/// middleware (request id, CORS, auth, errors → problem+json, metrics, access
/// log) and hands database work to the blocking pool so loops never block.
public final class APIResponder: HTTPResponder {
    public let services: Services
    public let routes: [Route]
    let router: Router<Route>
    private let pools: HandlerPools
    private let cors: CORSPolicy
    private let log: AccessLog
    let authFailures: AuthFailureLimiter
    private let trustForwardedFor: Bool
    private let writeTimeout: Duration
    private let requestCounter = Atomic<UInt64>(0)
    private let requestIDPrefix: String
    /// The methods this server recognises: on a path that exists but has no route for one of them
    /// the answer is 405 with `Allow` (API.md), and only a method outside this set is 501. QUERY is
    /// here because clients send it (Schemathesis does, for OpenAPI 3.2's `query` operations), and
    /// a standard method refused as "not implemented" reads as a server error to them.
    static let knownMethods: Set<HTTPMethod> = [.get, .head, .post, .put, .patch, .delete, .options, .trace, .query]

    /// A client-chosen method as a problem quotes it: at most 40 characters (a method may be
    /// kilobytes long, and the answer need not carry it back).
    static func shown(_ method: String) -> String {
        method.count <= 40 ? method : method.prefix(40) + "…"
    }
    /// Logged and counted for a response whose connection closed before it (nginx's convention).
    static let connectionClosedStatus = 499

    /// Reads (GET/HEAD) and writes run on separate pools: see `HandlerPools` for why.
    /// `writeTimeout`: how long a write may wait for its turn at the writer (`RequestContext.writeDeadline`).
    public init(services: Services, routes: [Route], pools: HandlerPools, cors: CORSPolicy, accessLog: AccessLog,
                authFailures: AuthFailureLimiter, trustForwardedFor: Bool, writeTimeout: Duration) {
        var router = Router<Route>()
        for route in routes { router.add(route.method, route.pattern, route) }
        self.router = router
        self.routes = routes
        self.services = services
        self.pools = pools
        self.cors = cors
        self.log = accessLog
        self.authFailures = authFailures
        self.trustForwardedFor = trustForwardedFor
        self.writeTimeout = writeTimeout
        self.requestIDPrefix = Hex.encode(SecureRandom.bytes(4))
    }

    /// The path a request is routed by, and whether it asks for CSV: the `.csv` suffix is a
    /// convention of the JSON API's lists (API.md "Lists"); outside `/api/v1/` it is data: a
    /// lot `/01/…/10/B7.csv` or a product code `/t/QN-1.csv`.
    private static func routedPath(_ request: HTTPRequest) -> (path: String, csvSuffix: Bool, wantsCSV: Bool) {
        var path = String(request.path)
        let csvSuffix = path.hasPrefix("/api/v1/") && path.hasSuffix(".csv")
        if csvSuffix { path.removeLast(4) }
        let wantsCSV = csvSuffix || request.headers["Accept"].map {
            AcceptHeader($0).prefers("text/csv", over: "application/json")
        } ?? false
        return (path, csvSuffix, wantsCSV)
    }

    /// What to do with a request whose head arrived before its body (`HTTPResponder.admitBody`).
    /// Answered from the head alone, whatever the body: an unimplemented method (501), no such
    /// route (404), a method the route does not take (405), a route for token holders and no
    /// `Authorization` (401). Such a client is not made to upload a body, nor the server to hold
    /// it; the engine closes the connection behind the answer.
    ///
    /// A body beyond the engine's free share is also refused where the route takes none (413: a
    /// GET's body would only be held and dropped), and for token holders' routes only once the
    /// token is known to be good and allowed: from the token cache at once, else from the database
    /// while the connection waits, on the pool the request's handler would use (a write's: not
    /// behind a queue of slow reads). Otherwise a client with a made-up token could hold the
    /// server-wide body budget and make large uploads (a CSV import) wait. A small body needs none
    /// of this: it is read, and `respond` checks it all as usual; unless its client waits for
    /// `100 Continue`, which asks to hear the token's refusal before it sends.
    public func admitBody(of head: HTTPRequest, beyondFreeShare: Bool, connection: ConnectionInfo,
                          later: BodyDecision) -> BodyAdmission {
        let started = ContinuousClock.now
        /// An answer given now, instead of reading the body (the request id is made only then).
        let refuse = { [self] (response: HTTPResponse, route: String, tokenID: Int64?) -> BodyAdmission in
            .answer(send(response, answering: head, connection: connection, requestID: requestID(for: head),
                         started: started, route: route, tokenID: tokenID, through: { _ in .sent }))
        }
        guard APIResponder.knownMethods.contains(head.method) else {
            return refuse(Self.notImplemented(head), "unmatched", nil)
        }
        if let refusal = Self.unsafeTextRefusal(head) { return refuse(refusal, "unmatched", nil) }
        // `OPTIONS *` is about the server, not a path (RFC 9110 §9.3.7): `respond` answers it,
        // as it answers OPTIONS of a path that exists; the router has no `*` to find.
        if head.method == .options && head.target == "*" {
            return beyondFreeShare ? refuse(Self.takesNoContent(head), "*", nil) : .readBody
        }
        let (path, csvSuffix, _) = Self.routedPath(head)
        let match = router.match(head.method, path: Substring(path))
        if let (response, label) = unserved(head, path: path, csvSuffix: csvSuffix, match) {
            return refuse(response, label, nil)
        }
        guard case .found(let route, _, let pattern) = match else {
            // OPTIONS of a path that exists: its methods, whatever the body; it takes none.
            return beyondFreeShare ? refuse(Self.takesNoContent(head), "options", nil) : .readBody
        }
        // A body beyond the share where the route takes none is refused, once the caller may call.
        let refusesBody = beyondFreeShare && !route.takesContent
        guard case .roles = route.access else {
            return refusesBody ? refuse(Self.takesNoContent(head), pattern, nil) : .readBody
        }
        guard Self.bearerCredentials(head) != nil else {
            return refuse(Problem.unauthorized("this resource needs a bearer token").response, pattern, nil)
        }
        // A chunked body's length is unknown at its head: its token is checked as for a large one
        // (no 100 Continue for a made-up token), while the 413 waits until it is past the share.
        // A client waiting for 100 Continue asked to hear a refusal before it sends: its token is
        // checked first whatever its body's size (the engine accepts only `100-continue`).
        guard beyondFreeShare || head.headers.contains("Transfer-Encoding") || head.headers.contains("Expect")
        else { return .readBody }
        // Past the caller, a body the route could never read (a media type or content coding it
        // refuses) is a 415 now, rather than after the client sent it all.
        if let caller = knownCaller(head) {
            do throws(Problem) {
                try authorize(route.access, caller.principal)
                try Self.refuseUnreadableContent(head, hasBody: true, route: route)
            } catch {
                return refuse(error.response, pattern, caller.principal?.tokenID)
            }
            return refusesBody ? refuse(Self.takesNoContent(head), pattern, caller.principal?.tokenID) : .readBody
        }
        pools.pool(for: head.method).submit { [self] in
            var principal: Principal?
            let requestID = requestID(for: head)
            let refusal: HTTPResponse
            do {
                principal = try authenticate(head, connection: connection)
                try authorize(route.access, principal)
                try Self.refuseUnreadableContent(head, hasBody: true, route: route)
                guard refusesBody else {
                    later.readBody()
                    return
                }
                refusal = Self.takesNoContent(head)
            } catch {
                refusal = problemResponse(error, head, requestID: requestID)
            }
            // Counted as the engine says it was used: a decision after the handler timeout is not
            // what the client got (it got a 503).
            send(refusal, answering: head, connection: connection, requestID: requestID, started: started,
                 route: pattern, tokenID: principal?.tokenID, through: later.answer)
        }
        return .decideLater
    }

    /// The one way every answer leaves, from `respond` or from a head before its body: it gets
    /// what every answer carries (its request id, CORS for the caller's origin), `deliver` hands it
    /// over, and metrics and the access log count it as what the client got: the engine's 503 when
    /// the server gave up first (a handler or a body decision past its deadline), nginx's 499 when
    /// the connection closed first (nothing was sent). Returns the answer as handed over.
    @discardableResult
    private func send(_ response: HTTPResponse, answering request: HTTPRequest, connection: ConnectionInfo,
                      requestID: String, started: ContinuousClock.Instant, route: String, tokenID: Int64?,
                      through deliver: (HTTPResponse) -> Delivery) -> HTTPResponse {
        var response = response
        response.headers.set("X-Request-Id", requestID)
        cors.decorate(&response, answering: request)
        let delivery = deliver(response)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // A client may invent methods freely (they get a 501): they share one label, or each
        // made-up name would add a series that lives as long as the process.
        let method = APIResponder.knownMethods.contains(request.method) ? request.method.rawValue : "other"
        let status = switch delivery {
        case .sent: response.status.code
        case .timedOut: HTTPStatus.serviceUnavailable.code
        case .connectionClosed: APIResponder.connectionClosedStatus
        }
        services.metrics.record(method: method, route: route, status: status, seconds: seconds)
        log.record(requestID: requestID, method: request.method.rawValue, target: request.target, route: route,
                   status: status, milliseconds: seconds * 1000, bytes: delivery == .sent ? response.body.count : 0,
                   remote: trustForwardedFor ? client(request, connection) : connection.remoteAddress,
                   tokenID: tokenID, at: services.clock(),
                   unsent: delivery == .sent ? nil : response.status.code)
        return response
    }

    public func respond(to request: HTTPRequest, connection: ConnectionInfo, reply: Reply) {
        let started = ContinuousClock.now
        let requestID = requestID(for: request)
        let (path, csvSuffix, wantsCSV) = Self.routedPath(request)
        let finish: @Sendable (HTTPResponse, String, Int64?) -> Void = { [self] response, route, tokenID in
            send(response, answering: request, connection: connection, requestID: requestID, started: started,
                 route: route, tokenID: tokenID, through: reply.callAsFunction)
        }

        // Method names are case-sensitive tokens (RFC 9110 §9.1); ones we implement nowhere are 501.
        guard APIResponder.knownMethods.contains(request.method) else {
            return finish(Self.notImplemented(request), "unmatched", nil)
        }
        if let refusal = Self.unsafeTextRefusal(request) { return finish(refusal, "unmatched", nil) }
        if request.method == .options && request.target == "*" {
            var response = HTTPResponse(status: .noContent)
            response.headers.set("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
            return finish(response, "*", nil)
        }
        let match = router.match(request.method, path: Substring(path))
        if let (response, label) = unserved(request, path: path, csvSuffix: csvSuffix, match) {
            return finish(response, label, nil)
        }
        switch match {
        case .notFound:
            return  // answered by `unserved`
        case .methodNotAllowed(let allowed, _):
            // Only OPTIONS comes here: the path exists, and these are its methods.
            if request.body.count > BodyBudget.freeBytes { return finish(Self.takesNoContent(request), "options", nil) }
            let allowed = Self.allowed(allowed, csvSuffix: csvSuffix)
            if CORSPolicy.isPreflight(request) {
                finish(cors.preflight(request, methods: allowed), "preflight", nil)
            } else {
                var response = HTTPResponse(status: .noContent)
                response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
                // Where PATCH is allowed, OPTIONS tells which patch formats (RFC 5789 §3.1).
                if allowed.contains(.patch) { response.headers.set("Accept-Patch", RequestContext.acceptedPatchFormats) }
                finish(response, "options", nil)
            }
        case .found(let route, let parameters, let pattern):
            // A body where the route takes none is ignored when small and refused beyond the free
            // share, whether it came whole or in parts (then from its head: `admitBody`).
            if !route.takesContent && request.body.count > BodyBudget.freeBytes {
                return finish(Self.takesNoContent(request), pattern, nil)
            }
            let (path, wantsCSV) = (path, wantsCSV)
            if route.cacheable, let (cached, tokenID) = cachedAnswer(request, access: route.access, wantsCSV: wantsCSV && route.doc.csv) {
                var response = cached
                if route.doc.csv { response.headers.addToList("Vary", "Accept") }
                return finish(response, pattern, tokenID)
            }
            let call = Call(route: route, request: request, parameters: parameters, requestID: requestID,
                            wantsCSV: wantsCSV && route.doc.csv, path: path, connection: connection,
                            writeDeadline: started + writeTimeout)
            let answer: @Sendable (HTTPResponse, Int64?) -> Void = { response, tokenID in
                var response = response
                // JSON or CSV by `Accept`: caches must keep the two apart (RFC 9110 §12.5.5).
                if route.doc.csv { response.headers.addToList("Vary", "Accept") }
                finish(response, pattern, tokenID)
            }
            switch route.action {
            case .respond(let handler):
                let run: @Sendable () -> Void = { [self] in
                    let (response, tokenID) = handle(call, handler)
                    answer(response, tokenID)
                }
                if route.runsInline { run() } else { pools.pool(for: request.method).submit(run) }
            case .write(let prepare):
                // Preparing a write never blocks (`Route.WriteHandler`), so when the caller is known
                // without a read and the body is small, the event loop prepares and submits it:
                // handing it to a thread and back cost more than the preparation.
                if request.body.count <= Self.writePreparedOnLoopBytes, let caller = knownCaller(request) {
                    startWrite(call, prepare, caller: caller, then: answer)
                } else {
                    pools.writes.submit { [self] in startWrite(call, prepare, caller: nil, then: answer) }
                }
            }
        }
    }

    /// The largest body a write's preparation reads on the event loop (a producer's is a few
    /// hundred bytes); parsing and validating more could hold up the loop's other connections.
    public static let writePreparedOnLoopBytes = 8 * 1024

    /// One routed request on its way to a handler. A class: it is captured by the closures
    /// that carry it to a thread and back, and a struct of eight fields was copied field by
    /// field, with a retain and a release for each, at every capture.
    private final class Call: Sendable {
        let route: Route
        let request: HTTPRequest
        let parameters: RouteParameters
        let requestID: String
        let wantsCSV: Bool
        let path: String
        let connection: ConnectionInfo
        let writeDeadline: ContinuousClock.Instant

        init(route: Route, request: HTTPRequest, parameters: RouteParameters, requestID: String, wantsCSV: Bool,
             path: String, connection: ConnectionInfo, writeDeadline: ContinuousClock.Instant) {
            self.route = route
            self.request = request
            self.parameters = parameters
            self.requestID = requestID
            self.wantsCSV = wantsCSV
            self.path = path
            self.connection = connection
            self.writeDeadline = writeDeadline
        }
    }

    /// Authentication, access rules and the handler.
    private func handle(_ call: Call, _ handler: Route.Handler) -> (HTTPResponse, Int64?) {
        var principal: Principal?
        do {
            let context = try admit(call, principal: &principal)
            let request = call.request
            guard call.route.cacheable, usesCache(request) else {
                return (UntaggedPreconditions.heeded(by: try handler(context), for: request), principal?.tokenID)
            }
            let key = cacheKey(request, wantsCSV: call.wantsCSV, tokenID: principal?.tokenID)
            // Read before the handler's read transaction starts: see `ResponseCache`.
            let generation = services.database.writeGeneration
            if let cached = services.responses.response(for: key, generation: generation) {
                return (cached, principal?.tokenID)
            }
            let response = try handler(context)
            services.responses.store(response, for: key, generation: generation)
            return (response, principal?.tokenID)
        } catch {
            return (problemResponse(error, call.request, requestID: call.requestID), principal?.tokenID)
        }
    }

    /// Authentication, access rules, the handler's preparation, and the write submitted:
    /// `then` gets the answer on a write handler thread once the write is durable (or refused),
    /// and no thread waits for it meanwhile.
    /// `caller`: who is calling when that is known without a read (`knownCaller`); nil to authenticate.
    private func startWrite(_ call: Call, _ prepare: Route.WriteHandler, caller: KnownCaller?,
                            then answer: @escaping @Sendable (HTTPResponse, Int64?) -> Void) {
        var principal = caller?.principal
        let pending: PendingWrite
        do {
            let context = try admit(call, principal: &principal, known: caller != nil)
            if call.request.method == .post, !call.route.doc.versionGuarded {
                try UntaggedPreconditions.requireHeld(byCreate: call.request)
            }
            let plan = try prepare(context)
            // Claims the Idempotency-Key: submitted right below, its completion releases it.
            switch try context.prepareWrite(plan.body) {
            case .run(let write): pending = write
            case .answered(let replay): return answer(replay, principal?.tokenID)
            }
        } catch {
            return answer(problemResponse(error, call.request, requestID: call.requestID), principal?.tokenID)
        }
        let tokenID = principal?.tokenID
        let resolve = pending.resolve
        services.database.submitWrite(deadline: pending.deadline, on: pools.writeCompletions, pending.body) { [self] outcome in
            do {
                answer(try resolve(outcome), tokenID)
            } catch {
                answer(problemResponse(error, call.request, requestID: call.requestID), tokenID)
            }
        }
    }

    /// The context a handler gets, once the caller is known and allowed and the body is one we read.
    /// `known`: `principal` is already the caller (`knownCaller`), no need to authenticate.
    private func admit(_ call: Call, principal: inout Principal?, known: Bool = false) throws -> RequestContext {
        if !known { principal = try authenticate(call.request, connection: call.connection) }
        try authorize(call.route.access, principal)
        try Self.refuseUnreadableContent(call.request, hasBody: !call.request.body.isEmpty, route: call.route)
        return RequestContext(request: call.request, parameters: call.parameters, principal: principal,
                              requestID: call.requestID, services: services, wantsCSV: call.wantsCSV, path: call.path,
                              writeDeadline: call.writeDeadline)
    }

    /// The one place errors become problems.
    private func problemResponse(_ error: any Error, _ request: HTTPRequest, requestID: String) -> HTTPResponse {
        switch error {
        case let problem as Problem:
            return problem.response
        case let error as DomainError:
            return Problem.from(error).response
        case let error as SQLiteError where error.isBusy:
            return Problem.databaseBusy.response
        case let error as WriteNotStarted:
            return Problem.notStarted(error).response
        case let error as WriteOutcomeUnknown:
            log.error("request \(requestID) \(request.method) \(request.target): storage failure: \(error)")
            return Problem.outcomeUnknown.response
        case let error as SQLiteError where error.isStorageFull || error.isStorageFailure:
            // Not a bug but the operator's to fix: say so in the log, and to the client that
            // nothing was written (the write's transaction or savepoint was rolled back).
            log.error("request \(requestID) \(request.method) \(request.target): storage failure: \(error)")
            return Problem.storage(error).response
        default:
            // Bugs only: log everything for the operator, send nothing internal to the client.
            log.error("request \(requestID) \(request.method) \(request.target) failed: \(String(reflecting: error))")
            return Problem.internalError.response
        }
    }

    /// A cached page, answered on the event loop: a lookup in a hash table needs no handler
    /// thread, and the hand-off to one and back cost more than the lookup (a cached list page
    /// went through the same pool as a database read). Nil unless the answer is known without
    /// blocking or refusing anything: no body, no conditional header, an anonymous caller or a
    /// token the token cache holds (not a database read), no failed-authentication limit
    /// running, access granted, and the page cached for this write generation. Otherwise the
    /// handler thread does it all (`handle`), as for any request.
    private func cachedAnswer(_ request: HTTPRequest, access: Access, wantsCSV: Bool) -> (HTTPResponse, Int64?)? {
        guard usesCache(request), request.body.isEmpty, let caller = knownCaller(request) else { return nil }
        let principal = caller.principal
        guard (try? authorize(access, principal)) != nil else { return nil }
        let key = cacheKey(request, wantsCSV: wantsCSV, tokenID: principal?.tokenID)
        let generation = services.database.writeGeneration
        guard let cached = services.responses.response(for: key, generation: generation, countsMiss: false) else { return nil }
        return (cached, principal?.tokenID)
    }

    /// Whether a request of a cacheable route may be answered from the cache at all: the cache
    /// is on, and the request carries no validators, which the handler evaluates itself.
    private func usesCache(_ request: HTTPRequest) -> Bool {
        services.responses.isEnabled && !Self.isConditional(request)
    }

    /// Everything a cached page depends on besides the data (see `ResponseCache.Key`).
    private func cacheKey(_ request: HTTPRequest, wantsCSV: Bool, tokenID: Int64?) -> ResponseCache.Key {
        ResponseCache.Key(target: request.target, csv: wantsCSV, tokenID: tokenID,
                          day: CivilDate.today(at: services.clock()))
    }

    /// Refuses (415) a body the route cannot read: one of a media type it does not take
    /// (`Route.checkMediaType`), or one we would have to decode first (gzip, br…), rather than read
    /// as it is: ignoring the label would parse compressed bytes as JSON, or accept a body
    /// mislabelled. `hasBody`: the request carries one, or its head announced one still to come.
    /// A request with neither content nor a `Content-Type` has no format to refuse (RFC 9110
    /// §15.5.16 ties 415 to content): the handler says what is missing (400, an empty body).
    private static func refuseUnreadableContent(_ request: HTTPRequest, hasBody: Bool, route: Route) throws(Problem) {
        if hasBody || request.headers["Content-Type"] != nil { try route.checkMediaType(of: request) }
        guard hasBody, let coding = request.headers["Content-Encoding"] else { return }
        let codings = coding.splitASCII(UInt8(ascii: ",")).map { $0.trimmingASCIIWhitespace().lowercasedASCII() }
        guard codings.allSatisfy({ $0 == "identity" }) else {
            throw Problem.unsupportedMediaType("send the body without Content-Encoding (got \(coding)); only identity is accepted",
                                               headers: ["Accept-Encoding": "identity"])
        }
    }

    /// Requests whose answer depends on validators they carry (RFC 9110 §13.1): the handler
    /// evaluates those itself, so they bypass the response cache.
    private static func isConditional(_ request: HTTPRequest) -> Bool {
        request.headers["If-None-Match"] != nil || request.headers["If-Modified-Since"] != nil
            || request.headers["If-Match"] != nil || request.headers["If-Unmodified-Since"] != nil
    }

    /// The client's `X-Request-Id` when it is a sane token (at most 64 of `[A-Za-z0-9._-]`):
    /// safe to echo into a header and a log line.
    static func clientRequestID(_ request: HTTPRequest) -> String? {
        guard let given = request.headers["X-Request-Id"], (1...64).contains(given.utf8.count),
              given.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 || $0 == 46 })
        else { return nil }
        return given
    }

    /// The caller's address, worked out only where it is used (the failure limit, and the access
    /// log behind a trusted proxy): most requests need neither, and it costs string work.
    func client(_ request: HTTPRequest, _ connection: ConnectionInfo) -> String {
        ClientAddress.of(request, peer: connection.remoteAddress, trustForwardedFor: trustForwardedFor)
    }

    /// The client's `X-Request-Id` when it is a sane token, else a fresh one.
    /// The id of the request, the client's own when it sent a usable one; `nil`: an answer the
    /// engine gives before it has a well-formed head.
    func requestID(for request: HTTPRequest?) -> String {
        if let request, let given = Self.clientRequestID(request) { return given }
        let n = requestCounter.add(1, ordering: .relaxed).newValue
        return requestIDPrefix + "-" + String(n, radix: 16)
    }
}
