import Glibc
import HTTP
import JSON

/// Every setting of the server, with its default in `config/ocop.json`,
/// overridable by an `OCOP_*` environment variable and then by a flag.
public struct Configuration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var database = "./data/ocop.sqlite"
    /// 0 means one per core.
    public var eventLoops = 0
    /// Threads that run handlers of requests that may write (POST, PUT, PATCH, DELETE). Write
    /// routes only prepare on them and finish their answers there; the few writes that wait
    /// for their group commit hold one each, which bounds how many of those one commit holds.
    public var blockingThreads = 32
    /// Reader connections, and as many threads running GET and HEAD handlers (reads are
    /// CPU-bound: more threads only add context switches, see `HandlerPools`).
    public var databaseReaders = 4
    public var databaseSynchronous = "full"
    /// SQLite page cache per connection (the writer and each reader), in KiB: most of the server's RSS.
    public var databaseCacheKiB = 2048
    /// Rendered catalogue pages kept until the next write (`ResponseCache`), KiB of bodies; 0 turns it off.
    public var responseCacheKiB = 4096
    public var maxRequestLineBytes = 8192
    public var maxHeaderBytes = 32768
    public var maxHeaderCount = 100
    public var maxBodyBytes = 1_048_576
    public var maxConnections = 10_000
    public var headerTimeoutMs = 10_000
    public var bodyTimeoutMs = 30_000
    public var idleTimeoutMs = 60_000
    public var handlerTimeoutMs = 30_000
    public var drainTimeoutMs = 10_000
    public var corsOrigins: [String] = []
    public var accessLog = true
    /// Failed authentications an address may make per minute before its token-bearing
    /// requests get 429 (`AuthFailureLimiter`); 0 turns the limit off.
    public var authFailuresPerMinute = 300
    /// Take the client address from `X-Forwarded-For` (set when a proxy is the only way in).
    public var trustForwardedFor = false
    public var demo = false

    public init() {}

    /// A setting's JSON key, environment variable and how to apply a textual value.
    struct Key: Sendable {
        let name: String
        /// What a valid value looks like, for the message that refuses one.
        let expected: String
        let apply: @Sendable (inout Configuration, JSONValue) -> Bool
        /// How an environment variable's or a flag's text reads as a value: as written for a text
        /// setting (`--db 2024` is a file named 2024), whole digits for a number (not `9090.0`).
        var fromText: @Sendable (String) -> JSONValue? = { .string($0) }

        var environmentName: String { "OCOP_" + name.uppercased() }
    }

    static func int(_ name: String, _ range: ClosedRange<Int>, _ path: WritableKeyPath<Configuration, Int> & Sendable) -> Key {
        Key(name: name, expected: "an integer from \(range.lowerBound) to \(range.upperBound)", apply: { config, value in
            guard let n = value.int64Value, range.contains(Int(n)) else { return false }
            config[keyPath: path] = Int(n)
            return true
        }, fromText: { text in
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let n = Int64(text) else { return nil }
            return .number(JSONNumber(n))
        })
    }

    static func string(_ name: String, _ path: WritableKeyPath<Configuration, String> & Sendable, allowed: Set<String>? = nil) -> Key {
        Key(name: name, expected: allowed.map { "one of \($0.sorted().joined(separator: ", "))" } ?? "a non-empty text") { config, value in
            guard let s = value.stringValue, !s.isEmpty, allowed?.contains(s) ?? true else { return false }
            config[keyPath: path] = s
            return true
        }
    }

    static func bool(_ name: String, _ path: WritableKeyPath<Configuration, Bool> & Sendable) -> Key {
        Key(name: name, expected: "true or false", apply: { config, value in
            guard let b = value.boolValue else { return false }
            config[keyPath: path] = b
            return true
        }, fromText: { text in
            switch text {
            case "true": .bool(true)
            case "false": .bool(false)
            default: nil
            }
        })
    }

    static let keys: [Key] = [
        Key(name: "host", expected: "an IPv4 or IPv6 address, or localhost") { config, value in
            guard let host = value.stringValue, ServerConfiguration.isListenableHost(host) else { return false }
            config.host = host
            return true
        },
        int("port", 0...65535, \.port),
        string("database", \.database),
        int("event_loops", 0...256, \.eventLoops),
        int("blocking_threads", 1...1024, \.blockingThreads),
        int("database_readers", 1...64, \.databaseReaders),
        string("database_synchronous", \.databaseSynchronous, allowed: ["off", "normal", "full"]),
        int("database_cache_kib", 256...1_048_576, \.databaseCacheKiB),
        int("response_cache_kib", 0...1_048_576, \.responseCacheKiB),
        int("max_request_line_bytes", 256...1_048_576, \.maxRequestLineBytes),
        int("max_header_bytes", 1024...1_048_576, \.maxHeaderBytes),
        int("max_header_count", 8...10_000, \.maxHeaderCount),
        int("max_body_bytes", 1024...1_073_741_824, \.maxBodyBytes),
        int("max_connections", 1...1_000_000, \.maxConnections),
        int("header_timeout_ms", 100...3_600_000, \.headerTimeoutMs),
        int("body_timeout_ms", 100...3_600_000, \.bodyTimeoutMs),
        int("idle_timeout_ms", 100...3_600_000, \.idleTimeoutMs),
        int("handler_timeout_ms", 100...3_600_000, \.handlerTimeoutMs),
        int("drain_timeout_ms", 0...3_600_000, \.drainTimeoutMs),
        Key(name: "cors_origins", expected: "origins as browsers send them (https://host[:port]) or *") { config, value in
            if let s = value.stringValue {   // environment form: comma-separated
                let origins = s.split(separator: ",").map { String($0.trimmingASCIIWhitespace()) }.filter { !$0.isEmpty }
                guard origins.allSatisfy(Self.isOrigin) else { return false }
                config.corsOrigins = origins
                return true
            }
            guard let items = value.arrayValue else { return false }
            let origins = items.compactMap(\.stringValue)
            guard origins.count == items.count, origins.allSatisfy(Self.isOrigin) else { return false }
            config.corsOrigins = origins
            return true
        },
        bool("access_log", \.accessLog),
        int("auth_failures_per_minute", 0...1_000_000, \.authFailuresPerMinute),
        bool("trust_forwarded_for", \.trustForwardedFor),
        bool("demo", \.demo),
    ]

    /// Every setting as `ocop serve --help` lists it: flag, environment variable, and what a
    /// valid value looks like, from the same table that reads them (so the list cannot drift).
    public static var settingsHelp: String {
        let width = keys.map { $0.name.count }.max() ?? 0
        func column(_ text: String, _ size: Int) -> String { text + String(repeating: " ", count: max(1, size - text.count)) }
        let lines = keys.map { key in
            let flag = "--" + String(key.name.map { $0 == "_" ? "-" : $0 })
            return "  " + column(flag, width + 4) + column(key.environmentName, width + 7) + key.expected
        }
        return "SETTINGS (the config/ocop.json key, then OCOP_<KEY>, then --<key> VALUE; --db is --database,\n"
            + "and --demo alone means --demo=true)\n" + lines.joined(separator: "\n") + "\n"
    }

    /// `*`, or an origin as browsers send it (RFC 6454 §6.1): `http(s)://host[:port]`, with no
    /// path, no trailing slash, no space. Anything else could never match an `Origin` header.
    static func isOrigin(_ text: String) -> Bool {
        if text == "*" { return true }
        let rest: Substring
        if text.hasPrefix("https://") { rest = text.dropFirst(8) }
        else if text.hasPrefix("http://") { rest = text.dropFirst(7) }
        else { return false }
        return !rest.isEmpty && !rest.contains { $0 == "/" || $0 == " " || $0 == "?" || $0 == "#" || $0 == "@" }
    }

    /// A setting that could not be used; start-up stops with this message.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Applies a JSON config file's members: every key must be known and valid.
    public mutating func apply(file bytes: [UInt8], path: String) throws(Invalid) {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            throw Invalid(description: "\(path): not valid JSON: \(error.message)")
        }
        guard case .object(let object) = value else { throw Invalid(description: "\(path): must hold a JSON object") }
        for (name, member) in object {
            guard let key = Self.keys.first(where: { $0.name == name }) else {
                throw Invalid(description: "\(path): unknown setting \"\(name)\"")
            }
            guard key.apply(&self, member) else {
                throw Invalid(description: "\(path): invalid value \(member.serializedString()) for \"\(name)\" (expected \(key.expected))")
            }
        }
    }

    /// Applies `OCOP_*` variables, each read as its setting reads text (`Key.fromText`):
    /// `OCOP_PORT=9090`, `OCOP_HOST=0.0.0.0`, `OCOP_CORS_ORIGINS=a,b`, `OCOP_ACCESS_LOG=false`.
    public mutating func apply(environment: [String: String]) throws(Invalid) {
        for key in Self.keys {
            guard let text = environment[key.environmentName] else { continue }
            guard let value = key.fromText(text), key.apply(&self, value) else {
                throw Invalid(description: "environment \(key.environmentName)=\(text) is not a valid \(key.name) (expected \(key.expected))")
            }
        }
    }

    /// Whether `--flag` names a setting (dashes or underscores; `db` for `database`).
    public static func isSetting(flag: String) -> Bool { key(flag: flag) != nil }

    private static func key(flag: String) -> Key? {
        let name = String(flag.map { $0 == "-" ? "_" : $0 })
        let canonical = name == "db" ? "database" : name
        return keys.first { $0.name == canonical }
    }

    /// Applies one `--name value` flag (dashes or underscores).
    public mutating func apply(flag: String, value text: String) throws(Invalid) {
        guard let key = Self.key(flag: flag) else {
            throw Invalid(description: "unknown option --\(flag)")
        }
        guard let value = key.fromText(text), key.apply(&self, value) else {
            throw Invalid(description: "invalid value \"\(text)\" for --\(flag) (expected \(key.expected))")
        }
    }

    /// `OCOP_*` variables that name no setting: a misspelt one (`OCOP_DB`, `OCOP_PROT`) would
    /// otherwise leave its setting at the default without a word. The two read outside the
    /// settings table are not among them.
    public static func unknownEnvironmentNames(_ environment: [String: String]) -> [String] {
        let known = Set(keys.map(\.environmentName)).union(["OCOP_ADMIN_TOKEN", "OCOP_CONFIG"])
        return environment.keys.filter { $0.hasPrefix("OCOP_") && !known.contains($0) }.sorted()
    }

    /// The documented defaults, as `config/ocop.json` holds them.
    public static var defaultsDocument: String {
        let c = Configuration()
        return """
        {
          "host": "\(c.host)",
          "port": \(c.port),
          "database": "\(c.database)",
          "event_loops": \(c.eventLoops),
          "blocking_threads": \(c.blockingThreads),
          "database_readers": \(c.databaseReaders),
          "database_synchronous": "\(c.databaseSynchronous)",
          "database_cache_kib": \(c.databaseCacheKiB),
          "response_cache_kib": \(c.responseCacheKiB),
          "max_request_line_bytes": \(c.maxRequestLineBytes),
          "max_header_bytes": \(c.maxHeaderBytes),
          "max_header_count": \(c.maxHeaderCount),
          "max_body_bytes": \(c.maxBodyBytes),
          "max_connections": \(c.maxConnections),
          "header_timeout_ms": \(c.headerTimeoutMs),
          "body_timeout_ms": \(c.bodyTimeoutMs),
          "idle_timeout_ms": \(c.idleTimeoutMs),
          "handler_timeout_ms": \(c.handlerTimeoutMs),
          "drain_timeout_ms": \(c.drainTimeoutMs),
          "cors_origins": [],
          "access_log": \(c.accessLog),
          "auth_failures_per_minute": \(c.authFailuresPerMinute),
          "trust_forwarded_for": \(c.trustForwardedFor),
          "demo": \(c.demo)
        }

        """
    }
}
