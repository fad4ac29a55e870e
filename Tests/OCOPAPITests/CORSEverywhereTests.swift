import Foundation
import JSON
import Testing

/// CORS on every path of the document, for a dashboard on a configured origin: a preflight for
/// each documented method is allowed, and every answer, refusals included (a dashboard must read
/// a 401's or a 422's problem), names the origin; a stranger's origin is named nowhere.
@Suite struct CORSEverywhereTests {
    @Test func everyDocumentedMethodIsAllowedToTheDashboardAndItsRefusalsAreReadable() throws {
        let dashboard = "https://dashboard.ocop.example"
        let server = try TestServer(configure: { $0.demo = true; $0.corsOrigins = [dashboard] })
        let client = try server.client()
        let document = try client.request("GET", "/openapi.json").json
        var checked = 0
        for (pattern, operations) in (document["paths"]?.objectValue ?? [:]).members {
            let path = pattern.replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression)
            for method in (operations.objectValue ?? [:]).keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                let preflight = try client.request("OPTIONS", path, headers: [
                    ("Origin", dashboard), ("Access-Control-Request-Method", method.uppercased()),
                    ("Access-Control-Request-Headers", "authorization, content-type, if-match, idempotency-key")])
                #expect(preflight.status == 204 && preflight.header("Access-Control-Allow-Origin") == dashboard
                            && preflight.header("Access-Control-Allow-Methods")?.contains(method.uppercased()) == true,
                        "preflight \(method) \(path): \(preflight.status) \(preflight.header("Access-Control-Allow-Methods") ?? "none")")
                // Without a token: the answer (often a 401) must still be readable by the dashboard.
                let actual = try client.request(method.uppercased(), path, headers: [("Origin", dashboard)],
                                                body: method == "get" || method == "delete" ? nil : "{}")
                #expect(actual.header("Access-Control-Allow-Origin") == dashboard, "\(method) \(path) → \(actual.status) without CORS")
                let stranger = try client.request(method.uppercased(), path, headers: [("Origin", "https://evil.example")],
                                                  body: method == "get" || method == "delete" ? nil : "{}")
                #expect(stranger.header("Access-Control-Allow-Origin") == nil, "\(method) \(path) names a stranger")
                checked += 1
            }
        }
        #expect(checked >= 130, "\(checked)")
    }
}
