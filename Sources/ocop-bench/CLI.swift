/// A failure to report to the user in one line, then exit non-zero.
struct BenchError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for the terminal.
    let description: String
    init(_ description: String) { self.description = description }
}

/// Options of `ocop-bench load`.
struct LoadOptions: Sendable {
    var url = ""
    var connections = 64
    var duration = 10.0
    var threads = 1
    var method = "GET"
    /// Body template text, from --body FILE or --body-json.
    var body: String? = nil
    /// True when the body came from --body-json (adds Content-Type: application/json).
    var bodyIsJSON = false
    var headers: [(name: String, value: String)] = []
    var serverPID: Int32? = nil
    var pathsFile: String? = nil
    var json = false
    var timeout = 5.0
}

/// Options of `ocop-bench run`.
struct SuiteOptions: Sendable {
    /// The `ocop` executable; nil: next to this executable.
    var server: String? = nil
    var connections = [64, 256]
    var duration = 10.0
    var rows = 100_000
    var out: String? = nil
    var threads = 1
    /// Connections used to seed producers.
    var seedConnections = 64
    /// Hard stop for seeding, in seconds.
    var seedTimeout = 600.0
    /// Which suites `run` runs.
    var suite = SuiteSelection.all
    /// Catalogue sizes the products suite measures at, ascending (seeded incrementally).
    var productCounts = [100_000]
    /// Producers created for the products suite.
    var productProducers = 500
    /// Certificates the products suite issues, in percent of the products (at least 300).
    var certifiedPercent = 2
    /// Keep the products, inventory and overview suites' server directories (database and log) to study them.
    var keepDatabase = false
    /// Connection counts the overview suite measures at (a dashboard is opened by few people at once).
    var overviewConnections = [1, 8]
    /// Fairs the overview suite's large phase records.
    var overviewFairs = 1000
    /// Booths per fair in the overview suite's large phase.
    var overviewBooths = 5
}

/// `run --suite`: one suite, or all of them (each on its own fresh server).
enum SuiteSelection: String, Sendable {
    case producers
    case products
    case inventory
    case overview
    case all

    /// Whether the producers suite runs.
    var includesProducers: Bool { self == .producers || self == .all }
    /// Whether the products suite runs.
    var includesProducts: Bool { self == .products || self == .all }
    /// Whether the inventory suite runs.
    var includesInventory: Bool { self == .inventory || self == .all }
    /// Whether the overview suite runs.
    var includesOverview: Bool { self == .overview || self == .all }
}

/// What the command line asks for.
enum Command: Sendable {
    case load(LoadOptions)
    case run(SuiteOptions)
    case crash(CrashOptions)
    case soak(SoakOptions)
    /// Print this text and exit 0.
    case help(String)
}

/// Hand-written argv parsing (`--flag value` or `--flag=value`), no dependencies.
struct CLI {
    private var args: [String]
    private var position = 0

    /// Parses everything after the program name.
    static func parse(_ arguments: [String]) throws(BenchError) -> Command {
        var cli = CLI(args: arguments)
        return try cli.command()
    }

    private mutating func command() throws(BenchError) -> Command {
        guard position < args.count else { return .help(Self.usage) }
        let name = args[position]
        position += 1
        switch name {
        case "load": return try load()
        case "run": return try suite()
        case "crash": return try crash()
        case "soak": return try soak()
        case "-h", "--help", "help": return .help(Self.usage)
        default: throw BenchError("unknown command '\(name)'; see ocop-bench --help")
        }
    }

    /// Splits `--flag=value`, or takes the next argument as the value when needed.
    private mutating func nextFlag() throws(BenchError) -> (flag: String, inline: String?)? {
        guard position < args.count else { return nil }
        let arg = args[position]
        position += 1
        guard arg.hasPrefix("-") else { throw BenchError("unexpected argument '\(arg)'") }
        if let eq = arg.firstIndex(of: "=") {
            return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
        }
        return (arg, nil)
    }

    private mutating func value(_ flag: String, _ inline: String?) throws(BenchError) -> String {
        if let inline { return inline }
        guard position < args.count else { throw BenchError("\(flag) needs a value") }
        position += 1
        return args[position - 1]
    }

    private mutating func int(_ flag: String, _ inline: String?, min: Int = 1) throws(BenchError) -> Int {
        let text = try value(flag, inline)
        guard let n = Int(text), n >= min else { throw BenchError("\(flag) needs an integer ≥ \(min), got '\(text)'") }
        return n
    }

    private mutating func seconds(_ flag: String, _ inline: String?) throws(BenchError) -> Double {
        let text = try value(flag, inline)
        guard let s = Double(text), s > 0, s < 86_400 else { throw BenchError("\(flag) needs seconds > 0, got '\(text)'") }
        return s
    }

    private mutating func load() throws(BenchError) -> Command {
        var o = LoadOptions()
        while let (flag, inline) = try nextFlag() {
            switch flag {
            case "-h", "--help": return .help(Self.loadUsage)
            case "--url": o.url = try value(flag, inline)
            case "--connections", "-c": o.connections = try int(flag, inline)
            case "--duration", "-d": o.duration = try seconds(flag, inline)
            case "--threads", "-t": o.threads = try int(flag, inline)
            case "--method", "-m": o.method = try value(flag, inline).uppercased()
            case "--body":
                o.body = try Files.readText(try value(flag, inline))
            case "--body-json":
                o.body = try value(flag, inline)
                o.bodyIsJSON = true
            case "--header", "-H":
                let text = try value(flag, inline)
                guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
                    throw BenchError("--header needs 'Name: value', got '\(text)'")
                }
                let name = String(text[..<colon])
                let rest = text[text.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
                o.headers.append((name, String(rest)))
            case "--server-pid":
                let text = try value(flag, inline)
                guard let pid = Int32(text), pid > 0 else { throw BenchError("--server-pid needs a pid, got '\(text)'") }
                o.serverPID = pid
            case "--paths-file": o.pathsFile = try value(flag, inline)
            case "--json": o.json = true
            case "--timeout": o.timeout = try seconds(flag, inline)
            default: throw BenchError("unknown option '\(flag)' for load; see ocop-bench load --help")
            }
        }
        guard !o.url.isEmpty else { throw BenchError("load needs --url") }
        return .load(o)
    }

    private mutating func suite() throws(BenchError) -> Command {
        var o = SuiteOptions()
        while let (flag, inline) = try nextFlag() {
            switch flag {
            case "-h", "--help": return .help(Self.runUsage)
            case "--server": o.server = try value(flag, inline)
            case "--connections", "-c":
                let text = try value(flag, inline)
                let list = text.split(separator: ",").map { Int(String($0.filter { $0 != " " })) }
                guard !list.isEmpty, list.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                    throw BenchError("--connections needs a list like 64,256, got '\(text)'")
                }
                o.connections = list.compactMap { $0 }
            case "--duration", "-d": o.duration = try seconds(flag, inline)
            case "--rows": o.rows = try int(flag, inline, min: 1)
            case "--out": o.out = try value(flag, inline)
            case "--threads", "-t": o.threads = try int(flag, inline)
            case "--seed-connections": o.seedConnections = try int(flag, inline)
            case "--seed-timeout": o.seedTimeout = try seconds(flag, inline)
            case "--suite":
                let text = try value(flag, inline)
                guard let suite = SuiteSelection(rawValue: text) else {
                    throw BenchError("--suite needs producers, products, inventory, overview or all, got '\(text)'")
                }
                o.suite = suite
            case "--products":
                let text = try value(flag, inline)
                let list = text.split(separator: ",").map { Int(String($0.filter { $0 != " " && $0 != "_" })) }
                guard !list.isEmpty, list.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                    throw BenchError("--products needs a count or a list like 10000,100000, got '\(text)'")
                }
                o.productCounts = Array(Set(list.compactMap { $0 })).sorted()
            case "--product-producers": o.productProducers = try int(flag, inline)
            case "--certified": o.certifiedPercent = try int(flag, inline, min: 0)
            case "--keep-db": o.keepDatabase = true
            case "--overview-connections":
                let text = try value(flag, inline)
                let list = text.split(separator: ",").map { Int(String($0.filter { $0 != " " })) }
                guard !list.isEmpty, list.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                    throw BenchError("--overview-connections needs a list like 1,8, got '\(text)'")
                }
                o.overviewConnections = list.compactMap { $0 }
            case "--fairs": o.overviewFairs = try int(flag, inline)
            case "--booths": o.overviewBooths = try int(flag, inline)
            default: throw BenchError("unknown option '\(flag)' for run; see ocop-bench run --help")
            }
        }
        return .run(o)
    }

    private mutating func crash() throws(BenchError) -> Command {
        var o = CrashOptions()
        while let (flag, inline) = try nextFlag() {
            switch flag {
            case "-h", "--help": return .help(Self.crashUsage)
            case "--server": o.server = try value(flag, inline)
            case "--duration", "-d": o.duration = try seconds(flag, inline)
            case "--terminals": o.terminals = try int(flag, inline)
            case "--kills": o.kills = try int(flag, inline, min: 0)
            case "--products": o.products = try int(flag, inline)
            case "--keep": o.keepDirectory = true
            default: throw BenchError("unknown option '\(flag)' for crash; see ocop-bench crash --help")
            }
        }
        return .crash(o)
    }

    private mutating func soak() throws(BenchError) -> Command {
        var o = SoakOptions()
        while let (flag, inline) = try nextFlag() {
            switch flag {
            case "-h", "--help": return .help(Self.soakUsage)
            case "--server": o.server = try value(flag, inline)
            case "--duration", "-d": o.duration = try seconds(flag, inline)
            case "--interval": o.interval = try seconds(flag, inline)
            case "--keep": o.keepDirectory = true
            default: throw BenchError("unknown option '\(flag)' for soak; see ocop-bench soak --help")
            }
        }
        return .soak(o)
    }

    static let usage = """
        ocop-bench: load generator and benchmark suite for the OCOP Hub server.

        USAGE
          ocop-bench load --url URL [options]   drive one endpoint (see: ocop-bench load --help)
          ocop-bench run [options]              start a server, seed it, run the suites (see: ocop-bench run --help)
          ocop-bench crash [options]            SIGKILL the server under inventory load, then check nothing was lost
                                                or applied twice (see: ocop-bench crash --help)
          ocop-bench soak [options]             minutes of mixed reads and writes on the demo data, watching memory,
                                                descriptors and the WAL (see: ocop-bench soak --help)
        """

    static let soakUsage = """
        USAGE: ocop-bench soak [--server PATH] [--duration 300] [--interval 15] [--keep]

        Starts `ocop serve --demo` on a fresh database and, for --duration seconds, keeps three closed
        loops going at once: 32 connections reading every GET route of /openapi.json (ids 1-12, so some
        404s, and a bad parameter's 422 on every list) and searching the inserted producers (slower as
        they pile up), 8 inserting producers with Idempotency-Key, and 4
        sending updates whose If-Match no longer holds (412). Every --interval seconds it prints the
        server's RSS, peak RSS, open descriptors, threads and WAL size; then each loop's statuses and
        the WAL's peak. Exits 1 when a request failed at the socket or with a 5xx, when descriptors
        did not come back to where they started, or when the WAL passed 125 MiB (twice the server's
        hard limit: it is not being restarted), keeping the database and log; 0 otherwise.

        OPTIONS
          --server PATH     the ocop executable (default: `ocop` beside ocop-bench)
          -d, --duration S  seconds of load (default 300)
          --interval S      seconds between samples (default 15)
          --keep            keep the database and server log even when the check passes
        """

    static let crashUsage = """
        USAGE: ocop-bench crash [--server PATH] [--duration 60] [--terminals 8] [--kills 10] [--products 10] [--keep]

        Issue #4's crash test. Starts `ocop serve` on a fresh database (OCOP_ADMIN_TOKEN set to a random
        token), makes one point of sale, --products products with an opening count and a pos token per
        terminal, then each terminal (a thread) sends batches of 1-20 counts and adjustments and sales,
        each with its own Idempotency-Key and change ids, retrying a lost answer with the same key half
        the time. Meanwhile the server is killed with SIGKILL --kills times at random moments and
        restarted on the same database. Afterwards, with the server up:
          - every change of every acknowledged (2xx) batch is in the feed exactly once;
          - every unacknowledged batch is wholly present or wholly absent, never half-applied;
          - sent again under a fresh key, present batches come back all duplicate, absent ones all applied;
          - every acknowledged sale is recorded; every level equals the level rule over what is present;
        and after a graceful stop, `ocop verify` finds the levels equal to the ledger.
        Prints a summary; exits 1 on any violation (keeping the database and logs), 0 otherwise.

        OPTIONS
          --server PATH     the ocop executable (default: `ocop` beside ocop-bench)
          -d, --duration S  seconds of load, kills included (default 60)
          --terminals N     terminals, one point of sale each (default 8)
          --kills N         SIGKILLs during the load (default 10)
          --products N      products each point of sale stocks (default 10)
          --keep            keep the database and server logs even when the check passes
        """

    static let loadUsage = """
        USAGE: ocop-bench load --url http://127.0.0.1:8080/healthz [options]

        Closed loop over keep-alive HTTP/1.1 connections: each connection sends a request,
        reads the whole response, records its latency and sends the next.

        OPTIONS
          --url URL              http://host[:port]/path (path may hold placeholders)
          -c, --connections N    concurrent connections (default 64)
          -d, --duration S       seconds to run; a hard stop (default 10)
          -t, --threads N        worker threads, one epoll loop each (default 1)
          -m, --method M         request method (default GET)
          --body FILE            request body read from FILE (placeholders allowed; add -H 'Content-Type: …')
          --body-json TEXT       request body given inline; adds Content-Type: application/json
          -H, --header 'K: V'    extra header, repeatable (placeholders allowed)
          --paths-file F         one path per line; each request picks one at random
          --server-pid PID       report the server's peak (VmHWM) and current (VmRSS) memory
          --timeout S            per-request timeout, counted as an error (default 5)
          --json                 print the result as JSON instead of a table

        PLACEHOLDERS (in path, headers and body, filled per request)
          {rand:N}  random integer 1…N     {uuid}  random UUID v4     {seq}  1, 2, 3… over all connections
        """

    static let runUsage = """
        USAGE: ocop-bench run [--suite producers|products|inventory|overview|all] [--server PATH] [--connections 64,256]
                              [--duration 10] [--rows 100000] [--products 10000,100000] [--fairs 1000] [--out FILE]

        RESPONSE CACHE. The server keeps rendered list pages and the overview until the next write
        (response_cache_kib). After each scenario line the suites print the share of its requests the
        cache answered; to measure building every page, run with OCOP_RESPONSE_CACHE_KIB=0 in the
        environment (the suites' servers inherit it).

        PRODUCERS SUITE (--suite producers or all).
        Starts `ocop serve --db <tmp>/bench.sqlite --port <free port>` with
        OCOP_ADMIN_TOKEN set to a random token, waits for GET /readyz → 200, seeds --rows
        producers with POST /api/v1/producers (reporting the seeding rate), then runs each
        scenario at each connection count for --duration seconds:
          1. healthz        GET /healthz
          2. producer-get   GET /api/v1/producers/{rand:ROWS}
          3. producer-list  GET /api/v1/producers?limit=50
             list-filtered  GET /api/v1/producers?limit=50&kind=cooperative
          4. producer-post  POST /api/v1/producers (Bearer token, Idempotency-Key: {uuid})
        Prints a table (scenario, connections, req/s, p50, p99, max, errors, server peak RSS, the
        server's CPU time per request from /proc/PID/stat); the peak is reset before each scenario
        (/proc/PID/clear_refs), so it is per scenario.
        Finally stops the server with SIGTERM and removes the temporary directory.

        PRODUCTS SUITE (--suite products or all; issue #3: listing and search at scale).
        Starts its own fresh server, creates --product-producers producers (POST /api/v1/producers),
        then for each size in --products, ascending, tops the catalogue up to that size with
        POST /api/v1/products/import (text/csv, <= 5,000 rows and <= 1 MB per request; Vietnamese
        names over the six groups, valid GTINs except tourism) and issues certificates through
        evaluation rounds, results and decisions (--certified percent of products, at least 300;
        about 10 % already expired, the rest 3, 4 and 5 stars). It then probes each search term
        (matches, unloaded first-page time) and runs at each connection count:
          product-get     GET /api/v1/products/{rand:N}
          product-group   GET /api/v1/products?group=food&limit=50          (filtered page)
          product-q       GET /api/v1/products?q=TERM&limit=50              (TERM random per request)
          product-q-name  GET /api/v1/products?q=TERM&sort=name&limit=50
          product-stars   GET /api/v1/products?stars_min=4&limit=50
        TERM is one of: mien+dong, Miến dong (percent-encoded), van+don, mat+ong, ba+kich, ha+long,
        nuoc+mam, tinh+dau+que, che, binh+lieu, gom, tra+hoa+vang, sau+rieng (no match).
        With --suite all and --out, the products section is appended after the producers one.

        INVENTORY SUITE (--suite inventory or all; issue #4: terminals syncing stock).
        Starts its own fresh server, makes 50 points of sale stocking the same 20 products, a pos token
        and an opening count each, then 50 terminal threads (own token, own keep-alive connection) send
        batches of 20 changes (2 recounts, 18 adjustments, fresh change ids and Idempotency-Key) in a
        closed loop for --duration seconds after a 1 s warm-up: batches/s, p50, p99, max, errors, server
        peak RSS, load average. Then, on the quiet server, five single 1,000-change batches over the 20
        products and five over 1,000 products (one change each): median, min and max round trip.
        Targets: >= 1,000 batches/s, and a 1,000-change batch under 100 ms.

        OVERVIEW SUITE (--suite overview or all; issue #5: the dashboard's first call).
        Measures GET /api/v1/reports/overview?as_of=TODAY (admin token) on two fresh servers, each first
        probed with 7 single requests (headline figures printed, median time), then in a closed loop at each
        --overview-connections count (default 1,8) for --duration seconds: req/s, p50, p99, max, errors,
        server peak RSS, load average.
          demo   `ocop serve --demo` (the demo province). Target p50 < 50 ms.
          large  the products suite's catalogue at the largest --products size (--product-producers
                 producers, CSV import, --certified percent certified), plus through the API: certificates
                 expiring within 90 days, 20 points of sale (half compliant) with 50 sales each, --fairs fairs
                 over the last 540 days (a fifth outside the province) with --booths booths each (two thirds
                 our producers showing their products, the rest outside exhibitors) and takings for every
                 day up to today, and listings of the certified products on every platform. Seeding rates
                 are printed. Target p50 < 200 ms with 100,000 products and 1,000 fairs.

        OPTIONS
          --server PATH          the ocop executable (default: `ocop` beside ocop-bench)
          -c, --connections L    comma-separated connection counts (default 64,256)
          -d, --duration S       seconds per scenario (default 10)
          --rows N               producers to seed (default 100000)
          --out FILE             also write the results as Markdown to FILE
          -t, --threads N        load generator threads (default 1; server and bench share the cores)
          --seed-connections N   connections used for seeding (default 64)
          --seed-timeout S       hard stop for seeding (default 600)
          --suite S              producers, products, inventory, overview or all (default all)
          --products L           catalogue sizes for the products suite, comma-separated (default 100000);
                                 the overview suite seeds the largest
          --product-producers N  producers the products are spread over (default 500)
          --certified P          certificates in percent of products, at least 300 (default 2)
          --fairs N              fairs in the overview suite's large phase (default 1000)
          --booths N             booths per fair in the overview suite's large phase (default 5)
          --overview-connections L  connection counts of the overview suite (default 1,8)
          --keep-db              keep the products, inventory and overview suites' databases (path printed) to study them
        """
}
