extension DemoBuilder {
    /// Who goes through which path of the certificate lifecycle, counted so that on the day the
    /// demo is loaded: 216 producers (53/89/74 by kind) hold certified products, every certificate
    /// status occurs, and of the certificates that expired in the last six months 71 re-entered
    /// evaluation (DOMAIN.md's figures).
    struct CertificationPlan {
        /// Decided in round 1 and expired some five months ago, then renewed by round 2.
        var renewedAfterExpiry: [DemoProduct] = []
        /// Decided in round 1 and expired; re-evaluated in round 2 but not recognised.
        var reentryNotRecognised: [DemoProduct] = []
        /// Decided in round 1 and expired; never re-evaluated.
        var expired: [DemoProduct] = []
        /// Decided in round 1, expired, then revoked because the producer did not re-apply.
        var notReapplied: [DemoProduct] = []
        /// Decided in a supplementary decision of round 1: 36 months end within days (some this month).
        var expiring: [DemoProduct] = []
        /// New in round 2 with 3 or 4 stars.
        var new: [DemoProduct] = []
        /// 90+ points in round 2 (4 stars, the province's cap, proposed onwards), then 5 stars centrally.
        var central: [DemoProduct] = []
        /// Certified in round 2, then revoked for a violation.
        var violation: [DemoProduct] = []
        /// Evaluated in round 2 and not recognised (under 50 points, or mandatory criteria missed).
        var notRecognised: [DemoProduct] = []
    }

    static let renewedAfterExpiryCount = 65
    static let reentryNotRecognisedCount = 6
    static let expiredCount = 24
    static let notReappliedCount = 5
    static let expiringCount = 30
    static let centralCount = 8
    static let newExtrasCount = 40
    static let violationCount = 2
    static let notRecognisedCount = 10
    static let cooperativeGroupExpiredCount = 4
    static let cooperativeGroupNotRecognisedCount = 3

    mutating func makePlan() -> CertificationPlan {
        var flagships = shuffled(products.filter { $0.flagship && $0.producer.kind != .cooperativeGroup })[...]
        var others = shuffled(products.filter { !$0.flagship && $0.producer.kind != .cooperativeGroup })[...]
        var groups = shuffled(products.filter { $0.producer.kind == .cooperativeGroup })[...]
        func take(_ list: inout ArraySlice<DemoProduct>, _ count: Int) -> [DemoProduct] {
            defer { list = list.dropFirst(count) }
            return Array(list.prefix(count))
        }
        var plan = CertificationPlan()
        // Every flagship ends up certified today, so every producer but the cooperative groups holds one.
        plan.renewedAfterExpiry = take(&flagships, Self.renewedAfterExpiryCount)
        plan.expiring = take(&flagships, Self.expiringCount)
        plan.central = take(&flagships, Self.centralCount)
        plan.new = Array(flagships)
        plan.reentryNotRecognised = take(&others, Self.reentryNotRecognisedCount)
        plan.expired = take(&others, Self.expiredCount) + take(&groups, Self.cooperativeGroupExpiredCount)
        plan.notReapplied = take(&others, Self.notReappliedCount)
        plan.violation = take(&others, Self.violationCount)
        plan.new += take(&others, Self.newExtrasCount)
        plan.notRecognised = take(&others, Self.notRecognisedCount) + take(&groups, Self.cooperativeGroupNotRecognisedCount)
        return plan
    }

    mutating func certify() throws {
        let plan = makePlan()
        certificationPlan = plan
        let firstHeld = today.adding(months: -41), secondHeld = today.adding(months: -3), centralHeld = today.adding(months: -1)
        let first = try round("Đánh giá, phân hạng sản phẩm OCOP lần thứ 8 năm \(firstHeld.year)", .province, firstHeld,
                              "125/QĐ-UBND")
        let second = try round("Đánh giá, phân hạng sản phẩm OCOP lần thứ 9 năm \(secondHeld.year)", .province, secondHeld,
                               "318/QĐ-UBND")
        let central = try round("Đánh giá, phân hạng sản phẩm OCOP 5 sao cấp trung ương năm \(centralHeld.year)", .central,
                                centralHeld, "1021/QĐ-BNN")

        // Round 1, some 41 months ago: most decisions follow ten days later and have expired by now.
        var starsBefore: [Int64: Int] = [:]
        let lapsed = plan.renewedAfterExpiry + plan.reentryNotRecognised + plan.expired + plan.notReapplied
        for product in lapsed {
            let stars = pick(10) < 6 ? 3 : 4
            starsBefore[product.id] = stars
            try evaluate(product, in: first, stars: stars, decision: "2518/QĐ-UBND", on: firstHeld.adding(days: 10))
        }
        // A supplementary decision of round 1 dated so that its 36 months end in the coming days:
        // the first few on the last day of this month, the rest spread over the next four weeks.
        let monthEnd = CivilDate(year: today.year, month: today.month,
                                 day: CivilDate.daysInMonth(year: today.year, month: today.month)) ?? today
        for (i, product) in plan.expiring.enumerated() {
            let ends = i < 6 ? monthEnd : today.adding(days: 1 + i % 28)
            var decided = ends.adding(months: -36)
            // A 29 February end cannot be reached from a date 36 months earlier: take the next day.
            if CertificateTerms.standard.expiresOn(decidedOn: decided) < today { decided = decided.adding(days: 1) }
            try evaluate(product, in: first, stars: pick(10) < 6 ? 3 : 4, decision: "3105/QĐ-UBND", on: decided)
        }

        // Round 2, three months ago: re-evaluations after expiry, new products, candidates for 5 stars.
        let secondDecided = secondHeld.adding(days: 15)
        for product in plan.renewedAfterExpiry {
            var stars = starsBefore[product.id] ?? 3
            switch pick(20) {
            case 0..<3 where stars == 3: stars = 4          // upgraded
            case 3..<5 where stars == 4: stars = 3          // downgraded
            default: break                                  // reissued
            }
            try evaluate(product, in: second, stars: stars, decision: "2987/QĐ-UBND", on: secondDecided)
        }
        for product in plan.reentryNotRecognised { try evaluate(product, in: second, stars: 2, decision: nil, on: secondDecided) }
        for product in plan.new + plan.violation {
            try evaluate(product, in: second, stars: pick(10) < 6 ? 3 : 4, decision: "2987/QĐ-UBND", on: secondDecided)
        }
        for product in plan.central { try evaluate(product, in: second, stars: 5, decision: "2987/QĐ-UBND", on: secondDecided) }
        for (i, product) in plan.notRecognised.enumerated() {
            // One of them scored 4 stars but missed a criterion mandatory for 3: not certified whatever its score.
            try evaluate(product, in: second, stars: i == 0 ? 4 : 2, mandatoryMet: i != 0, decision: nil, on: secondDecided)
        }

        // The central council, a month ago: 5 stars, renewing the province's 4-star certificates.
        let ministry = CouncilRegime.on(centralHeld) == .decision1489 ? "QĐ-BNNMT" : "QĐ-BNN"
        for product in plan.central {
            try evaluate(product, in: central, stars: 5, decision: "1456/\(ministry)", on: centralHeld.adding(days: 10))
        }

        // Withdrawals, dated today as the revoke flow dates them.
        for product in plan.notReapplied {
            try revoke(product, .notReapplied, note: "Hết hạn, cơ sở không đăng ký đánh giá lại")
        }
        for product in plan.violation {
            try revoke(product, .violation, note: "Sử dụng nhãn OCOP cho sản phẩm không được công nhận")
        }
    }

    private func round(_ name: String, _ level: CouncilLevel, _ heldOn: CivilDate,
                       _ decisionRef: String) throws -> EvaluationRound {
        try EvaluationRoundStore.create(db, EvaluationRoundFields(name: name, councilLevel: level, heldOn: heldOn,
                                                                  decisionRef: decisionRef), actor: .system, now: now)
    }

    /// Records the council's scores for `stars` and, when a decision is given, issues the certificate.
    private mutating func evaluate(_ product: DemoProduct, in round: EvaluationRound, stars: Int, mandatoryMet: Bool = true,
                                   decision: String?, on decidedOn: CivilDate) throws {
        let result = try EvaluationResultStore.record(
            db, roundID: round.id, EvaluationInput(productID: product.id, memberScores: scores(stars: stars, sheet: round.sheet),
                                                   mandatoryCriteriaMet: mandatoryMet),
            today: today, actor: .system, now: now)
        guard let decision, result.starsAwarded.isCertified else { return }
        _ = try EvaluationDecision.decide(db, roundID: round.id, resultID: result.id,
                                          EvaluationDecision.Input(decisionNumber: decision, decidedOn: decidedOn),
                                          today: today, actor: .system, now: now)
    }

    /// Five members whose average lands well inside the band of `stars` (5 stars: 91–96 points),
    /// each member's total split over the parts in proportion to the sheet's maxima.
    private mutating func scores(stars: Int, sheet: ScoreSheet) -> [MemberScore] {
        let target: Int64 = switch stars {
        case 5: 9_100 + Int64(pick(500))
        case 4: 7_100 + Int64(pick(1_700))
        case 3: 5_200 + Int64(pick(1_600))
        default: 3_800 + Int64(pick(1_000))
        }
        // Symmetric spread: the members disagree a little, the average is exactly the target.
        return [-150, -60, 0, 60, 150].enumerated().map { index, spread in
            let total = target + Int64(spread)
            let a = total * sheet.maxA.hundredths / 10_000, b = total * sheet.maxB.hundredths / 10_000
            return MemberScore(member: "Thành viên Hội đồng \(index + 1)", partA: Points(hundredths: a),
                               partB: Points(hundredths: b), partC: Points(hundredths: total - a - b))
        }
    }

    private func revoke(_ product: DemoProduct, _ reason: RevocationReason, note: String) throws {
        guard let id = try db.first("SELECT current_certificate_id FROM products WHERE id = ?", [.integer(product.id)], {
            $0.optionalInt64(0)
        }) ?? nil else { return }
        _ = try CertificateStore.revoke(db, id: id, reason: reason, note: note, ifVersion: nil, today: today,
                                        actor: .system, now: now)
    }
}
