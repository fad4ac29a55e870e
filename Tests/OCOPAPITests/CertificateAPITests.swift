import Foundation
import JSON
import OCOP
import Testing
import TestSupport

/// Certificates end to end: revocation, computed status across midnight, ETags, CSV, the start-up sweep.
@Suite struct CertificateAPITests {
    let clock = CertificationClock("2024-12-20T03:00:00Z")
    let server: TestServer
    let api: CertificationAPI

    init() throws {
        let clock = self.clock
        server = try TestServer(clock: { clock.now() })
        api = try CertificationAPI(server: server)
    }

    func audit(_ id: Int64) throws -> [JSONValue] {
        let response = try api.get("/api/v1/audit?entity=certificate&entity_id=\(id)")
        return try #require(try response.json["items"]?.arrayValue).reversed()
    }

    @Test func revokingACertificate() throws {
        let certificate = try api.certify(code: "QN-1")
        let id = try #require(certificate["id"]?.int64Value)
        let path = "/api/v1/certificates/\(id)/revoke"
        #expect(try api.client.request("POST", path, body: #"{"reason":"violation"}"#).status == 401)
        let badReason = try api.post(path, #"{"reason":"tired","extra":1}"#)
        #expect(try Set(CertificationAPI.fields(badReason)) == ["reason", "extra"])
        #expect(try api.post(path, #"{"reason":"violation"}"#, headers: [("If-Match", "W/\"7\"")]).status == 412)
        let revoked = try api.post(path, #"{"reason":"violation","note":"Vi phạm ghi nhãn"}"#, headers: [("If-Match", "W/\"1\"")])
        #expect(revoked.status == 200, "\(revoked.text)")
        #expect(try revoked.json["status"]?.stringValue == "revoked")
        #expect(try revoked.json["revoked_on"]?.stringValue == "2024-12-20")
        #expect(try revoked.json["revocation_reason"]?.stringValue == "violation")
        #expect(try revoked.json["revocation_note"]?.stringValue == "Vi phạm ghi nhãn")
        #expect(revoked.header("ETag") == "W/\"2\"")
        let again = try api.post(path, #"{"reason":"violation"}"#)
        #expect(again.status == 409)
        let entries = try audit(id)
        #expect(entries.map { $0["action"]?.stringValue } == ["create", "revoke"])
        #expect(entries.last?["changes"]?["status"]?["to"]?.stringValue == "revoked")
        #expect(try api.get("/api/v1/certificates?status=revoked").json["items"]?.arrayValue?.count == 1)
        #expect(try api.post("/api/v1/certificates/999/revoke", #"{"reason":"violation"}"#).status == 404)
    }

    @Test func aRenewalShowsInTheHistoryNewestFirst() throws {
        let product = try api.product(code: "QN-7")
        clock.set("2021-11-25T09:00:00+07:00")
        let first = try api.round(heldOn: "2021-11-01")
        let r1 = try #require(try api.record(round: first, product: product, [["25", "15", "20"]]).json["id"]?.int64Value)
        let old = try #require(try api.decide(round: first, result: r1, number: "88/QĐ-UBND", on: "2021-11-20").json["id"]?.int64Value)
        clock.set("2025-03-01T09:00:00+07:00")
        #expect(try api.client.request("GET", "/api/v1/certificates/\(old)").json["status"]?.stringValue == "expired")
        let second = try api.round(heldOn: "2025-02-10")
        let recorded = try api.record(round: second, product: product, [["35", "20", "30"]])
        #expect(try recorded.json["outcome"]?.stringValue == "upgraded")
        #expect(try recorded.json["previous_certificate_id"]?.int64Value == old)
        let r2 = try #require(try recorded.json["id"]?.int64Value)
        let renewal = try api.decide(round: second, result: r2, number: "301/QĐ-UBND", on: "2025-02-25")
        let new = try #require(try renewal.json["id"]?.int64Value)
        #expect(try renewal.json["previous_id"]?.int64Value == old)
        let history = try api.client.request("GET", "/api/v1/products/\(product)/certificates")
        let items = try #require(try history.json["items"]?.arrayValue)
        #expect(items.map { $0["id"]?.int64Value } == [new, old])
        #expect(items.map { $0["status"]?.stringValue } == ["active", "renewed"])
        #expect(items.last?["renewed_by_id"]?.int64Value == new)
        #expect(try api.client.request("GET", "/api/v1/products/999/certificates").status == 404)
        #expect(try api.client.request("GET", "/api/v1/products/\(product)/certificates?status=renewed")
                    .json["items"]?.arrayValue?.count == 1)
        let trail = try audit(old)
        #expect(trail.map { $0["action"]?.stringValue } == ["create", "status_changed", "renew"])
    }

    /// Decision numbers restart every year: "88/QĐ-UBND" of 2021 and of 2025 are two decisions,
    /// and the product re-recognised under the second gets its certificate. One decision (number
    /// and day) still recognises a product once.
    @Test func aDecisionNumberMayComeBackInALaterYear() throws {
        let product = try api.product(code: "QN-8")
        clock.set("2021-11-25T09:00:00+07:00")
        let first = try api.round(heldOn: "2021-11-01")
        let r1 = try #require(try api.record(round: first, product: product, [["25", "15", "20"]]).json["id"]?.int64Value)
        let old = try api.decide(round: first, result: r1, number: "88/QĐ-UBND", on: "2021-11-20").json
        clock.set("2025-03-01T09:00:00+07:00")
        let second = try api.round(heldOn: "2025-02-10")
        let r2 = try #require(try api.record(round: second, product: product, [["35", "20", "30"]]).json["id"]?.int64Value)
        let again = try api.decide(round: second, result: r2, number: "88/QĐ-UBND", on: "2025-02-25")
        #expect(again.status == 201, "\(again.text)")
        #expect(try again.json["number"]?.stringValue == old["number"]?.stringValue)
        #expect(try again.json["previous_id"]?.int64Value == old["id"]?.int64Value)
        // The same decision for the same product twice (a second round's result, same number and day).
        let third = try api.round(heldOn: "2025-02-12")
        let r3 = try #require(try api.record(round: third, product: product, [["35", "20", "30"]]).json["id"]?.int64Value)
        let twice = try api.decide(round: third, result: r3, number: "88/QĐ-UBND", on: "2025-02-25")
        #expect(twice.status == 409, "\(twice.text)")
    }

    @Test func aCachedCopyFromBeforeMidnightIsNotServedAfterIt() throws {
        let certificate = try api.certify(code: "QN-1")
        let id = try #require(certificate["id"]?.int64Value)
        let path = "/api/v1/certificates/\(id)"
        clock.set("2027-11-12T23:59:00+07:00")
        let before = try api.client.request("GET", path)
        #expect(before.header("ETag") == "W/\"1\"")
        #expect(try api.client.request("GET", path, headers: [("If-None-Match", "W/\"1\"")]).status == 304)
        clock.set("2027-11-13T00:00:30+07:00")   // now expiring, and no sweep has run
        let after = try api.client.request("GET", path, headers: [("If-None-Match", "W/\"1\"")])
        #expect(after.status == 200)
        #expect(try after.json["status"]?.stringValue == "expiring")
        #expect(after.header("ETag") == "W/\"2\"")
    }

    @Test func listFiltersCSVAndErrors() throws {
        let a = try #require(try api.certify(code: "QN-1", decidedOn: "2024-12-13")["id"]?.int64Value)
        let b = try #require(try api.certify(code: "QN-2", heldOn: "2024-10-01", decidedOn: "2024-10-15")["id"]?.int64Value)
        let sorted = try api.client.request("GET", "/api/v1/certificates?sort=expires_on&limit=1")
        #expect(try sorted.json["items"]?.arrayValue?.first?["id"]?.int64Value == b)
        let link = try #require(sorted.header("Link"))
        #expect(link.contains("rel=\"next\""))
        let next = try #require(try sorted.json["next_cursor"]?.stringValue)
        let page2 = try api.client.request("GET", "/api/v1/certificates?sort=expires_on&limit=1&cursor=\(next)")
        #expect(try page2.json["items"]?.arrayValue?.first?["id"]?.int64Value == a)
        let window = try api.client.request("GET", "/api/v1/certificates?expires_after=2027-10-15&expires_before=2027-12-13")
        #expect(try window.json["items"]?.arrayValue?.isEmpty == true)
        let window2 = try api.client.request("GET", "/api/v1/certificates?expires_after=2027-10-14&expires_before=2027-12-14")
        #expect(try window2.json["items"]?.arrayValue?.count == 2)
        let csv = try api.client.request("GET", "/api/v1/certificates.csv?stars=4")
        #expect(csv.status == 200)
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(Array(csv.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(csv.text.contains("QĐ-UBND/QN-1"))
        #expect(csv.text.contains(",active,"))
        for bad in ["status=valid", "stars=6", "expires_before=2027-02-30", "sort=stars", "colour=red"] {
            #expect(try api.client.request("GET", "/api/v1/certificates?\(bad)").status == 422, "\(bad)")
        }
        #expect(try api.client.request("GET", "/api/v1/certificates/999").status == 404)
        // A swapped window names its start, like every day range.
        let swapped = try api.client.request("GET", "/api/v1/certificates?expires_after=2027-12-13&expires_before=2027-10-15")
        #expect(try CertificationAPI.fields(swapped) == ["expires_after"])
    }

    @Test func theStartUpSweepLogsWhatTheCalendarChanged() throws {
        let directory = Scratch.path("ocop-cert")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/ocop.sqlite"
        let clock = CertificationClock("2024-12-20T03:00:00Z")
        var id: Int64 = 0
        do {
            let first = try TestServer(clock: { clock.now() }, configure: { $0.database = database })
            id = try #require(try CertificationAPI(server: first).certify(code: "QN-1")["id"]?.int64Value)
        }
        // The server was down over the notice date; at start-up the change goes into the log.
        clock.set("2027-11-20T08:00:00+07:00")
        let second = try TestServer(clock: { clock.now() }, configure: { $0.database = database })
        let api = try CertificationAPI(server: second)
        let response = try api.get("/api/v1/audit?entity=certificate&entity_id=\(id)")
        let entries = try #require(try response.json["items"]?.arrayValue)
        #expect(entries.first?["action"]?.stringValue == "status_changed")
        #expect(entries.first?["changes"]?["status"]?["from"]?.stringValue == "active")
        #expect(entries.first?["changes"]?["status"]?["to"]?.stringValue == "expiring")
        #expect(entries.first?["token_id"]?.isNull == true)
        let certificate = try api.client.request("GET", "/api/v1/certificates/\(id)")
        #expect(certificate.header("ETag") == "W/\"2\"")
    }

    @Test func aRunningServerLogsTheCalendarsChangeSoonAfterMidnight() throws {
        let id = try #require(try api.certify(code: "QN-1")["id"]?.int64Value)
        #expect(try audit(id).allSatisfy { $0["action"]?.stringValue != "status_changed" })
        // Midnight in Hà Nội on the notice date passes while the server runs; the day check
        // (every `CalendarSweep.checkSeconds`) sweeps without any request touching it.
        clock.set("2027-11-20T00:00:05+07:00")
        let deadline = Date().addingTimeInterval(30)
        var changed: JSONValue?
        while changed == nil, Date() < deadline {
            changed = try audit(id).first { $0["action"]?.stringValue == "status_changed" }
            if changed == nil { Thread.sleep(forTimeInterval: 0.5) }
        }
        let entry = try #require(changed, "no status_changed entry within 30 s")
        #expect(entry["changes"]?["status"]?["to"]?.stringValue == "expiring")
        #expect(try audit(id).filter { $0["action"]?.stringValue == "status_changed" }.count == 1, "once")
    }
}
