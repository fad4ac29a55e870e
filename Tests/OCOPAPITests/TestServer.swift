import Foundation
import OCOP
import OCOPAPI

/// A real server on an ephemeral port with a fresh SQLite file in a temp dir.
final class TestServer {
    static let adminToken = "ocop_test-admin-secret-0123456789abcdef"

    let app: Application
    let port: Int
    let directory: String
    var databasePath: String { directory + "/ocop.sqlite" }

    init(clock: @escaping @Sendable () -> Timestamp = Timestamp.now,
         configure: (inout Configuration) -> Void = { _ in }) throws {
        directory = NSTemporaryDirectory() + "ocop-test-" + UUID().uuidString
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

    /// A new token of `role` made through the API.
    func token(_ role: String, pointOfSale: Int? = nil) throws -> String {
        let client = try client()
        var body = #"{"name":"test \#(role)","role":"\#(role)""#
        if let pointOfSale { body += #","point_of_sale_id":\#(pointOfSale)"# }
        body += "}"
        let response = try client.request("POST", "/api/v1/tokens", headers: [("Authorization", "Bearer \(Self.adminToken)")], body: body)
        guard response.status == 201, let secret = try response.json["token"]?.stringValue else {
            throw TestClientError.malformed("token create: \(response.status) \(response.text)")
        }
        return secret
    }
}

func bearer(_ token: String) -> (String, String) { ("Authorization", "Bearer \(token)") }
