import OCOP
import Testing

/// The scoring rules of DOMAIN.md "Scoring and stars", as pure functions.
@Suite struct ScoringRulesTests {
    func points(_ text: String) throws -> Points { try #require(Points(decimal: text), "\(text)") }
    func date(_ text: String) throws -> CivilDate { try #require(CivilDate(text)) }

    /// A member whose total is `total`, spread over the parts within the 2023 maxima.
    func member(_ name: String, total: String) throws -> MemberScore {
        let t = try points(total).hundredths
        let a = min(t, 4000), b = min(t - a, 2500), c = t - a - b
        return MemberScore(member: name, partA: Points(hundredths: a), partB: Points(hundredths: b), partC: Points(hundredths: c))
    }

    /// `expired`: the previous certificate had lapsed by the day the council sat.
    func verdict(_ totals: [String], level: CouncilLevel = .central, heldOn: String = "2024-06-01",
                 mandatory: Bool = true, previous: StarRating? = nil, expired: Bool = false) throws -> EvaluationVerdict {
        let scores = try totals.enumerated().map { try member("m\($0.offset)", total: $0.element) }
        return try EvaluationRules.evaluate(scores, sheet: .v2023, mandatoryCriteriaMet: mandatory, level: level,
                                            heldOn: try date(heldOn), previousStars: previous,
                                            heldStars: expired ? nil : previous)
    }

    // MARK: Exact points

    @Test func pointsParseExactDecimals() throws {
        #expect(try points("35").hundredths == 3500)
        #expect(try points("35.5").hundredths == 3550)
        #expect(try points("35.25").hundredths == 3525)
        #expect(try points("35.250").hundredths == 3525)
        #expect(try points("0").hundredths == 0)
        #expect(try points("0.01").hundredths == 1)
        // Any JSON literal of the value, as JSON Schema reads a number: exponents exactly, no Double.
        #expect(try points("3.525e1").hundredths == 3525)
        #expect(try points("3525E-2").hundredths == 3525)
        #expect(try points("1e2").hundredths == 10000)
        #expect(try points("0.35e+2").hundredths == 3500)
        #expect(try points("352500e-4").hundredths == 3525)
        #expect(try points("0e5").hundredths == 0)
        #expect(try points("-0").hundredths == 0)
        #expect(try points("-0.0e3").hundredths == 0)
        #expect(try points("0.001e1").hundredths == 1)
        for bad in ["35.255", "-1", "-0.01", "3.5255e1", "1e-3", "1e999999", "1e9999999", "1e", "1e+", "1.e2", "e2", "1E2.5",
                    ".5", "5.", "", "1.2.3", "+5", " 5", "0x10", "1234567890123", "1e12", "--1", "1-"] {
            #expect(Points(decimal: bad) == nil, "\(bad)")
        }
    }

    @Test func pointsPrintShortAndFixed() {
        #expect(Points(hundredths: 3500).description == "35")
        #expect(Points(hundredths: 3550).description == "35.5")
        #expect(Points(hundredths: 3505).description == "35.05")
        #expect(Points(hundredths: 8533).fixedTwoDecimals == "85.33")
        #expect(Points(hundredths: 7).fixedTwoDecimals == "0.07")
        #expect(Points(hundredths: 9000).fixedTwoDecimals == "90.00")
        for h in stride(from: Int64(0), through: 10_000, by: 7) {
            #expect(Points(decimal: Points(hundredths: h).description)?.hundredths == h)
        }
    }

    // MARK: Star thresholds on the unrounded average

    @Test(arguments: [
        ("29.99", StarRating.one), ("30", .two), ("49.99", .two), ("50", .three),
        ("69.99", .three), ("70", .four), ("89.99", .four), ("90", .five), ("0", .one), ("100", .five),
    ])
    func thresholdsAtEveryBoundary(total: String, stars: StarRating) throws {
        #expect(try verdict([total]).starsEarned == stars)
    }

    @Test func averagesAreNeverRoundedUpOverAThreshold() throws {
        // 70 + 70 + 69.99 = 209.99 → 69.9966…: 3 stars, shown as 69.99.
        let justUnder = try verdict(["70", "70", "69.99"])
        #expect(justUnder.starsEarned == .three)
        #expect(justUnder.averageScore.fixedTwoDecimals == "69.99")
        // 69.99 and 70 → 69.995, which rounding would show as "70.00" beside 3 stars.
        let half = try verdict(["69.99", "70"])
        #expect(half.starsEarned == .three)
        #expect(half.averageScore.fixedTwoDecimals == "69.99")
        #expect(try verdict(["69.9"]).starsEarned == .three)   // DOMAIN.md's example
        #expect(try verdict(["70", "70", "70"]).starsEarned == .four)
        // 89.99 × 2 + 90.02 = 270 → exactly 90: 5 stars.
        #expect(try verdict(["89.99", "89.99", "90.02"]).starsEarned == .five)
        #expect(try verdict(["89.99", "89.99", "90.01"]).starsEarned == .four)
        // 85, 86, 85 → 85.333…
        #expect(try verdict(["85", "86", "85"]).averageScore.fixedTwoDecimals == "85.33")
    }

    @Test func everyHundredthOfASingleScoreGetsItsBand() {
        var previous = StarRating.one
        for h in Int64(0)...10_000 {
            let stars = StarThresholds.stars(sum: Points(hundredths: h), members: 1)
            let expected: StarRating = h >= 9000 ? .five : h >= 7000 ? .four : h >= 5000 ? .three : h >= 3000 ? .two : .one
            #expect(stars == expected, "\(h)")
            #expect(stars >= previous)
            previous = stars
        }
    }

    @Test func thresholdsScaleWithTheNumberOfMembers() {
        for members in 1...15 {
            let atThreshold = Points(hundredths: 7000 * Int64(members))
            #expect(StarThresholds.stars(sum: atThreshold, members: members) == .four)
            #expect(StarThresholds.stars(sum: Points(hundredths: atThreshold.hundredths - 1), members: members) == .three)
        }
    }

    // MARK: Sheets

    @Test func sheetMaximaByVersion() {
        #expect((ScoreSheet.v2023.maxA, ScoreSheet.v2023.maxB, ScoreSheet.v2023.maxC) == (Points(40), Points(25), Points(35)))
        #expect((ScoreSheet.v2019.maxA, ScoreSheet.v2019.maxB, ScoreSheet.v2019.maxC) == (Points(35), Points(25), Points(40)))
        for sheet in ScoreSheet.all { #expect(sheet.total == Points(100)) }
        #expect(ScoreSheet.sheet(.v2019) == .v2019)
        #expect(ScoreSheet.sheet(.v2023).legalBasis.contains("148/QĐ-TTg"))
    }

    @Test(arguments: [ScoreSheetVersion.v2023, .v2019])
    func partsAreCheckedAgainstTheirSheet(version: ScoreSheetVersion) throws {
        let sheet = ScoreSheet.sheet(version)
        let atMax = MemberScore(member: "A", partA: sheet.maxA, partB: sheet.maxB, partC: sheet.maxC)
        #expect(EvaluationRules.check([atMax], sheet: sheet).isEmpty)
        let over = Points(hundredths: 1)
        let errors = EvaluationRules.check([
            MemberScore(member: "A", partA: sheet.maxA + over, partB: sheet.maxB, partC: sheet.maxC),
            MemberScore(member: "B", partA: sheet.maxA, partB: sheet.maxB + over, partC: sheet.maxC + over),
        ], sheet: sheet)
        #expect(errors.map(\.field) == ["member_scores[0].part_a", "member_scores[1].part_b", "member_scores[1].part_c"])
        #expect(errors[0].message.contains("0 to \(sheet.maxA)"))
    }

    /// A member's name is text a person wrote, under the rules of every other text field: not
    /// blank, no control characters but tab and line breaks (a NUL was stored as sent).
    @Test func aMembersNameIsNotBlankAndHasNoControlCharacters() {
        let sheet = ScoreSheet.sheet(.v2023)
        func member(_ name: String) -> MemberScore {
            MemberScore(member: name, partA: Points(30), partB: Points(20), partC: Points(30))
        }
        let errors = EvaluationRules.check([member("x\u{0}y"), member(" \t "), member("Ông\tA"), member("B\u{1B}[31m")],
                                           sheet: sheet)
        #expect(errors.map(\.field) == ["member_scores[0].member", "member_scores[1].member", "member_scores[3].member"])
        #expect(errors[0].message == TextNormalization.controlCharactersMessage)
    }

    @Test func the2019AndThe2023SheetsDisagreeOnPartsAAndC() throws {
        // 38 in part A is fine in 2023 (max 40) but over the 2019 maximum (35); 38 in part C the reverse.
        let a38 = MemberScore(member: "A", partA: Points(38), partB: Points(20), partC: Points(30))
        let c38 = MemberScore(member: "A", partA: Points(30), partB: Points(20), partC: Points(38))
        #expect(EvaluationRules.check([a38], sheet: .v2023).isEmpty)
        #expect(EvaluationRules.check([a38], sheet: .v2019).map(\.field) == ["member_scores[0].part_a"])
        #expect(EvaluationRules.check([c38], sheet: .v2019).isEmpty)
        #expect(EvaluationRules.check([c38], sheet: .v2023).map(\.field) == ["member_scores[0].part_c"])
    }

    @Test func membersMustBeThereAndScoreOnce() throws {
        #expect(EvaluationRules.check([], sheet: .v2023).map(\.field) == ["member_scores"])
        let twice = try [member("Nguyễn Văn An", total: "80"), member("Nguyễn Văn An", total: "81")]
        #expect(EvaluationRules.check(twice, sheet: .v2023).map(\.field) == ["member_scores[1].member"])
        let blank = try [member("  ", total: "80")]
        #expect(EvaluationRules.check(blank, sheet: .v2023).map(\.field) == ["member_scores[0].member"])
    }

    @Test func theSheetInForceFollowsTheDate() throws {
        #expect(ScoreSheet.inForce(on: try date("2023-02-23")) == .v2019)
        #expect(ScoreSheet.inForce(on: try date("2023-02-24")) == .v2023)
        #expect(ScoreSheet.inForce(on: try date("2018-01-01")) == .v2019)
        #expect(EvaluationRoundFields(name: "x", councilLevel: .province, heldOn: try date("2022-10-01")).sheetVersion == .v2019)
    }

    // MARK: Mandatory criteria

    @Test func withoutMandatoryCriteriaNothingIsCertified() throws {
        let v = try verdict(["95"], mandatory: false, previous: .four)
        #expect(v.starsEarned == .five)
        #expect(v.starsAwarded == .two)
        #expect(v.proposedToNextLevel == false)
        #expect(v.outcome == .notRecognised)
        // Below the gate's cap already: unchanged.
        #expect(try verdict(["20"], mandatory: false).starsAwarded == .one)
    }

    // MARK: Council caps by level and date

    @Test(arguments: [
        // Decision 148 (24 Feb 2023 – 5 Jul 2025)
        ("2024-06-01", CouncilLevel.district, StarRating.three, true),
        ("2024-06-01", .province, .four, true),
        ("2024-06-01", .central, .five, false),
        ("2025-07-05", .district, .three, true),
        ("2023-02-24", .district, .three, true),
        // Decision 1489 (from 6 Jul 2025): no district
        ("2025-07-06", .province, .four, true),
        ("2025-07-06", .central, .five, false),
        ("2026-03-01", .province, .four, true),
        // Before 2023-02-24: the 2019 rules' levels (an assumption)
        ("2023-02-23", .district, .three, true),
        ("2021-05-10", .province, .four, true),
        ("2020-01-15", .central, .five, false),
    ])
    func capsByLevelAndDate(heldOn: String, level: CouncilLevel, cap: StarRating, proposed: Bool) throws {
        let v = try verdict(["95"], level: level, heldOn: heldOn)
        #expect(v.starsEarned == .five)
        #expect(v.starsAwarded == cap)
        #expect(v.proposedToNextLevel == proposed)
    }

    @Test func earningExactlyTheCapIsNotAProposal() throws {
        let v = try verdict(["75"], level: .province)
        #expect(v.starsAwarded == .four)
        #expect(v.proposedToNextLevel == false)
        let district = try verdict(["75"], level: .district)
        #expect(district.starsAwarded == .three)
        #expect(district.proposedToNextLevel == true)
    }

    @Test func noDistrictCouncilFromTheSixthOfJuly2025() throws {
        #expect(EvaluationRules.councilError(.district, heldOn: try date("2025-07-05")) == nil)
        let error = try #require(EvaluationRules.councilError(.district, heldOn: try date("2025-07-06")))
        #expect(error.field == "council_level")
        #expect(error.message.contains("1489"))
        #expect(throws: DomainError.self) { try verdict(["95"], level: .district, heldOn: "2025-07-06") }
        let fields = EvaluationRoundFields(name: "Vòng 1", councilLevel: .district, heldOn: try date("2025-08-01"))
        #expect(fields.validate().map(\.field) == ["council_level"])
    }

    @Test func regimesTileTheCalendar() throws {
        let regimes = CouncilRegime.all
        #expect(regimes.first?.from == nil)
        #expect(regimes.last?.through == nil)
        for (earlier, later) in zip(regimes, regimes.dropFirst()) {
            let end = try #require(earlier.through), start = try #require(later.from)
            #expect(end.adding(days: 1) == start)
        }
        #expect(CouncilRegime.on(try date("2025-07-05")) == .decision148)
        #expect(CouncilRegime.on(try date("2025-07-06")) == .decision1489)
        #expect(CouncilRegime.on(try date("2023-02-23")) == .programme2019)
        #expect(CouncilRegime.programme2019.note?.contains("assumed") == true)
    }

    // MARK: Outcomes

    @Test func eachOutcome() throws {
        #expect(try verdict(["75"], previous: nil).outcome == .new)
        #expect(try verdict(["75"], previous: .four).outcome == .reissued)
        #expect(try verdict(["92"], previous: .four).outcome == .upgraded)
        #expect(try verdict(["55"], previous: .four).outcome == .downgraded)
        #expect(try verdict(["45"], previous: .three).outcome == .notRecognised)
        #expect(try verdict(["45"], previous: nil).outcome == .notRecognised)
        // Capped by the council: a 5-star score at a province council re-issues a 4-star certificate.
        #expect(try verdict(["95"], level: .province, previous: .four).outcome == .reissued)
    }

    /// A council capped below the product's stars does not decide them: the outcome reads the
    /// stars the score earned (a 5-star product scored 95 keeps them: reissued, not downgraded)
    /// and the decision is the next level's. A score that earns fewer stars than the product
    /// holds is still a downgrade, and one the council may award is decided here.
    @Test func aCapBelowTheProductsStarsIsNoDowngrade() throws {
        let kept = try verdict(["95"], level: .province, previous: .five)
        #expect(kept.starsAwarded == .four)
        #expect(kept.proposedToNextLevel)
        #expect(kept.outcome == .reissued)
        #expect(EvaluationRules.isForTheNextLevel(awarded: kept.starsAwarded, proposed: true, held: .five))
        let district = try verdict(["80"], level: .district, previous: .four)
        #expect(district.starsAwarded == .three)
        #expect(district.outcome == .reissued)
        let lower = try verdict(["80"], level: .district, previous: .five)
        #expect(lower.outcome == .downgraded)
        #expect(EvaluationRules.isForTheNextLevel(awarded: lower.starsAwarded, proposed: true, held: .five))
        let upward = try verdict(["95"], level: .district, previous: .four)
        #expect(upward.outcome == .upgraded)
        // Earned within the cap: a plain downgrade, this council's to decide.
        let earnedLess = try verdict(["85"], level: .province, previous: .five)
        #expect(earnedLess.outcome == .downgraded)
        #expect(!earnedLess.proposedToNextLevel)
        #expect(!EvaluationRules.isForTheNextLevel(awarded: earnedLess.starsAwarded, proposed: false, held: .five))
        // At or above the product's stars, a capped council decides (and proposes onward).
        #expect(!EvaluationRules.isForTheNextLevel(awarded: .three, proposed: true, held: .three))
        #expect(!EvaluationRules.isForTheNextLevel(awarded: .three, proposed: true, held: nil))
        // An expired certificate's stars have lapsed: nothing to take away, so the council awards
        // what it may (a downgrade from the old certificate, decided here).
        let lapsed = try verdict(["95"], level: .province, previous: .five, expired: true)
        #expect(lapsed.starsAwarded == .four)
        #expect(lapsed.outcome == .downgraded)
        #expect(!EvaluationRules.isForTheNextLevel(awarded: .four, proposed: true, held: nil))
    }

    @Test func revokedCertificatesAreNotComparedWith() {
        #expect(EvaluationRules.isComparable(.revoked) == false)
        for status in [CertificateStatus.active, .expiring, .expired] { #expect(EvaluationRules.isComparable(status)) }
    }
}
