import Foundation
import JSON
import Testing

/// The OpenAPI document against the server, on the demo province: what it says a client may send
/// is accepted, and the 304s it documents are given. A client generated from `/openapi.json`
/// must not meet a 422 for a value the document allows.
@Suite(.serialized) struct OpenAPIConformanceTests {
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)
    let document: JSONValue

    init() throws {
        (server, client, document) = try TestServer.demoWithDocument()
    }

    private var paths: [(path: String, operations: JSONObject)] {
        (document["paths"]?.objectValue ?? [:]).members.compactMap { member in
            member.value.objectValue.map { (member.key, $0) }
        }
    }

    private func query(_ operation: JSONValue) -> [(name: String, schema: JSONValue)] {
        (operation["parameters"]?.arrayValue ?? []).compactMap { parameter in
            guard parameter["in"]?.stringValue == "query", let name = parameter["name"]?.stringValue,
                  let schema = parameter["schema"] else { return nil }
            return (name, schema)
        }
    }

    /// Values the schema allows, at its edges: every enum value, an integer's bounds, both flags, a date.
    private func allowedValues(_ name: String, _ schema: JSONValue) -> [String] {
        if let values = schema["enum"]?.arrayValue?.compactMap(\.stringValue) { return values }
        switch schema["type"]?.stringValue {
        case "integer":
            // An id must also name something (a report scoped to a point of sale that does not
            // exist is a 422 by rule, not by type): the demo's first one does.
            if name.hasSuffix("_id") { return ["1"] }
            return [schema["minimum"], schema["maximum"]].compactMap { $0?.int64Value }.map(String.init)
        case "boolean": return ["true", "false"]
        default:
            if schema["format"]?.stringValue == "date" { return ["2026-06-30"] }
            return []
        }
    }

    /// Every path of a list or report without path parameters, and the ones under point of sale 1
    /// and fair 1, with every documented query value one at a time.
    @Test func everyQueryValueTheDocumentAllowsIsAccepted() throws {
        var checked = 0
        for (pattern, operations) in paths {
            guard let get = operations["get"] else { continue }
            let path = pattern.replacingOccurrences(of: "{id}", with: "1")
            guard !path.contains("{"), !path.hasPrefix("/01/"), !path.hasPrefix("/t/") else { continue }
            // A parameter the operation requires (a report's `table` at its .csv address) goes with every value tried.
            let required = (get["parameters"]?.arrayValue ?? []).filter { $0["in"]?.stringValue == "query" && $0["required"] == .bool(true) }
                .compactMap { p in p["name"]?.stringValue.flatMap { name in p["schema"]?["enum"]?.arrayValue?.first?.stringValue.map { "&\(name)=\($0)" } } }
                .joined()
            for (name, schema) in query(get) {
                for value in allowedValues(name, schema) {
                    let csv = name == "table"   // a report's table is named for its CSV (and refused in JSON)
                    let target = "\(path)?\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)"
                        + (csv ? "" : required)
                    let response = try client.request("GET", target, headers: [admin] + (csv ? [("Accept", "text/csv")] : []))
                    #expect(response.status != 422 && response.status < 500, "\(target): \(response.status) \(response.text.prefix(300))")
                    checked += 1
                }
            }
        }
        #expect(checked > 150, "only \(checked) values were tried")
    }

    /// A concrete path for `pattern`, each parameter taken from the first items of the list above it
    /// that lead to a readable item (depth first, so a fair without booths is passed over).
    private func resolve(_ segments: ArraySlice<Substring>, under prefix: String) throws -> String? {
        guard let segment = segments.first else { return prefix }
        guard segment.hasPrefix("{") else { return try resolve(segments.dropFirst(), under: prefix + "/" + segment) }
        let name = String(segment.dropFirst().dropLast())
        let key = ["id", "rid", "bid", "sid", "sale"].contains(name) ? "id" : name
        let items = try client.request("GET", prefix + "?limit=20", headers: [admin]).json["items"]?.arrayValue ?? []
        for item in items {
            guard let value = item[key].flatMap({ $0.int64Value.map(String.init) ?? $0.stringValue }) else { continue }
            if let path = try resolve(segments.dropFirst(), under: prefix + "/" + value),
               try client.request("GET", path, headers: [admin]).status == 200 {
                return path
            }
        }
        return nil
    }

    /// Every link a 201 gives names an operation and fills exactly its path parameters, each from
    /// the request's path or the created item's `id`; followed from a producer and from a booth
    /// of the demo's fair 1 (a link under a parent), the item the GET names is the one created.
    @Test func everyLinkFromACreateNamesAnOperationAndLeadsToTheItem() throws {
        var operations: [String: String] = [:]   // operationId → path
        for (path, methods) in paths {
            for member in methods.members {
                if let id = member.value["operationId"]?.stringValue { operations[id] = path }
            }
        }
        func parameterNames(_ path: String) -> Set<String> {
            Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
        }
        var links = 0
        for (path, methods) in paths {
            guard let created = methods["post"]?["responses"]?["201"]?["links"]?.objectValue else { continue }
            for (name, link) in created.members {
                let target = try #require(operations[link["operationId"]?.stringValue ?? ""], "\(path): link \(name)")
                let given = link["parameters"]?.objectValue ?? [:]
                #expect(Set(given.keys) == parameterNames(target), "\(path) → \(target)")
                for (parameter, value) in given.members {
                    let fromRequest = value.stringValue == "$request.path.\(parameter)" && parameterNames(path).contains(parameter)
                    #expect(value.stringValue == "$response.body#/id" || fromRequest, "\(path) → \(target): \(parameter)")
                }
                links += 1
            }
        }
        #expect(links >= 50, "\(links) links")

        func follow(_ created: WireResponse, from path: String, to operationID: String, request: [String: String] = [:]) throws {
            let link = try #require(document["paths"]?[path]?["post"]?["responses"]?["201"]?["links"]?[operationID])
            var target = try #require(operations[operationID])
            for (parameter, value) in link["parameters"]?.objectValue ?? [:] {
                let filled = value.stringValue == "$response.body#/id" ? try created.json["id"]?.int64Value.map(String.init) : request[parameter]
                target = target.replacingOccurrences(of: "{\(parameter)}", with: try #require(filled, "\(parameter)"))
            }
            let read = try client.request("GET", target, headers: [admin])
            let (readID, createdID) = (try read.json["id"], try created.json["id"])
            #expect(read.status == 200 && readID == createdID, "\(target): \(read.status)")
        }
        let producer = try client.request("POST", "/api/v1/producers", headers: [admin],
                                          body: #"{"name":"Hộ kinh doanh Nấm Đồng Rui","kind":"household"}"#)
        #expect(producer.status == 201)
        try follow(producer, from: "/api/v1/producers", to: "getApiV1ProducersById")
        let booth = try client.request("POST", "/api/v1/fairs/1/booths", headers: [admin],
                                       body: #"{"exhibitor_name":"HTX Chè Tân Cương","province":"Thái Nguyên"}"#)
        #expect(booth.status == 201, "\(booth.text)")
        try follow(booth, from: "/api/v1/fairs/{id}/booths", to: "getApiV1FairsByIdBoothsByBid", request: ["id": "1"])
    }

    @Test func everyItemTheDocumentSaysAnswers304Does() throws {
        var checked: [String] = []
        for (pattern, operations) in paths {
            guard let get = operations["get"], get["responses"]?["304"] != nil else { continue }
            let path = try #require(try resolve(pattern.split(separator: "/")[...], under: ""), "no item found for \(pattern)")
            let first = try client.request("GET", path, headers: [admin])
            let tag = try #require(first.header("ETag"), "\(path) sends no ETag")
            let again = try client.request("GET", path, headers: [admin, ("If-None-Match", tag)])
            #expect(again.status == 304, "\(pattern) → \(path): \(again.status)")
            checked.append(pattern)
        }
        #expect(checked.count >= 15, "\(checked)")
    }

    /// Every write the document says `If-Match` guards refuses a stale tag, and `If-None-Match: *`,
    /// with 412 before reading its body (RFC 9110 §13.2.2), and changes nothing; the POSTs that act on an item
    /// (a review, a revocation) are among them, so a client generated from the document can
    /// guard them too.
    @Test func everyWriteTheDocumentSaysIfMatchGuardsRefusesAStaleTag() throws {
        var checked: [String] = []
        for (pattern, operations) in paths {
            for (method, operation) in operations.members {
                let headers = (operation["parameters"]?.arrayValue ?? []).filter { $0["in"]?.stringValue == "header" }
                guard let ifMatch = headers.first(where: { $0["name"]?.stringValue == "If-Match" }) else { continue }
                // Where If-Match is required, If-None-Match alone is refused with 428 instead.
                let ifMatchRequired = ifMatch["required"] == .bool(true)
                let (item, path) = try #require(try concretePaths(pattern), "no item found for \(pattern)")
                let watched = try client.request("GET", path, headers: [admin]).status == 200 ? path : item
                let before = try client.request("GET", watched, headers: [admin])
                // A stale If-Match, and an If-None-Match naming every version: both false on an item that exists.
                for precondition in [("If-Match", "W/\"999999\"")] + (ifMatchRequired ? [] : [("If-None-Match", "*")]) {
                    let response = try client.request(method.uppercased(), path, headers: [admin, precondition],
                                                      body: method == "delete" ? nil : "{}")
                    #expect(response.status == 412, "\(method) \(path) \(precondition): \(response.status) \(response.text.prefix(200))")
                }
                let after = try client.request("GET", watched, headers: [admin])
                #expect(after.status == before.status && after.header("ETag") == before.header("ETag"),
                        "\(method) \(path) changed \(watched)")
                checked.append("\(method) \(pattern)")
            }
        }
        #expect(checked.contains("post /api/v1/products/{id}/review"), "\(checked)")
        #expect(checked.contains("post /api/v1/certificates/{id}/revoke"), "\(checked)")
        #expect(checked.count >= 30, "\(checked.count): \(checked)")
    }

    /// The path an operation on `pattern` acts on: its parameters taken from the demo's items
    /// (an action such as `…/{id}/review`, or a sub-collection, after the item it belongs to).
    private func concretePath(_ pattern: String) throws -> String? {
        try concretePaths(pattern)?.path
    }

    /// `concretePath`, with the item it names before any trailing action or sub-collection.
    private func concretePaths(_ pattern: String) throws -> (item: String, path: String)? {
        var segments = pattern.split(separator: "/")
        var tail: [Substring] = []
        while let last = segments.last, !last.hasPrefix("{") { tail.insert(last, at: 0); segments.removeLast() }
        if segments.isEmpty { return (pattern, pattern) }
        guard let item = try resolve(segments[...], under: "") else { return nil }
        return (item, ([item] + tail.map(String.init)).joined(separator: "/"))
    }

    private func schemaViolations(_ response: WireResponse, of operation: JSONValue) -> [String] {
        SchemaCheck(document: document).violations(of: response, documentedBy: operation)
    }

    /// A PUT replaces an item's writable fields: a body of only what its request schema requires,
    /// with the item's own values, is accepted. The listings' PUT needed `listed_on` while its
    /// schema made it optional; a Schemathesis probe found it.
    @Test func everyReplacementOfOnlyTheRequiredFieldsIsAccepted() throws {
        var checked: [String] = []
        for (pattern, operations) in paths {
            guard let put = operations["put"],
                  var schema = put["requestBody"]?["content"]?["application/json"]?["schema"] else { continue }
            if let reference = schema["$ref"]?.stringValue,
               let name = reference.split(separator: "/").last.map(String.init) {
                schema = try #require(document["components"]?["schemas"]?[name], "\(reference)")
            }
            let path = try #require(try concretePath(pattern), "no item found for \(pattern)")
            let before = try client.request("GET", path, headers: [admin])
            let tag = try #require(before.header("ETag"), "\(path) has no ETag")
            let item = try #require(before.json.objectValue, "\(path) is no object")
            func given(_ key: String) -> Bool { item[key].map { !$0.isNull } ?? false }
            var required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
            // Alternative forms (a booth: our producer, or an outside exhibitor): the item's own.
            if let forms = schema["oneOf"]?.arrayValue {
                let form = forms.map { ($0["required"]?.arrayValue ?? []).compactMap(\.stringValue) }.first { $0.allSatisfy(given) }
                required += try #require(form, "\(path) has none of the forms of its schema")
            }
            // A body that is not the item's fields (a stock count) is another test's.
            guard required.allSatisfy(given) else { continue }
            let body = JSONValue.object(JSONObject(required.map { ($0, item[$0] ?? .null) })).serializedString()
            let replaced = try client.request("PUT", path, headers: [admin, ("If-Match", tag)], body: body)
            #expect(replaced.status == 200, "PUT \(path) \(body): \(replaced.status) \(replaced.text.prefix(300))")
            checked.append(pattern)
        }
        #expect(checked.count >= 10, "\(checked.count): \(checked)")
        #expect(checked.contains("/api/v1/listings/{id}"), "\(checked)")
    }

    /// API.md: "Unknown fields in a request body are an error (422), not silently dropped." Every
    /// write the document gives a JSON body refuses one naming a field no schema has, names it in
    /// its errors, and changes nothing.
    @Test func everyJSONWriteRefusesAnUnknownField() throws {
        var checked: [String] = []
        for (pattern, operations) in paths {
            for (method, operation) in operations.members where ["post", "put", "patch"].contains(method) {
                guard let content = operation["requestBody"]?["content"]?.objectValue,
                      content.keys.contains(where: { $0.hasPrefix("application/") && $0.hasSuffix("json") }) else { continue }
                let path = try #require(try concretePath(pattern), "no item found for \(pattern)")
                let required = (operation["parameters"]?.arrayValue ?? [])
                    .contains { $0["name"]?.stringValue == "If-Match" && $0["required"] == .bool(true) }
                let auditBefore = try client.request("GET", "/api/v1/audit?limit=1", headers: [admin]).text
                let response = try client.request(method.uppercased(), path,
                                                  headers: [admin] + (required ? [("If-Match", "*")] : []),
                                                  body: #"{"zz_not_a_field":1}"#)
                let fields = (try? response.json)?["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                #expect(response.status == 422 && fields.contains("zz_not_a_field"),
                        "\(method) \(path): \(response.status) \(response.text.prefix(300))")
                let auditAfter = try client.request("GET", "/api/v1/audit?limit=1", headers: [admin]).text
                #expect(auditAfter == auditBefore, "\(method) \(path) wrote something")
                checked.append("\(method) \(pattern)")
            }
        }
        #expect(checked.count >= 40, "\(checked.count): \(checked)")
    }

    /// Sends `send` to every write the document gives a JSON body, at a concrete path, and checks
    /// that it wrote nothing (the audit log's newest entry is unchanged); returns how many.
    private func eachJSONWriteWritesNothing(_ send: (_ method: String, _ path: String) throws -> Void) throws -> Int {
        var checked = 0
        for (pattern, operations) in paths {
            for (method, operation) in operations.members where ["post", "put", "patch"].contains(method) {
                guard let content = operation["requestBody"]?["content"]?.objectValue,
                      content.keys.allSatisfy({ $0.hasSuffix("json") }) else { continue }
                let path = try #require(try concretePath(pattern), "no item found for \(pattern)")
                let auditBefore = try client.request("GET", "/api/v1/audit?limit=1", headers: [admin]).text
                try send(method.uppercased(), path)
                #expect(try client.request("GET", "/api/v1/audit?limit=1", headers: [admin]).text == auditBefore,
                        "\(method) \(path) wrote something")
                checked += 1
            }
        }
        return checked
    }

    /// API.md: "415 wrong content type". Every write the document gives a JSON body refuses one
    /// sent as text/plain, with a problem, and writes nothing.
    @Test func everyJSONWriteRefusesAnotherContentType() throws {
        let checked = try eachJSONWriteWritesNothing { method, path in
            let response = try client.request(method, path, headers: [admin, ("If-Match", "*")],
                                              body: "{}", contentType: "text/plain")
            #expect(response.status == 415 && response.header("Content-Type")?.hasPrefix("application/problem+json") == true,
                    "\(method) \(path): \(response.status) \(response.text.prefix(200))")
        }
        #expect(checked >= 40, "\(checked)")
    }

    /// A write sent with no content at all has no format to refuse: 415 is for "content in a
    /// format not supported" (RFC 9110 §15.5.16). Every JSON write the document lists says the
    /// body is missing (400) instead, as it does when the empty body is labelled JSON, and
    /// writes nothing.
    @Test func everyJSONWriteSentWithoutContentSaysTheBodyIsMissing() throws {
        let checked = try eachJSONWriteWritesNothing { method, path in
            let response = try client.request(method, path, headers: [admin, ("If-Match", "*")])
            #expect(response.status == 400 && response.text.contains("empty"),
                    "\(method) \(path): \(response.status) \(response.text.prefix(200))")
        }
        #expect(checked >= 40, "\(checked)")
    }

    /// API.md: "An unknown parameter or a malformed value is a 422, not ignored." Every GET of
    /// the API the document lists refuses a query parameter it does not name. (Probes of
    /// `/healthz` and the like may carry a cache-buster, and the resolver's links carry the
    /// GS1 query, so those are outside `/api/v1` and this rule.)
    @Test func everyReadRefusesAnUnknownParameter() throws {
        var checked = 0
        for (pattern, operations) in paths {
            guard operations["get"] != nil, pattern.hasPrefix("/api/v1/"), let path = try concretePath(pattern) else { continue }
            let response = try client.request("GET", path + "?zz_not_a_parameter=1", headers: [admin])
            #expect(response.status == 422, "\(path): \(response.status) \(response.text.prefix(300))")
            checked += 1
        }
        #expect(checked >= 50, "\(checked)")
    }

    /// API.md: "401 no/invalid token (with `WWW-Authenticate: Bearer`)". Every operation the
    /// document secures refuses a caller without a token, before anything else, with a problem;
    /// every read it leaves open answers one.
    @Test func everySecuredOperationRefusesACallerWithoutAToken() throws {
        var secured: [String] = [], open = 0
        for (pattern, operations) in paths {
            for (method, operation) in operations.members where operation["responses"] != nil {
                // Authentication comes first, so a path naming nothing (the resolver's) does as well.
                let path = try concretePath(pattern)
                    ?? pattern.replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression)
                let isWrite = ["post", "put", "patch"].contains(method)
                let response = try client.request(method.uppercased(), path, body: isWrite ? "{}" : nil)
                if operation["security"] != nil {
                    #expect(response.status == 401, "\(method) \(path): \(response.status) \(response.text.prefix(200))")
                    #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true, "\(method) \(path)")
                    #expect(response.header("Content-Type")?.hasPrefix("application/problem+json") == true, "\(method) \(path)")
                    #expect(schemaViolations(response, of: operation).isEmpty, "\(method) \(path): \(schemaViolations(response, of: operation))")
                    secured.append("\(method) \(pattern)")
                } else if method == "get" {
                    #expect(response.status != 401 && response.status != 403, "\(method) \(path): \(response.status)")
                    open += 1
                }
            }
        }
        #expect(secured.count >= 60 && open >= 20, "\(secured.count) secured, \(open) open")
    }

    /// API.md "Lists", on every list the document declares (`items` and `next_cursor`): `limit`
    /// outside 1…500 is a 422; a page of one with more behind it carries `next_cursor` and a
    /// `Link: <…>; rel="next"` that leads to the next item, never the same one again.
    @Test func everyListPagesAsAPIMdSays() throws {
        var paged: [String] = [], lists = 0
        for (pattern, operations) in paths {
            guard let get = operations["get"],
                  get["responses"]?["200"]?["content"]?["application/json"]?["schema"]?["properties"]?["next_cursor"] != nil,
                  let path = try concretePath(pattern) else { continue }
            let takesLimit = (get["parameters"]?.arrayValue ?? []).contains { $0["name"]?.stringValue == "limit" }
            guard takesLimit else { continue }
            lists += 1
            for limit in ["0", "501", "x"] {
                let refused = try client.request("GET", "\(path)?limit=\(limit)", headers: [admin])
                #expect(refused.status == 422, "\(path)?limit=\(limit): \(refused.status)")
            }
            let first = try client.request("GET", "\(path)?limit=1", headers: [admin])
            #expect(first.status == 200, "\(path): \(first.status)")
            let page = try first.json
            #expect(page["items"]?.arrayValue != nil, "\(path) has no items")
            guard let cursor = page["next_cursor"]?.stringValue else {
                #expect(page["next_cursor"] == .null && first.header("Link") == nil, "\(path)")
                continue
            }
            let link = try #require(first.header("Link"), "\(path) gives next_cursor \(cursor) without Link")
            #expect(link.contains(#"rel="next""#), "\(path): \(link)")
            let target = try #require(link.split(separator: ">").first.map { String($0.dropFirst()) }, "\(path): \(link)")
            #expect(target.contains("cursor="), "\(path): \(link)")
            let next = try client.request("GET", target, headers: [admin])
            #expect(next.status == 200, "\(target): \(next.status)")
            let firstItem = page["items"]?.arrayValue?.first
            let nextItem = try next.json["items"]?.arrayValue?.first
            #expect(nextItem != nil && nextItem != firstItem, "\(target) repeats or loses the page: \(String(describing: nextItem))")
            paged.append(pattern)
        }
        #expect(lists >= 20 && paged.count >= 15, "\(lists) lists, paged: \(paged)")
    }

    /// API.md: `Accept: text/csv` (or a `.csv` suffix) on the lists officials export gives the same
    /// rows as CSV with a header line, UTF-8 with a BOM. Every GET the document says can answer
    /// CSV does, both ways, with the same bytes.
    @Test func everyCSVExportHasItsBOMAndHeaderEitherWay() throws {
        var checked: [String] = []
        for (pattern, operations) in paths {
            guard let get = operations["get"], get["responses"]?["200"]?["content"]?["text/csv"] != nil,
                  let path = try concretePath(pattern) else { continue }
            // A report's CSV names its table; the first one the document lists will do.
            let table = (get["parameters"]?.arrayValue ?? []).first { $0["name"]?.stringValue == "table" }?["schema"]?["enum"]?
                .arrayValue?.first?.stringValue
            let query = table.map { "?table=\($0)" } ?? ""
            let byAccept = try client.request("GET", path + query, headers: [admin, ("Accept", "text/csv")])
            #expect(byAccept.status == 200, "\(path)\(query): \(byAccept.status) \(byAccept.text.prefix(200))")
            #expect(byAccept.header("Content-Type")?.hasPrefix("text/csv") == true, "\(path): \(byAccept.header("Content-Type") ?? "none")")
            #expect(Array(byAccept.body.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(path) has no BOM")
            let header = byAccept.text.dropFirst().prefix { $0 != "\r\n" && $0 != "\n" }   // after the BOM
            #expect(header.contains(",") && !header.contains("\""), "\(path) has no header line: \(byAccept.text.prefix(120))")
            if !path.hasSuffix(".csv") {
                let bySuffix = try client.request("GET", path + ".csv" + query, headers: [admin])
                #expect(bySuffix.status == 200 && bySuffix.body == byAccept.body, "\(path).csv\(query): \(bySuffix.status)")
            }
            checked.append(pattern)
        }
        #expect(checked.count >= 15, "\(checked)")
    }

    /// API.md: 404 for an unknown resource, as problem+json whose `status` is the response's. Every
    /// operation on an item the document lists answers so for an id that names nothing, and a
    /// write there changes nothing.
    @Test func everyItemOperationOnAMissingItemIsAProblem404() throws {
        var checked: [String] = []
        for (pattern, operations) in paths where pattern.hasPrefix("/api/v1/") && pattern.hasSuffix("}") {
            // The last parameter names nothing; the ones before it name real items.
            var segments = pattern.split(separator: "/")
            segments.removeLast()
            guard let parent = try concretePath("/" + segments.joined(separator: "/")) else { continue }
            let path = parent + "/999999999"
            for (method, operation) in operations.members where operation["responses"] != nil {
                let required = (operation["parameters"]?.arrayValue ?? [])
                    .contains { $0["name"]?.stringValue == "If-Match" && $0["required"] == .bool(true) }
                let response = try client.request(method.uppercased(), path,
                                                  headers: [admin] + (required ? [("If-Match", "*")] : []),
                                                  body: ["post", "put", "patch"].contains(method) ? "{}" : nil)
                let problem = try? response.json
                #expect(response.status == 404 && response.header("Content-Type")?.hasPrefix("application/problem+json") == true
                            && problem?["status"]?.int64Value == 404,
                        "\(method) \(path): \(response.status) \(response.text.prefix(200))")
                #expect(schemaViolations(response, of: operation).isEmpty, "\(method) \(path): \(schemaViolations(response, of: operation))")
                checked.append("\(method) \(pattern)")
            }
        }
        #expect(checked.count >= 40, "\(checked.count): \(checked)")
    }

    /// API.md "HTTP behaviour": `HEAD` and `OPTIONS` with `Allow`. On every path of the document:
    /// HEAD answers what GET does without the body (same status, type and length); OPTIONS and a
    /// method the path lacks (405) list in `Allow` exactly the methods the document gives it.
    @Test func everyPathAnswersHeadOptionsAndAllowAsDocumented() throws {
        var checked = 0
        for (pattern, operations) in paths {
            let path = try concretePath(pattern)
                ?? pattern.replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression)
            var documented = Set(operations.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { $0.uppercased() })
            if documented.contains("GET") {
                documented.insert("HEAD")
                let get = try client.request("GET", path, headers: [admin])
                let head = try client.request("HEAD", path, headers: [admin])
                #expect(head.status == get.status && head.body.isEmpty, "HEAD \(path): \(head.status) against \(get.status)")
                #expect(head.header("Content-Type") == get.header("Content-Type"), "HEAD \(path)")
                // The metrics count the GET just made: their length moves from one request to the next.
                if get.status == 200 && path != "/metrics" {
                    #expect(head.header("Content-Length") == String(get.body.count), "HEAD \(path): \(head.header("Content-Length") ?? "none")")
                }
            }
            documented.insert("OPTIONS")
            let options = try client.request("OPTIONS", path)
            let allow = Set((options.header("Allow") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect((200...204).contains(options.status) && allow == documented,
                    "OPTIONS \(path): \(options.status), Allow \(allow.sorted()) against \(documented.sorted())")
            if let missing = ["PUT", "DELETE", "POST", "PATCH"].first(where: { !documented.contains($0) }) {
                let refused = try client.request(missing, path, headers: [admin], body: missing == "DELETE" ? nil : "{}")
                let refusedAllow = Set((refused.header("Allow") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                #expect(refused.status == 405 && refusedAllow == documented,
                        "\(missing) \(path): \(refused.status), Allow \(refusedAllow.sorted())")
            }
            checked += 1
        }
        #expect(checked >= 80, "\(checked)")
    }

    /// An empty merge patch (RFC 7396: changes nothing) on every item the document lets one
    /// PATCH: 200 with the item as it was, the same version, and no audit entry.
    @Test func everyEmptyPatchChangesNothing() throws {
        var checked: [String] = []
        for (pattern, operations) in paths where operations["patch"] != nil {
            let path = try #require(try concretePath(pattern), "no item found for \(pattern)")
            let before = try client.request("GET", path, headers: [admin])
            let tag = try #require(before.header("ETag"), "\(path) has no ETag")
            let auditBefore = try client.request("GET", "/api/v1/audit?limit=1", headers: [admin]).text
            let patched = try client.request("PATCH", path, headers: [admin, ("If-Match", tag)], body: "{}",
                                             contentType: "application/merge-patch+json")
            #expect(patched.status == 200 && patched.header("ETag") == tag, "PATCH \(path): \(patched.status) \(patched.text.prefix(200))")
            let auditAfter = try client.request("GET", "/api/v1/audit?limit=1", headers: [admin]).text
            #expect(auditAfter == auditBefore, "PATCH \(path) {} was audited")
            checked.append(pattern)
        }
        #expect(checked.count >= 12, "\(checked)")
    }

    /// What a contract tester checks first: every JSON answer of every GET in the document, on the
    /// demo province, matches the schema the document gives for its status (the item, the list
    /// page, the report, or the problem of `default`).
    @Test func everyReadAnswersWhatItsSchemaSays() throws {
        var checked: [String] = [], headed = 0
        for (pattern, operations) in paths {
            guard let get = operations["get"], let path = try concretePath(pattern) else { continue }
            let response = try client.request("GET", path, headers: [admin])
            guard response.header("Content-Type")?.contains("json") == true else { continue }
            let problems = schemaViolations(response, of: get)
            // The headers the document says this answer always carries, it carries.
            let required = (get["responses"]?[String(response.status)]?["headers"]?.objectValue ?? [:]).members
                .filter { $0.value["required"] == .bool(true) }.map(\.key)
            headed += required.isEmpty ? 0 : 1
            for name in required {
                #expect(response.header(name) != nil, "GET \(path) (\(response.status)) lacks its documented \(name)")
            }
            #expect(problems.isEmpty, "GET \(path) (\(response.status)):\n\(problems.prefix(10).joined(separator: "\n"))")
            checked.append(pattern)
        }
        #expect(checked.count >= 45, "\(checked.count): \(checked)")
        #expect(headed >= 15, "only \(headed) answers document a required header")
    }

    /// Rules between fields the schemas state (JSON Schema oneOf / if-then), each matched by the
    /// server: one form passes, both forms at once are refused.
    @Test func crossFieldRulesAreInTheSchemas() throws {
        let schemas = try #require(document["components"]?["schemas"])
        let boothForms = schemas["BoothInput"]?["oneOf"]?.arrayValue?.compactMap { $0["required"]?.arrayValue?.compactMap(\.stringValue) }
        #expect(boothForms == [["producer_id"], ["exhibitor_name", "province"]])
        let changeForms = schemas["InventoryBatchInput"]?["properties"]?["changes"]?["items"]?["oneOf"]?.arrayValue?
            .compactMap { $0["required"]?.arrayValue?.compactMap(\.stringValue) }
        #expect(changeForms == [["count"], ["adjust", "reason"]])
        // A pos token requires its point of sale as an integer; other roles may send only null.
        let posBinding = try #require(schemas["TokenInput"]?["allOf"]?.arrayValue?.first)
        #expect(posBinding["then"]?["required"]?.arrayValue?.compactMap(\.stringValue) == ["point_of_sale_id"])
        #expect(posBinding["then"]?["properties"]?["point_of_sale_id"]?["type"]?.stringValue == "integer")
        #expect(posBinding["else"]?["properties"]?["point_of_sale_id"]?["type"]?.stringValue == "null")
        #expect(schemas["TokenInput"]?["allOf"]?.arrayValue?.count == 2)
        // A failed inspection needs its findings, a string (a patch may not null them beside "fail");
        // a revocation its reason, which a clearance may not give.
        let inspection = try #require(schemas["InspectionInput"]?["allOf"]?.arrayValue?.first)
        #expect(inspection["if"]?["properties"]?["result"]?["const"]?.stringValue == "fail")
        #expect(inspection["then"]?["required"]?.arrayValue?.compactMap(\.stringValue) == ["findings"])
        #expect(inspection["then"]?["properties"]?["findings"]?["type"]?.stringValue == "string")
        let inspectionPatch = try #require(schemas["InspectionPatch"]?["allOf"]?.arrayValue?.first)
        #expect(inspectionPatch["then"]?["required"] == nil)
        #expect(inspectionPatch["then"]?["properties"]?["findings"]?["type"]?.stringValue == "string")
        let review = try #require(schemas["ProductReviewInput"]?["allOf"]?.arrayValue)
        #expect(review.compactMap { $0["if"]?["properties"]?["decision"]?["const"]?.stringValue } == ["revoke_certificate", "cleared"])
        #expect(review.first?["then"]?["required"]?.arrayValue?.compactMap(\.stringValue) == ["reason"])
        #expect(review.last?["then"]?["properties"]?["reason"]?["type"]?.stringValue == "null")
        let inspectionPath = "/api/v1/products/1/inspections"
        let failed = #"{"inspected_on":"2025-03-10","agency":"Chi cục ATTP","kind":"labeling","result":"fail""#
        #expect(try client.request("POST", inspectionPath, headers: [admin], body: failed + "}").status == 422)
        let created = try client.request("POST", inspectionPath, headers: [admin], body: failed + #","findings":"Nhãn thiếu hạn dùng"}"#)
        #expect(created.status == 201, "\(created.text)")
        let inspectionID = try #require(try created.json["id"]?.int64Value)
        #expect(try client.request("PATCH", "/api/v1/inspections/\(inspectionID)", headers: [admin], body: #"{"result":"fail","findings":null}"#,
                                   contentType: "application/merge-patch+json").status == 422)
        #expect(try client.request("POST", "/api/v1/products/1/review", headers: [admin], body: #"{"decision":"revoke_certificate"}"#).status == 422)
        #expect(try client.request("POST", "/api/v1/products/1/review", headers: [admin],
                                   body: #"{"decision":"cleared","reason":"violation"}"#).status == 422)

        let booths = "/api/v1/fairs/1/booths"
        let producer = try #require(try client.request("POST", "/api/v1/producers", headers: [admin],
                                                       body: #"{"name":"HTX Thử Gian hàng","kind":"cooperative"}"#).json["id"]?.int64Value)
        #expect(try client.request("POST", booths, headers: [admin], body: #"{"producer_id":\#(producer)}"#).status == 201)
        #expect(try client.request("POST", booths, headers: [admin], body: #"{"exhibitor_name":"HTX Chè Tân Cương","province":"Thái Nguyên"}"#).status == 201)
        #expect(try client.request("POST", booths, headers: [admin],
                                   body: #"{"producer_id":\#(producer),"exhibitor_name":"X","province":"Y"}"#).status == 422)
        #expect(try client.request("POST", "/api/v1/tokens", headers: [admin], body: #"{"name":"Quầy","role":"pos"}"#).status == 422)
    }
}
