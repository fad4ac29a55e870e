import JSON
import OCOP
import SQLite
import Testing

/// Rounds, results and decisions on a real SQLite file.
@Suite struct EvaluationStoreTests {
    typealias F = CertificationFixture
    let database: Database
    let productID: Int64
    let today = CertificationFixture.date("2024-12-20")
    var now: Timestamp { testNow }

    init() throws {
        database = try makeDatabase()
        productID = try database.write { db in
            try F.product(db, code: "QN-2024-0012", producerID: try F.producer(db))
        }
    }

    func audit(_ entity: AuditEntity, _ id: Int64) throws -> [AuditEntry] {
        var query = AuditLog.Query()
        query.entity = entity
        query.entityID = id
        return try database.read { try AuditLog.list($0, query) }.items.reversed()
    }

    func record(_ round: EvaluationRound, _ scores: [MemberScore], mandatory: Bool = true, product: Int64? = nil,
                on day: CivilDate? = nil) throws -> EvaluationResult {
        try database.write { db in
            try EvaluationResultStore.record(db, roundID: round.id,
                                             EvaluationInput(productID: product ?? productID, memberScores: scores,
                                                             mandatoryCriteriaMet: mandatory),
                                             today: day ?? today, actor: .system, now: now)
        }
    }

    func decide(_ round: EvaluationRound, _ result: EvaluationResult, number: String = "1234/QĐ-UBND",
                on decided: String = "2024-12-13", today day: CivilDate? = nil) throws -> Certificate {
        try database.write { db in
            try EvaluationDecision.decide(db, roundID: round.id, resultID: result.id,
                                          .init(decisionNumber: number, decidedOn: F.date(decided)),
                                          today: day ?? today, actor: .system, now: now)
        }
    }

    func expectInvalid(_ fields: [String], _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected invalid \(fields)")
        } catch let error as DomainError {
            guard case .invalid(let errors) = error else { Issue.record("\(error)"); return }
            #expect(errors.map(\.field) == fields)
        } catch { Issue.record("\(error)") }
    }

    func expectConflict(containing text: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected a conflict")
        } catch let error as DomainError {
            guard case .conflict(let detail, _) = error else { Issue.record("\(error)"); return }
            #expect(detail.contains(text), "\(detail)")
        } catch { Issue.record("\(error)") }
    }

    // MARK: Rounds

    @Test func roundsCarryTheirLegalBasisAndAreAudited() throws {
        let round = try database.write { try F.round($0) }
        #expect(round.fields.sheetVersion == .v2023)
        #expect(round.legalBasis.contains("148/QĐ-TTg"))
        let late = try database.write { try F.round($0, level: .central, heldOn: "2025-09-01") }
        #expect(late.legalBasis.contains("1489/QĐ-TTg"))
        let early = try database.write { try F.round($0, level: .district, heldOn: "2022-09-01") }
        #expect(early.fields.sheetVersion == .v2019)
        #expect(early.legalBasis.contains("1048/QĐ-TTg"))
        #expect(try database.read { try EvaluationRoundStore.get($0, id: round.id) } == round)
        let entries = try audit(.evaluationRound, round.id)
        #expect(entries.map(\.action) == ["create"])
        #expect(entries[0].changes["council_level"]?.stringValue == "province")
    }

    @Test func aDistrictRoundAfterJuly2025IsInvalid() throws {
        expectInvalid(["council_level"]) { _ = try database.write { try F.round($0, level: .district, heldOn: "2025-07-06") } }
        _ = try database.write { try F.round($0, level: .district, heldOn: "2025-07-05") }
    }

    @Test func aSheetAdoptedAfterTheRoundWasHeldIsInvalid() throws {
        expectInvalid(["sheet_version"]) {
            _ = try database.write { try F.round($0, heldOn: "2023-02-23", sheet: .v2023) }
        }
        #expect(try database.write { try F.round($0, heldOn: "2023-02-24", sheet: .v2023) }.fields.sheetVersion == .v2023)
        // Older rules for products that applied under them stay allowed.
        #expect(try database.write { try F.round($0, heldOn: "2024-03-01", sheet: .v2019) }.fields.sheetVersion == .v2019)
        // Before the first sheet we know, that sheet is the one in force.
        #expect(try database.write { try F.round($0, heldOn: "2019-01-10") }.fields.sheetVersion == .v2019)
        // Before OCOP existed there was no council: a mistyped year.
        expectInvalid(["held_on"]) { _ = try database.write { try F.round($0, heldOn: "1990-10-01") } }
        #expect(try database.write { try F.round($0, heldOn: "2013-01-01") }.fields.sheetVersion == .v2019)
        // One stored before the rule came keeps its day and can still be renamed.
        let early = EvaluationRoundFields(name: "Vòng 1990", councilLevel: .province, heldOn: F.date("1990-10-01"))
        #expect(early.validate().map(\.field) == ["held_on"])
        #expect(early.validate(storedHeldOn: F.date("1990-10-01")).isEmpty)
        #expect(early.validate(storedHeldOn: F.date("1991-10-01")).map(\.field) == ["held_on"])
    }

    @Test func levelDateAndSheetFreezeOnceScored() throws {
        let round = try database.write { try F.round($0) }
        var fields = round.fields
        fields.heldOn = F.date("2024-11-21")
        let moved = try database.write {
            try EvaluationRoundStore.replace($0, id: round.id, with: fields, ifVersion: 1, actor: .system, now: now)
        }
        #expect(moved.version == 2)
        #expect(throws: DomainError.staleVersion(current: 2)) {
            try database.write { try EvaluationRoundStore.replace($0, id: round.id, with: fields, ifVersion: 1, actor: .system, now: now) }
        }
        _ = try record(moved, F.scores(25, 15, 20))
        fields.councilLevel = .central
        expectConflict(containing: "only name and decision_ref") {
            _ = try database.write { try EvaluationRoundStore.replace($0, id: round.id, with: fields, ifVersion: nil, actor: .system, now: now) }
        }
        fields = moved.fields
        fields.name = "Lần thứ 10"
        fields.decisionRef = nil
        let renamed = try database.write { try EvaluationRoundStore.replace($0, id: round.id, with: fields, ifVersion: 2, actor: .system, now: now) }
        #expect(renamed.version == 3)
        #expect(try audit(.evaluationRound, round.id).map(\.action) == ["create", "update", "update"])
    }

    @Test func roundsListByLevelAndDateWithPaging() throws {
        try database.write { db in
            for (day, level) in [("2024-03-01", CouncilLevel.province), ("2024-01-05", .district), ("2023-06-01", .province),
                                 ("2024-11-20", .central)] {
                _ = try F.round(db, level: level, heldOn: day)
            }
        }
        var query = EvaluationRoundQuery()
        query.sort = .heldOnDescending
        query.limit = PageSize(3)!
        let first = try database.read { try EvaluationRoundStore.list($0, query) }
        #expect(first.items.map(\.fields.heldOn.description) == ["2024-11-20", "2024-03-01", "2024-01-05"])
        let next: String? = first.nextCursor
        query.cursor = Cursor(encoded: try #require(next))
        let second = try database.read { try EvaluationRoundStore.list($0, query) }
        #expect(second.items.map(\.fields.heldOn.description) == ["2023-06-01"])
        #expect(second.nextCursor == nil)
        query = EvaluationRoundQuery()
        query.councilLevel = .province
        query.heldFrom = F.date("2024-01-01")
        #expect(try database.read { try EvaluationRoundStore.list($0, query) }.items.count == 1)
    }

    // MARK: Results

    @Test func recordingScoresComputesTheVerdict() throws {
        let round = try database.write { try F.round($0) }
        let scores = [
            MemberScore(member: "Nguyễn Văn An", partA: Points(35), partB: Points(20), partC: Points(30)),
            MemberScore(member: "Trần Thị Bình", partA: Points(36), partB: Points(20), partC: Points(30)),
            MemberScore(member: "Lê Văn Cường", partA: Points(35), partB: Points(20), partC: Points(30)),
        ]
        let result = try record(round, scores)
        #expect(result.averageScore.fixedTwoDecimals == "85.33")
        #expect(result.starsEarned == .four)
        #expect(result.starsAwarded == .four)
        #expect(result.proposedToNextLevel == false)
        #expect(result.outcome == .new)
        #expect(result.previousCertificateID == nil)
        #expect(try database.read { try EvaluationResultStore.get($0, roundID: round.id, id: result.id) } == result)
        #expect(try database.read { try EvaluationResultStore.get($0, roundID: round.id + 1, id: result.id) } == nil)
        let entries = try audit(.evaluationResult, result.id)
        #expect(entries.map(\.action) == ["create"])
        #expect(entries[0].changes["average_score"]?.stringValue == "85.33")
    }

    @Test func decimalScoresSurviveStorageExactly() throws {
        let round = try database.write { try F.round($0) }
        let scores = [MemberScore(member: "A", partA: Points(hundredths: 3525), partB: Points(hundredths: 2005),
                                  partC: Points(hundredths: 1470))]
        let result = try record(round, scores)
        let stored = try #require(try database.read { try EvaluationResultStore.get($0, roundID: round.id, id: result.id) })
        #expect(stored.memberScores == scores)
        #expect(stored.averageScore.fixedTwoDecimals == "70.00")
        #expect(stored.starsEarned == .four)
    }

    @Test func oneResultPerProductPerRound() throws {
        let round = try database.write { try F.round($0) }
        _ = try record(round, F.scores(25, 15, 20))
        expectConflict(containing: "already has result") { _ = try record(round, F.scores(25, 15, 20)) }
        let other = try database.write { try F.round($0, heldOn: "2024-12-01") }
        _ = try record(other, F.scores(25, 15, 20))
    }

    @Test func resultsAreRefusedForBadInput() throws {
        let round = try database.write { try F.round($0, sheet: .v2019) }
        expectInvalid(["product_id"]) { _ = try record(round, F.scores(25, 15, 20), product: 999) }
        expectInvalid(["member_scores[0].part_a", "member_scores[1].part_a", "member_scores[2].part_a"]) {
            _ = try record(round, F.scores(36, 20, 25))   // 2019 sheet: part A max 35
        }
        expectInvalid(["member_scores"]) { _ = try record(round, []) }
        #expect(throws: DomainError.notFound(entity: "evaluation_round", id: "999")) {
            try database.write { db in
                try EvaluationResultStore.record(db, roundID: 999, EvaluationInput(productID: productID, memberScores: F.scores(1, 1, 1),
                                                                                  mandatoryCriteriaMet: true),
                                                 today: today, actor: .system, now: now)
            }
        }
        let future = try database.write { try F.round($0, heldOn: "2025-01-15") }
        expectConflict(containing: "held on 2025-01-15") { _ = try record(future, F.scores(25, 15, 20)) }
        #expect(try database.read { try $0.scalarInt("SELECT count(*) FROM evaluation_results") } == 0)
    }

    @Test func resultsListFilters() throws {
        let round = try database.write { try F.round($0) }
        let second = try database.write { db in try F.product(db, code: "QN-2", producerID: try F.producer(db, name: "Hộ Bà Tâm")) }
        let good = try record(round, F.scores(35, 20, 30))
        _ = try record(round, F.scores(10, 10, 10), product: second)
        var query = EvaluationResultQuery()
        query.outcome = .notRecognised
        #expect(try database.read { try EvaluationResultStore.list($0, roundID: round.id, query) }?.items.map(\.productID) == [second])
        query = EvaluationResultQuery()
        query.decided = false
        query.limit = PageSize(1)!
        let page = try #require(try database.read { try EvaluationResultStore.list($0, roundID: round.id, query) })
        #expect(page.items.map(\.id) == [good.id])
        #expect(page.nextCursor != nil)
        #expect(try database.read { try EvaluationResultStore.list($0, roundID: 999, EvaluationResultQuery()) } == nil)
    }

    // MARK: Decisions

    @Test func decidingIssuesTheCertificate() throws {
        let round = try database.write { try F.round($0) }
        let result = try record(round, F.scores(35, 20, 30))
        let certificate = try decide(round, result)
        #expect(certificate.number == "1234/QĐ-UBND/QN-2024-0012")
        #expect(certificate.stars == .four)
        #expect(certificate.decidedOn == F.date("2024-12-13"))
        #expect(certificate.expiresOn == F.date("2027-12-13"))
        #expect(certificate.councilLevel == .province)
        #expect(certificate.legalBasis == round.legalBasis)
        #expect(certificate.status(on: today) == .active)
        #expect(certificate.statusRecorded == .active)
        #expect(certificate.previousID == nil)
        #expect(certificate.resultID == result.id)
        let product = try database.read { try F.productState($0, id: productID) }
        #expect(product.version == 2)
        #expect(product.current == certificate.id)
        let decided = try #require(try database.read { try EvaluationResultStore.get($0, roundID: round.id, id: result.id) })
        #expect(decided.certificateID == certificate.id)
        #expect(decided.version == 2)
        #expect(try audit(.certificate, certificate.id).map(\.action) == ["create"])
        #expect(try audit(.product, productID).map(\.action) == ["update"])
        #expect(try audit(.evaluationResult, result.id).map(\.action) == ["create", "decide"])
        expectConflict(containing: "already decided") { _ = try decide(round, result, number: "1235/QĐ-UBND") }
    }

    @Test func aReEvaluationRenewsThePreviousCertificate() throws {
        let first = try database.write { try F.round($0, heldOn: "2021-11-01") }
        let then = F.date("2021-11-25")
        let old = try decide(first, try record(first, F.scores(25, 15, 20), on: then), number: "88/QĐ-UBND",
                             on: "2021-11-20", today: then)
        #expect(old.stars == .three)
        #expect(old.statusRecorded == .active)
        // Three years on: expired by the time the province re-evaluates it at 4 stars.
        let later = F.date("2025-03-01")
        #expect(old.status(on: later) == .expired)
        let second = try database.write { try F.round($0, heldOn: "2025-02-10") }
        let result = try record(second, F.scores(35, 20, 30), on: later)
        #expect(result.outcome == .upgraded)
        #expect(result.previousCertificateID == old.id)
        let renewed = try decide(second, result, number: "301/QĐ-UBND", on: "2025-02-25", today: later)
        #expect(renewed.previousID == old.id)
        let oldNow = try #require(try database.read { try CertificateStore.get($0, id: old.id) })
        #expect(oldNow.renewedByID == renewed.id)
        #expect(oldNow.status(on: later) == .renewed)
        #expect(oldNow.statusRecorded == .renewed)
        // The calendar's change (→ expired) is logged before the renewal.
        let entries = try audit(.certificate, old.id)
        #expect(entries.map(\.action) == ["create", "status_changed", "renew"])
        #expect(entries[1].changes["status"]?["to"]?.stringValue == "expired")
        #expect(entries[2].changes["status"]?["from"]?.stringValue == "expired")
        #expect(entries[2].changes["status"]?["to"]?.stringValue == "renewed")
        #expect(try database.read { try F.productState($0, id: productID) }.current == renewed.id)
    }

    @Test func sameStarsAfterExpiryIsReissuedAndLowerIsDowngraded() throws {
        let first = try database.write { try F.round($0, heldOn: "2021-11-01") }
        _ = try decide(first, try record(first, F.scores(35, 20, 30)), number: "88/QĐ-UBND", on: "2021-11-20")
        let later = F.date("2025-03-01")
        let second = try database.write { try F.round($0, heldOn: "2025-02-10") }
        #expect(try record(second, F.scores(35, 20, 30), on: later).outcome == .reissued)
        let third = try database.write { try F.round($0, heldOn: "2025-02-11") }
        let other = try database.write { db in try F.product(db, code: "QN-9", producerID: try F.producer(db, name: "B")) }
        #expect(try record(third, F.scores(25, 15, 20), on: later).outcome == .downgraded)
        #expect(try record(third, F.scores(25, 15, 20), product: other, on: later).outcome == .new)
    }

    @Test func theOutcomeIsReDerivedIfAnotherCertificateCameFirst() throws {
        let a = try database.write { try F.round($0, heldOn: "2024-10-02") }
        let b = try database.write { try F.round($0, heldOn: "2024-10-01") }
        let inA = try record(a, F.scores(35, 20, 30))     // 85 points: 4 stars, new
        let inB = try record(b, F.scores(25, 15, 20))     // 60 points: 3 stars, new
        let fromB = try decide(b, inB, number: "10/QĐ-UBND", on: "2024-10-10")
        let fromA = try decide(a, inA, number: "11/QĐ-UBND", on: "2024-10-11")
        #expect(fromA.previousID == fromB.id)
        let decided = try #require(try database.read { try EvaluationResultStore.get($0, roundID: a.id, id: inA.id) })
        #expect(decided.outcome == .upgraded)
        #expect(decided.previousCertificateID == fromB.id)
        let entry = try #require(try audit(.evaluationResult, inA.id).last)
        #expect(entry.changes["outcome"]?["from"]?.stringValue == "new")
        #expect(entry.changes["outcome"]?["to"]?.stringValue == "upgraded")
    }

    @Test func aDecisionOlderThanTheCurrentCertificateIsRefusedAndChangesNothing() throws {
        let december = try database.write { try F.round($0, heldOn: "2023-11-01") }
        let current = try decide(december, try record(december, F.scores(35, 20, 30)), number: "3000/QĐ-UBND",
                                 on: "2023-12-30")
        // A June council's decision, typed in afterwards.
        let june = try database.write { try F.round($0, heldOn: "2023-06-01") }
        let late = try record(june, F.scores(25, 15, 20))
        let before = try database.read { try F.productState($0, id: productID) }
        expectConflict(containing: "decided on 2023-12-30") {
            _ = try decide(june, late, number: "1200/QĐ-UBND", on: "2023-06-15")
        }
        let after = try database.read { try F.productState($0, id: productID) }
        #expect(after.current == current.id)
        #expect(after.version == before.version)
        let unchanged = try #require(try database.read { try CertificateStore.get($0, id: current.id) })
        #expect(unchanged.renewedByID == nil)
        #expect(unchanged.status(on: today) == .active)
        #expect(try database.read { try EvaluationResultStore.get($0, roundID: june.id, id: late.id) }?.certificateID == nil)
        // The same day as the current certificate's decision is not older: it renews it.
        let sameDay = try database.write { try F.round($0, heldOn: "2023-12-01") }
        let renewal = try decide(sameDay, try record(sameDay, F.scores(35, 20, 30)), number: "3001/QĐ-UBND",
                                 on: "2023-12-30")
        #expect(renewal.previousID == current.id)
    }

    @Test func aDecisionOnAnOlderEvaluationCannotReplaceACertificateRestingOnANewerOne() throws {
        let spring = try database.write { try F.round($0, heldOn: "2024-03-01") }
        let stale = try record(spring, F.scores(35, 20, 30))    // 4 stars, never decided in time
        let autumn = try database.write { try F.round($0, heldOn: "2024-10-01") }
        let current = try decide(autumn, try record(autumn, F.scores(25, 15, 20)), number: "900/QĐ-UBND", on: "2024-10-20")
        let before = try database.read { try F.productState($0, id: productID) }
        // Decided today, the spring result would bury the autumn council's 3 stars under its 4.
        expectConflict(containing: "rests on a council held on 2024-10-01") {
            _ = try decide(spring, stale, number: "950/QĐ-UBND", on: "2024-12-13")
        }
        #expect(try database.read { try F.productState($0, id: productID) } == before)
        #expect(try database.read { try CertificateStore.get($0, id: current.id) }?.renewedByID == nil)
        #expect(try database.read { try EvaluationResultStore.get($0, roundID: spring.id, id: stale.id) }?.certificateID == nil)
    }

    @Test func aCouncilThatSatBeforeTheCurrentCertificateComparesWithTheOneItReEvaluated() throws {
        let first = try database.write { try F.round($0, heldOn: "2021-11-01") }
        let three = try decide(first, try record(first, F.scores(25, 15, 20)), number: "88/QĐ-UBND", on: "2021-11-20")
        let second = try database.write { try F.round($0, heldOn: "2024-11-01") }
        let four = try decide(second, try record(second, F.scores(35, 20, 30)), number: "301/QĐ-UBND", on: "2024-11-25")
        // Scores of a 2023 council, recorded now: its basis was the 3-star certificate, not the later 4-star one.
        let between = try database.write { try F.round($0, heldOn: "2023-05-01") }
        let result = try record(between, F.scores(25, 15, 20))
        #expect(result.previousCertificateID == three.id)
        #expect(result.outcome == .reissued)
        // Before any certificate: nothing to compare with.
        let earliest = try database.write { try F.round($0, heldOn: "2021-06-01") }
        let firstEver = try record(earliest, F.scores(35, 20, 30))
        #expect(firstEver.previousCertificateID == nil)
        #expect(firstEver.outcome == .new)
        #expect(try database.read { try F.productState($0, id: productID) }.current == four.id)
    }

    @Test func aDecisionTypedInLateReJudgesTheLaterCouncilsResults() throws {
        // A 2024 council missed a mandatory criterion; the 2022 decision it re-evaluated is typed in
        // afterwards. Recorded in date order, the result would have compared with that certificate
        // and flagged the product: it does so now, whatever the order of entry.
        let later = try database.write { try F.round($0, heldOn: "2024-10-01") }
        let failed = try record(later, F.scores(35, 20, 30), mandatory: false)
        #expect(failed.outcome == .notRecognised)
        #expect(failed.previousCertificateID == nil)
        let unflagged = try database.read { try ProductReviewStore.isUnderReview($0, productID: productID) }
        #expect(unflagged == false)
        // A 2022 result of 95 points at a province council (cap 4), recorded before the decision too.
        let earlier = try database.write { try F.round($0, heldOn: "2022-03-01") }
        let proposal = try database.write { try F.round($0, heldOn: "2024-11-01") }
        let capped = try record(proposal, F.scores(38, 24, 33))
        #expect(capped.outcome == .new && capped.starsAwarded == .four && capped.proposedToNextLevel)
        let old = try decide(earlier, try record(earlier, F.scores(35, 24, 36)), number: "70/QĐ-UBND", on: "2022-03-20")
        #expect(old.stars == .four)
        let judged = try #require(try database.read { try EvaluationResultStore.get($0, roundID: later.id, id: failed.id) })
        #expect(judged.previousCertificateID == old.id)
        #expect(judged.outcome == .notRecognised)
        #expect(judged.version == 2)
        #expect(try database.read { try ProductReviewStore.isUnderReview($0, productID: productID) } == true)
        let rejudged = try #require(try database.read { try EvaluationResultStore.get($0, roundID: proposal.id, id: capped.id) })
        #expect(rejudged.outcome == .reissued)
        #expect(rejudged.previousCertificateID == old.id)
        let entry = try #require(try audit(.evaluationResult, capped.id).last)
        #expect(entry.action == "rejudge")
        #expect(entry.changes["outcome"]?["from"]?.stringValue == "new")
        #expect(entry.changes["outcome"]?["to"]?.stringValue == "reissued")
        // A result already judged against that certificate is left as it is.
        let same = try database.write { try F.round($0, heldOn: "2024-12-01") }
        let fresh = try record(same, F.scores(35, 20, 30))
        #expect(fresh.previousCertificateID == old.id)
    }

    @Test func aDecisionDatedBeforeTheCurrentCertificatesRevocationIsRefused() throws {
        let first = try database.write { try F.round($0, heldOn: "2024-01-10") }
        let old = try decide(first, try record(first, F.scores(35, 20, 30)), number: "5/QĐ-UBND", on: "2024-01-20")
        let second = try database.write { try F.round($0, heldOn: "2024-11-01") }
        let result = try record(second, F.scores(35, 20, 30))
        _ = try database.write {
            try CertificateStore.revoke($0, id: old.id, reason: .violation, note: nil, ifVersion: nil, today: today,
                                        actor: .system, now: now)
        }
        let before = try database.read { try F.productState($0, id: productID) }
        expectConflict(containing: "was revoked on 2024-12-20") {
            _ = try decide(second, result, number: "6/QĐ-UBND", on: "2024-11-15")
        }
        #expect(try database.read { try F.productState($0, id: productID) } == before)
        // Dated from the revocation on, it is a new certification.
        let fresh = try decide(second, result, number: "6/QĐ-UBND", on: "2024-12-20")
        #expect(fresh.previousID == nil)
    }

    @Test func aRevokedCertificateIsNotRenewedAndTheProductStartsOver() throws {
        let first = try database.write { try F.round($0, heldOn: "2024-01-10") }
        let old = try decide(first, try record(first, F.scores(35, 20, 30)), number: "5/QĐ-UBND", on: "2024-01-20")
        _ = try database.write {
            try CertificateStore.revoke($0, id: old.id, reason: .violation, note: nil, ifVersion: nil, today: today,
                                        actor: .system, now: now)
        }
        let second = try database.write { try F.round($0, heldOn: "2024-12-01") }
        let result = try record(second, F.scores(35, 20, 30))
        #expect(result.outcome == .new)
        #expect(result.previousCertificateID == nil)
        let fresh = try decide(second, result, number: "6/QĐ-UBND", on: "2024-12-20")
        #expect(fresh.previousID == nil)
        let revoked = try #require(try database.read { try CertificateStore.get($0, id: old.id) })
        #expect(revoked.renewedByID == nil)
        #expect(revoked.status(on: today) == .revoked)
    }

    @Test func decisionsThatCannotBe() throws {
        let round = try database.write { try F.round($0) }
        let failed = try record(round, F.scores(35, 20, 30), mandatory: false)
        #expect(failed.outcome == .notRecognised)
        expectConflict(containing: "not recognised") { _ = try decide(round, failed) }
        let second = try database.write { db in try F.product(db, code: "QN-3", producerID: try F.producer(db, name: "C")) }
        let good = try record(round, F.scores(35, 20, 30), product: second)
        expectInvalid(["decided_on"]) { _ = try decide(round, good, on: "2024-11-19") }   // before the round
        expectInvalid(["decided_on"]) { _ = try decide(round, good, on: "2024-12-21") }   // after today
        expectInvalid(["decision_number"]) { _ = try decide(round, good, number: "   ") }
        #expect(throws: DomainError.self) {
            try database.write { db in
                try EvaluationDecision.decide(db, roundID: round.id + 100, resultID: good.id,
                                              .init(decisionNumber: "1", decidedOn: F.date("2024-12-13")),
                                              today: today, actor: .system, now: now)
            }
        }
        #expect(try database.read { try $0.scalarInt("SELECT count(*) FROM certificates") } == 0)
        _ = try decide(round, good, on: "2024-11-20")   // the day it was held is fine
    }

    @Test func aDistrictCouncilProposesHigherScoresUpward() throws {
        let round = try database.write { try F.round($0, level: .district, heldOn: "2024-05-01") }
        let result = try record(round, F.scores(38, 24, 33))   // 95
        #expect(result.starsEarned == .five)
        #expect(result.starsAwarded == .three)
        #expect(result.proposedToNextLevel)
        #expect(try decide(round, result, on: "2024-05-10").stars == .three)
    }
}
