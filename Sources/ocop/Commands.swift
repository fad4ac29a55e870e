import HTTP
import OCOP
import OCOPAPI
import SQLite

/// The subcommands of `ocop`.
enum Commands {
    static let usage = """
    ocop — OCOP Hub server

    USAGE
      ocop serve   [--config FILE] [--host H] [--port P] [--db PATH] [--demo] [--<setting> VALUE]
      ocop migrate [--config FILE] [--db PATH]
      ocop token create --role admin|officer|pos|booth --name NAME [--point-of-sale ID] [--fair-booth ID] [--db PATH]
      ocop backup --to FILE [--db PATH]
      ocop verify [--db PATH]        integrity check, inventory levels from the ledger, idempotency index; exit 1 on any disagreement
      ocop version

    Settings come from config/ocop.json (or --config FILE, or OCOP_CONFIG), then OCOP_* environment
    variables (OCOP_PORT, OCOP_DATABASE, ...), then flags (--port, --db, --max-body-bytes, ...).
    OCOP_ADMIN_TOKEN, when set and the database has no active (unrevoked) admin token, becomes the first admin token.
    SIGTERM, SIGINT or SIGHUP stops `serve` gracefully: in-flight requests finish, then exit 0.

    """

    /// What each command word runs: `main` dispatches on it, and refuses any other word.
    static let table: [String: @Sendable (CommandLineArguments, [String: String]) throws -> Int32] = [
        "serve": serve, "migrate": migrate, "token": token, "backup": backup, "verify": verify,
        "version": version, "--version": version, "help": help, "--help": help, "-h": help,
    ]

    static func version(_ args: CommandLineArguments, environment: [String: String]) throws -> Int32 {
        guard args.options.isEmpty, args.positional.isEmpty else { throw UsageError(message: "version takes no arguments") }
        print("ocop \(Application.version)")
        return 0
    }

    static func help(_ args: CommandLineArguments, environment: [String: String]) throws -> Int32 {
        print(usage)
        return 0
    }

    /// A configuration file is a few hundred bytes; anything near this is not one.
    static let maxConfigBytes = 1 << 20

    /// Defaults, then the config file, then the environment, then flags; the first bad value stops start-up.
    /// `positionals`: how many bare words the command takes (`token create` one); more is a mistake
    /// the user should hear about (`serve --demo maybe`), not a word silently ignored.
    static func configuration(_ args: CommandLineArguments, environment: [String: String],
                              allowed: Set<String>? = nil, positionals: Int = 0) throws -> Configuration {
        if args.positional.count > positionals {
            throw UsageError(message: "unexpected argument \(args.positional[positionals])")
        }
        var config = Configuration()
        let explicit = args.value("config") ?? environment["OCOP_CONFIG"]
        let path = explicit ?? "config/ocop.json"
        switch System.smallFile(at: path, limit: Self.maxConfigBytes) {
        case .contents(let data):
            try config.apply(file: data, path: path)
        case .missing:
            if explicit != nil { throw Configuration.Invalid(description: "cannot read config file \(path): no such file") }
        case .refused(let reason):
            throw Configuration.Invalid(description: "cannot read config file \(path): \(reason)")
        }
        try config.apply(environment: environment)
        for (name, value) in args.options where name != "config" {
            // An option no command takes is a slip on the command line (exit 2, with the usage),
            // whichever command it follows; 78 is for a setting given a value it cannot take.
            if !(allowed?.contains(name) ?? Configuration.isSetting(flag: name)) {
                throw UsageError(message: "unknown option --\(name)")
            }
            // `--demo` alone loads it; `--demo=false` is honoured, not read as the switch.
            if name == "demo", value == nil { config.demo = true; continue }
            guard let value else { throw UsageError(message: "option --\(name) needs a value") }
            try config.apply(flag: name, value: value)
        }
        return config
    }

    static func serve(_ args: CommandLineArguments, environment: [String: String]) throws -> Int32 {
        // Before any thread starts, so every thread inherits the blocked mask and only sigwait sees them.
        ProcessSignals.blockShutdownSignals()
        System.limitMallocArenas(environment: environment)
        let config = try configuration(args, environment: environment)
        for name in Configuration.unknownEnvironmentNames(environment) {
            log("ocop: warning: environment \(name) is not a setting and is ignored (`ocop serve --help` lists them)")
        }
        let fileLimits = System.makeRoomForConnections(config.maxConnections)
        // A busy port stops start-up before a new database file (and its WAL and lock) is created.
        try StartFailure.naming(config) { try HTTPServer.checkPortUnused(host: config.host, port: config.port) }
        let app = try Application(configuration: config, adminToken: environment["OCOP_ADMIN_TOKEN"])
        let port = try StartFailure.naming(config) { try app.start() }
        let memoryRelease = try System.releaseFreeMemoryAfterBursts()
        if let fileLimits, let warning = System.connectionRoomWarning(maxConnections: config.maxConnections, limits: fileLimits) {
            log("ocop: warning: \(warning)")
        }
        let demo = !config.demo ? "" : app.demoLoaded ? " (demo data loaded)"
            : " (demo data not loaded: the database already has producers)"
        log("ocop \(Application.version) listening on \(config.host):\(port), database \(config.database)\(demo)")
        let signal = ProcessSignals.waitForShutdown()
        log("signal \(signal): draining (up to \(config.drainTimeoutMs) ms)")
        app.shutdown()
        memoryRelease.stop()
        log("stopped")
        return 0
    }

    static func migrate(_ args: CommandLineArguments, environment: [String: String]) throws -> Int32 {
        let config = try configuration(args, environment: environment, allowed: ["db", "database", "config"])
        let (database, migrated) = try openMigrated(config.database)
        defer { database.close() }
        if !migrated.isEmpty { log("applied \(migrated.joined(separator: ", "))") }
        let applied = try database.read { try Migrator.appliedMigrations($0) }
        log("database \(config.database) is at \(applied.last ?? "(empty)") (\(applied.count) migrations)")
        return 0
    }

    /// Opens the database for a command, which may run while a server serves the same file:
    /// nothing checkpoints while the command has it open (`checkpointPages` 0), so no
    /// checkpoint of the command's can race the server's writer (SQLite's WAL-reset bug). The
    /// server copies the WAL, or the command does at close when it is the last to have it open.
    static func openBesideServer(_ path: String) throws -> Database {
        var configuration = DatabaseConfiguration()
        configuration.checkpointPages = 0
        return try Database(path: path, configuration: configuration)
    }

    /// Opens the database and applies this binary's pending migrations, unless a server is
    /// serving the file: that server runs older code (it would have applied them), and rebuilding
    /// tables under it would leave it writing rows the new schema reads wrong. With nothing
    /// pending, the commands work beside a running server, as the README says.
    /// Returns the database and the migrations it applied.
    static func openMigrated(_ path: String) throws -> (database: Database, migrated: [String]) {
        let database = try openBesideServer(path)
        do {
            // A newer ocop's database: its schema is not this binary's to write (`migrate` would
            // otherwise say "nothing to do" and `token create` insert into tables it does not know).
            let unknown = try database.read { try Schema.migrator.unknown($0) }
            guard unknown.isEmpty else { throw MigrationError.unknownMigrations(unknown) }
            let pending = try database.read { try Schema.migrator.pending($0) }
            if !pending.isEmpty {
                // Held while migrating, so no server starts on a half-migrated file either.
                let lock: ServingLock
                do {
                    lock = try ServingLock(databasePath: path)
                } catch let held as ServingLock.Held {
                    throw ServedByOlderServer(description: "\(held.description): it runs an older ocop, and this one "
                        + "would migrate the database under it (\(pending.joined(separator: ", "))); restart it with "
                        + "this binary, which migrates at start, then run this command again")
                }
                defer { lock.release() }
                try database.migrate(Schema.migrator)
            }
            return (database, pending)
        } catch {
            database.close()
            throw error
        }
    }

    /// The optional id given as `--name ID`.
    private static func positiveID(_ args: CommandLineArguments, _ name: String) throws -> Int64? {
        guard let text = args.value(name) else { return nil }
        guard let id = Int64(text), id > 0 else { throw UsageError(message: "--\(name) must be a positive id") }
        return id
    }

    static func token(_ args: CommandLineArguments, environment: [String: String]) throws -> Int32 {
        guard args.positional.first == "create" else { throw UsageError(message: "usage: ocop token create --role R --name N") }
        guard let roleText = args.value("role"), let role = Role(rawValue: roleText) else {
            throw UsageError(message: "--role must be " + Role.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let name = args.value("name") else { throw UsageError(message: "--name is required") }
        let pointOfSale = try positiveID(args, "point-of-sale")
        let fairBooth = try positiveID(args, "fair-booth")
        var rest = args
        rest.remove(["role", "name", "point-of-sale", "fair-booth"])
        let config = try configuration(rest, environment: environment, allowed: ["db", "database", "config"], positionals: 1)
        // A first admin token may be made before the first start, so a missing database is
        // created; but said, as a mistyped path gives a token that works on no server.
        let existed = System.exists(config.database)
        let database = try openMigrated(config.database).database
        defer { database.close() }
        let (record, secret) = try database.write { db in
            try TokenStore.create(db, name: name, role: role, pointOfSaleID: pointOfSale, fairBoothID: fairBooth,
                                  actor: .system, now: .now())
        }
        if !existed {
            log("there was no database at \(config.database): this command created it, for a server started on that path")
        }
        log("created token \(record.id) (\(record.role.rawValue)); the secret is shown once:")
        print(secret)
        return 0
    }

    static func backup(_ args: CommandLineArguments, environment: [String: String]) throws -> Int32 {
        guard let target = args.value("to") else { throw UsageError(message: "usage: ocop backup --to FILE") }
        guard !System.exists(target) else {
            throw Refusal(message: "\(target) exists; backups never overwrite")
        }
        var rest = args
        rest.remove(["to"])
        let config = try configuration(rest, environment: environment, allowed: ["db", "database", "config"])
        guard System.exists(config.database) else {
            throw Refusal(message: "no database at \(config.database)")
        }
        let database = try openBesideServer(config.database)
        defer { database.close() }
        try database.backup(to: target)
        log("backed up \(config.database) to \(target)")
        return 0
    }

    /// A line on standard error; an unread pipe holds it up a second at most (StandardError).
    static func log(_ message: String) {
        StandardError.write(message)
    }
}

/// `serve` could not take its address (the port in use, an address not on this machine).
struct StartFailure: Error, CustomStringConvertible {
    let description: String

    /// Runs `body`, naming the address in any socket failure (`bind failed` alone says not which).
    static func naming<T>(_ config: Configuration, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SocketError {
            throw StartFailure(description: "cannot listen on \(config.host):\(config.port): \(error)")
        }
    }
}

/// A command that would migrate a database an older server is serving.
struct ServedByOlderServer: Error, CustomStringConvertible {
    let description: String
}
