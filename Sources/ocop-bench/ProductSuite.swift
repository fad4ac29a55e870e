#if canImport(Glibc)
import Glibc
#endif
import JSON

/// `ocop-bench run --suite products`: the product catalogue at scale (issue #3: "a filtered
/// page and a `q` search each under 10 ms p50 at 64 connections with 100,000 products").
///
/// One fresh server; for each size in `--products` (ascending) the seeder tops the catalogue
/// up to that size, each search term is probed once (matches and unloaded latency, so a slow
/// line can be told from a slow term), then every scenario runs at every connection count.
struct ProductSuite {
    /// One scenario: a name, what it sends, and a line for the report.
    struct Scenario {
        let name: String
        let summary: String
        let targets: [String]
    }

    /// One measured line: the catalogue size it ran at, and the run.
    struct Row {
        let products: Int
        let scenario: String
        let result: LoadResult
        let memory: ProcessMemory?
    }

    /// What a search term finds, measured outside the load.
    struct Probe {
        let term: String
        /// Products the search matches (all pages counted).
        let matches: Int
        /// Median of a few single requests for the first page of 50, in nanoseconds.
        let unloaded: UInt64
    }

    /// What was seeded for one size.
    struct Seeding {
        let products: Int
        let imported: ProductSeeder.Step
        let certified: ProductSeeder.Step
        let certificates: Int
        let validFourPlus: Int
        let probes: [Probe]
    }

    /// Free-text searches, as typed into a dashboard (folded or not, one to three words), drawn at
    /// random per request: product kinds, places, a common syllable, one with diacritics
    /// (percent-encoded UTF-8) and one that matches nothing.
    static let searchTerms = [
        "mien+dong", "Mi%E1%BA%BFn+dong", "van+don", "mat+ong", "ba+kich", "ha+long", "nuoc+mam",
        "tinh+dau+que", "che", "binh+lieu", "gom", "tra+hoa+vang", "sau+rieng",
    ]

    /// The scenarios, run in this order at every size.
    static func scenarios(products: Int) -> [Scenario] {
        [
            Scenario(name: "product-get", summary: "GET /api/v1/products/{rand:N}",
                     targets: ["/api/v1/products/{rand:\(products)}"]),
            Scenario(name: "product-group", summary: "GET /api/v1/products?group=food&limit=50 (filtered page)",
                     targets: ["/api/v1/products?group=food&limit=50"]),
            Scenario(name: "product-q", summary: "GET /api/v1/products?q=TERM&limit=50 (TERM random per request)",
                     targets: searchTerms.map { "/api/v1/products?q=\($0)&limit=50" }),
            Scenario(name: "product-q-name", summary: "GET /api/v1/products?q=TERM&sort=name&limit=50",
                     targets: searchTerms.map { "/api/v1/products?q=\($0)&sort=name&limit=50" }),
            Scenario(name: "product-stars", summary: "GET /api/v1/products?stars_min=4&limit=50",
                     targets: ["/api/v1/products?stars_min=4&limit=50"]),
        ]
    }

    /// The parsed `run` options.
    let options: SuiteOptions
    /// Raised by Ctrl-C: stop after the current run, still cleaning up.
    let interrupt: Interrupt?

    /// Certificates for a catalogue of `products`: `--certified` percent, at least 300.
    func certificateTarget(_ products: Int) -> Int {
        Swift.min(products, Swift.max(300, products * options.certifiedPercent / 100))
    }

    /// Runs everything and returns the Markdown section (also written or appended to `--out`).
    @discardableResult
    func run(appendToOut: Bool = false) throws(BenchError) -> String {
        let server = try BenchServer(executable: options.server, interrupt: interrupt)
        defer { server.stop(keepDirectory: options.keepDatabase) }
        let client = BlockingClient(endpoint: server.endpoint)
        let seeder = ProductSeeder(client: client, token: server.token, today: .todayInVietnam(), interrupt: interrupt)
        let made = try seeder.seedProducers(options.productProducers)
        print("seeded \(made.count) producers in \(Report.fixed(made.seconds, 2)) s")

        var rows: [Row] = []
        var seedings: [Seeding] = []
        for size in options.productCounts {
            let imported = try seeder.importProducts(upTo: size)
            print("imported \(imported.count) products (now \(seeder.products)) in \(imported.requests) requests, "
                + "\(Report.fixed(imported.seconds, 2)) s (\(Report.fixed(imported.rate, 0)) rows/s)")
            let certified = try seeder.certify(upTo: certificateTarget(size))
            print("issued \(certified.count) certificates (now \(seeder.certificates), \(seeder.validFourPlus) valid with ≥ 4 stars) "
                + "in \(Report.fixed(certified.seconds, 2)) s")
            client.disconnect()
            let probes = try probe(server: server)
            seedings.append(Seeding(products: size, imported: imported, certified: certified,
                                    certificates: seeder.certificates, validFourPlus: seeder.validFourPlus, probes: probes))
            for scenario in Self.scenarios(products: size) {
                for connections in options.connections {
                    rows.append(try measure(scenario, connections: connections, products: size, server: server))
                }
            }
        }
        print("")
        print(Self.table(rows))
        if let verdict = Self.verdict(rows) { print(verdict) }
        let markdown = self.markdown(rows, seedings: seedings)
        if let out = options.out {
            if appendToOut, let existing = try? Files.readText(out) {
                try Files.writeText(existing + "\n" + markdown, to: out)
            } else {
                try Files.writeText(markdown, to: out)
            }
            print("results written to \(out)")
        }
        return markdown
    }

    /// One scenario at one connection count, with the server's peak memory over the run.
    private func measure(_ scenario: Scenario, connections: Int, products: Int, server: BenchServer) throws(BenchError) -> Row {
        if interrupt?.raised == true { throw BenchError("interrupted; server stopped, temporary files removed") }
        guard server.process.isRunning else {
            throw BenchError("the server died before \(scenario.name); its log ends with:\n\(server.process.logTail())")
        }
        var requests: [RequestTemplate] = []
        for target in scenario.targets {
            requests.append(try RequestTemplate(method: "GET", target: target, host: server.endpoint.hostHeader,
                                                headers: [], body: nil))
        }
        ProcessMemory.resetPeak(pid: server.process.pid)
        let cacheBefore = ResponseCacheUse.read(server.endpoint)
        let result = LoadGenerator.run(LoadConfig(
            endpoint: server.endpoint, requests: requests, connections: connections,
            threads: options.threads, duration: options.duration, interrupt: interrupt))
        let row = Row(products: products, scenario: scenario.name, result: result,
                      memory: ProcessMemory.read(pid: server.process.pid))
        print(Self.line(row))
        print("                " + ResponseCacheUse.summary(from: cacheBefore, to: ResponseCacheUse.read(server.endpoint)))
        // Let the server retire the old connections before the next run starts.
        usleep(300_000)
        return row
    }

    /// For each search term: how many products match (paging with `limit=500`) and the
    /// median time of five unloaded requests for the first page of 50.
    private func probe(server: BenchServer) throws(BenchError) -> [Probe] {
        let client = BlockingClient(endpoint: server.endpoint)
        var probes: [Probe] = []
        for term in Self.searchTerms {
            var matches = 0
            var cursor: String? = nil
            repeat {
                let target = "/api/v1/products?q=\(term)&limit=500" + (cursor.map { "&cursor=\($0)" } ?? "")
                let response = try client.send("GET", target)
                guard response.status == 200, let page = try? JSONValue.parse(response.body),
                      let items = page["items"]?.arrayValue else {
                    throw BenchError("GET \(target) answered \(response.status): \(ProductSeeder.excerpt(response))")
                }
                matches += items.count
                cursor = page["next_cursor"]?.stringValue
            } while cursor != nil
            var times: [UInt64] = []
            for _ in 0..<5 {
                let start = MonotonicClock.now()
                let response = try client.send("GET", "/api/v1/products?q=\(term)&limit=50")
                times.append(MonotonicClock.now() &- start)
                guard response.status == 200 else {
                    throw BenchError("q=\(term) answered \(response.status): \(ProductSeeder.excerpt(response))")
                }
            }
            let probe = Probe(term: term, matches: matches, unloaded: times.sorted()[2])
            print("  q=\(Report.pad(term, 18)) \(Report.padLeft(String(matches), 7)) matches, "
                + "first page \(Report.duration(probe.unloaded)) unloaded")
            probes.append(probe)
        }
        return probes
    }
}
