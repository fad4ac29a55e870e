import Foundation
import JSON
import Testing

/// Bodies made from the document's request schemas, mostly valid and sometimes not, sent to every
/// JSON write on the demo province, as a contract tester generating requests from `/openapi.json`
/// would: no answer is a 5xx, and every answer (the created or changed item, or the problem)
/// matches the schema the document gives for its status. Seeded, so a failure reproduces.
@Suite(.serialized) struct OpenAPIBodyFuzzTests {
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)
    let document: JSONValue

    init() throws {
        (server, client, document) = try TestServer.demoWithDocument()
    }

    @Test func generatedBodiesNeverBreakTheServerOrTheDocument() throws {
        let check = SchemaCheck(document: document)
        var generator = BodyGenerator(components: check.components, seed: 0x0C0B_2026)
        var sent = 0, accepted = 0, createdChecked = 0
        let paths = (document["paths"]?.objectValue ?? [:]).members
        for (pattern, operations) in paths {
            for (method, operation) in (operations.objectValue ?? [:]).members where ["post", "put", "patch"].contains(method) {
                guard let content = operation["requestBody"]?["content"]?.objectValue,
                      let media = content.keys.first(where: { $0.hasSuffix("json") }),
                      let schema = content[media]?["schema"] else { continue }
                // Ids of the demo's first items; the last parameter of a PUT may also name nothing.
                let path = pattern.replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression)
                for _ in 0..<12 {
                    let body = generator.value(for: schema).serializedString()
                    let response = try client.request(method.uppercased(), path,
                                                      headers: [admin, ("If-Match", "*"), ("Idempotency-Key", UUID().uuidString)],
                                                      body: body, contentType: media)
                    sent += 1
                    #expect(response.status < 500, "\(method) \(path) \(body): \(response.status) \(response.text.prefix(300))")
                    if (200..<300).contains(response.status) { accepted += 1 }
                    if response.status == 201 {
                        // API.md: "POST creates (201 + Location + the item)": the item is at Location, as created.
                        let location = try #require(response.header("Location"), "\(method) \(path): 201 without Location")
                        let created = try client.request("GET", location, headers: [admin])
                        #expect(created.status == 200 && created.header("ETag") == response.header("ETag"),
                                "\(method) \(path): GET \(location) → \(created.status), ETag \(created.header("ETag") ?? "none")")
                        createdChecked += 1
                    }
                    let problems = check.violations(of: response, documentedBy: operation)
                    #expect(problems.isEmpty, "\(method) \(path) \(body) → \(response.status): \(problems.prefix(5))")
                }
            }
        }
        #expect(sent >= 400, "\(sent) sent")
        // Mostly valid: a fair share gets through, so the success schemas are checked too.
        #expect(accepted >= sent / 10 && createdChecked >= 20, "\(accepted) of \(sent) accepted, \(createdChecked) created")
        #expect(try client.request("GET", "/readyz").status == 200)
    }
}

extension OpenAPIBodyFuzzTests {
    /// API.md: "`Idempotency-Key` on any POST: the first response is stored and replayed for a
    /// retry with the same key and the same body; the same key with a different body is a 422."
    /// On every JSON POST of the document, with the first generated body it accepts (nine of them).
    @Test func everyPostReplaysItsFirstAnswerForTheSameKey() throws {
        let check = SchemaCheck(document: document)
        var generator = BodyGenerator(components: check.components, seed: 0x1DE0_2026)
        var replayed: [String] = []
        for (pattern, operations) in (document["paths"]?.objectValue ?? [:]).members {
            guard let post = operations["post"], let content = post["requestBody"]?["content"]?.objectValue,
                  let media = content.keys.first(where: { $0.hasSuffix("json") }), let schema = content[media]?["schema"] else { continue }
            let path = pattern.replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression)
            for _ in 0..<60 {
                let key = UUID().uuidString
                let body = generator.value(for: schema).serializedString()
                let headers = [admin, ("If-Match", "*"), ("Idempotency-Key", key)]
                let first = try client.request("POST", path, headers: headers, body: body, contentType: media)
                guard (200..<300).contains(first.status) else { continue }
                let again = try client.request("POST", path, headers: headers, body: body, contentType: media)
                if pattern == "/api/v1/tokens" {
                    // A token's secret is shown once and never stored: its retry names the token made.
                    #expect(again.status == 409 && again.header("Location") == first.header("Location"), "\(path): \(again.status)")
                } else {
                    #expect(again.status == first.status && again.body == first.body, "\(path) \(body): \(again.status) \(again.text.prefix(200))")
                    #expect(again.header("Idempotent-Replayed") == "true", "\(path): not marked as replayed")
                    #expect(again.header("Location") == first.header("Location"), "\(path)")
                }
                let changed = try client.request("POST", path, headers: headers, body: #"{"zz":1}"#, contentType: media)
                #expect(changed.status == 422, "\(path): the same key with another body gave \(changed.status)")
                replayed.append(pattern)
                break
            }
        }
        // The POSTs whose rules generated bodies rarely meet (GTIN check digits, references that
        // must agree) are covered by their own resources' idempotency tests.
        #expect(replayed.count >= 8, "\(replayed.count): \(replayed)")
    }
}

extension OpenAPIBodyFuzzTests {
    /// Query strings made from each GET's documented parameters, with values the schema allows and
    /// values it does not (out of range, malformed dates and cursors, reversed ranges, long, odd or
    /// percent-encoded text): no answer is a 5xx, and every JSON answer matches its documented schema.
    @Test func generatedQueriesNeverBreakTheServerOrTheDocument() throws {
        let check = SchemaCheck(document: document)
        var generator = BodyGenerator(components: check.components, seed: 0x0F0E_2026)
        let odd = ["", "-1", "0", "99999999999999999999", "2026-02-30", "2026-13-01", "x", "%00", "%C3%28", "%F0%9F%8D%B5",
                   "a%20b", "Ch%C3%A8", String(repeating: "z", count: 300), "1,2", "null", "true", "W%2F%221%22"]
        var sent = 0
        for (pattern, operations) in (document["paths"]?.objectValue ?? [:]).members {
            guard let get = operations["get"] else { continue }
            let parameters = (get["parameters"]?.arrayValue ?? []).filter { $0["in"]?.stringValue == "query" }
            guard !parameters.isEmpty else { continue }
            let path = pattern.replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression)
            for round in 0..<10 {
                var pairs: [String] = []
                for parameter in parameters where round == 0 || generator.coinFlip() {
                    guard let name = parameter["name"]?.stringValue, let schema = parameter["schema"] else { continue }
                    let value: String
                    if generator.coinFlip() {
                        let generated = generator.value(for: schema)
                        value = generated.stringValue ?? generated.serializedString()
                    } else {
                        value = generator.choose(odd)
                    }
                    let encoded = value.contains("%") ? value : (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
                    pairs.append("\(name)=\(encoded)")
                }
                let target = path + (pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&"))
                let response = try client.request("GET", target, headers: [admin])
                sent += 1
                #expect(response.status < 500, "\(target): \(response.status) \(response.text.prefix(300))")
                let problems = check.violations(of: response, documentedBy: get)
                #expect(problems.isEmpty, "\(target) → \(response.status): \(problems.prefix(5))")
            }
        }
        #expect(sent >= 300, "\(sent) sent")
        #expect(try client.request("GET", "/readyz").status == 200)
    }
}

/// Makes JSON values for a schema: valid ones mostly, wrong ones at times (a wrong type, a value
/// past a bound, a missing required member, an unknown member).
struct BodyGenerator {
    let components: JSONObject
    private var state: UInt64

    init(components: JSONObject, seed: UInt64) {
        self.components = components
        state = seed
    }

    private mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    private mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
    private mutating func pick<T>(_ options: [T]) -> T { options[Int(next() % UInt64(options.count))] }
    mutating func coinFlip() -> Bool { chance(50) }
    mutating func choose<T>(_ options: [T]) -> T { pick(options) }
    /// Within `low…high`, near `low` (a million at most above it), without overflowing.
    private mutating func number(_ low: Int64, _ high: Int64) -> Int64 {
        let (span, overflow) = high.subtractingReportingOverflow(low)
        return low + Int64(next() % UInt64((overflow ? 1_000_000 : min(span, 1_000_000)) + 1))
    }

    mutating func value(for schema: JSONValue, depth: Int = 0) -> JSONValue {
        guard var rules = schema.objectValue else { return .null }
        if let reference = rules["$ref"]?.stringValue,
           let target = components[String(reference.split(separator: "/").last ?? "")]?.objectValue {
            rules = target
        }
        if chance(4) { return pick([.string("x"), .number(JSONNumber(-1)), .bool(true), .null, .array([]), .object([:])]) }
        if let options = rules["enum"]?.arrayValue, !options.isEmpty { return pick(options) }
        if let constant = rules["const"] { return constant }
        for combination in ["oneOf", "anyOf"] {
            if let options = rules[combination]?.arrayValue, !options.isEmpty { return value(for: pick(options), depth: depth) }
        }
        let types = rules["type"]?.arrayValue?.compactMap(\.stringValue) ?? [rules["type"]?.stringValue ?? "object"]
        let type = types.count > 1 && chance(20) ? pick(types) : (types.first { $0 != "null" } ?? "null")
        switch type {
        case "null": return .null
        case "boolean": return .bool(chance(50))
        case "integer", "number":
            let low = rules["minimum"]?.int64Value ?? 0
            let high = max(low, rules["maximum"]?.int64Value ?? low.addingReportingOverflow(100).partialValue)
            let picked = chance(5) && high < Int64.max ? high + 1 : number(low, high)
            return .number(JSONNumber(picked))
        case "string": return .string(text(rules))
        case "array":
            guard depth < 3, let items = rules["items"] else { return .array([]) }
            let count = Int(next() % 3) + Int(rules["minItems"]?.int64Value ?? 0)
            return .array((0..<count).map { _ in value(for: items, depth: depth + 1) })
        default:
            guard depth < 3 else { return .object([:]) }
            var object = JSONObject()
            let required = Set(rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            for (name, property) in (rules["properties"]?.objectValue ?? [:]).members
            where required.contains(name) ? !chance(5) : chance(50) {
                object[name] = value(for: property, depth: depth + 1)
            }
            if chance(3) { object["zz_unknown"] = .number(JSONNumber(1)) }
            return .object(object)
        }
    }

    private mutating func text(_ rules: JSONObject) -> String {
        switch rules["format"]?.stringValue {
        case "date": return pick(["2026-11-30", "2026-01-01", "2025-06-15", "2027-02-29", "2026-12-31"])
        case "date-time": return pick(["2026-11-30T08:00:00Z", "2026-11-29T23:59:59.999Z", "2026-11-30T15:00:00+07:00"])
        case "uuid": return UUID().uuidString.lowercased()
        case "email": return "htx\(next() % 1000)@example.vn"
        case "uri": return "https://example.vn/\(next() % 1000)"
        default: break
        }
        if let pattern = rules["pattern"]?.stringValue {
            // A few shapes our patterns take (codes, GTINs, phones, tax codes); otherwise a word that may not match.
            let candidates = ["QN-\(next() % 10000)", "8931234567897", "0901234567", "5700000000", "abc", "P\(next() % 100)"]
            if let fit = candidates.first(where: { $0.range(of: pattern, options: .regularExpression) != nil }), chance(90) {
                return fit
            }
        }
        let words = ["Hợp tác xã", "Chè", "Đồn Đạc", "Ba Chẽ", "mật ong", "Quảng Ninh", "nước mắm", "Hạ Long", "x"]
        let most = Int(rules["maxLength"]?.int64Value ?? 60)
        let least = Int(rules["minLength"]?.int64Value ?? 0)
        var result = ""
        while result.unicodeScalars.count < max(least, 1) || (chance(40) && result.unicodeScalars.count < most) {
            result += (result.isEmpty ? "" : " ") + pick(words)
        }
        if chance(95), result.unicodeScalars.count > most { result = String(String.UnicodeScalarView(result.unicodeScalars.prefix(most))) }
        return result
    }
}
