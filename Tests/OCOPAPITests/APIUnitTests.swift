import Foundation
import HTTP
import JSON
import OCOP
import SQLite
@testable import OCOPAPI
import Testing

@Suite struct ConfigurationTests {
    @Test func fileThenEnvironmentThenFlags() throws {
        var config = Configuration()
        try config.apply(file: Array(#"{"port": 9000, "host": "0.0.0.0", "cors_origins": ["https://a.vn"]}"#.utf8), path: "x.json")
        #expect(config.port == 9000)
        #expect(config.corsOrigins == ["https://a.vn"])
        try config.apply(environment: ["OCOP_PORT": "9100", "OCOP_CORS_ORIGINS": "https://b.vn, https://c.vn", "OCOP_ACCESS_LOG": "false"])
        #expect(config.port == 9100)
        #expect(config.corsOrigins == ["https://b.vn", "https://c.vn"])
        #expect(config.accessLog == false)
        try config.apply(flag: "port", value: "9200")
        try config.apply(flag: "db", value: "/tmp/x.sqlite")
        try config.apply(flag: "max-body-bytes", value: "2048")
        #expect(config.port == 9200)
        #expect(config.database == "/tmp/x.sqlite")
        #expect(config.maxBodyBytes == 2048)
    }

    @Test func badValuesNameTheKey() throws {
        var config = Configuration()
        #expect(throws: Configuration.Invalid(description: "environment OCOP_PORT=abc is not a valid port (expected an integer from 0 to 65535)")) {
            try config.apply(environment: ["OCOP_PORT": "abc"])
        }
        #expect(throws: Configuration.Invalid.self) { try config.apply(file: Array(#"{"prot": 1}"#.utf8), path: "x") }
        #expect(throws: Configuration.Invalid.self) { try config.apply(file: Array(#"{"port": 70000}"#.utf8), path: "x") }
        #expect(throws: Configuration.Invalid.self) { try config.apply(flag: "database-synchronous", value: "sometimes") }
        #expect(throws: Configuration.Invalid.self) { try config.apply(flag: "nope", value: "1") }
        #expect(throws: Configuration.Invalid(description: "environment OCOP_HOST=999.1.1.1 is not a valid host (expected an IPv4 or IPv6 address, or localhost)")) {
            try config.apply(environment: ["OCOP_HOST": "999.1.1.1"])
        }
        #expect(throws: Configuration.Invalid.self) { try config.apply(flag: "host", value: "nonexistent.invalid") }
        for good in ["0.0.0.0", "::", "[::1]", "localhost", "10.0.0.7"] { #expect(throws: Never.self) { try config.apply(flag: "host", value: good) } }
        #expect(throws: Configuration.Invalid.self) { try config.apply(flag: "cors-origins", value: "notaurl") }
        #expect(throws: Configuration.Invalid.self) {
            try config.apply(file: Array(#"{"cors_origins": ["https://a.example/"]}"#.utf8), path: "x")
        }
        try config.apply(flag: "cors-origins", value: "https://dashboard.ocop.example, http://localhost:5173")
        #expect(config.corsOrigins == ["https://dashboard.ocop.example", "http://localhost:5173"])
    }

    /// Text from the environment or a flag is read as its setting reads it: a file may be named
    /// `2024` or `true`, and a port is whole digits (`9090.0` and `1e3` are slips, not numbers).
    @Test func textValuesAreReadAsTheirSettingTakesThem() throws {
        var config = Configuration()
        try config.apply(flag: "db", value: "2024")
        #expect(config.database == "2024")
        try config.apply(environment: ["OCOP_DATABASE": "true"])
        #expect(config.database == "true")
        for slip in ["19124.0", "1e3", "+80", " 80", ""] {
            #expect(throws: Configuration.Invalid.self, "\(slip)") { try config.apply(environment: ["OCOP_PORT": slip]) }
        }
        #expect(throws: Configuration.Invalid.self) { try config.apply(flag: "access-log", value: "1") }
        try config.apply(flag: "demo", value: "false")
        #expect(config.demo == false)
        #expect(config.port == 8080, "no refused value was half applied")
    }

    @Test func misspeltEnvironmentVariablesAreNamed() {
        let environment = ["OCOP_DB": "x", "OCOP_PORT": "1", "OCOP_ADMIN_TOKEN": "t", "OCOP_CONFIG": "c", "OCOP_PROT": "2", "PATH": "/bin"]
        #expect(Configuration.unknownEnvironmentNames(environment) == ["OCOP_DB", "OCOP_PROT"])
    }

    /// config/ocop.json is the documented source of defaults: it must say exactly what the code does.
    @Test func shippedConfigMatchesDefaults() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let shipped = try JSONValue.parse(Array(try String(contentsOfFile: "/" + path + "/config/ocop.json", encoding: .utf8).utf8))
        let documented = try JSONValue.parse(Configuration.defaultsDocument)
        #expect(shipped == documented)
        var config = Configuration()
        try config.apply(file: shipped.serialized(), path: "config/ocop.json")
        #expect(config == Configuration())
    }
}

@Suite struct MergePatchTests {
    /// The examples of RFC 7396 Appendix A.
    @Test func rfcExamples() throws {
        let cases: [(String, String, String)] = [
            (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
            (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
            (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
            (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
            (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
            (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
            (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
            (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
            (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
            (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
            (#"{"a":"foo"}"#, "null", "null"),
            (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
            (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
            (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
            (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
        ]
        for (target, patch, expected) in cases {
            let result = MergePatch.apply(try JSONValue.parse(patch), to: try JSONValue.parse(target))
            #expect(result == (try JSONValue.parse(expected)), "\(target) + \(patch)")
        }
    }
}

@Suite struct ProblemTests {
    @Test func rendersRFC9457() throws {
        let problem = Problem.validation([FieldError("stars", "must be between 1 and 5"), FieldError("name", "is required")])
        let response = problem.response
        #expect(response.status.code == 422)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        let json = try JSONValue.parse(response.body)
        #expect(json["type"]?.stringValue == "https://ocop.example/problems/validation")
        #expect(json["title"]?.stringValue == "Invalid request")
        #expect(json["status"]?.int64Value == 422)
        #expect(json["detail"]?.stringValue == "2 fields are invalid")
        #expect(json["errors"]?.arrayValue?.first?["field"]?.stringValue == "stars")
    }

    @Test func domainErrorsMapOnce() {
        #expect(Problem.from(.notFound(entity: "producer", id: "7")).status.code == 404)
        #expect(Problem.from(.conflict("x")).status.code == 409)
        #expect(Problem.from(.staleVersion(current: 3)).status.code == 412)
        #expect(Problem.from(.forbidden("x")).status.code == 403)
        #expect(Problem.from(.invalid("a", "b")).status.code == 422)
        #expect(Problem.unauthorized("x").headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
    }

    @Test func internalErrorsSayNothingInternal() throws {
        let body = String(decoding: Problem.internalError.response.body, as: UTF8.self)
        #expect(!body.lowercased().contains("sql"))
        #expect(Problem.internalError.status.code == 500)
    }
}

@Suite struct RequestPartsTests {
    @Test func queryParametersDecodeAndCheck() throws {
        let q = try QueryParameters("q=V%C3%A2n+%C4%90%E1%BB%93n&limit=5")
        #expect(q["q"] == "Vân Đồn")
        #expect(q["limit"] == "5")
        #expect(throws: Problem.self) { try q.check(allowed: ["q"]) }
        try q.check(allowed: ["q", "limit"])
        #expect(throws: Problem.self) { try QueryParameters("a=%zz") }
        #expect(throws: Problem.self) { try QueryParameters("a=1&a=2").check(allowed: ["a"]) }
        // An address without parameters says so, rather than listing nothing after "known:".
        do {
            try QueryParameters("foo=1").check(allowed: [])
            Issue.record("foo was accepted")
        } catch {
            #expect(error.errors.map(\.message) == ["is not a known query parameter here; this address takes none"])
        }
        #expect(q.replacing("cursor", with: "abc+/") == "q=V%C3%A2n%20%C4%90%E1%BB%93n&limit=5&cursor=abc%2B%2F")
    }

    @Test func etags() {
        #expect(ETag.of(version: 3) == "W/\"3\"")
        #expect(ETag.version("W/\"12\"") == 12)
        #expect(ETag.version("\"12\"") == 12)
        #expect(ETag.version("12") == nil)
        // Opaque strings: a tag the server never issued names no version, even one that reads
        // as the same number.
        for unissued in ["\"012\"", "W/\"+12\"", "W/\"-0\"", "\" 12\"", "W/\"12 \""] {
            #expect(ETag.version(unissued) == nil, "\(unissued)")
        }
        #expect(!ETag.matches(field: "W/\"01\"", version: 1))
        #expect(ETag.matches(field: "W/\"1\", W/\"2\"", version: 2))
        #expect(ETag.matches(field: "*", version: 9))
        #expect(!ETag.matches(field: "W/\"1\"", version: 2))
    }

    @Test func csvEscapesAndDefusesFormulas() {
        #expect(CSVTable<Int>.escape("plain") == "plain")
        #expect(CSVTable<Int>.escape("a,b") == "\"a,b\"")
        #expect(CSVTable<Int>.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVTable<Int>.escape("=SUM(A1)") == "'=SUM(A1)")
        #expect(CSVTable<Int>.escape("+84 912") == "+84 912")
        #expect(CSVTable<Int>.escape("+84 (203) 3878-123") == "+84 (203) 3878-123")
        #expect(CSVTable<Int>.escape("-150000") == "-150000")
        #expect(CSVTable<Int>.escape("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVTable<Int>.escape("\t=1") == "'\t=1")
        // OWASP's examples of formulas behind a sign: a function call and a DDE link.
        #expect(CSVTable<Int>.escape("+SUM(1,2)") == "\"'+SUM(1,2)\"")
        #expect(CSVTable<Int>.escape("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0")
        #expect(CSVTable<Int>.escape("-") == "-")
        #expect(CSVTable<Int>.escape("") == "")
        let table = CSVTable<Int>(filename: "n.csv", columns: [("n", { String($0) }), ("tên", { _ in "Đồng" })])
        #expect(table.render([1]) == [0xEF, 0xBB, 0xBF] + Array("n,tên\r\n1,Đồng\r\n".utf8))
    }

    @Test func corsPreflightRules() {
        let policy = CORSPolicy(allowedOrigins: ["https://a.vn"])
        var request = HTTPRequest(method: .options, target: "/api/v1/producers",
                                  headers: ["Origin": "https://a.vn", "Access-Control-Request-Method": "DELETE"])
        #expect(policy.preflight(request, methods: [.get, .post]).headers["Access-Control-Allow-Origin"] == nil)
        request.headers.set("Access-Control-Request-Method", "POST")
        #expect(policy.preflight(request, methods: [.get, .post]).headers["Access-Control-Allow-Origin"] == "https://a.vn")
        request.headers.set("Access-Control-Request-Headers", "x-secret-thing")
        #expect(policy.preflight(request, methods: [.get, .post]).headers["Access-Control-Allow-Origin"] == nil)
    }
}

@Suite struct MergePatchOntoItemTests {
    @Test func patchesWritableFieldsAndKeepsReadOnlyOnesForTheCheck() throws {
        let writable = JSONObject([("name", "A"), ("phone", "0912"), ("email", .null)])
        let readOnly = JSONObject([("id", 7), ("version", 3)])
        let merged = MergePatch.apply(JSONObject([("phone", .null), ("email", "a@b.vn")]), to: writable, readOnly: readOnly)
        #expect(merged == JSONObject([("name", "A"), ("email", "a@b.vn"), ("id", 7), ("version", 3)]))
    }

    /// `"version": null` asks to remove what the server owns: the null reaches the field reader,
    /// which refuses it as it refuses any other value there.
    @Test func aNullForAReadOnlyFieldStaysForTheCheck() throws {
        let writable = JSONObject([("name", "A")])
        let readOnly = JSONObject([("id", 7), ("version", 3), ("certificate", .null)])
        let merged = MergePatch.apply(JSONObject([("version", .null), ("certificate", .null)]), to: writable, readOnly: readOnly)
        #expect(merged == JSONObject([("name", "A"), ("id", 7), ("version", .null), ("certificate", .null)]))
        // Nested: kept as sent, not merged into the current value (which it would leave as it was).
        let current = JSONObject([("id", 7), ("certificate", .object(JSONObject([("id", 3), ("stars", 4)])))])
        let nested = JSONObject([("certificate", .object(JSONObject([("bogus", .null)])))])
        #expect(MergePatch.apply(nested, to: writable, readOnly: current)["certificate"] == .object(JSONObject([("bogus", .null)])))
    }
}

@Suite struct MergePatchContradictionTests {
    /// A read-only member named with its current value, which the write changes, is a wish the
    /// write will not grant; one it leaves alone, or one the patch does not name, is no wish.
    @Test func aReadOnlyMemberTheWriteChangesIsAContradiction() {
        let before = JSONObject([("id", 7), ("compliant", true), ("version", 3)])
        let after = JSONObject([("id", 7), ("compliant", false), ("version", 3)])
        let asking = JSONObject([("has_price_list", false), ("compliant", true), ("version", 3)])
        #expect(MergePatch.contradictions(asking, before: before, after: after)
                == [FieldError("compliant", "is read-only; this change makes it false")])
        #expect(MergePatch.contradictions(JSONObject([("has_price_list", false)]), before: before, after: after).isEmpty)
        #expect(MergePatch.contradictions(JSONObject([("compliant", true)]), before: before, after: before).isEmpty)
        // A value the reader refused already (not the current one) is not reported twice.
        #expect(MergePatch.contradictions(JSONObject([("compliant", false)]), before: before, after: after).isEmpty)
    }
}

@Suite struct StorageProblemTests {
    @Test func aFullDiskIs507AndOtherStorageFailures503AndNeitherLeaksSQLite() {
        let full = Problem.storage(SQLiteError(extendedCode: 13, message: "database or disk is full"))
        #expect(full.status.code == 507)
        #expect(full.type.hasSuffix("insufficient-storage"))
        for code: Int32 in [8, 10 | (3 << 8), 14, 11, 26, 3] {   // READONLY, IOERR_WRITE, CANTOPEN, CORRUPT, NOTADB, PERM
            let error = SQLiteError(extendedCode: code, message: "secret detail")
            #expect(error.isStorageFailure, "\(code)")
            let problem = Problem.storage(error)
            #expect(problem.status.code == 503)
            #expect(problem.detail?.contains("secret") == false)
        }
        #expect(!SQLiteError(extendedCode: 2067, message: "UNIQUE").isStorageFailure)
        #expect(!SQLiteError(extendedCode: 5, message: "busy").isStorageFailure)
    }
}

/// The days a request may name (`Days`): calendar days of 1900 to 2999, in bodies and queries alike.
@Suite struct DaysTests {
    @Test(arguments: ["1900-01-01", "2024-02-29", "2999-12-31"])
    func daysOfTheYearsAreTaken(_ text: String) {
        #expect(Days.parse(text)?.description == text)
    }

    @Test(arguments: ["1899-12-31", "3000-01-01", "0001-01-01", "9999-12-31", "2023-02-29", "2024-13-01", "2024-1-01", "+2024-01-01", ""])
    func othersAreNot(_ text: String) {
        #expect(Days.parse(text) == nil)
    }

    /// The pattern the document shows says yes to the same years (the calendar it leaves to the server).
    @Test func thePatternTakesTheSameYears() throws {
        let pattern = try NSRegularExpression(pattern: Days.pattern)
        for text in ["1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01", "0001-01-01", "2024-06-15"] {
            let matched = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            #expect(matched == (Days.parse(text) != nil), "\(text)")
        }
    }
}

/// `RequestContext.checkContentType` lets the exact `application/json` through before its full
/// parse; the parse must say the same of its other spellings, and refuse what it refused.
@Suite struct ContentTypeCheckTests {
    @Test func theShortcutAgreesWithTheFullCheck() {
        for allowMergePatch in [false, true] {
            #expect(throws: Never.self) { try RequestContext.checkContentType("application/json", allowMergePatch: allowMergePatch) }
            #expect(throws: Never.self) { try RequestContext.checkContentType("Application/JSON", allowMergePatch: allowMergePatch) }
            #expect(throws: Problem.self) { try RequestContext.checkContentType("application/json; charset=latin1", allowMergePatch: allowMergePatch) }
            #expect(throws: Problem.self) { try RequestContext.checkContentType(nil, allowMergePatch: allowMergePatch) }
        }
        #expect(throws: Never.self) { try RequestContext.checkContentType("application/merge-patch+json", allowMergePatch: true) }
        #expect(throws: Problem.self) { try RequestContext.checkContentType("application/merge-patch+json", allowMergePatch: false) }
    }

    /// JSON and CSV bodies are judged by one reading of the grammar (RFC 9110 §8.3.1, §5.6.6): a
    /// second charset, spaces around `=`, or a parameter that only contains "charset" were each
    /// read differently by the two checks an outside probe compared.
    @Test func everyBodyIsJudgedByTheSameGrammar() {
        for good in ["application/json", "Application/JSON ; charset=\"UTF-8\"", "application/json;", "application/json;;charset=utf-8",
                     "application/json; xcharset=latin1", "application/json;\tcharset=utf-8", "application/json; charset = utf-8"] {
            #expect(throws: Never.self, "\(good)") { try RequestContext.requireMediaType(["application/json"], good) }
        }
        for bad in ["application/json; charset=utf-8; charset=latin1", "application/json; charset=latin1; charset=utf-8",
                    "application/json; charset = \"latin1\"", "application/json; charset =latin1", "application/json; charset",
                    "application/json; charset=", "application/json; char set=utf-8",
                    "application/json; charset=\"utf-8", "json", "application/json/x", "application /json", ""] {
            #expect(throws: Problem.self, "\(bad)") { try RequestContext.requireMediaType(["application/json"], bad) }
            let csv = bad.replacingOccurrences(of: "application/json", with: "text/csv")
            #expect(throws: Problem.self, "\(csv)") { try RequestContext.requireMediaType(["text/csv"], csv) }
        }
        #expect(throws: Never.self) { try RequestContext.requireMediaType(["text/csv"], "text/csv; header=present; charset=\"utf-8\"") }
        #expect(MediaType(#"text/csv; Charset="a\"b"; x=1"#)?.parameters.map(\.name) == ["charset", "x"])
        #expect(MediaType(#"text/csv; Charset="a\"b"; x=1"#)?.parameters.first?.value == #"a"b"#)
    }
}

/// The Prometheus text of `Metrics`: one series per route, method and status, in that order,
/// and one histogram per route over all its methods and statuses.
@Suite struct MetricsTextTests {
    @Test func countsEachRouteMethodAndStatusApart() {
        let metrics = Metrics()
        for _ in 0..<3 { metrics.record(method: "GET", route: "/b", status: 200, seconds: 0.0004) }
        metrics.record(method: "GET", route: "/b", status: 404, seconds: 0.002)
        metrics.record(method: "POST", route: "/b", status: 200, seconds: 0.03)
        metrics.record(method: "DELETE", route: "/b", status: 200, seconds: 20)
        metrics.record(method: "GET", route: "/a\"x", status: 500, seconds: 0.1)
        let lines = metrics.render(gauges: []).split(separator: "\n").map(String.init)
        let requests = lines.filter { $0.hasPrefix("ocop_http_requests_total{") }
        #expect(requests == [
            #"ocop_http_requests_total{method="GET",route="/a\"x",status="500"} 1"#,
            #"ocop_http_requests_total{method="DELETE",route="/b",status="200"} 1"#,
            #"ocop_http_requests_total{method="GET",route="/b",status="200"} 3"#,
            #"ocop_http_requests_total{method="GET",route="/b",status="404"} 1"#,
            #"ocop_http_requests_total{method="POST",route="/b",status="200"} 1"#,
        ])
        #expect(lines.contains(#"ocop_http_request_duration_seconds_bucket{route="/b",le="0.0005"} 3"#))
        #expect(lines.contains(#"ocop_http_request_duration_seconds_bucket{route="/b",le="0.0025"} 4"#))
        #expect(lines.contains(#"ocop_http_request_duration_seconds_bucket{route="/b",le="10.0"} 5"#))
        #expect(lines.contains(#"ocop_http_request_duration_seconds_bucket{route="/b",le="+Inf"} 6"#))
        #expect(lines.contains(#"ocop_http_request_duration_seconds_count{route="/b"} 6"#))
        #expect(lines.contains(#"ocop_http_request_duration_seconds_count{route="/a\"x"} 1"#))
    }
}
