import HTTP
import JSON

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.json`: for orchestrators, scrapers and client generators.
public struct HealthRoutes: RouteCollection {
    let services: Services
    /// Rendered once at start: the document only changes when the binary does.
    let openAPIDocument: @Sendable () -> [UInt8]

    public init(services: Services, openAPIDocument: @escaping @Sendable () -> [UInt8]) {
        self.services = services
        self.openAPIDocument = openAPIDocument
    }

    public func routes() -> [Route] {
        [
            Route(.get, "/healthz", access: .anyone, inline: true,
                  doc: RouteDoc("Liveness: the process is up and serving", tag: "operations", response: "Health")) { _ in
                Responses.json(.ok, Array(#"{"status":"ok"}"#.utf8), headers: ["Cache-Control": "no-store"])
            },
            Route(.get, "/readyz", access: .anyone,
                  doc: RouteDoc("Readiness: the database answers", tag: "operations", response: "Health")) { context in
                let ok = (try? context.database.read { try $0.scalarInt("SELECT 1") }) == 1
                guard ok else {
                    throw Problem(.serviceUnavailable, type: "unavailable", title: "Not ready",
                                  detail: "the database does not answer", headers: ["Retry-After": "5"])
                }
                if let problem = context.database.storageProblem {
                    // Files removed or replaced, or a damaged file: writes are refused until a restart.
                    throw Problem(.serviceUnavailable, type: "unavailable", title: "Not ready", detail: problem)
                }
                return Responses.json(.ok, Array(#"{"status":"ready"}"#.utf8), headers: ["Cache-Control": "no-store"])
            },
            Route(.get, "/metrics", access: .anyone,
                  doc: RouteDoc("Prometheus metrics", tag: "operations",
                                responseMediaType: "text/plain; version=0.0.4")) { [services] _ in
                let db = services.database.stats
                var gauges = services.gauges.read()
                gauges += [
                    ("ocop_db_readers", "Reader connections in the pool.", Double(db.readersTotal)),
                    ("ocop_db_readers_in_use", "Reader connections checked out now.", Double(db.readersInUse)),
                    ("ocop_db_writes_queued", "Write jobs waiting for the writer.", Double(db.writesQueued)),
                    ("ocop_response_cache_bytes", "Bytes held by the response cache: bodies, keys and headers, as heap blocks.",
                     Double(services.responses.usage.bytes)),
                ]
                let counters: [(name: String, help: String, value: Double)] = services.gauges.readCounters() + [
                    ("ocop_db_commits_total", "Group commits since start.", Double(db.commits)),
                    ("ocop_db_wal_flushes_total", "WAL fdatasyncs after commits since start (one may cover several).",
                     Double(db.walFlushes)),
                    ("ocop_db_checkpoint_flushes_total", "Write-backs of the database file after background checkpoint passes since start.",
                     Double(db.databaseFlushes)),
                    ("ocop_db_wal_restarts_total", "Times the WAL was started again from its beginning since start.",
                     Double(db.walRestarts)),
                    ("ocop_db_checkpoint_passes_skipped_total",
                     "Background checkpoint passes not made because every WAL frame was already copied (SQLite's WAL-reset bug guard).",
                     Double(db.checkpointPassesSkipped)),
                    ("ocop_db_write_jobs_total", "Write jobs since start (jobs/commits = batching).", Double(db.writeJobs)),
                    ("ocop_db_isolated_batches_total", "Group commits run a savepoint per job because a job of theirs or of the batch before failed.",
                     Double(db.isolatedBatches)),
                    ("ocop_response_cache_hits_total", "Catalogue pages answered from the response cache.",
                     Double(services.responses.hits)),
                    ("ocop_response_cache_misses_total", "Cacheable pages that had to be built.", Double(services.responses.misses)),
                ]
                return HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                    body: Array(services.metrics.render(gauges: gauges, counters: counters).utf8))
            },
            Route(.get, "/openapi.json", access: .anyone, inline: true,
                  doc: RouteDoc("This API's OpenAPI 3.1 document", tag: "operations",
                                responseMediaType: "application/json")) { [openAPIDocument] _ in
                Responses.json(.ok, openAPIDocument())
            },
        ]
    }
}
