import Foundation
import JSON
import OCOP
import Synchronization
import Testing

/// The server's clock in these suites, which a test can move forward.
final class PointOfSaleClock: Sendable {
    private let instant: Mutex<Timestamp>

    init(_ start: Timestamp) { instant = Mutex(start) }

    func now() -> Timestamp { instant.withLock { $0 } }

    func advance(minutes: Int) {
        instant.withLock { $0 = Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + Int64(minutes) * 60_000) }
    }
}

/// A running server with a point of sale, products and terminal tokens, and the requests a
/// terminal makes — namespaced so other suites' helpers never collide.
struct PointOfSaleAPI {
    /// Where the server's clock starts in these suites: 2025-03-08 20:00 in Quảng Ninh. Device times are that morning.
    static let serverNow = Timestamp(rfc3339: "2025-03-08T20:00:00+07:00")!

    let server: TestServer
    let client: TestClient
    let clock = PointOfSaleClock(PointOfSaleAPI.serverNow)
    let admin = bearer(TestServer.adminToken)

    init() throws {
        let clock = self.clock
        server = try TestServer(clock: { clock.now() })
        client = try server.client()
    }

    /// Registers a point of sale through the API; `extra` is appended to the JSON object.
    func pointOfSale(_ code: String, name: String = "Điểm bán OCOP", kind: String = "store", extra: String = "") throws -> Int64 {
        let response = try client.request("POST", "/api/v1/points-of-sale", headers: [admin],
                                          body: #"{"code":"\#(code)","name":"\#(name)","kind":"\#(kind)"\#(extra)}"#)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json["id"]?.int64Value)
    }

    /// `count` products of one producer, made through the API; codes SP-1, SP-2, …
    func products(_ count: Int) throws -> [Int64] {
        let producer = try client.request("POST", "/api/v1/producers", headers: [admin],
                                          body: #"{"name":"Hợp tác xã Miến dong Bình Liêu","kind":"cooperative"}"#)
        let producerID = try #require(try producer.json["id"]?.int64Value)
        return try (1...count).map { n in
            let response = try client.request("POST", "/api/v1/products", headers: [admin],
                                              body: #"{"code":"SP-\#(n)","name":"Miến dong \#(n)","producer_id":\#(producerID),"group":"food"}"#)
            #expect(response.status == 201, "\(response.text)")
            return try #require(try response.json["id"]?.int64Value)
        }
    }

    /// A pos token bound to `pointOfSale`.
    func terminal(_ pointOfSale: Int64) throws -> (String, String) {
        bearer(try server.token("pos", pointOfSale: Int(pointOfSale)))
    }

    /// A readable UUID ending in `n`.
    static func id(_ n: Int) -> String {
        let digits = String(n)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    /// Device time `minutes` after 09:00 on 2025-03-08, written with the +07:00 offset terminals use.
    static func at(_ minutes: Int) -> String {
        Timestamp(millisecondsSinceEpoch: Timestamp(rfc3339: "2025-03-08T09:00:00+07:00")!.millisecondsSinceEpoch
                  + Int64(minutes) * 60_000).rfc3339(utcOffsetSeconds: 7 * 3600)
    }

    static func count(_ n: Int, _ product: Int64, _ level: Int, at minutes: Int) -> String {
        #"{"change_id":"\#(id(n))","product_id":\#(product),"occurred_at":"\#(at(minutes))","count":\#(level)}"#
    }

    static func adjust(_ n: Int, _ product: Int64, _ delta: Int, _ reason: String, at minutes: Int) -> String {
        #"{"change_id":"\#(id(n))","product_id":\#(product),"occurred_at":"\#(at(minutes))","adjust":\#(delta),"reason":"\#(reason)"}"#
    }

    static func batch(_ changes: [String]) -> String { #"{"changes":[\#(changes.joined(separator: ","))]}"# }

    func postChanges(_ pointOfSale: Int64, _ changes: [String], as caller: (String, String)? = nil,
                     on connection: TestClient? = nil) throws -> WireResponse {
        try (connection ?? client).request("POST", "/api/v1/points-of-sale/\(pointOfSale)/inventory/changes",
                                           headers: [caller ?? admin], body: Self.batch(changes))
    }

    /// The level of a product as `GET …/inventory/{product_id}` reports it.
    func level(_ pointOfSale: Int64, _ product: Int64) throws -> Int64? {
        let response = try client.request("GET", "/api/v1/points-of-sale/\(pointOfSale)/inventory/\(product)", headers: [admin])
        return try response.json["level"]?.int64Value
    }

    /// The `field` of every entry of a problem's `errors`.
    static func errorFields(_ response: WireResponse) throws -> Set<String> {
        Set(try response.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
    }

    static func outcomes(_ response: WireResponse) throws -> [String] {
        try response.json["results"]?.arrayValue?.compactMap { $0["outcome"]?.stringValue } ?? []
    }
}
