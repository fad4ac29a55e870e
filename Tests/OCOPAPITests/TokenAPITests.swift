import JSON
import SQLite
import Testing

@Suite struct TokenAPITests {
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)

    init() throws {
        server = try TestServer()
        client = try server.client()
    }

    @Test func createShowsSecretOnceAndListNever() throws {
        let created = try client.request("POST", "/api/v1/tokens", headers: [admin], body: #"{"name":"Văn phòng OCOP","role":"officer"}"#)
        #expect(created.status == 201)
        #expect(created.header("Cache-Control") == "no-store")
        #expect(created.header("ETag") == "W/\"1\"")   // every item has one (API.md), as GET gives it
        let secret = try #require(try created.json["token"]?.stringValue)
        #expect(secret.hasPrefix("ocop_"))
        #expect(secret.count >= 5 + 22)   // ≥ 128 bits in base64url
        let id = try #require(try created.json["id"]?.int64Value)

        let list = try client.request("GET", "/api/v1/tokens", headers: [admin])
        #expect(list.status == 200)
        #expect(!list.text.contains(secret))
        #expect(!list.text.contains(TestServer.adminToken))
        let one = try client.request("GET", "/api/v1/tokens/\(id)", headers: [admin])
        #expect(try one.json["role"]?.stringValue == "officer")
        #expect(try one.json["token"] == nil)
        // The audit entry names every binding, unset ones as null, and never the secret.
        let audit = try client.request("GET", "/api/v1/audit?entity=token&entity_id=\(id)", headers: [admin])
        let changes = try #require(try audit.json["items"]?.arrayValue?.first?["changes"])
        #expect(changes["name"]?.stringValue == "Văn phòng OCOP" && changes["role"]?.stringValue == "officer")
        #expect(changes["point_of_sale_id"]?.isNull == true && changes["fair_booth_id"]?.isNull == true)
        #expect(!audit.text.contains(secret))

        // The new officer can write producers but not manage tokens.
        let officer = bearer(secret)
        #expect(try client.request("GET", "/api/v1/tokens", headers: [officer]).status == 403)
        #expect(try client.request("POST", "/api/v1/producers", headers: [officer], body: #"{"name":"X","kind":"household"}"#).status == 201)
    }

    /// The secret is shown once and stored only as a hash (API.md), so a retried creation
    /// cannot replay it: the retry hears which token was made, and the secret is nowhere on disk.
    @Test func retriedCreationDoesNotReplayTheSecret() throws {
        let headers = [admin, ("Idempotency-Key", "create-officer-1")]
        let body = #"{"name":"Cán bộ huyện","role":"officer"}"#
        let created = try client.request("POST", "/api/v1/tokens", headers: headers, body: body)
        #expect(created.status == 201)
        let secret = try #require(try created.json["token"]?.stringValue)
        let location = try #require(created.header("Location"))

        let retried = try client.request("POST", "/api/v1/tokens", headers: headers, body: body)
        #expect(retried.status == 409)
        #expect(retried.header("Content-Type") == "application/problem+json")
        #expect(retried.header("Idempotent-Replayed") == "true")
        // Not the in-flight 409 a client retries: its own type, and no Retry-After.
        #expect(try retried.json["type"]?.stringValue == "https://ocop.example/problems/token-secret-not-replayable")
        #expect(retried.header("Retry-After") == nil)
        #expect(retried.header("Location") == location)
        #expect(!retried.text.contains(secret))
        #expect(retried.text.contains("revoke"))
        // Still one token made, and it works.
        let list = try client.request("GET", "/api/v1/tokens", headers: [admin])
        #expect(list.text.components(separatedBy: "Cán bộ huyện").count == 2)
        #expect(try client.request("GET", "/api/v1/tokens", headers: [bearer(secret)]).status == 403)

        let file = try Database(path: server.databasePath)
        defer { file.close() }
        let stored = try file.read { db in
            try db.all("SELECT body FROM idempotency_keys") { String(decoding: $0.blob(0), as: UTF8.self) }
        }
        #expect(!stored.isEmpty)
        #expect(!stored.contains { $0.contains(secret) })
    }

    @Test func revokedTokensStopWorking() throws {
        let secret = try server.token("officer")
        let list = try client.request("GET", "/api/v1/tokens", headers: [admin]).json
        let id = try #require(list["items"]?.arrayValue?.last?["id"]?.int64Value)
        // Used first, so the server has it in its authentication cache when it is revoked.
        let before = try client.request("POST", "/api/v1/producers", headers: [bearer(secret)], body: #"{"name":"Y","kind":"household"}"#)
        #expect(before.status == 201)
        // A revocation is a DELETE like any other: its preconditions hold (API.md "Writes").
        let current = try #require(try client.request("GET", "/api/v1/tokens/\(id)", headers: [admin]).header("ETag"))
        #expect(try client.request("DELETE", "/api/v1/tokens/\(id)", headers: [admin, ("If-Match", "W/\"99\"")]).status == 412)
        #expect(try client.request("DELETE", "/api/v1/tokens/\(id)", headers: [admin, ("If-None-Match", "*")]).status == 412)
        #expect(try client.request("POST", "/api/v1/producers", headers: [bearer(secret)], body: #"{"name":"Z","kind":"household"}"#).status == 201,
                "a refused revocation revokes nothing")
        #expect(try client.request("DELETE", "/api/v1/tokens/\(id)", headers: [admin, ("If-Match", current)]).status == 204)
        let after = try client.request("POST", "/api/v1/producers", headers: [bearer(secret)], body: #"{"name":"X","kind":"household"}"#)
        #expect(after.status == 401)
        #expect(after.header("WWW-Authenticate") == #"Bearer realm="ocop", error="invalid_token""#)
        let record = try client.request("GET", "/api/v1/tokens/\(id)", headers: [admin]).json
        #expect(record["revoked"]?.boolValue == true)
    }

    /// The last admin token cannot be revoked (409): nobody could manage tokens through the API
    /// after it. Rotating works by making the new admin token first.
    @Test func theLastAdminTokenStays() throws {
        let tokens = try client.request("GET", "/api/v1/tokens", headers: [admin]).json
        let first = try #require(tokens["items"]?.arrayValue?.first { $0["role"]?.stringValue == "admin" }?["id"]?.int64Value)
        let refused = try client.request("DELETE", "/api/v1/tokens/\(first)", headers: [admin])
        #expect(refused.status == 409)
        #expect(refused.header("Content-Type") == "application/problem+json")
        #expect(refused.text.contains("last admin token"))
        #expect(try client.request("GET", "/api/v1/tokens", headers: [admin]).status == 200, "the refused revocation revoked it")

        let made = try client.request("POST", "/api/v1/tokens", headers: [admin], body: #"{"name":"Quản trị mới","role":"admin"}"#)
        let second = try #require(try made.json["id"]?.int64Value)
        let newAdmin = bearer(try #require(try made.json["token"]?.stringValue))
        #expect(try client.request("DELETE", "/api/v1/tokens/\(first)", headers: [newAdmin]).status == 204)
        #expect(try client.request("GET", "/api/v1/tokens", headers: [admin]).status == 401)
        #expect(try client.request("DELETE", "/api/v1/tokens/\(second)", headers: [newAdmin]).status == 409)
        // Other roles' tokens are revoked as before, and revoking a revoked one changes nothing.
        #expect(try client.request("DELETE", "/api/v1/tokens/\(first)", headers: [newAdmin]).status == 204)
    }

    @Test func posTokensNeedAPointOfSale() throws {
        let missing = try client.request("POST", "/api/v1/tokens", headers: [admin], body: #"{"name":"Quầy 1","role":"pos"}"#)
        #expect(missing.status == 422)
        let extra = try client.request("POST", "/api/v1/tokens", headers: [admin], body: #"{"name":"Cán bộ","role":"officer","point_of_sale_id":4}"#)
        #expect(extra.status == 422)
        // Null is absent, as the document's TokenInput says: another role may send it; pos may not.
        let nulls = try client.request("POST", "/api/v1/tokens", headers: [admin],
                                       body: #"{"name":"Cán bộ","role":"officer","point_of_sale_id":null,"fair_booth_id":null}"#)
        #expect(nulls.status == 201, "\(nulls.text)")
        #expect(try client.request("POST", "/api/v1/tokens", headers: [admin], body: #"{"name":"Quầy 1","role":"pos","point_of_sale_id":null}"#).status == 422)
        let badRole = try client.request("POST", "/api/v1/tokens", headers: [admin], body: #"{"name":"X","role":"root"}"#)
        #expect(badRole.status == 422)
        let unregistered = try client.request("POST", "/api/v1/tokens", headers: [admin], body: #"{"name":"Quầy 1","role":"pos","point_of_sale_id":4}"#)
        #expect(unregistered.status == 422)
        #expect(try unregistered.json["errors"]?.arrayValue?.first?["field"]?.stringValue == "point_of_sale_id")
        try server.ensurePointOfSale(4)
        let ok = try client.request("POST", "/api/v1/tokens", headers: [admin], body: #"{"name":"Quầy 1","role":"pos","point_of_sale_id":4}"#)
        #expect(try ok.json["point_of_sale_id"]?.int64Value == 4)
    }

    @Test func malformedAuthorizationIs401() throws {
        for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "token abc"] {
            let response = try client.request("GET", "/api/v1/tokens", headers: [("Authorization", header)])
            #expect(response.status == 401, "\(header)")
        }
        // An invalid token is refused even where anonymous reads are allowed: the caller meant to authenticate.
        #expect(try client.request("GET", "/api/v1/producers", headers: [bearer("ocop_wrong-wrong-wrong-wrong")]).status == 401)
        #expect(try client.request("GET", "/api/v1/producers", headers: [("Authorization", "Bearer")]).status == 401)
    }

    /// The scheme in any case, and blanks around the token, are read alike, whether the header
    /// is spelled as clients send it or not; a blank inside the token or a tab after the scheme
    /// is no token of ours.
    @Test func bearerSpellingsAuthenticateAlike() throws {
        let token = TestServer.adminToken
        for header in ["Bearer \(token)", "bearer \(token)", "BEARER \(token)", "bEaReR \(token)",
                       "Bearer  \(token)", "Bearer \(token) ", "Bearer \t\(token)\t"] {
            let response = try client.request("GET", "/api/v1/tokens", headers: [("Authorization", header)])
            #expect(response.status == 200, "\(header.debugDescription)")
        }
        for header in ["Bearer\t\(token)", "Bearer \(token.dropLast()) \(token.suffix(1))", "Bearer \(token)x",
                       "Bearer \(token.uppercased())", "Bearer_\(token)"] {
            let response = try client.request("GET", "/api/v1/tokens", headers: [("Authorization", header)])
            #expect(response.status == 401, "\(header.debugDescription)")
        }
    }

    /// Credentials of another scheme are no token: a proxy that guards a dashboard with Basic
    /// auth forwards them, and the public catalogue, the resolver and the health checks must still
    /// answer. Protected routes still ask for a bearer token, and the failure limit counts nothing.
    @Test func anotherSchemeIsAnonymous() throws {
        for header in ["Basic dXNlcjpwYXNz", "", "Digest username=\"a\"", "Bearerx abc"] {
            for path in ["/api/v1/producers", "/healthz", "/openapi.json"] {
                let response = try client.request("GET", path, headers: [("Authorization", header)])
                #expect(response.status == 200, "\(header) \(path): \(response.text)")
            }
            let response = try client.request("GET", "/api/v1/tokens", headers: [("Authorization", header)])
            #expect(response.status == 401, "\(header)")
            #expect(response.header("WWW-Authenticate") == #"Bearer realm="ocop""#)
        }
    }
}
