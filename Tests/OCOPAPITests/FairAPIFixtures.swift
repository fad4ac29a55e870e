import Foundation
import JSON
import OCOP
import Testing

/// Drives the trade-promotion API as an officer would, on a clock the test moves.
/// Namespaced so other suites' helpers never collide.
struct TradeAPI {
    let server: TestServer
    let client: TestClient
    let clock: CertificationClock
    let officer: (String, String)

    init(now: String = "2024-04-20T09:00:00+07:00") throws {
        let clock = CertificationClock(now)
        self.clock = clock
        server = try TestServer(clock: { clock.now() })
        client = try server.client()
        officer = bearer(try server.token("officer"))
    }

    /// Sets the clock to 09:00 in Vietnam on `day`.
    func today(_ day: String) { clock.set("\(day)T09:00:00+07:00") }

    func request(_ method: String, _ path: String, _ body: String? = nil, headers: [(String, String)] = [],
                 contentType: String = "application/json") throws -> WireResponse {
        try client.request(method, path, headers: [officer] + headers, body: body, contentType: contentType)
    }

    func post(_ path: String, _ body: String, headers: [(String, String)] = []) throws -> WireResponse {
        try request("POST", path, body, headers: headers)
    }

    func get(_ path: String, headers: [(String, String)] = []) throws -> WireResponse {
        try request("GET", path, headers: headers)
    }

    func patch(_ path: String, _ body: String, ifMatch: String? = nil) throws -> WireResponse {
        try request("PATCH", path, body, headers: ifMatch.map { [("If-Match", $0)] } ?? [],
                    contentType: "application/merge-patch+json")
    }

    /// POSTs and returns the new item's id, recording an issue unless the answer is 201.
    @discardableResult
    func create(_ path: String, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int64 {
        let response = try post(path, body)
        #expect(response.status == 201, "\(path): \(response.text)", sourceLocation: sourceLocation)
        return try #require(try response.json["id"]?.int64Value, sourceLocation: sourceLocation)
    }

    func producer(_ name: String, kind: String = "cooperative") throws -> Int64 {
        try create("/api/v1/producers", #"{"name":"\#(name)","kind":"\#(kind)","district":"Bình Liêu"}"#)
    }

    func product(_ code: String, producer: Int64, name: String? = nil) throws -> Int64 {
        try create("/api/v1/products", #"{"code":"\#(code)","name":"\#(name ?? "Sản phẩm \(code)")","producer_id":\#(producer),"group":"food"}"#)
    }

    func fair(_ name: String, kind: String = "provincial_fair", from: String, to: String, province: String? = nil,
              visitors: Int64 = 0) throws -> Int64 {
        let place = province.map { #","province":"\#($0)""# } ?? ""
        return try create("/api/v1/fairs", #"""
            {"name":"\#(name)","kind":"\#(kind)","starts_on":"\#(from)","ends_on":"\#(to)","visitors":\#(visitors)\#(place)}
            """#)
    }

    func booth(fair: Int64, producer: Int64, products: [Int64] = []) throws -> Int64 {
        try create("/api/v1/fairs/\(fair)/booths", #"{"producer_id":\#(producer),"product_ids":\#(products)}"#)
    }

    func booth(fair: Int64, exhibitor: String, province: String) throws -> Int64 {
        try create("/api/v1/fairs/\(fair)/booths", #"{"exhibitor_name":"\#(exhibitor)","province":"\#(province)"}"#)
    }

    @discardableResult
    func sale(fair: Int64, booth: Int64, on day: String, _ revenue: Int64, units: String = "") throws -> Int64 {
        let lines = units.isEmpty ? "" : #","units":\#(units)"#
        return try create("/api/v1/fairs/\(fair)/booths/\(booth)/sales", #"{"day":"\#(day)","revenue_vnd":\#(revenue)\#(lines)}"#)
    }

    /// The `field` of every error of a problem response.
    static func errorFields(_ response: WireResponse) throws -> [String] {
        try #require(try response.json["errors"]?.arrayValue).compactMap { $0["field"]?.stringValue }
    }

    /// The ids of a list response, in order.
    func ids(_ path: String) throws -> [Int64] {
        let response = try get(path)
        #expect(response.status == 200, "\(path): \(response.text)")
        return try #require(try response.json["items"]?.arrayValue).compactMap { $0["id"]?.int64Value }
    }
}
