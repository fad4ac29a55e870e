import Foundation
import JSON
import OCOPAPI
import Testing

/// API.md "HTTP behaviour" and the operational endpoints, through a real socket.
@Suite struct HTTPBehaviourTests {
    let server: TestServer
    let client: TestClient

    init() throws {
        server = try TestServer(configure: { $0.corsOrigins = ["https://dashboard.ocop.example"] })
        client = try server.client()
    }

    @Test func unknownRoutesAndMethods() throws {
        let missing = try client.request("GET", "/api/v1/nothing-here")
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        #expect(try missing.json["status"]?.int64Value == 404)
        let wrongMethod = try client.request("DELETE", "/api/v1/producers")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET, HEAD, POST, OPTIONS")
        let notAnID = try client.request("GET", "/api/v1/producers/abc")
        #expect(notAnID.status == 404)
        for alias in ["01", "+1", "1.0", "0x1"] {
            #expect(try client.request("GET", "/api/v1/producers/\(alias)").status == 404, "\(alias)")
        }
    }

    @Test func optionsListsMethods() throws {
        let options = try client.request("OPTIONS", "/api/v1/producers/1")
        #expect(options.status == 204)
        #expect(options.header("Allow") == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")
        #expect(options.header("Date") != nil)
        // Where PATCH is allowed, OPTIONS names the patch formats (RFC 5789 §3.1); elsewhere not.
        #expect(options.header("Accept-Patch") == "application/json, application/merge-patch+json")
        #expect(try client.request("OPTIONS", "/api/v1/producers").header("Accept-Patch") == nil)
        // The CSV form of a list can only be read.
        #expect(try client.request("OPTIONS", "/api/v1/producers.csv").header("Allow") == "GET, HEAD, OPTIONS")
        // Any other method there is a 405 with that Allow, POST (which the list itself takes) included.
        for method in ["POST", "PUT", "DELETE"] {
            let refused = try client.request(method, "/api/v1/producers.csv", body: "{}")
            #expect(refused.status == 405, "\(method)")
            #expect(refused.header("Allow") == "GET, HEAD, OPTIONS", "\(method)")
        }
        // A `.csv` address of something that has no CSV form stays a 404, whatever the method:
        // OPTIONS does not offer a GET there, nor does a route that takes only POST answer 405.
        #expect(try client.request("GET", "/api/v1/producers/1.csv").status == 404)
        for (method, target) in [("OPTIONS", "/api/v1/producers/1.csv"), ("OPTIONS", "/api/v1/tokens.csv"),
                                 ("GET", "/api/v1/products/import.csv"), ("POST", "/api/v1/products/import.csv")] {
            let refused = try client.request(method, target, body: method == "POST" ? "{}" : nil)
            #expect(refused.status == 404, "\(method) \(target)")
            #expect(refused.header("Allow") == nil, "\(method) \(target)")
        }
    }

    @Test func corsForConfiguredOriginsOnly() throws {
        let preflight = try client.request("OPTIONS", "/api/v1/producers", headers: [
            ("Origin", "https://dashboard.ocop.example"), ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "authorization, content-type, idempotency-key"),
        ])
        #expect(preflight.status == 204)
        #expect(preflight.header("Access-Control-Allow-Origin") == "https://dashboard.ocop.example")
        #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
        #expect(preflight.header("Access-Control-Allow-Headers") == "authorization, content-type, idempotency-key")

        let actual = try client.request("GET", "/api/v1/producers", headers: [("Origin", "https://dashboard.ocop.example")])
        #expect(actual.header("Access-Control-Allow-Origin") == "https://dashboard.ocop.example")
        // A dashboard's script can read what it acts on: the tag, the challenge that tells an
        // expired token from none, a 405's methods, a CSV's file name, a 415's patch formats.
        let exposed = Set((actual.header("Access-Control-Expose-Headers") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        for name in ["etag", "location", "link", "www-authenticate", "allow", "content-disposition", "accept-patch"] {
            #expect(exposed.contains(name), "\(name)")
        }

        let stranger = try client.request("OPTIONS", "/api/v1/producers", headers: [
            ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
        ])
        #expect(stranger.header("Access-Control-Allow-Origin") == nil)
        // A refused preflight depends on Origin as much as a granted one does.
        #expect(stranger.header("Vary")?.contains("Origin") == true)
        let unofferedMethod = try client.request("OPTIONS", "/api/v1/producers/1", headers: [
            ("Origin", "https://dashboard.ocop.example"), ("Access-Control-Request-Method", "POST"),
        ])
        #expect(unofferedMethod.header("Access-Control-Allow-Origin") == nil)
        #expect(unofferedMethod.header("Vary")?.contains("Origin") == true)
        #expect(preflight.header("Vary") == "Origin")   // once, granted
        let strangerGet = try client.request("GET", "/api/v1/producers", headers: [("Origin", "https://evil.example")])
        #expect(strangerGet.header("Access-Control-Allow-Origin") == nil)
    }

    @Test func wildcardOriginNeverGetsCredentials() throws {
        let open = try TestServer(configure: { $0.corsOrigins = ["*"] })
        let c = try open.client()
        let response = try c.request("GET", "/healthz", headers: [("Origin", "https://anyone.example")])
        #expect(response.header("Access-Control-Allow-Origin") == "*")
        #expect(response.header("Access-Control-Allow-Credentials") == nil)
    }

    @Test func healthReadinessAndRequestIDs() throws {
        let health = try client.request("GET", "/healthz")
        #expect(health.status == 200)
        #expect(try health.json["status"]?.stringValue == "ok")
        #expect(health.header("X-Request-Id")?.isEmpty == false)
        let ready = try client.request("GET", "/readyz", headers: [("X-Request-Id", "trace-42")])
        #expect(ready.status == 200)
        #expect(ready.header("X-Request-Id") == "trace-42")
    }

    /// `/metrics` once it holds every one of `lines`, or after a second as it is. A request is
    /// counted by its handler thread just after its response is handed to the connection (metrics
    /// count what the client got), so a client that has its answer may ask before the count is
    /// in, even after a later request's count (a CI run saw it once).
    private func metrics(containing lines: String...) throws -> WireResponse {
        var metrics = try client.request("GET", "/metrics")
        for _ in 0..<100 where !lines.allSatisfy(metrics.text.contains) {
            usleep(10_000)
            metrics = try client.request("GET", "/metrics")
        }
        return metrics
    }

    @Test func metricsCountRequestsByRoute() throws {
        _ = try client.request("GET", "/api/v1/producers")
        _ = try client.request("GET", "/api/v1/producers/5")
        let notFound = #"ocop_http_requests_total{method="GET",route="/api/v1/producers/{id}",status="404"} 1"#
        let listed = #"ocop_http_requests_total{method="GET",route="/api/v1/producers",status="200"} 1"#
        let metrics = try metrics(containing: notFound, listed)
        #expect(metrics.status == 200)
        #expect(metrics.text.contains(listed))
        #expect(metrics.text.contains(notFound))
        #expect(metrics.text.contains("ocop_http_request_duration_seconds_bucket"))
        #expect(metrics.text.contains("ocop_http_open_connections 1"))
        #expect(metrics.text.contains("ocop_db_readers "))
        #expect(metrics.text.contains("ocop_db_checkpoint_flushes_total "))
        #expect(metrics.text.contains("ocop_db_wal_restarts_total "))
        #expect(metrics.text.contains("ocop_db_checkpoint_passes_skipped_total 0"))
    }

    /// Prometheus' naming rule, which OpenMetrics parsers enforce: a counter's name ends in
    /// `_total` and nothing else's does (an outside probe found nine counters without it).
    @Test func countersAndOnlyCountersEndInTotal() throws {
        _ = try client.request("GET", "/api/v1/producers")
        let text = try client.request("GET", "/metrics").text
        var types: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            types[String(parts[2])] = String(parts[3])
        }
        #expect(types.count >= 15, "\(types)")
        for (name, type) in types {
            #expect((type == "counter") == name.hasSuffix("_total"), "\(name) is a \(type)")
        }
    }

    /// A client may invent methods freely; each must not become a series of its own.
    @Test func madeUpMethodsShareOneSeries() throws {
        for n in 0..<20 {
            #expect(try client.request("FROB\(n)", "/api/v1/producers").status == 501)
        }
        let line = #"ocop_http_requests_total{method="other",route="unmatched",status="501"} 20"#
        let metrics = try metrics(containing: line).text
        #expect(metrics.contains(line))
        #expect(!metrics.contains("FROB"))
    }

    /// A wrong method on a path that exists is counted under the path's route, where an operator
    /// looks for it (a dashboard posting to an item); unknown paths stay "unmatched".
    @Test func aWrongMethodIsCountedUnderItsRoute() throws {
        #expect(try client.request("POST", "/api/v1/producers/1", body: "{}").status == 405)
        #expect(try client.request("POST", "/api/v1/producers.csv", body: "{}").status == 405)
        #expect(try client.request("GET", "/api/v1/nothing-here").status == 404)
        for line in [#"ocop_http_requests_total{method="POST",route="/api/v1/producers/{id}",status="405"} 1"#,
                     #"ocop_http_requests_total{method="POST",route="/api/v1/producers",status="405"} 1"#,
                     #"ocop_http_requests_total{method="GET",route="unmatched",status="404"} 1"#] {
            #expect(try metrics(containing: line).text.contains(line), "\(line)")
        }
    }

    /// What the engine answers by itself (bad framing, limits) never reaches a route, yet an
    /// operator must be able to see a flood of it.
    @Test func metricsCountWhatTheServerRefusedBeforeRouting() throws {
        let bad = try TestClient(port: server.port)
        bad.send("GET /healthz HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n")
        let badRequest = try bad.readResponse()
        #expect(badRequest.status == 400)
        let long = try TestClient(port: server.port)
        long.send("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: t\r\n\r\n")
        let tooLong = try long.readResponse()
        #expect(tooLong.status == 414)
        // Each carries a request id of its own, as every answer does, for the log line that says why.
        let ids = [badRequest, tooLong].compactMap { $0.header("X-Request-Id") }
        #expect(ids.count == 2 && ids[0] != ids[1], "\(ids)")
        let metrics = try client.request("GET", "/metrics")
        #expect(metrics.text.contains(#"ocop_http_rejected_total{status="400"} 1"#))
        #expect(metrics.text.contains(#"ocop_http_rejected_total{status="414"} 1"#))
    }

    /// The document is built from the router, and this test fails if a route is missing from it.
    @Test func openAPIDocumentsEveryRoute() throws {
        let response = try client.request("GET", "/openapi.json")
        #expect(response.status == 200)
        let document = try response.json
        #expect(document["openapi"]?.stringValue == "3.1.0")
        let paths = try #require(document["paths"]?.objectValue)
        // Only the resolver's catch-all is left out: its template would repeat /01/{gtin}'s.
        #expect(server.app.routes.filter(\.doc.isFallback).map(\.pattern) == ["/01/{path...}"])
        for route in server.app.routes where !route.doc.isFallback {
            let operation = paths[OpenAPIDocument.documentedPath(route.pattern)]?[route.method.rawValue.lowercased()]
            #expect(operation != nil, "\(route.method) \(route.pattern) missing from openapi.json")
            #expect(operation?["responses"] != nil)
        }
        // OpenAPI: "templated paths with the same hierarchy but different templated names MUST NOT exist".
        let shapes = paths.keys.map { $0.replacing(/\{[^}]*\}/, with: "{}") }
        #expect(Set(shapes).count == shapes.count, "\(shapes.sorted())")
        // Every schema a route names exists.
        let schemas = try #require(document["components"]?["schemas"]?.objectValue)
        for route in server.app.routes {
            for name in [route.doc.requestSchema, route.doc.responseSchema].compactMap({ $0 }) + route.doc.otherResponses.map(\.schema) {
                #expect(schemas[name] != nil, "schema \(name) missing")
            }
        }
    }

    /// A route that takes no content refuses a large body before reading it (`Route.takesContent`,
    /// from its document): every POST, PUT and PATCH must say what body it takes, or a large one
    /// (a CSV import) would be refused; no GET, HEAD or DELETE takes one.
    @Test func everyRouteThatWritesSaysWhatBodyItTakes() {
        for route in server.app.routes where !route.doc.isFallback {
            let writes = [.post, .put, .patch].contains(route.method)
            #expect(route.takesContent == writes, "\(route.method) \(route.pattern)")
        }
    }

    /// A run of more than 30 combining marks (UAX #15's stream-safe bound) in a header or a body
    /// string is a 400: comparing or normalising it costs the square of its length, and a review
    /// made one `Accept` header cost 270 ms of CPU on the event loop, one sale's body 48 s.
    @Test func longRunsOfCombiningMarksAreRefused() throws {
        let marks = String(repeating: "\u{301}", count: 10_000)
        let header = try server.client().request("GET", "/api/v1/producers", headers: [("Accept", "a" + marks)])
        #expect(header.status == 400)
        #expect(try header.json["detail"]?.stringValue?.hasPrefix("the Accept header has more than 30 combining marks") == true)
        let admin = ("Authorization", "Bearer \(TestServer.adminToken)")
        let body = try server.client().request("POST", "/api/v1/producers", headers: [admin],
                                               body: #"{"name":"a\#(marks)","kind":"household"}"#)
        #expect(body.status == 400)
        let list = try server.client().request("GET", "/api/v1/producers")
        #expect(try list.json["items"]?.arrayValue?.isEmpty == true, "nothing written")
        // Vietnamese written decomposed is far from it, and is stored composed.
        let decomposed = try server.client().request("POST", "/api/v1/producers", headers: [admin],
                                                     body: #"{"name":"HTX Mie\#u{302}\#u{301}n dong","kind":"cooperative"}"#)
        #expect(decomposed.status == 201)
        #expect(try decomposed.json["name"]?.stringValue == "HTX Miến dong")
    }

    @Test func keepAliveAndPipelining() throws {
        client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/producers/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(try client.readResponse().status == 404)
        #expect(try client.readResponse().status == 200)
    }

    @Test func malformedRequestsGetProblemAndClose() throws {
        client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(client.isClosedByPeer())
    }

    @Test func oversizedBodyIs413() throws {
        let small = try TestServer(configure: { $0.maxBodyBytes = 1024 })
        let c = try small.client()
        let body = "{\"name\":\"" + String(repeating: "a", count: 2000) + "\",\"kind\":\"household\"}"
        let response = try c.request("POST", "/api/v1/producers", headers: [bearer(TestServer.adminToken)], body: body)
        #expect(response.status == 413)
    }

    /// The dashboard's import that is too large gets a 413 its script can read: the engine's own
    /// refusals of a well-formed request carry CORS for the caller's origin like every answer
    /// (without it the browser reports a network error). A stranger's origin gets none.
    @Test func theEnginesRefusalsAreReadableByTheDashboard() throws {
        let small = try TestServer(configure: { $0.maxBodyBytes = 1024; $0.corsOrigins = ["https://dashboard.ocop.example"] })
        for (origin, allowed) in [("https://dashboard.ocop.example", "https://dashboard.ocop.example"),
                                  ("https://stranger.example", nil)] {
            let c = try small.client()
            c.send("POST /api/v1/products/import HTTP/1.1\r\nHost: x\r\nOrigin: \(origin)\r\n"
                   + "Authorization: Bearer \(TestServer.adminToken)\r\nContent-Type: text/csv\r\nContent-Length: 5000\r\n\r\n")
            let response = try c.readResponse()
            #expect(response.status == 413)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.header("Access-Control-Allow-Origin") == allowed, "\(origin)")
        }
        // A preflight the engine refuses is no passed preflight: no CORS on it.
        let c = try small.client()
        c.send("OPTIONS /api/v1/products/import HTTP/1.1\r\nHost: x\r\nOrigin: https://dashboard.ocop.example\r\n"
               + "Access-Control-Request-Method: POST\r\nContent-Length: 5000\r\n\r\n")
        let preflight = try c.readResponse()
        #expect(preflight.status == 413)
        #expect(preflight.header("Access-Control-Allow-Origin") == nil)
        #expect(preflight.header("Access-Control-Allow-Methods") == nil)
    }
}

@Suite struct RequestFormTests {
    @Test func absoluteFormTargetsAreRoutedByPath() throws {
        let server = try TestServer()
        let client = try server.client()
        let response = try client.request("GET", "http://localhost/healthz")
        #expect(response.status == 200)
        let query = try client.request("GET", "http://localhost/api/v1/producers?limit=1")
        #expect(query.status == 200)
    }

    @Test func unknownMethodsAre501() throws {
        let server = try TestServer()
        let client = try server.client()
        #expect(try client.request("get", "/healthz").status == 501)
        #expect(try client.request("BREW", "/api/v1/producers").status == 501)
        #expect(try client.request("TRACE", "/api/v1/producers").status == 405)
        // QUERY is a standard method (clients such as Schemathesis send it): no route takes it, so
        // a path that exists says which methods it does take, and one that does not is 404.
        let query = try client.request("QUERY", "/api/v1/producers", body: "{}")
        #expect(query.status == 405)
        #expect(query.header("Allow") == "GET, HEAD, POST, OPTIONS")
        #expect(try client.request("QUERY", "/01/00000000").status == 405)
        #expect(try client.request("QUERY", "/api/v1/nothing-here").status == 404)
        // A method kilobytes long is quoted, not echoed whole.
        let long = try client.request(String(repeating: "M", count: 5000), "/healthz")
        #expect(long.status == 501)
        #expect(try long.json["detail"]?.stringValue == String(repeating: "M", count: 40) + "… is not a method this server implements")
    }
}
