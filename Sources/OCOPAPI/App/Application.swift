import HTTP
import JSON
import OCOP
import SQLite
import Synchronization

/// The whole server wired together: database, routes, transport. `ocop serve`
/// runs one; end-to-end tests run one on port 0 against a temporary file.
public final class Application: Sendable {
    public static let version = "0.1.0"

    public let configuration: Configuration
    public let services: Services
    public let routes: [Route]
    /// Failed authentications counted per client address (its state shows in tests).
    public let authFailures: AuthFailureLimiter
    private let server: HTTPServer
    private let pools: HandlerPools
    private let maintenance: PeriodicTask
    private let idempotencyMerge: PeriodicTask
    private let searchIndexing: PeriodicTask
    private let statusSweep: PeriodicTask
    private let accessLog: AccessLog
    private let servingLock: ServingLock
    /// Whether `--demo` loaded the demo province (it does only into a database with no producers).
    public let demoLoaded: Bool

    /// Opens (creating and migrating) the database and prepares the server without binding.
    /// `adminToken` (from `OCOP_ADMIN_TOKEN`) becomes the first admin token when there is none.
    public init(configuration: Configuration, adminToken: String? = nil,
                clock: @escaping @Sendable () -> Timestamp = Timestamp.now) throws {
        self.configuration = configuration
        // Before the database file is made: a refused start-up leaves nothing behind.
        if let adminToken, !adminToken.isEmpty { try Self.checkAdminToken(adminToken) }
        // First, so a second server on the same file stops before touching it (migrations, demo data).
        servingLock = try ServingLock(databasePath: configuration.database)
        var dbConfig = DatabaseConfiguration()
        dbConfig.readers = configuration.databaseReaders
        dbConfig.synchronous = DatabaseConfiguration.Synchronous(rawValue: configuration.databaseSynchronous) ?? .full
        dbConfig.cacheSizeKiB = configuration.databaseCacheKiB
        let database = try Database(path: configuration.database, configuration: dbConfig)
        try Self.migrate(database, at: configuration.database)
        let now = clock()
        if let adminToken, !adminToken.isEmpty {
            try Self.bootstrapAdmin(adminToken, database: database, now: now)
        }
        demoLoaded = configuration.demo ? try DemoData.load(into: database, now: now) : false
        let calendarSweep = CalendarSweep(database: database)
        try calendarSweep.tick(now: now)

        let services = Services(database: database, clock: clock,
                                responseCacheBytes: configuration.responseCacheKiB * 1024)
        self.services = services
        // Reads get one thread per reader connection, so a read handler never waits for a connection.
        let pools = try HandlerPools(readThreads: configuration.databaseReaders,
                                 writeThreads: configuration.blockingThreads)
        self.pools = pools

        let documentBox = OpenAPIBox()
        var routes = HealthRoutes(services: services, openAPIDocument: { documentBox.bytes }).routes()
        routes += TokenRoutes().routes()
        routes += AuditRoutes().routes()
        routes += ProducerRoutes().routes()
        routes += EvaluationRoundRoutes().routes() + EvaluationResultRoutes().routes() + CertificateRoutes().routes()
        routes += RawMaterialAreaRoutes().routes() + PackingFacilityRoutes().routes() + InspectionRoutes().routes()
        routes += ProductRoutes().routes()
        routes += ReportRoutes().routes()
        routes += PointOfSaleRoutes().routes() + InventoryRoutes().routes() + SaleRoutes().routes()
        routes += FairRoutes().routes() + FairBoothRoutes().routes() + FairSaleRoutes().routes() + PlatformRoutes().routes() + ListingRoutes().routes() + FairReportRoutes().routes() + EcommerceReportRoutes().routes()
        routes += SalesReportRoutes().routes() + StockReportRoutes().routes()
        routes += OverviewReportRoutes().routes()
        routes += ResolverRoutes().routes()
        self.routes = routes
        documentBox.bytes = OpenAPIDocument.build(routes: routes, version: Self.version).serialized()

        let accessLog = try AccessLog(enabled: configuration.accessLog, clock: { clock().description })
        self.accessLog = accessLog
        let authFailures = AuthFailureLimiter(perMinute: configuration.authFailuresPerMinute)
        self.authFailures = authFailures
        let cors = CORSPolicy(allowedOrigins: configuration.corsOrigins)
        let responder = APIResponder(services: services, routes: routes, pools: pools, cors: cors,
                                     accessLog: accessLog,
                                     authFailures: authFailures,
                                     trustForwardedFor: configuration.trustForwardedFor,
                                     writeTimeout: .milliseconds(configuration.handlerTimeoutMs))
        var serverConfig = ServerConfiguration()
        serverConfig.host = configuration.host
        serverConfig.port = configuration.port
        if configuration.eventLoops > 0 { serverConfig.eventLoops = configuration.eventLoops }
        serverConfig.limits = HTTPLimits(maxRequestLineBytes: configuration.maxRequestLineBytes,
                                         maxHeaderBytes: configuration.maxHeaderBytes,
                                         maxHeaderCount: configuration.maxHeaderCount,
                                         maxBodyBytes: configuration.maxBodyBytes)
        serverConfig.maxConnections = configuration.maxConnections
        serverConfig.headerReadTimeout = .milliseconds(configuration.headerTimeoutMs)
        serverConfig.bodyReadTimeout = .milliseconds(configuration.bodyTimeoutMs)
        serverConfig.idleTimeout = .milliseconds(configuration.idleTimeoutMs)
        serverConfig.handlerTimeout = .milliseconds(configuration.handlerTimeoutMs)
        let metrics = services.metrics
        serverConfig.errorRenderer = { status, reason, head in
            // Every answer the engine gives by itself passes here: count and log it.
            // An id as every answer has (the client's own when its head was read and gave one), in
            // the log line too: a client's report of a 400 or 431 leads to the line that says why.
            let requestID = responder.requestID(for: head)
            metrics.recordRejection(status: status.code)
            accessLog.recordRejection(status: status.code, reason: reason, requestID: requestID, at: clock())
            var response = Problem.transport(status, reason).response
            response.headers.set("X-Request-Id", requestID)
            // The engine's 503s (a handler past its timeout, too many connections) pass: say when to retry.
            if status == .serviceUnavailable { response.headers.set("Retry-After", "1") }
            // Readable by the dashboard that asked, as every answer of ours (its upload too large).
            if let head { cors.decorate(&response, answering: head) }
            return response
        }
        let server = HTTPServer(configuration: serverConfig, responder: responder)
        self.server = server
        services.gauges.register("ocop_http_open_connections", help: "Client connections open now.") {
            Double(server.openConnections)
        }
        services.gauges.register("ocop_http_large_body_bytes",
                                 help: "Bytes of request bodies still being read, past the first 16 KiB of each (the budget is 64 MiB or 32 x max_body_bytes).") {
            Double(server.largeBodyBytesHeld)
        }
        services.gauges.registerCounter("ocop_log_lines_dropped_total",
                                        help: "Log lines dropped because standard output or error was not read fast enough.") {
            Double(accessLog.droppedLines)
        }
        services.gauges.register("ocop_handler_queue", help: "Requests waiting for a handler thread.") {
            Double(pools.queued)
        }

        // Idempotency keys are promised for 24 hours; older ones are purged hourly.
        maintenance = PeriodicTask(name: "ocop-maintain", every: .seconds(3600)) {
            _ = try? database.write { try IdempotencyStore.purge($0, now: clock()) }
        }
        // Stored responses enter the idempotency index in bulk (IdempotencyStore.merge), a slice
        // of it per write: checked often, so the tail a replay scans stays near its threshold
        // even at thousands of writes/s.
        let tail = services.idempotencyTail
        let mergeLog = JobFailureLog(job: "idempotency index merge", log: accessLog)
        idempotencyMerge = PeriodicTask(name: "ocop-idem-merge", every: .milliseconds(250)) {
            guard tail.needsMerge else { return }
            mergeLog.run { tail.merged(through: try IdempotencyStore.merge(database)) }
        }
        // Producers' search text enters the FTS5 index in bulk (ProducerStore.indexPendingSearch);
        // a text search indexes what waits first; this keeps the queue, and so each flush,
        // short (see there for why 25 ms), and merges the index's segments a step after each.
        let indexingLog = JobFailureLog(job: "producer search indexing", log: accessLog)
        searchIndexing = PeriodicTask(name: "ocop-search-idx", every: .seconds(ProducerStore.searchIndexingSeconds)) {
            indexingLog.run {
                if try ProducerStore.indexPendingSearch(database) { try ProducerStore.mergeSearchStep(database) }
            }
        }
        let sweepLog = JobFailureLog(job: "calendar sweep", log: accessLog)
        statusSweep = PeriodicTask(name: "ocop-calendar", every: .seconds(CalendarSweep.checkSeconds)) {
            sweepLog.run { try calendarSweep.tick(now: clock()) }
        }
    }

    /// Applies this binary's pending migrations. An upgrade (a database some were applied to
    /// before) says so on standard error first and then how long it took: rebuilding the tables of
    /// a large province takes tens of seconds, during which the server does not listen yet.
    private static func migrate(_ database: Database, at path: String) throws {
        let pending = try database.read { try Schema.migrator.pending($0) }
        let upgrade = !pending.isEmpty && pending.count < Schema.migrator.names.count
        if upgrade { StandardError.write("ocop: migrating \(path): \(pending.joined(separator: ", "))") }
        let started = ContinuousClock.now
        try database.migrate(Schema.migrator)
        if upgrade {
            let milliseconds = Int(((ContinuousClock.now - started) / .milliseconds(1)).rounded())
            StandardError.write("ocop: migrated in \(milliseconds) ms")
        }
    }

    /// Makes `OCOP_ADMIN_TOKEN` the admin token when the database has no active admin.
    ///
    /// A value that was a token before and has been revoked is not brought back (a revoked
    /// secret stays dead, whoever holds it): the server starts without an admin and says
    /// how to make one, rather than refusing to start and taking the catalogue and the
    /// points of sale down with it. A value too short to be a token is a configuration error.
    private static func bootstrapAdmin(_ secret: String, database: Database, now: Timestamp) throws {
        do {
            let ignored = try database.write { db -> Bool in
                if try !TokenStore.hasActiveAdmin(db) {
                    _ = try TokenStore.insert(db, secret: secret, name: TokenStore.bootstrapName,
                                              role: .admin, pointOfSaleID: nil, actor: .system, now: now)
                    return false
                }
                // A restart with the same value is the usual case and says nothing; a new value
                // that cannot take effect would otherwise leave its operator locked out, unaware.
                return try TokenStore.authenticate(db, secret: secret)?.role != .admin
            }
            if ignored {
                StandardError.write("OCOP_ADMIN_TOKEN is ignored: the database already has an admin token and this value is "
                                + "not one of them. Create admin tokens with POST /api/v1/tokens or `ocop token create --role admin`.")
            }
        } catch DomainError.conflict {
            StandardError.write("OCOP_ADMIN_TOKEN names a token that was revoked; it stays revoked and the server runs "
                            + "without an admin. Set a new OCOP_ADMIN_TOKEN, or run `ocop token create --role admin --name NAME`.")
        }
    }

    /// A secret no client could present is refused, not stored: once stored, an admin token
    /// exists and every later, usable OCOP_ADMIN_TOKEN is ignored (a black-box probe set 33
    /// spaces). A `Bearer` token is read up to `maximumSecretLength` bytes, without blanks (`bearerSecret`).
    private static func checkAdminToken(_ secret: String) throws {
        guard secret.utf8.count >= TokenStore.minimumSecretLength else {
            throw Configuration.Invalid(description: "environment OCOP_ADMIN_TOKEN must be at least \(TokenStore.minimumSecretLength) characters (use 32 random ones or more)")
        }
        guard secret.utf8.count <= TokenStore.maximumSecretLength, secret.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Configuration.Invalid(description: "environment OCOP_ADMIN_TOKEN must be at most "
                + "\(TokenStore.maximumSecretLength) visible ASCII characters, "
                + "with no space (it is sent as Authorization: Bearer <token>)")
        }
    }

    /// Binds and starts serving; returns the port (useful when configured as 0).
    @discardableResult
    public func start() throws -> Int {
        let port = try server.start()
        for task in [maintenance, idempotencyMerge, searchIndexing, statusSweep] { try task.start() }
        return port
    }

    /// Graceful stop: no new connections, in-flight requests finish, then the database closes.
    public func shutdown() {
        // Past the drain deadline nobody waits for a write that has not started: from that
        // instant none starts (the connections are closed a tick later), so the exit follows it.
        let drain = Duration.milliseconds(configuration.drainTimeoutMs)
        services.database.refuseWrites(from: ContinuousClock.now + drain)
        server.shutdown(drainTimeout: drain)
        // Each waits for a job it is running: none may outlive the database it writes.
        for task in [maintenance, idempotencyMerge, searchIndexing, statusSweep] { task.stop() }
        pools.shutdown()
        // Every request has finished: the last buffered access-log lines go out now.
        accessLog.close()
        services.database.close()
        if let report = services.database.closeReport { StandardError.write("ocop: " + report) }
        servingLock.release()
    }
}

/// Holds the rendered OpenAPI document, which can only be built after the
/// routes that serve it exist. Written once before serving starts, then only read.
final class OpenAPIBox: @unchecked Sendable {
    var bytes: [UInt8] = []
}

