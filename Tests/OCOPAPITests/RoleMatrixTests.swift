import Foundation
import OCOP
import OCOPAPI
import Testing

/// API.md's roles on every route the server has, as each route declares them: an officer may not
/// use an admin's routes, a point-of-sale terminal may use only the routes open to it, and on
/// those under `/points-of-sale/{id}` only its own point of sale's; a fair booth's token, only
/// its takings' routes. Driven by the router, so a
/// route added later is checked the day it is added.
@Suite(.serialized) struct RoleMatrixTests {
    let server: TestServer
    let client: TestClient

    init() throws {
        server = try TestServer(configure: { $0.demo = true })
        client = try server.client()
    }

    /// `pattern` with ids that name nothing, so no request here changes anything; except that a
    /// point of sale's records (`/points-of-sale/{id}/…`) are asked of `pointOfSale`, and a booth's
    /// (`/fairs/{id}/booths/{bid}/…`) of `booth` in fair 1.
    private func path(_ pattern: String, pointOfSale: Int, booth: Int64? = nil) -> String {
        let segments = pattern.split(separator: "/").map(String.init)
        var filled: [String] = []
        for (index, segment) in segments.enumerated() {
            guard segment.hasPrefix("{") else { filled.append(segment); continue }
            let hasRecordsBelow = index + 1 < segments.count
            switch (filled.last, booth) {
            case ("points-of-sale", _) where hasRecordsBelow: filled.append(String(pointOfSale))
            case ("fairs", .some) where hasRecordsBelow: filled.append("1")
            case ("booths", .some(let booth)): filled.append(String(booth))
            default: filled.append("999999")
            }
        }
        return "/" + filled.joined(separator: "/")
    }

    @Test func everyRouteEnforcesTheRolesItDeclares() throws {
        let officer = bearer(try server.token("officer"))
        let terminal = bearer(try server.token("pos", pointOfSale: 1))
        let boothID = try #require(try client.request("GET", "/api/v1/fairs/1/booths?limit=1", headers: [bearer(TestServer.adminToken)])
            .json["items"]?.arrayValue?.first?["id"]?.int64Value, "the demo's first fair has no booth")
        let booth = bearer(try server.token("booth", fairBooth: boothID))
        var checked: [String] = [], boothRoutes = 0
        for route in server.app.routes where !route.doc.isFallback {
            guard case .roles(let roles) = route.access else { continue }
            let method = route.method.rawValue
            let body: String? = [.post, .put, .patch].contains(route.method) ? "{}" : nil
            let own = path(route.pattern, pointOfSale: 1)
            let asOfficer = try client.request(method, own, headers: [officer, ("If-Match", "*")], body: body)
            #expect((asOfficer.status == 403) == !roles.contains(.officer), "officer: \(method) \(own) → \(asOfficer.status)")
            let asTerminal = try client.request(method, own, headers: [terminal, ("If-Match", "*")], body: body)
            #expect((asTerminal.status == 403) == !roles.contains(.pos), "pos of 1: \(method) \(own) → \(asTerminal.status)")
            if !roles.contains(.booth) {
                let asBooth = try client.request(method, own, headers: [booth, ("If-Match", "*")], body: body)
                #expect(asBooth.status == 403, "booth: \(method) \(own) → \(asBooth.status)")
            }
            if roles.contains(.booth), route.pattern.hasPrefix("/api/v1/fairs/{id}/booths/{bid}") {
                let mine = path(route.pattern, pointOfSale: 1, booth: boothID)
                let atMine = try client.request(method, mine, headers: [booth, ("If-Match", "*")], body: body)
                #expect(atMine.status != 403, "booth \(boothID): \(method) \(mine) → \(atMine.status)")
                let other = path(route.pattern, pointOfSale: 1, booth: boothID + 1)
                let atOther = try client.request(method, other, headers: [booth, ("If-Match", "*")], body: body)
                #expect(atOther.status == 403, "booth \(boothID): \(method) \(other) → \(atOther.status)")
                boothRoutes += 1
            }
            if roles.contains(.pos), route.pattern.hasPrefix("/api/v1/points-of-sale/{id}") {
                let other = path(route.pattern, pointOfSale: 2)
                let elsewhere = try client.request(method, other, headers: [terminal, ("If-Match", "*")], body: body)
                #expect(elsewhere.status == 403, "pos of 1: \(method) \(other) → \(elsewhere.status)")
            }
            checked.append("\(method) \(route.pattern)")
        }
        #expect(checked.count >= 80 && boothRoutes >= 3, "\(checked.count) routes, \(boothRoutes) of a booth's")
        #expect(checked.contains("POST /api/v1/points-of-sale/{id}/sales"), "\(checked)")
    }
}
