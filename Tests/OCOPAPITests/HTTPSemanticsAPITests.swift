import JSON
@testable import OCOPAPI
import Testing

/// Field semantics above the wire (RFC 9110 §5.3, §8.4, §12, §15.5.16; RFC 5789; Fetch's CORS
/// and caches), from an outside conformance audit, through a real socket.
@Suite struct HTTPSemanticsAPITests {
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)

    init() throws {
        server = try TestServer(configure: { $0.corsOrigins = ["https://dashboard.ocop.example"] })
        client = try server.client()
        let made = try client.request("POST", "/api/v1/producers", headers: [admin],
                                      body: #"{"name":"Hợp tác xã Miến dong Bình Liêu","kind":"cooperative"}"#)
        #expect(made.status == 201)
    }

    @Test func repeatedFieldLinesMeanWhatOneLineMeans() throws {
        let item = try client.request("GET", "/api/v1/producers/1")
        let etag = try #require(item.header("ETag"))
        let oneLine = try client.request("GET", "/api/v1/producers/1", headers: [("If-None-Match", "W/\"0\", \(etag)")])
        let twoLines = try client.request("GET", "/api/v1/producers/1", headers: [("If-None-Match", "W/\"0\""), ("If-None-Match", etag)])
        #expect(oneLine.status == 304 && twoLines.status == 304)
        let csv = try client.request("GET", "/api/v1/producers", headers: [("Accept", "application/json;q=0.1"), ("Accept", "text/csv")])
        #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        let patch = try client.request("PATCH", "/api/v1/producers/1", headers: [admin, ("If-Match", "W/\"9\""), ("If-Match", etag)],
                                       body: #"{"commune":"Lục Hồn"}"#, contentType: "application/merge-patch+json")
        #expect(patch.status == 200, "the second line names the current version")
        // A token sent twice is no token: the first line does not silently win.
        let twice = try client.request("GET", "/api/v1/tokens", headers: [admin, ("Authorization", "Bearer junk")])
        #expect(twice.status == 401)
    }

    /// Under a parent that does not exist, the address is what is wrong, whatever the body holds:
    /// a client that sent a half-filled form must not be told to fix fields of a thing that is not there.
    @Test func anUnknownParentIsA404BeforeTheBodyIsJudged() throws {
        for path in ["/api/v1/products/9999/inspections", "/api/v1/evaluation-rounds/9999/results",
                     "/api/v1/fairs/9999/booths", "/api/v1/fairs/9999/booths/1/sales",
                     "/api/v1/points-of-sale/9999/sales", "/api/v1/points-of-sale/9999/inventory/changes"] {
            for body in [#"{"x":1}"#, "{", ""] {
                let response = try client.request("POST", path, headers: [admin], body: body)
                #expect(response.status == 404, "\(path) \(body): \(response.text)")
            }
        }
    }

    @Test func everyPreconditionIsEvaluatedOnEveryMethod() throws {
        let path = "/api/v1/producers/1"
        let etag = try #require(try client.request("GET", path).header("ETag"))
        let patch = #"{"commune":"Lục Hồn"}"#
        func patched(_ field: String, _ value: String) throws -> Int {
            try client.request("PATCH", path, headers: [admin, (field, value)], body: patch,
                               contentType: "application/merge-patch+json").status
        }
        #expect(try patched("If-None-Match", "*") == 412, "only if there is none: there is one")
        #expect(try patched("If-None-Match", etag) == 412, "only if changed since: it was not")
        let put = try client.request("PUT", path, headers: [admin, ("If-None-Match", etag)],
                                     body: #"{"name":"Tên khác","kind":"household"}"#)
        #expect(put.status == 412)
        // The problem names the field that refused the write, not an If-Match nobody sent.
        #expect(try put.json["detail"]?.stringValue?.hasPrefix("If-None-Match names the current version") == true, "\(put.text)")
        #expect(try client.request("DELETE", path, headers: [admin, ("If-None-Match", "*")]).status == 412)
        let unchanged = try client.request("GET", path)
        #expect(unchanged.status == 200 && unchanged.header("ETag") == etag, "nothing was changed or deleted")
        #expect(try patched("If-None-Match", "W/\"0\"") == 200, "a version it no longer is")

        let current = try #require(try client.request("GET", path).header("ETag"))
        let staleRead = try client.request("GET", path, headers: [("If-Match", "W/\"999\"")])
        #expect(staleRead.status == 412)
        #expect(staleRead.header("Content-Type") == "application/problem+json")
        #expect(try client.request("GET", path, headers: [("If-Match", current)]).status == 200)
        #expect(try client.request("HEAD", path, headers: [("If-Match", "W/\"999\"")]).status == 412)
    }

    /// A list, a health check or a collection has no tag, so no tag can match it, but `*` matches
    /// what exists (RFC 9110 §13.1.1–13.1.2): such preconditions are false, and a POST guarded by
    /// one creates nothing. They were ignored: the POST created a producer.
    @Test func preconditionsOnAResourceWithoutATagAreEvaluatedToo() throws {
        for path in ["/api/v1/producers", "/healthz", "/api/v1/producers?limit=1"] {
            let named = try client.request("GET", path, headers: [("If-Match", "W/\"1\"")])
            #expect(named.status == 412, "\(path): \(named.text)")
            #expect(named.header("Content-Type") == "application/problem+json")
            #expect(try client.request("HEAD", path, headers: [("If-Match", "\"x\"")]).status == 412, "\(path)")
            #expect(try client.request("GET", path, headers: [("If-Match", "*")]).status == 200, "\(path)")
            #expect(try client.request("GET", path, headers: [("If-None-Match", "W/\"1\"")]).status == 200, "\(path)")
            let star = try client.request("GET", path, headers: [("If-None-Match", "*")])
            #expect(star.status == 304 && star.body.isEmpty, "\(path): \(star.text)")
        }
        let list = try client.request("GET", "/api/v1/producers", headers: [("If-None-Match", "*"), ("Origin", "https://dashboard.ocop.example")])
        #expect(list.header("Vary")?.contains("Accept") == true, "the 304 keeps what caches key on")

        let body = #"{"name":"Hộ kinh doanh Chè Đường Hoa","kind":"household"}"#
        for guarded in [("If-Match", "W/\"1\""), ("If-Match", "\"a\", \"b\""), ("If-None-Match", "*")] {
            let refused = try client.request("POST", "/api/v1/producers", headers: [admin, guarded], body: body)
            #expect(refused.status == 412, "\(guarded): \(refused.text)")
        }
        #expect(try client.request("GET", "/api/v1/producers/2").status == 404, "nothing was created")
        let created = try client.request("POST", "/api/v1/producers", headers: [admin, ("If-Match", "*"), ("If-None-Match", "W/\"1\"")],
                                         body: body)
        #expect(created.status == 201, "preconditions that hold: \(created.text)")
        // An anonymous guarded POST is still told to authenticate first (RFC 9110 §13.2.1).
        #expect(try client.request("POST", "/api/v1/producers", headers: [("If-Match", "W/\"1\"")], body: body).status == 401)
    }

    @Test func csvIsChosenByWeightNotBySubstring() throws {
        func type(_ accept: String, _ path: String = "/api/v1/producers") throws -> String {
            let response = try client.request("GET", path, headers: [admin, ("Accept", accept)])
            #expect(response.status == 200, "\(accept) on \(path): \(response.status) \(response.text)")
            return response.header("Content-Type") ?? ""
        }
        for json in ["text/csv;q=0", "text/csv;q=0, application/json", "application/json, text/csv;q=0.1",
                     "text/csvx", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"] {
            #expect(try type(json).hasPrefix("application/json"), "\(json)")
            #expect(try type(json, "/api/v1/reports/overview").hasPrefix("application/json"), "\(json) on the overview")
        }
        for csv in ["text/csv", "TEXT/CSV", "application/json;q=0.5, text/csv", "text/*"] {
            #expect(try type(csv).hasPrefix("text/csv"), "\(csv)")
        }
    }

    @Test func answersThatDependOnAcceptOrOriginSaySo() throws {
        let list = try client.request("GET", "/api/v1/producers")
        // One line: a client that keeps fields in a map would keep only one of two.
        #expect(list.headerValues("Vary") == ["Accept, Origin"], "named origins: every answer varies by Origin")
        let etag = try #require(try client.request("GET", "/api/v1/producers/1").header("ETag"))
        let refused = try client.request("GET", "/api/v1/producers/1", headers: [("Origin", "https://evil.example")])
        #expect(refused.header("Access-Control-Allow-Origin") == nil)
        #expect(refused.headerValues("Vary") == ["Origin"], "an item has no CSV form")
        let same = try client.request("GET", "/api/v1/producers/1", headers: [("If-None-Match", etag)])
        #expect(same.status == 304)
        #expect(same.headerValues("Vary") == ["Origin"])
        // A preflight refused before any route sees it still depends on Origin.
        let preflight = [("Origin", "https://dashboard.ocop.example"), ("Access-Control-Request-Method", "GET")]
        for (method, path) in [("OPTIONS", "/api/v1/nowhere"), ("OPTIONS", "*"), ("OPTIONS", "/api/v1/producers")] {
            let answer = try client.request(method, path, headers: preflight)
            #expect(answer.headerValues("Vary") == ["Origin"], "\(path): \(answer.headerValues("Vary"))")
        }
    }

    @Test func anyOriginIsSentToEveryoneWithoutVary() throws {
        let open = try TestServer(configure: { $0.corsOrigins = ["*"] })
        let response = try open.client().request("GET", "/api/v1/producers/1")
        #expect(response.header("Access-Control-Allow-Origin") == "*")
        #expect(!response.headerValues("Vary").contains("Origin"))
        #expect(response.header("Access-Control-Allow-Credentials") == nil)
    }

    @Test func anEncodedBodyIsRefusedNotReadAsJSON() throws {
        let body = #"{"name":"Cơ sở ghi nhãn gzip","kind":"household"}"#
        let refused = try client.request("POST", "/api/v1/producers", headers: [admin, ("Content-Encoding", "gzip")], body: body)
        #expect(refused.status == 415)
        #expect(refused.header("Accept-Encoding") == "identity")
        #expect(refused.header("Content-Type") == "application/problem+json")
        #expect(try client.request("GET", "/api/v1/producers/2").status == 404, "nothing was created")
        let identity = try client.request("POST", "/api/v1/producers", headers: [admin, ("Content-Encoding", "identity")], body: body)
        #expect(identity.status == 201)
    }

    @Test func aPatchInAnotherFormatNamesTheOnesTaken() throws {
        let refused = try client.request("PATCH", "/api/v1/producers/1", headers: [admin], body: "[]",
                                         contentType: "application/json-patch+json")
        #expect(refused.status == 415)
        #expect(refused.header("Accept-Patch") == "application/json, application/merge-patch+json"
                || refused.header("Accept-Patch") == "application/merge-patch+json, application/json")
        // The right format in a charset we do not read is refused the same way, with the same hint.
        let latin1 = try client.request("PATCH", "/api/v1/producers/1", headers: [admin], body: "{}",
                                        contentType: "application/merge-patch+json; charset=latin1")
        #expect(latin1.status == 415)
        #expect(latin1.header("Accept-Patch") == refused.header("Accept-Patch"))
    }

    @Test func aFloodOfBadParametersGetsABoundedAnswer() throws {
        let query = (0..<600).map { "p\($0)=1" }.joined(separator: "&")
        let refused = try client.request("GET", "/api/v1/producers?" + query)
        #expect(refused.status == 422)
        #expect(try refused.json["detail"]?.stringValue == "600 fields are invalid")
        let errors = try #require(try refused.json["errors"]?.arrayValue)
        #expect(errors.count == 101)
        #expect(errors.last?["message"]?.stringValue == "and 500 more errors, not listed")
    }

    @Test func headOfA405AnnouncesGETsLength() throws {
        let get = try client.request("GET", "/api/v1/products/import")
        let head = try client.request("HEAD", "/api/v1/products/import")
        #expect(get.status == 405 && head.status == 405)
        #expect(head.header("Content-Length") == get.header("Content-Length"))
        #expect(head.header("Content-Length") == String(get.body.count))
    }
}

@Suite struct AcceptHeaderTests {
    @Test func theMostSpecificRangeGivesTheWeight() {
        let accept = AcceptHeader("text/*;q=0.3, text/csv;q=0.7, */*;q=0.1, application/json;q=0")
        #expect(accept.weight(of: "text/csv") == 0.7)
        #expect(accept.weight(of: "text/plain") == 0.3)
        #expect(accept.weight(of: "image/png") == 0.1)
        #expect(accept.weight(of: "application/json") == 0)
        #expect(AcceptHeader("text/csv").weight(of: "application/json") == nil)
    }

    @Test func aTieKeepsTheDefault() {
        #expect(!AcceptHeader("*/*").prefers("text/csv", over: "application/json"))
        #expect(!AcceptHeader("text/csv;q=0.5, application/json;q=0.5").prefers("text/csv", over: "application/json"))
        #expect(AcceptHeader("Text/CSV").prefers("text/csv", over: "application/json"))
        #expect(!AcceptHeader("nonsense, ;q=1").prefers("text/csv", over: "application/json"))
    }
}
