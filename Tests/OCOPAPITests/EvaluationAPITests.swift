import Foundation
import JSON
import Testing

/// Evaluation rounds, results and decisions end to end: real socket, real SQLite file, injected clock.
@Suite struct EvaluationAPITests {
    let clock = CertificationClock("2024-12-20T03:00:00Z")
    let server: TestServer
    let api: CertificationAPI

    init() throws {
        let clock = self.clock
        server = try TestServer(clock: { clock.now() })
        api = try CertificationAPI(server: server)
    }

    @Test func theWholeFlowFromRoundToExpiringCertificate() throws {
        let product = try api.product(code: "QN-2024-0012")
        // Create a round.
        let created = try api.post("/api/v1/evaluation-rounds", #"""
            {"name":"Đánh giá, phân hạng sản phẩm OCOP lần thứ 9 năm 2024","council_level":"province","held_on":"2024-11-20","decision_ref":"125/QĐ-UBND"}
            """#)
        #expect(created.status == 201, "\(created.text)")
        let round = try #require(try created.json["id"]?.int64Value)
        #expect(created.header("Location") == "/api/v1/evaluation-rounds/\(round)")
        #expect(created.header("ETag") == "W/\"1\"")
        #expect(try created.json["sheet_version"]?.stringValue == "2023")
        #expect(try created.json["legal_basis"]?.stringValue?.contains("148/QĐ-TTg") == true)
        #expect(try api.get("/api/v1/evaluation-rounds/\(round)").json == created.json)

        // Record scores: 85, 86, 85 → 85.33, 4 stars.
        let recorded = try api.record(round: round, product: product, [["35", "20", "30"], ["36", "20", "30"], ["35", "20", "30"]])
        #expect(recorded.status == 201, "\(recorded.text)")
        let result = try recorded.json
        let resultID = try #require(result["id"]?.int64Value)
        #expect(recorded.header("Location") == "/api/v1/evaluation-rounds/\(round)/results/\(resultID)")
        #expect(result["average_score"]?.stringValue == "85.33")
        #expect(result["stars_earned"]?.int64Value == 4)
        #expect(result["stars_awarded"]?.int64Value == 4)
        #expect(result["proposed_to_next_level"]?.boolValue == false)
        #expect(result["outcome"]?.stringValue == "new")
        #expect(result["previous_certificate_id"]?.isNull == true)
        #expect(result["member_scores"]?.arrayValue?.first?["total"]?.int64Value == 85)
        #expect(try api.get("/api/v1/evaluation-rounds/\(round)/results/\(resultID)").json == result)
        let listed = try api.get("/api/v1/evaluation-rounds/\(round)/results")
        #expect(try listed.json["items"]?.arrayValue?.count == 1)

        // Decide: the certificate.
        let decided = try api.decide(round: round, result: resultID)
        #expect(decided.status == 201, "\(decided.text)")
        let certificate = try decided.json
        let certificateID = try #require(certificate["id"]?.int64Value)
        #expect(decided.header("Location") == "/api/v1/certificates/\(certificateID)")
        #expect(certificate["number"]?.stringValue == "1234/QĐ-UBND/QN-2024-0012")
        #expect(certificate["stars"]?.int64Value == 4)
        #expect(certificate["decided_on"]?.stringValue == "2024-12-13")
        #expect(certificate["expires_on"]?.stringValue == "2027-12-13")
        #expect(certificate["status"]?.stringValue == "active")
        #expect(certificate["council_level"]?.stringValue == "province")
        #expect(certificate["product_id"]?.int64Value == product)
        #expect(try api.get("/api/v1/evaluation-rounds/\(round)/results/\(resultID)").json["certificate_id"]?.int64Value == certificateID)

        // See it, anonymously too: stars are public.
        let anonymous = try api.client.request("GET", "/api/v1/certificates/\(certificateID)")
        #expect(anonymous.status == 200)
        #expect(try anonymous.json == certificate)
        let history = try api.client.request("GET", "/api/v1/products/\(product)/certificates")
        #expect(try history.json["items"]?.arrayValue?.map { $0["id"]?.int64Value } == [certificateID])

        // List what expires soon, on the exact days.
        clock.set("2027-11-12T10:00:00+07:00")   // 31 days left
        #expect(try api.client.request("GET", "/api/v1/certificates?status=expiring").json["items"]?.arrayValue?.isEmpty == true)
        #expect(try api.client.request("GET", "/api/v1/certificates/\(certificateID)").json["status"]?.stringValue == "active")
        clock.set("2027-11-13T00:00:00+07:00")   // 30 days left, just after midnight in Hà Nội
        let expiring = try api.client.request("GET", "/api/v1/certificates?status=expiring")
        #expect(try expiring.json["items"]?.arrayValue?.map { $0["id"]?.int64Value } == [certificateID])
        #expect(try expiring.json["items"]?.arrayValue?.first?["status"]?.stringValue == "expiring")
        clock.set("2027-12-13T23:59:00+07:00")
        #expect(try api.client.request("GET", "/api/v1/certificates/\(certificateID)").json["status"]?.stringValue == "expiring")
        clock.set("2027-12-14T00:00:00+07:00")
        #expect(try api.client.request("GET", "/api/v1/certificates/\(certificateID)").json["status"]?.stringValue == "expired")
        let expired = try api.client.request("GET", "/api/v1/certificates?status=expired&product_id=\(product)")
        #expect(try expired.json["items"]?.arrayValue?.count == 1)
    }

    @Test func roundsAreForOfficersOnly() throws {
        #expect(try api.client.request("GET", "/api/v1/evaluation-rounds").status == 401)
        let pos = try server.token("pos", pointOfSale: 2)
        #expect(try api.client.request("GET", "/api/v1/evaluation-rounds", headers: [bearer(pos)]).status == 403)
        let posWrite = try api.client.request("POST", "/api/v1/evaluation-rounds", headers: [bearer(pos)],
                                              body: #"{"name":"x","council_level":"province","held_on":"2024-01-01"}"#)
        #expect(posWrite.status == 403)
        #expect(try api.get("/api/v1/evaluation-rounds").status == 200)
    }

    @Test func roundValidation() throws {
        let district = try api.post("/api/v1/evaluation-rounds", #"{"name":"x","council_level":"district","held_on":"2025-07-06"}"#)
        #expect(district.status == 422)
        #expect(try CertificationAPI.fields(district) == ["council_level"])
        #expect(try district.json["errors"]?.arrayValue?.first?["message"]?.stringValue?.contains("1489") == true)
        let lastDistrictDay = try api.post("/api/v1/evaluation-rounds",
                                           #"{"name":"x","council_level":"district","held_on":"2025-07-05"}"#)
        #expect(lastDistrictDay.status == 201)
        let bad = try api.post("/api/v1/evaluation-rounds",
                               #"{"name":"","council_level":"ward","held_on":"2024-13-01","sheet_version":"2020","stars":5}"#)
        #expect(bad.status == 422)
        // A blank name is named beside the other fields' mistakes, not only once they are fixed.
        #expect(try Set(CertificationAPI.fields(bad)) == ["name", "council_level", "held_on", "sheet_version", "stars"])
        let readOnly = try api.post("/api/v1/evaluation-rounds",
                                    #"{"name":"x","council_level":"central","held_on":"2024-01-01","legal_basis":"mine"}"#)
        #expect(try CertificationAPI.fields(readOnly) == ["legal_basis"])
        let old = try api.post("/api/v1/evaluation-rounds", #"{"name":"x","council_level":"province","held_on":"2022-05-01"}"#)
        #expect(try old.json["sheet_version"]?.stringValue == "2019")
        #expect(try old.json["legal_basis"]?.stringValue?.contains("1048/QĐ-TTg") == true)
        // The 2023 sheet (35 → 40 for part A) did not exist when a 2022 council sat.
        let anachronism = try api.post("/api/v1/evaluation-rounds",
                                       #"{"name":"x","council_level":"province","held_on":"2022-03-01","sheet_version":"2023"}"#)
        #expect(anachronism.status == 422)
        #expect(try CertificationAPI.fields(anachronism) == ["sheet_version"])
        #expect(try anachronism.json["errors"]?.arrayValue?.first?["message"]?.stringValue?.contains("2023-02-24") == true)
    }

    @Test func patchingARound() throws {
        let round = try api.round()
        let path = "/api/v1/evaluation-rounds/\(round)"
        let renamed = try api.client.request("PATCH", path, headers: [api.officer, ("If-Match", "W/\"1\"")],
                                             body: #"{"name":"Lần thứ 10","decision_ref":"130/QĐ-UBND"}"#,
                                             contentType: "application/merge-patch+json")
        #expect(renamed.status == 200, "\(renamed.text)")
        #expect(try renamed.json["name"]?.stringValue == "Lần thứ 10")
        #expect(renamed.header("ETag") == "W/\"2\"")
        let stale = try api.client.request("PATCH", path, headers: [api.officer, ("If-Match", "W/\"1\"")], body: #"{"name":"y"}"#)
        #expect(stale.status == 412)
        let toDistrictLate = try api.client.request("PATCH", path, headers: [api.officer],
                                                    body: #"{"council_level":"district","held_on":"2025-08-01"}"#)
        #expect(toDistrictLate.status == 422)
        let product = try api.product(code: "QN-1")
        #expect(try api.record(round: round, product: product, [["30", "20", "25"]]).status == 201)
        let frozen = try api.client.request("PATCH", path, headers: [api.officer], body: #"{"council_level":"central"}"#)
        #expect(frozen.status == 409)
        let basis = try api.client.request("PATCH", path, headers: [api.officer], body: #"{"legal_basis":"other"}"#)
        #expect(basis.status == 422)
        let list = try api.get("/api/v1/evaluation-rounds?council_level=province&held_from=2024-01-01&sort=-held_on")
        #expect(try list.json["items"]?.arrayValue?.count == 1)
        #expect(try api.get("/api/v1/evaluation-rounds?held_from=yesterday").status == 422)
        // A swapped range is a mistake to name, as on every list that takes one.
        #expect(try CertificationAPI.fields(api.get("/api/v1/evaluation-rounds?held_from=2025-01-01&held_to=2024-01-01")) == ["held_from"])
        #expect(try api.get("/api/v1/evaluation-rounds?colour=red").status == 422)
        #expect(try api.get("/api/v1/evaluation-rounds/999").status == 404)
        let csv = try api.get("/api/v1/evaluation-rounds.csv")
        #expect(csv.status == 200)
        #expect(csv.text.contains("Lần thứ 10"))
    }

    @Test func scoresAreCheckedAgainstTheRoundsSheet() throws {
        let product = try api.product(code: "QN-1")
        let round2019 = try api.round(extra: #","sheet_version":"2019""#)
        let over = try api.record(round: round2019, product: product, [["36", "20", "30"], ["35", "25.01", "40"]])
        #expect(over.status == 422)
        #expect(try CertificationAPI.fields(over) == ["member_scores[0].part_a", "member_scores[1].part_b"])
        let round = try api.round()
        let malformed = try api.post("/api/v1/evaluation-rounds/\(round)/results", #"""
            {"product_id":\#(product),"member_scores":[{"member":"A","part_a":35.255,"part_b":-1,"part_c":"30"},{"part_a":1,"part_b":1,"part_c":1,"vote":2}],"colour":1}
            """#)
        #expect(malformed.status == 422)
        #expect(try Set(CertificationAPI.fields(malformed)) == [
            "member_scores[0].part_a", "member_scores[0].part_b", "member_scores[0].part_c",
            "member_scores[1].member", "member_scores[1].vote", "mandatory_criteria_met", "colour",
        ])
        let empty = try api.post("/api/v1/evaluation-rounds/\(round)/results",
                                 #"{"product_id":\#(product),"member_scores":[],"mandatory_criteria_met":true}"#)
        #expect(try CertificationAPI.fields(empty) == ["member_scores"])
        let unknownProduct = try api.record(round: round, product: 999, [["30", "20", "25"]])
        #expect(try CertificationAPI.fields(unknownProduct) == ["product_id"])
        #expect(try api.record(round: 999, product: product, [["30", "20", "25"]]).status == 404)
        // Any JSON literal of a score is read exactly (3.525e1 is 35.25) and given back in plain form.
        let ok = try api.record(round: round, product: product, [["3.525e1", "2050E-2", "14.25"]])
        #expect(ok.status == 201, "\(ok.text)")
        #expect(try ok.json["average_score"]?.stringValue == "70.00")
        let exact = try #require(JSONNumber("35.25"))
        #expect(try ok.json["member_scores"]?.arrayValue?.first?["part_a"] == .number(exact))
        let again = try api.record(round: round, product: product, [["35", "20", "30"]])
        #expect(again.status == 409)
        let future = try api.round(heldOn: "2025-01-10")
        #expect(try api.record(round: future, product: product, [["35", "20", "30"]]).status == 409)
    }

    @Test func thresholdsThroughTheAPI() throws {
        let round = try api.round(level: "central")
        // Three members averaging 69.99… (70 + 70 + 69.99): 3 stars, shown truncated.
        let product = try api.product(code: "QN-1")
        let near = try api.record(round: round, product: product, [["40", "20", "10"], ["40", "20", "10"], ["40", "20", "9.99"]])
        #expect(try near.json["average_score"]?.stringValue == "69.99")
        #expect(try near.json["stars_earned"]?.int64Value == 3)
        let other = try api.product(code: "QN-2")
        let five = try api.record(round: round, product: other, [["40", "25", "25"]])
        #expect(try five.json["stars_awarded"]?.int64Value == 5)
        let gated = try api.record(round: round, product: try api.product(code: "QN-3"), [["40", "25", "35"]], mandatory: false)
        #expect(try gated.json["stars_earned"]?.int64Value == 5)
        #expect(try gated.json["stars_awarded"]?.int64Value == 2)
        #expect(try gated.json["outcome"]?.stringValue == "not_recognised")
        let province = try api.round(level: "province")
        let capped = try api.record(round: province, product: other, [["40", "25", "30"]])
        #expect(try capped.json["stars_awarded"]?.int64Value == 4)
        #expect(try capped.json["proposed_to_next_level"]?.boolValue == true)
        let filtered = try api.get("/api/v1/evaluation-rounds/\(round)/results?outcome=not_recognised")
        #expect(try filtered.json["items"]?.arrayValue?.count == 1)
        let csv = try api.get("/api/v1/evaluation-rounds/\(round)/results", headers: [("Accept", "text/csv")])
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(csv.text.split(separator: "\r\n").count == 4)
    }

    @Test func decisionsThatCannotBeMade() throws {
        let round = try api.round()
        let product = try api.product(code: "QN-1")
        let failed = try api.record(round: round, product: product, [["20", "10", "10"]])
        let failedID = try #require(try failed.json["id"]?.int64Value)
        let notRecognised = try api.decide(round: round, result: failedID)
        #expect(notRecognised.status == 409)
        #expect(try notRecognised.json["detail"]?.stringValue?.contains("not recognised") == true)
        let good = try api.record(round: round, product: try api.product(code: "QN-2"), [["35", "20", "30"]])
        let goodID = try #require(try good.json["id"]?.int64Value)
        let early = try api.decide(round: round, result: goodID, on: "2024-11-01")
        #expect(try CertificationAPI.fields(early) == ["decided_on"])
        let malformed = try api.post("/api/v1/evaluation-rounds/\(round)/results/\(goodID)/decide", #"{"decided_on":"13/12/2024"}"#)
        #expect(try Set(CertificationAPI.fields(malformed)) == ["decision_number", "decided_on"])
        let twoLines = try api.decide(round: round, result: goodID, number: "1234/QĐ\\nUBND")
        #expect(try CertificationAPI.fields(twoLines) == ["decision_number"])
        let key = ("Idempotency-Key", "decide-\(goodID)")
        let first = try api.post("/api/v1/evaluation-rounds/\(round)/results/\(goodID)/decide",
                                 #"{"decision_number":"1234/QĐ-UBND","decided_on":"2024-12-13"}"#, headers: [key])
        #expect(first.status == 201)
        let replay = try api.post("/api/v1/evaluation-rounds/\(round)/results/\(goodID)/decide",
                                  #"{"decision_number":"1234/QĐ-UBND","decided_on":"2024-12-13"}"#, headers: [key])
        #expect(replay.status == 201)
        #expect(replay.header("Idempotent-Replayed") == "true")
        #expect(replay.body == first.body)
        let twice = try api.decide(round: round, result: goodID, number: "1235/QĐ-UBND")
        #expect(twice.status == 409)
        #expect(try api.decide(round: round + 1, result: goodID).status == 404)
    }

    /// The decision changes the result (its version grows), so `If-Match` guards it like a PUT: a
    /// stale tag is a 412 before the body is looked at, and nothing is issued.
    @Test func aDecisionIsGuardedByTheResultsVersion() throws {
        let round = try api.round()
        let recorded = try api.record(round: round, product: try api.product(code: "QN-1"), [["35", "20", "30"]])
        let id = try #require(try recorded.json["id"]?.int64Value)
        let path = "/api/v1/evaluation-rounds/\(round)/results/\(id)/decide"
        let body = #"{"decision_number":"1234/QĐ-UBND","decided_on":"2024-12-13"}"#
        let stale = try api.post(path, body, headers: [("If-Match", "W/\"7\"")])
        #expect(stale.status == 412, "\(stale.text)")
        let staleAndInvalid = try api.post(path, #"{"decided_on":"13/12/2024"}"#, headers: [("If-Match", "W/\"7\"")])
        #expect(staleAndInvalid.status == 412)
        let untouched = try api.get("/api/v1/evaluation-rounds/\(round)/results/\(id)")
        #expect(untouched.header("ETag") == "W/\"1\"")
        #expect(try untouched.json["certificate_id"]?.isNull == true)
        let current = try api.post(path, body, headers: [("If-Match", "W/\"1\"")])
        #expect(current.status == 201, "\(current.text)")
        #expect(try api.get("/api/v1/evaluation-rounds/\(round)/results/\(id)").header("ETag") == "W/\"2\"")
    }

    /// A 5-star product scored 95 again by a province council (which awards at most 4) keeps its
    /// stars: the result is a proposal to the next level, not a downgrade, and deciding it here is
    /// a 409 that leaves the 5-star certificate in place.
    @Test func aCouncilCappedBelowTheProductsStarsCannotTakeThemAway() throws {
        let product = try api.product(code: "QN-5")
        let central = try api.round(level: "central", heldOn: "2024-11-20")
        let top = try api.record(round: central, product: product, [["40", "25", "30"]])
        let topID = try #require(try top.json["id"]?.int64Value)
        let certificate = try api.decide(round: central, result: topID, number: "77/QĐ-BNN", on: "2024-12-01")
        #expect(try certificate.json["stars"]?.int64Value == 5)
        let province = try api.round(level: "province", heldOn: "2024-12-10")
        let again = try api.record(round: province, product: product, [["40", "25", "30"]])
        #expect(again.status == 201, "\(again.text)")
        let json = try again.json
        #expect(json["stars_earned"]?.int64Value == 5)
        #expect(json["stars_awarded"]?.int64Value == 4)
        #expect(json["proposed_to_next_level"]?.boolValue == true)
        #expect(json["outcome"]?.stringValue == "reissued")
        let againID = try #require(json["id"]?.int64Value)
        let refused = try api.decide(round: province, result: againID, number: "88/QĐ-UBND", on: "2024-12-13")
        #expect(refused.status == 409)
        #expect(try refused.json["detail"]?.stringValue?.contains("proposed to the next level") == true)
        let stands = try api.get("/api/v1/products/\(product)").json
        #expect(stands["stars"]?.int64Value == 5)
        #expect(stands["certificate"]?["stars"]?.int64Value == 5)
    }

    /// A re-evaluation that does not recognise a product still holding its stars (a low score, or
    /// a mandatory criterion missed whatever the score) has no certificate to decide, so the stars
    /// stood untouched: a product scored 45 kept 4 stars where one scored 60 went down to 3. It now
    /// goes under review, for an officer to revoke its certificate or clear it; one without stars
    /// in force, and a recognised result, raise nothing.
    @Test func aReEvaluationThatDoesNotRecogniseAProductPutsItUnderReview() throws {
        for (code, scores, mandatory) in [("QN-LOW", ["20", "10", "15"], true), ("QN-GATE", ["30", "20", "25"], false)] {
            let certificate = try api.certify(code: code, heldOn: "2024-06-01", decidedOn: "2024-06-10")
            let product = try #require(certificate["product_id"]?.int64Value)
            let round = try api.round(level: "province", heldOn: "2024-12-10")
            let failed = try api.record(round: round, product: product, [scores], mandatory: mandatory)
            #expect(failed.status == 201, "\(failed.text)")
            #expect(try failed.json["outcome"]?.stringValue == "not_recognised")
            let resultID = try #require(try failed.json["id"]?.int64Value)
            #expect(try api.decide(round: round, result: resultID, on: "2024-12-13").status == 409)

            let flagged = try api.get("/api/v1/products/\(product)").json
            #expect(flagged["status"]?.stringValue == "under_review", "\(code): \(flagged)")
            let audit = try api.get("/api/v1/audit?entity=product&entity_id=\(product)").json
            let entry = audit["items"]?.arrayValue?.first
            #expect(entry?["action"]?.stringValue == "flag_under_review")
            #expect(entry?["changes"]?["evaluation_result_id"]?.int64Value == resultID)
            let listed = try api.get("/api/v1/products?status=under_review").json["items"]?.arrayValue ?? []
            #expect(listed.contains { $0["id"]?.int64Value == product })

            let revoked = try api.post("/api/v1/products/\(product)/review",
                                       #"{"decision":"revoke_certificate","reason":"failed_mandatory_criteria"}"#)
            #expect(revoked.status == 200, "\(revoked.text)")
            let after = try api.get("/api/v1/products/\(product)").json
            #expect(after["status"]?.stringValue != "under_review", "\(after)")
            #expect(try api.get("/api/v1/certificates/\(try #require(certificate["id"]?.int64Value))").json["status"]?
                .stringValue == "revoked")
        }
        // Never certified: a 2-star result is only recorded.
        let newcomer = try api.product(code: "QN-NEW")
        let round = try api.round(level: "province", heldOn: "2024-12-10")
        #expect(try api.record(round: round, product: newcomer, [["20", "10", "15"]]).json["outcome"]?.stringValue == "not_recognised")
        #expect(try api.get("/api/v1/products/\(newcomer)").json["status"]?.stringValue != "under_review")
    }

    /// The order of data entry does not change the verdict: a later council that failed a product
    /// flags it even when the decision it re-evaluated is typed in afterwards, and its result then
    /// names that certificate as the one it compared with.
    @Test func aDecisionTypedInAfterALaterFailedCouncilPutsTheProductUnderReview() throws {
        let product = try api.product(code: "QN-LATE")
        let later = try api.round(level: "province", heldOn: "2024-12-10")
        let failed = try api.record(round: later, product: product, [["30", "20", "25"]], mandatory: false)
        let failedID = try #require(try failed.json["id"]?.int64Value, "\(failed.text)")
        #expect(try failed.json["previous_certificate_id"] == .null)
        #expect(try api.get("/api/v1/products/\(product)").json["status"]?.stringValue == "not_certified")
        let earlier = try api.round(level: "province", heldOn: "2024-01-10")
        let result = try api.record(round: earlier, product: product, [["35", "20", "30"]])
        let resultID = try #require(try result.json["id"]?.int64Value, "\(result.text)")
        let decided = try api.decide(round: earlier, result: resultID, number: "70/QĐ-UBND", on: "2024-01-20")
        #expect(decided.status == 201, "\(decided.text)")
        let certificateID = try #require(try decided.json["id"]?.int64Value)
        let judged = try api.get("/api/v1/evaluation-rounds/\(later)/results/\(failedID)")
        #expect(try judged.json["previous_certificate_id"]?.int64Value == certificateID, "\(judged.text)")
        #expect(try judged.json["outcome"]?.stringValue == "not_recognised")
        #expect(judged.header("ETag") == "W/\"2\"")
        #expect(try api.get("/api/v1/products/\(product)").json["status"]?.stringValue == "under_review")
        let trail = try api.get("/api/v1/audit?entity=evaluation_result&entity_id=\(failedID)").json["items"]?.arrayValue ?? []
        #expect(trail.map { $0["action"]?.stringValue } == ["rejudge", "create"])
    }

    /// A 5-star certificate that expired holds no stars: the province council awards its 4 (a
    /// downgrade from the old certificate), as it would to a product never certified.
    @Test func anExpiredCertificateLeavesNothingForTheNextLevelToKeep() throws {
        let product = try api.product(code: "QN-LAPSED")
        let central = try api.round(level: "central", heldOn: "2019-12-01")
        let old = try api.record(round: central, product: product, [["35", "25", "35"]])
        let oldID = try #require(try old.json["id"]?.int64Value, "\(old.text)")
        let first = try api.decide(round: central, result: oldID, number: "12/QĐ-BNN", on: "2020-01-10")
        #expect(try first.json["expires_on"]?.stringValue == "2023-01-10")
        let province = try api.round(level: "province", heldOn: "2024-12-10")
        let again = try api.record(round: province, product: product, [["40", "25", "30"]])
        #expect(try again.json["proposed_to_next_level"]?.boolValue == true)
        #expect(try again.json["outcome"]?.stringValue == "downgraded")
        let againID = try #require(try again.json["id"]?.int64Value)
        let decided = try api.decide(round: province, result: againID, number: "88/QĐ-UBND", on: "2024-12-13")
        #expect(decided.status == 201, "\(decided.text)")
        #expect(try decided.json["stars"]?.int64Value == 4)
    }

    /// A mistyped score is corrected by deleting the undecided result and recording it again; a
    /// decided result stays (its certificate rests on it). Ids are not given twice.
    @Test func aResultRecordedByMistakeIsDeletedBeforeItsDecision() throws {
        let round = try api.round()
        let product = try api.product(code: "QN-TYPO")
        let typo = try api.record(round: round, product: product, [["3.5", "20", "30"]])
        let typoID = try #require(try typo.json["id"]?.int64Value)
        let path = "/api/v1/evaluation-rounds/\(round)/results/\(typoID)"
        #expect(try api.client.request("DELETE", path, headers: [api.officer, ("If-Match", "W/\"2\"")]).status == 412)
        #expect(try api.client.request("DELETE", path).status == 401)
        #expect(try api.client.request("DELETE", path, headers: [api.officer, ("If-Match", "W/\"1\"")]).status == 204)
        #expect(try api.get(path).status == 404)
        #expect(try api.client.request("DELETE", path, headers: [api.officer]).status == 404)
        let fixed = try api.record(round: round, product: product, [["35", "20", "30"]])
        #expect(fixed.status == 201, "\(fixed.text)")
        let fixedID = try #require(try fixed.json["id"]?.int64Value)
        #expect(fixedID > typoID)
        #expect(try fixed.json["stars_awarded"]?.int64Value == 4)
        let trail = try api.get("/api/v1/audit?entity=evaluation_result&entity_id=\(typoID)").json["items"]?.arrayValue ?? []
        #expect(trail.map { $0["action"]?.stringValue } == ["delete", "create"])
        // Decided: the certificate rests on it.
        #expect(try api.decide(round: round, result: fixedID).status == 201)
        let decided = try api.client.request("DELETE", "/api/v1/evaluation-rounds/\(round)/results/\(fixedID)", headers: [api.officer])
        #expect(decided.status == 409)
        #expect(try api.get("/api/v1/evaluation-rounds/\(round)/results/\(fixedID)").status == 200)
    }

    /// An office that types in an older council's decision after a newer one must not bury the
    /// product's valid certificate under it: 409, and the product reads as before.
    @Test func aDecisionOlderThanTheCurrentCertificateIsAConflict() throws {
        let certificate = try api.certify(code: "QN-OLD", heldOn: "2024-11-20", decidedOn: "2024-12-13")
        let product = try #require(certificate["product_id"]?.int64Value)
        let before = try api.get("/api/v1/products/\(product)")
        let earlier = try api.round(heldOn: "2024-06-01")
        let result = try api.record(round: earlier, product: product, [["25", "15", "20"]])
        #expect(result.status == 201)
        // The June council re-evaluated nothing yet: the December certificate is not its basis.
        #expect(try result.json["outcome"]?.stringValue == "new")
        #expect(try result.json["previous_certificate_id"] == .null)
        let resultID = try #require(try result.json["id"]?.int64Value)
        let late = try api.decide(round: earlier, result: resultID, number: "900/QĐ-UBND", on: "2024-06-15")
        #expect(late.status == 409)
        #expect(late.header("Content-Type") == "application/problem+json")
        #expect(try late.json["detail"]?.stringValue?.contains("2024-12-13") == true)
        let after = try api.get("/api/v1/products/\(product)")
        #expect(after.body == before.body)
        #expect(after.header("ETag") == before.header("ETag"))
        let history = try api.get("/api/v1/products/\(product)/certificates")
        #expect(try history.json["items"]?.arrayValue?.count == 1)
        // Decided today instead, it is not older than the certificate, but the June council is
        // older than the one that certificate rests on: the same 409, nothing changed.
        let stale = try api.decide(round: earlier, result: resultID, number: "901/QĐ-UBND", on: "2024-12-20")
        #expect(stale.status == 409, "\(stale.text)")
        #expect(try stale.json["detail"]?.stringValue?.contains("2024-11-20") == true)
        #expect(try api.get("/api/v1/products/\(product)").body == before.body)
    }

    @Test func openAPIDocumentsTheCertificationRoutes() throws {
        let document = try api.client.request("GET", "/openapi.json").json
        for path in ["/api/v1/evaluation-rounds", "/api/v1/evaluation-rounds/{id}/results/{rid}/decide",
                     "/api/v1/certificates", "/api/v1/products/{id}/certificates"] {
            #expect(document["paths"]?[path] != nil, "\(path)")
        }
        for schema in ["EvaluationRound", "EvaluationResultInput", "Certificate", "DecisionInput", "RevocationInput"] {
            #expect(document["components"]?["schemas"]?[schema] != nil, "\(schema)")
        }
    }
}
