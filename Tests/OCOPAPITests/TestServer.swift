import Foundation
import JSON
import OCOP
import OCOPAPI
import TestSupport

/// A real server on an ephemeral port with a fresh SQLite file in a temp dir.
final class TestServer {
    static let adminToken = "ocop_test-admin-secret-0123456789abcdef"

    let app: Application
    let port: Int
    let directory: String
    var databasePath: String { directory + "/ocop.sqlite" }

    init(clock: @escaping @Sendable () -> Timestamp = Timestamp.now,
         configure: (inout Configuration) -> Void = { _ in }) throws {
        directory = Scratch.path("ocop-test")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = Configuration()
        config.database = directory + "/ocop.sqlite"
        config.port = 0
        config.accessLog = false
        config.eventLoops = 2
        config.blockingThreads = 8
        config.databaseSynchronous = "normal"
        configure(&config)
        app = try Application(configuration: config, adminToken: Self.adminToken, clock: clock)
        port = try app.start()
    }

    deinit {
        app.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func client() throws -> TestClient { try TestClient(port: port) }

    /// A new token of `role` made through the API; for `pos`, the point of sale is registered first if missing.
    func token(_ role: String, pointOfSale: Int? = nil, fairBooth: Int64? = nil) throws -> String {
        if let pointOfSale { try ensurePointOfSale(pointOfSale) }
        let client = try client()
        var body = #"{"name":"test \#(role)","role":"\#(role)""#
        if let pointOfSale { body += #","point_of_sale_id":\#(pointOfSale)"# }
        if let fairBooth { body += #","fair_booth_id":\#(fairBooth)"# }
        body += "}"
        let response = try client.request("POST", "/api/v1/tokens", headers: [("Authorization", "Bearer \(Self.adminToken)")], body: body)
        guard response.status == 201, let secret = try response.json["token"]?.stringValue else {
            throw TestClientError.malformed("token create: \(response.status) \(response.text)")
        }
        return secret
    }
}

extension TestServer {
    /// Registers points of sale until one with `id` exists (ids are assigned 1, 2, 3…), because
    /// a pos token must be bound to a registered point of sale.
    func ensurePointOfSale(_ id: Int) throws {
        let client = try client()
        while try client.request("GET", "/api/v1/points-of-sale/\(id)").status == 404 {
            let response = try client.request("POST", "/api/v1/points-of-sale", headers: [bearer(Self.adminToken)],
                                              body: #"{"code":"TEST-\#(UUID().uuidString)","name":"Điểm bán thử","kind":"store"}"#)
            guard response.status == 201, let made = try response.json["id"]?.int64Value else {
                throw TestClientError.malformed("point of sale create: \(response.status) \(response.text)")
            }
            if made >= id { return }   // ids never go back: \(id) exists now or never will
        }
    }
}

func bearer(_ token: String) -> (String, String) { ("Authorization", "Bearer \(token)") }

extension TestServer {
    /// A server on the demo province, a client of it, and the OpenAPI document it serves: where
    /// the suites that hold the server to its document start.
    static func demoWithDocument() throws -> (TestServer, TestClient, JSONValue) {
        let server = try TestServer(configure: { $0.demo = true })
        let client = try server.client()
        return (server, client, try client.request("GET", "/openapi.json").json)
    }
}
