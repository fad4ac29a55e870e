import JSON
import OCOP

/// Builds the OpenAPI 3.1 document from the registered routes, so it cannot drift from them.
public enum OpenAPIDocument {
    public static func build(routes: [Route], version: String) -> JSONValue {
        var paths = JSONObject()
        for route in routes where !route.doc.isFallback {
            let path = documentedPath(route.pattern)
            var item = paths[path]?.objectValue ?? JSONObject()
            var op = operation(route)
            if let links = createdItemLinks(route, among: routes), var responses = op["responses"]?.objectValue,
               var created = responses["201"]?.objectValue {
                created["links"] = .object(links)
                responses["201"] = .object(created)
                op["responses"] = .object(responses)
            }
            item[route.method.rawValue.lowercased()] = .object(op)
            paths[path] = .object(item)
            // The suffix is a convention of the JSON API only (APIResponder): elsewhere it is data.
            if route.doc.csv && route.method == .get && path.hasPrefix("/api/v1/") {
                paths[path + ".csv"] = .object(JSONObject([("get", .object(csvOperation(route)))]))
            }
        }
        return .object(JSONObject([
            ("openapi", .string("3.1.0")),
            ("info", .object(JSONObject([
                ("title", .string("OCOP Hub API")),
                ("version", .string(version)),
                ("description", .string(description)),
            ]))),
            ("paths", .object(paths)),
            ("components", .object(JSONObject([
                ("schemas", .object(Schemas.all)),
                ("securitySchemes", .object(JSONObject([
                    ("bearer", .object(JSONObject([("type", .string("http")), ("scheme", .string("bearer"))]))),
                ]))),
            ]))),
        ]))
    }

    /// What holds for every operation, said once rather than as operations of their own: a HEAD
    /// and an OPTIONS for every path would double the document without telling a client more.
    static let description = """
        The provincial OCOP programme's backend. Conventions: problem+json errors, keyset lists, weak ETags, \
        Idempotency-Key on POST. Every GET route also answers HEAD (the same status and headers, no body), and every \
        route answers OPTIONS with 204 and an Allow header. A list or report that can be CSV answers it for \
        Accept: text/csv, and at its path with a .csv suffix (listed below). Text limits (maxLength) count code \
        points, as JSON Schema does, of the NFC form the server stores: a Vietnamese letter typed as a base and \
        combining marks is stored precomposed and counts once. In a JSON body a number is read \
        exactly from its literal, never through binary floating point: an integer field takes any whole number, as \
        JSON Schema's integer does (85000, 85000.0 and 8.5e4 are the same; 85000.5 is refused), and a score any \
        literal of at most two decimals (35.25, 3.525e1). Query and path parameters are text: an integer there is \
        written in plain digits (limit=50, not limit=50.0).
        """

    /// The `.csv` address of a list or report (API.md "Lists"): the same query, answered as CSV
    /// only. A report's `table` is required there, as it is for CSV by Accept.
    static func csvOperation(_ route: Route) -> JSONObject {
        var op = operation(route)
        op["operationId"] = op["operationId"].flatMap(\.stringValue).map { .string($0 + "Csv") }
        op["summary"] = op["summary"].flatMap(\.stringValue).map { .string($0 + " (CSV)") }
        if let parameters = op["parameters"]?.arrayValue {
            // A report's `limit` bounds a list inside its JSON; its CSV table holds every row and
            // refuses `limit` (the e-commerce report's unlisted products). A list's CSV is paged like its JSON.
            let csvParameters = parameters.filter { route.doc.isList || $0["name"]?.stringValue != "limit" }
            op["parameters"] = .array(csvParameters.map { parameter in
                guard parameter["name"]?.stringValue == "table", var members = parameter.objectValue else { return parameter }
                members["required"] = .bool(true)
                return .object(members)
            })
        }
        var responses = op["responses"]?.objectValue ?? JSONObject()
        let status = String(route.doc.successStatus)
        var success = responses[status]?.objectValue ?? JSONObject()
        success["content"] = .object(JSONObject([("text/csv", .object(JSONObject([("schema", Schemas.type("string"))])))]))
        responses[status] = .object(success)
        op["responses"] = .object(responses)
        return op
    }

    /// The OpenAPI path of a route pattern: a catch-all `{name...}` is written `{name}`, since
    /// OpenAPI path templates have no multi-segment form (its parameter says it may hold `/`).
    public static func documentedPath(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("...}") ? "{" + segment.dropFirst().dropLast(4) + "}" : String(segment)
        }.joined(separator: "/")
    }

    /// Each word's first letter upper-case, the rest lower-case, words being runs of letters
    /// and digits ("openapi.json" → "Openapi.Json"), as Foundation's `capitalized` gave.
    static func capitalized(_ text: Substring) -> String {
        var out = ""
        var inWord = false
        for c in text {
            out += inWord ? c.lowercased() : c.uppercased()
            inWord = c.isLetter || c.isNumber
        }
        return out
    }

    /// `postApiV1Producers`, `getApiV1FairsByIdBoothsByBid`: the method and the path's words.
    static func operationID(_ route: Route) -> String {
        route.method.rawValue.lowercased() + route.pattern
            .split(separator: "/").map { $0.hasPrefix("{") ? "By" + capitalized($0.dropFirst().dropLast()) : capitalized($0) }
            .joined().filter { $0.isLetter || $0.isNumber }
    }

    /// What a client can do next with the item a POST created (OpenAPI links): every operation
    /// on `{collection}/{x}` and below it that needs no path parameter but the collection's own,
    /// taken from the request, and the new item's, which is the 201's `id`. Stateful testers
    /// (Schemathesis) follow them; without them they guessed ids and met 404s.
    static func createdItemLinks(_ route: Route, among routes: [Route]) -> JSONObject? {
        guard route.method == .post, route.doc.successStatus == 201, route.doc.responseSchema != nil else { return nil }
        let parents = pathParameterNames(route.pattern)
        var links = JSONObject()
        for target in routes where !target.doc.isFallback && target.pattern.hasPrefix(route.pattern + "/{") {
            let names = pathParameterNames(target.pattern)
            guard names.count == parents.count + 1, Array(names.prefix(parents.count)) == parents,
                  let created = names.last, !created.hasSuffix("...") else { continue }
            var parameters = JSONObject(parents.map { (key: $0, value: JSONValue.string("$request.path.\($0)")) })
            parameters[created] = .string("$response.body#/id")
            links[operationID(target)] = .object(JSONObject([("operationId", .string(operationID(target))),
                                                             ("parameters", .object(parameters))]))
        }
        return links.count == 0 ? nil : links
    }

    /// The names of a pattern's path parameters, in order (a catch-all `{name...}` keeps its dots).
    static func pathParameterNames(_ pattern: String) -> [String] {
        pattern.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }

    static func operation(_ route: Route) -> JSONObject {
        let doc = route.doc
        var op = JSONObject([("summary", .string(doc.summary)), ("tags", .array([.string(doc.tag)]))])
        op["operationId"] = .string(operationID(route))
        var parameters: [JSONValue] = pathParameterNames(route.pattern).map { declared in
            let catchAll = declared.hasSuffix("...")
            let name = catchAll ? String(declared.dropLast(3)) : declared
            let schema = catchAll
                ? Schemas.type("string", description: "The rest of the path, slashes included")
                : pathParameterSchema(name)
            return .object(JSONObject([("name", .string(name)), ("in", .string("path")),
                                       ("required", .bool(true)), ("schema", schema)]))
        }
        parameters += doc.queryParameters.map { name in
            .object(JSONObject([("name", .string(name)), ("in", .string("query")), ("required", .bool(false)),
                                ("schema", QueryParameterSchemas.schema(name, values: doc.queryValues[name]))]))
        }
        parameters += headerParameters(route)
        if !parameters.isEmpty { op["parameters"] = .array(parameters) }
        if case .roles(let roles) = route.access {
            op["security"] = .array([.object(JSONObject([("bearer", .array([]))]))])
            op["x-roles"] = .array(roles.map(\.rawValue).sorted().map(JSONValue.string))
        }
        if let mediaType = doc.requestMediaType {
            op["requestBody"] = .object(JSONObject([
                ("required", .bool(true)),
                ("content", .object(JSONObject([(mediaType, .object(JSONObject([("schema", Schemas.type("string"))])))]))),
            ]))
        } else if let request = doc.requestSchema {
            let types = route.method == .patch ? ["application/merge-patch+json", "application/json"] : ["application/json"]
            op["requestBody"] = .object(JSONObject([
                ("required", .bool(true)),
                ("content", .object(JSONObject(types.map { (key: $0, value: .object(JSONObject([("schema", ref(request))]))) }))),
            ]))
        }
        var success = JSONObject([("description", .string(doc.summary))])
        if doc.successStatus >= 400 {
            // A route whose answer is a refusal (a malformed Digital Link) answers with a problem.
            success["content"] = .object(JSONObject([("application/problem+json",
                                                      .object(JSONObject([("schema", ref("Problem"))])))]))
        } else if let response = doc.responseSchema {
            let schema: JSONValue = doc.isList
                ? Schemas.object([("items", .object(JSONObject([("type", .string("array")), ("items", ref(response))]))),
                                  ("next_cursor", Schemas.type("string", nullable: true))], required: ["items", "next_cursor"])
                : ref(response)
            var content = JSONObject([("application/json", .object(JSONObject([("schema", schema)])))])
            if doc.csv { content["text/csv"] = .object(JSONObject([("schema", Schemas.type("string"))])) }
            success["content"] = .object(content)
            if let headers = successHeaders(route) { success["headers"] = .object(headers) }
        } else if let mediaType = doc.responseMediaType {
            let schema = mediaType.hasSuffix("json") ? Schemas.type("object") : Schemas.type("string")
            success["content"] = .object(JSONObject([(mediaType, .object(JSONObject([("schema", schema)])))]))
        }
        let problem = JSONObject([("description", .string("Problem details (RFC 9457)")),
                                  ("content", .object(JSONObject([("application/problem+json",
                                                                   .object(JSONObject([("schema", ref("Problem"))])))])))])
        var responses = JSONObject([(String(doc.successStatus), .object(success))])
        for other in doc.otherResponses {
            responses[String(other.status)] = .object(JSONObject([
                ("description", .string(other.description)),
                ("content", .object(JSONObject([(other.mediaType, .object(JSONObject([("schema", ref(other.schema))])))]))),
            ]))
        }
        if isItemRead(route) {
            responses["304"] = .object(JSONObject([("description", .string("Not modified: If-None-Match names the current version"))]))
        }
        responses["default"] = .object(problem)
        op["responses"] = .object(responses)
        return op
    }

    /// The response headers API.md makes part of a success: an item's `ETag` (what `If-Match`
    /// and `If-None-Match` name), and a list page's `Link` to the next one.
    static func successHeaders(_ route: Route) -> JSONObject? {
        func header(_ description: String, required: Bool) -> JSONValue {
            .object(JSONObject([("description", .string(description)), ("required", .bool(required)),
                                ("schema", Schemas.type("string"))]))
        }
        if isItemRead(route) {
            return JSONObject([("ETag", header("The item's version as a weak tag, W/\"version\"", required: true))])
        }
        if route.method == .get && route.doc.isList {
            return JSONObject([("Link", header("<…>; rel=\"next\" (RFC 8288) when there is a next page", required: false))])
        }
        return nil
    }

    /// A GET of one item by its id: answered with its ETag, and 304 to a matching If-None-Match.
    static func isItemRead(_ route: Route) -> Bool {
        route.method == .get && !route.doc.isList && route.doc.responseSchema != nil && route.pattern.hasSuffix("}")
            && !route.pattern.hasSuffix("...}")
    }

    /// The request headers API.md gives meaning to, on the methods that read them.
    static func headerParameters(_ route: Route) -> [JSONValue] {
        func header(_ name: String, required: Bool = false, schema: JSONValue = Schemas.type("string"),
                    _ description: String) -> JSONValue {
            .object(JSONObject([("name", .string(name)), ("in", .string("header")), ("required", .bool(required)),
                                ("schema", schema), ("description", .string(description))]))
        }
        let tags = "Weak ETags (W/\"version\"), comma-separated, or *"
        let versionGuards = [header("If-Match", required: route.doc.ifMatchRequired,
                                    route.doc.ifMatchRequired ? "Required (428 without): \(tags)" : "\(tags); 412 when none is current"),
                             header("If-None-Match", "\(tags); 412 when one is current")]
        switch route.method {
        case .post:
            // Writes.idempotencyKey's rule: 1 to 255 visible ASCII characters (422 otherwise).
            let key = Schemas.adding([("minLength", 1), ("maxLength", 255), ("pattern", .string("^[!-~]{1,255}$"))],
                                     to: Schemas.type("string"))
            return [header("Idempotency-Key", schema: key, "Up to 255 visible ASCII characters; a retry with the same key and body "
                           + "is answered as the first time, for 24 hours")] + (route.doc.versionGuarded ? versionGuards : [])
        case .put, .patch, .delete:
            return versionGuards
        case .get where isItemRead(route):
            return [header("If-None-Match", "\(tags); 304 when one is current")]
        default:
            return []
        }
    }

    /// Path parameters that are not (only) a server id, by name. `sale` (`GET …/sales/{sale}`) is
    /// the sale's id or the terminal's own UUID for it (RFC 9562 text): a terminal that lost the
    /// answer knows only the second.
    static let clientKeyParameters: [String: JSONValue] = [
        "sale": .object(JSONObject([
            ("oneOf", .array([
                Schemas.type("integer", description: "The sale's id, as the server assigned it"),
                Schemas.type("string", format: "uuid", description: "The device's sale_id"),
            ])),
        ])),
    ]

    /// The keys of a resolver URI (DOMAIN.md "Traceability"): what the resolver takes, so a
    /// client generated from the document builds URIs it answers. Outside these forms the
    /// resolver answers 400 (a malformed URI); a GTIN's check digit is said in words.
    static let resolverKeyParameters: [String: JSONValue] = [
        "gtin": Schemas.gtin(description:
            "A GTIN-8, -12, -13 or -14, not all zeros, whose last digit is its GS1 check digit (400 otherwise)"),
        "lot": Schemas.formatted(#"^[!"%-?A-Z_a-z]{1,\#(DigitalLink.maximumQualifierLength)}$"#,
                                 maxLength: DigitalLink.maximumQualifierLength,
                                 description: "A batch or lot number (AI 10): GS1 set 82 characters"),
        "serial": Schemas.formatted(#"^[!"%-?A-Z_a-z]{1,\#(DigitalLink.maximumQualifierLength)}$"#,
                                    maxLength: DigitalLink.maximumQualifierLength,
                                    description: "A serial number (AI 21): GS1 set 82 characters"),
        "code": Schemas.formatted("^[A-Za-z0-9._/-]{1,40}$", maxLength: 40,
                                  description: "A product's code (letters, digits and - _ . /), percent-encoded in the path"),
    ]

    /// The type of a path parameter, by the routes' naming rule: a name listed in
    /// `clientKeyParameters` has its own schema; any other name ending in `id` (`id`, `product_id`,
    /// `rid`) is an id the server assigned — a positive integer, as `RequestContext.id` reads it;
    /// anything else (a code) is a string. A route that adds a client-made key adds it to the table.
    static func pathParameterSchema(_ name: String) -> JSONValue {
        if let schema = clientKeyParameters[name] ?? resolverKeyParameters[name] { return schema }
        return Schemas.type(name.hasSuffix("id") ? "integer" : "string")
    }

    static func ref(_ name: String) -> JSONValue {
        .object(JSONObject([("$ref", .string("#/components/schemas/\(name)"))]))
    }
}
