import Foundation
import Testing

/// A request whose head alone decides its answer is answered before its body is read: no such
/// route, a method the route does not take, or a route for token holders and no token. Such a
/// client is not made to upload (with `Expect: 100-continue` it gets the answer instead of 100),
/// and the server does not hold up to `max_body_bytes` per connection for it (a black-box review
/// held 200 MiB with 200 anonymous connections that each sent 1 MB of a POST and stopped).
/// A body larger than every request's free share (16 KiB) is read only once its token is known
/// to be good and allowed, and never where the route takes none: otherwise made-up tokens, or
/// anonymous GETs with bodies, could hold the server-wide budget that large uploads share.
@Suite struct AnswerBeforeBodyAPITests {
    let server: TestServer
    init() throws { server = try TestServer() }

    /// Sends only the head of a request announcing `length` body bytes.
    private func head(_ client: TestClient, _ method: String, _ target: String, length: Int,
                      contentType: String = "application/json", extra: [(String, String)] = []) {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nContent-Type: \(contentType)\r\n"
        for (name, value) in extra + [("Content-Length", String(length))] { text += "\(name): \(value)\r\n" }
        client.send(text + "\r\n")
    }

    @Test func aRouteForTokenHoldersRefusesAnAnonymousBodyBeforeItArrives() throws {
        let client = try server.client()
        head(client, "POST", "/api/v1/producers", length: 1_000_000)
        client.send(String(repeating: " ", count: 10_000))   // a little of the body, then nothing
        let response = try client.readResponse(method: "POST")
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("Connection") == "close")
        #expect(response.header("X-Request-Id") != nil)
        #expect(client.isClosedByPeer())
        // Nothing was created, and the refusal is in the access metrics like any other.
        let list = try server.client().request("GET", "/api/v1/producers")
        #expect(try list.json["items"]?.arrayValue?.isEmpty == true)
        let metrics = try server.client().request("GET", "/metrics").text
        #expect(metrics.contains(#"route="/api/v1/producers",status="401""#))
    }

    @Test func expectContinueGetsTheRefusalInsteadOf100() throws {
        let client = try server.client()
        head(client, "POST", "/api/v1/producers", length: 60, extra: [("Expect", "100-continue")])
        let response = try client.readResponse(method: "POST")
        #expect(response.status == 401, "a final status, not 100 Continue")
        #expect(client.isClosedByPeer())

        // With a token the client is invited to send its body, and the write happens.
        let (admitted, created) = try postAfterContinue(#"{"name":"HTX Chè Đường Hoa","kind":"cooperative"}"#,
                                                        token: TestServer.adminToken)
        #expect(created.status == 201, "\(created.text)")
        #expect(try admitted.request("GET", "/api/v1/producers").status == 200, "the connection stays open")
    }

    /// A client waiting for `100 Continue` with a body its route could never read (a media type
    /// the route does not take, or a content coding) hears the 415 instead and sends nothing: it
    /// once got 100, uploaded the body, and only then the 415 (a black-box probe noticed). Each
    /// case twice with a new token: once while the token is looked up, once known.
    @Test func expectContinueGetsAnUnreadableBodysRefusalInsteadOf100() throws {
        let refused: [(method: String, target: String, type: String, extra: [(String, String)])] = [
            ("POST", "/api/v1/producers", "text/plain", []),
            ("POST", "/api/v1/producers", "application/json; charset=latin1", []),
            ("POST", "/api/v1/products/import", "application/json", []),
            ("PATCH", "/api/v1/producers/1", "application/json-patch+json", []),
            ("POST", "/api/v1/producers", "application/json", [("Content-Encoding", "gzip")]),
        ]
        for (method, target, type, extra) in refused {
            let token = try server.token("officer")
            for _ in 0..<2 {
                let client = try server.client()
                head(client, method, target, length: 60, contentType: type,
                     extra: extra + [("Expect", "100-continue"), ("Authorization", "Bearer \(token)")])
                let response = try client.readResponse(method: method)
                #expect(response.status == 415, "\(method) \(target) \(type): a final status, not 100 Continue")
                #expect(response.header("Content-Type") == "application/problem+json")
                if method == "PATCH" { #expect(response.header("Accept-Patch")?.contains("application/merge-patch+json") == true) }
                #expect(client.isClosedByPeer())
            }
        }
        // What the route takes is invited: a merge patch on PATCH, CSV on the import.
        let token = try server.token("officer")
        for (method, target, type) in [("PATCH", "/api/v1/producers/1", "application/merge-patch+json"),
                                       ("POST", "/api/v1/products/import", "text/csv; charset=utf-8")] {
            let client = try server.client()
            head(client, method, target, length: 2, contentType: type,
                 extra: [("Expect", "100-continue"), ("Authorization", "Bearer \(token)")])
            #expect(try client.readResponse(method: method).status == 100, "\(method) \(target) \(type)")
        }
        let list = try server.client().request("GET", "/api/v1/producers")
        #expect(try list.json["items"]?.arrayValue?.isEmpty == true, "nothing was written")
    }

    /// Posts a producer as a client that waits for `100 Continue` (which must come) before the
    /// body; the client, for more requests, and the final answer.
    private func postAfterContinue(_ body: String, token: String) throws -> (TestClient, WireResponse) {
        let client = try server.client()
        head(client, "POST", "/api/v1/producers", length: body.utf8.count,
             extra: [("Expect", "100-continue"), ("Authorization", "Bearer \(token)")])
        #expect(try client.readResponse(method: "POST").status == 100)
        client.send(body)
        return (client, try client.readResponse(method: "POST"))
    }

    @Test func noRouteAndAWrongMethodAreAnsweredBeforeTheBody() throws {
        let unknown = try server.client()
        head(unknown, "POST", "/api/v1/nothing-here", length: 500_000)
        let notFound = try unknown.readResponse(method: "POST")
        #expect(notFound.status == 404)
        #expect(unknown.isClosedByPeer())

        let wrongMethod = try server.client()
        head(wrongMethod, "PUT", "/api/v1/producers", length: 500_000,
             extra: [("Authorization", "Bearer \(TestServer.adminToken)")])
        let notAllowed = try wrongMethod.readResponse(method: "PUT")
        #expect(notAllowed.status == 405)
        #expect(notAllowed.header("Allow")?.contains("POST") == true)
        #expect(wrongMethod.isClosedByPeer())

        let csv = try server.client()
        head(csv, "POST", "/api/v1/producers.csv", length: 500_000,
             extra: [("Authorization", "Bearer \(TestServer.adminToken)")])
        #expect(try csv.readResponse(method: "POST").status == 405)
    }

    /// OPTIONS is never refused for its method from its head: a CORS preflight, or a plain
    /// OPTIONS, that carries a small body still gets what `respond` gives it (here 204 with
    /// `Allow`), not a 405. A large one is a 413, as OPTIONS takes no content.
    @Test func optionsWithABodyIsNotAnsweredEarly() throws {
        let response = try answerToAFiveByteBodyAfterItsHead("OPTIONS", "/api/v1/producers")
        #expect(response.status == 204)
        #expect(response.header("Allow")?.contains("POST") == true)
        #expect(try refusalBeforeAMegabyte("OPTIONS", "/api/v1/producers").status == 413)
        // No such path is a 404 whatever the body, as for every other method.
        #expect(try refusalBeforeAMegabyte("OPTIONS", "/api/v1/nothing-here").status == 404)
    }

    /// `OPTIONS *` asks about the server as a whole (RFC 9110 §9.3.7). Its head once went to the
    /// router like a path, which has no `*`: a body that came after the head, or a client waiting
    /// for `100 Continue`, got a 404 and a closed connection (a black-box probe found it).
    @Test func optionsAsteriskWithABodyStillGetsTheServersMethods() throws {
        let response = try answerToAFiveByteBodyAfterItsHead("OPTIONS", "*")
        #expect(response.status == 204)
        #expect(response.header("Allow")?.contains("PATCH") == true)

        let client = try server.client()
        head(client, "OPTIONS", "*", length: 5, extra: [("Expect", "100-continue")])
        let interim = try client.readResponse(method: "OPTIONS")
        #expect(interim.status == 100)
        client.send("hello")
        let final = try client.readResponse(method: "OPTIONS")
        #expect(final.status == 204)
        #expect(try client.request("GET", "/healthz").status == 200, "the connection stays open")

        #expect(try refusalBeforeAMegabyte("OPTIONS", "*").status == 413)
    }

    /// The answer to a request whose five-byte body follows its head a moment later.
    private func answerToAFiveByteBodyAfterItsHead(_ method: String, _ target: String) throws -> WireResponse {
        let client = try server.client()
        head(client, method, target, length: 5)
        Thread.sleep(forTimeInterval: 0.1)
        client.send("hello")
        return try client.readResponse(method: method)
    }

    /// The answer to the head of a request announcing a 1 MB body, sent with a little of it;
    /// the connection must close behind it.
    private func refusalBeforeAMegabyte(_ method: String, _ target: String,
                                        extra: [(String, String)] = []) throws -> WireResponse {
        let client = try server.client()
        head(client, method, target, length: 1_000_000, extra: extra)
        client.send(String(repeating: " ", count: 10_000))
        let response = try client.readResponse(method: method)
        #expect(client.isClosedByPeer(), "\(method) \(target)")
        return response
    }

    /// A route that takes no content ignores a small body, as before, and refuses a large one
    /// before reading it: an anonymous GET could otherwise hold a megabyte of the shared budget.
    @Test func aLargeBodyWhereTheRouteTakesNoneIsRefusedBeforeItIsRead() throws {
        #expect(try answerToAFiveByteBodyAfterItsHead("GET", "/api/v1/producers").status == 200)
        let refused = try refusalBeforeAMegabyte("GET", "/api/v1/producers")
        #expect(refused.status == 413)
        #expect(refused.header("Content-Type") == "application/problem+json")
        #expect(try refused.json["detail"]?.stringValue == "GET /api/v1/producers takes no request content; send it without a body")

        // However it comes: whole, or chunked and grown past the share; an empty chunked body,
        // its head and its end apart, is no body at all.
        let whole = try server.client()
        let twenty = String(repeating: " ", count: 20_000)
        whole.send("GET /api/v1/producers HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20000\r\n\r\n" + twenty)
        #expect(try whole.readResponse().status == 413)
        let empty = try server.client()
        empty.send("GET /api/v1/producers HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.1)
        empty.send("0\r\n\r\n")
        #expect(try empty.readResponse().status == 200)
        empty.send("GET /api/v1/producers HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.1)
        empty.send("4e20\r\n" + twenty + "\r\n")
        #expect(try empty.readResponse().status == 413, "20,000 bytes of a chunked body")

        // The same for token holders' routes, once the token is known good (a DELETE takes no body).
        let created = try server.client().request("POST", "/api/v1/producers", headers: [("Authorization", "Bearer \(TestServer.adminToken)")],
                                                  body: #"{"name":"HTX Ba Chẽ","kind":"cooperative"}"#)
        #expect(created.status == 201)
        let id = try #require(created.json["id"]?.int64Value)
        #expect(try refusalBeforeAMegabyte("DELETE", "/api/v1/producers/\(id)",
                                           extra: [("Authorization", "Bearer \(TestServer.adminToken)")]).status == 413)
        #expect(try server.client().request("GET", "/api/v1/producers/\(id)").status == 200, "nothing was deleted")
    }

    /// A large body comes only once its token is known good: a made-up token is refused before
    /// the body is read (after the database says so), and the body's share is never taken.
    @Test func aLargeBodyWithAMadeUpTokenIsRefusedBeforeItIsRead() throws {
        let response = try refusalBeforeAMegabyte("POST", "/api/v1/producers",
                                                  extra: [("Authorization", "Bearer ocop_made-up-0123456789abcdefghijklmnopqrstuvwxyzABCD")])
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
        #expect(response.header("Connection") == "close")

        let expecting = try server.client()
        head(expecting, "POST", "/api/v1/producers", length: 100_000,
             extra: [("Expect", "100-continue"), ("Authorization", "Bearer ocop_another-made-up-token")])
        #expect(try expecting.readResponse(method: "POST").status == 401, "the refusal instead of 100 Continue")
        // A chunked body, whose length nobody knows yet, the same.
        let chunked = try server.client()
        chunked.send("POST /api/v1/producers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                     + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\nAuthorization: Bearer ocop_made-up-chunked\r\n\r\n")
        #expect(try chunked.readResponse(method: "POST").status == 401, "the refusal instead of 100 Continue")
        // A small body whose client waits for 100 Continue: it asked to hear the refusal first.
        let small = try server.client()
        head(small, "POST", "/api/v1/producers", length: 60,
             extra: [("Expect", "100-continue"), ("Authorization", "Bearer ocop_made-up-small-0123456789")])
        #expect(try small.readResponse(method: "POST").status == 401, "the refusal instead of 100 Continue")
        #expect(try server.client().request("GET", "/api/v1/producers").json["items"]?.arrayValue?.isEmpty == true)
    }

    /// A good token's large body is read and written as any other: the first time from the
    /// database (the token is not cached yet), the next from the token cache.
    @Test func aLargeBodyWithAGoodTokenIsReadOnceTheTokenIsKnown() throws {
        let officer = try server.token("officer")
        for name in ["HTX Trà hoa vàng Ba Chẽ", "HTX Miến dong Bình Liêu"] {
            let padding = String(repeating: " ", count: 20_000)
            let (_, created) = try postAfterContinue(#"{"name":"\#(name)",\#(padding)"kind":"cooperative"}"#, token: officer)
            #expect(created.status == 201, "\(created.text)")
            #expect(try created.json["name"]?.stringValue == name)
        }
    }

    /// A good token whose role the route refuses is a 403 before the body, cached or not.
    @Test func aLargeBodyFromARoleTheRouteRefusesIsForbiddenBeforeItIsRead() throws {
        let officer = try server.token("officer")
        for attempt in ["from the database", "from the token cache"] {
            let response = try refusalBeforeAMegabyte("POST", "/api/v1/tokens", extra: [("Authorization", "Bearer \(officer)")])
            #expect(response.status == 403, "\(attempt)")
        }
    }

    /// What bodies still being read hold of the server-wide budget is a gauge in `/metrics`.
    @Test func theBodyBudgetInUseIsInMetrics() throws {
        func gauge() throws -> String? {
            try server.client().request("GET", "/metrics").text.split(separator: "\n")
                .first { $0.hasPrefix("ocop_http_large_body_bytes ") }.map(String.init)
        }
        #expect(try gauge() == "ocop_http_large_body_bytes 0.0")
        let uploader = try server.client()
        head(uploader, "POST", "/api/v1/producers", length: 1_000_000,
             extra: [("Authorization", "Bearer \(TestServer.adminToken)")])
        uploader.send(String(repeating: " ", count: 500_000))
        let held = "ocop_http_large_body_bytes \(Double(500_000 - 16 * 1024))"
        var seen: String?
        for _ in 0..<100 where seen != held {
            seen = try gauge()
            if seen != held { Thread.sleep(forTimeInterval: 0.02) }
        }
        #expect(seen == held)
        uploader.shutdownWrite()
        for _ in 0..<100 where seen != "ocop_http_large_body_bytes 0.0" {
            Thread.sleep(forTimeInterval: 0.02)
            seen = try gauge()
        }
        #expect(seen == "ocop_http_large_body_bytes 0.0")
    }

    /// What the head cannot decide waits for the body, as before: a token, which is checked
    /// against the database once the body is whole, right or wrong.
    @Test func aTokenWaitsForTheBody() throws {
        let body = #"{"name":"HTX Nấm linh chi","kind":"cooperative"}"#
        /// Sends the request with `token`, its body in two reads a moment apart.
        func post(with token: String) throws -> TestClient {
            let client = try server.client()
            head(client, "POST", "/api/v1/producers", length: body.utf8.count, extra: [("Authorization", "Bearer \(token)")])
            client.send(String(body.prefix(10)))
            Thread.sleep(forTimeInterval: 0.1)
            client.send(String(body.dropFirst(10)))
            return client
        }
        #expect(try post(with: TestServer.adminToken).readResponse(method: "POST").status == 201)
        let wrongToken = try post(with: "ocop_not-a-token-0123456789abcdef")
        #expect(try wrongToken.readResponse(method: "POST").status == 401)
        #expect(try wrongToken.request("GET", "/healthz").status == 200, "a 401 after the body keeps the connection")
    }
}
