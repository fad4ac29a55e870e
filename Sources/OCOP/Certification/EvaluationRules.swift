/// One council member's scores for the three parts of the sheet.
public struct MemberScore: Sendable, Equatable {
    /// The member's name or code, as the council's minutes list it.
    public let member: String
    public let partA: Points
    public let partB: Points
    public let partC: Points

    public init(member: String, partA: Points, partB: Points, partC: Points) {
        self.member = member
        self.partA = partA
        self.partB = partB
        self.partC = partC
    }

    /// The score given for `part`.
    public func score(_ part: ScorePart) -> Points {
        switch part {
        case .a: partA
        case .b: partB
        case .c: partC
        }
    }

    /// The member's total out of 100.
    public var total: Points { partA + partB + partC }
}

/// What an evaluation means for a product, compared with its previous certificate (DOMAIN.md).
public enum EvaluationOutcome: String, CaseIterable, Sendable {
    /// No previous certificate to compare with.
    case new
    /// The same stars as the previous certificate (typically after or near its expiry).
    case reissued
    case upgraded
    case downgraded
    /// Fewer than 3 stars awarded (by score, council cap or the mandatory-criteria gate): no certificate.
    case notRecognised = "not_recognised"
}

/// The server's reading of a council's scores.
public struct EvaluationVerdict: Sendable, Equatable {
    /// The sum of the members' totals and their count: the exact, unrounded average is `sum / members`.
    public let sum: Points
    public let members: Int
    public let starsEarned: StarRating
    public let starsAwarded: StarRating
    /// Earned more than this council may award, with the mandatory criteria met.
    public let proposedToNextLevel: Bool
    public let outcome: EvaluationOutcome

    /// The average truncated (not rounded) to hundredths, so the figure shown never crosses a
    /// threshold the unrounded average did not: 69.996 shows "69.99" beside its 3 stars, not "70.00".
    public var averageScore: Points { Points(hundredths: sum.hundredths / Int64(members)) }
}

/// The scoring rules, pure and total: every input either gets a verdict or the list of what is wrong.
public enum EvaluationRules {
    /// Without the criteria mandatory for 3 stars a product is not certified whatever its score:
    /// the stars it may be awarded stop here (DOMAIN.md "Scoring and stars").
    public static let mandatoryGateCap = StarRating.two
    /// A council of more members than this is a data-entry mistake, not a council.
    public static let maxMembers = 50

    /// Every broken rule in `scores` for `sheet`, with fields named as the API names them.
    public static func check(_ scores: [MemberScore], sheet: ScoreSheet, field: String = "member_scores") -> [FieldError] {
        var errors: [FieldError] = []
        if scores.isEmpty { errors.append(FieldError(field, "must list at least one council member's scores")) }
        if scores.count > maxMembers { errors.append(FieldError(field, "must list at most \(maxMembers) members")) }
        var seen = Set<String>()
        for (index, score) in scores.enumerated() {
            let name = score.member.trimmingWhitespace()
            if name.isBlank { errors.append(FieldError("\(field)[\(index)].member", "must not be empty")) }
            else if TextNormalization.containsControlCharacters(name) {
                errors.append(FieldError("\(field)[\(index)].member", TextNormalization.controlCharactersMessage))
            } else if !seen.insert(name).inserted {
                errors.append(FieldError("\(field)[\(index)].member", "scores twice; each member scores once"))
            }
            for part in ScorePart.allCases where score.score(part) > sheet.maximum(part) {
                errors.append(FieldError("\(field)[\(index)].\(part.rawValue)",
                                         "must be from 0 to \(sheet.maximum(part)) on the \(sheet.version.rawValue) sheet"))
            }
        }
        return errors
    }

    /// Why `level` cannot hold a round on `heldOn`, or nil when it can.
    public static func councilError(_ level: CouncilLevel, heldOn: CivilDate) -> FieldError? {
        let regime = CouncilRegime.on(heldOn)
        guard regime.cap(level) == nil else { return nil }
        let levels = CouncilLevel.allCases.filter { regime.cap($0) != nil }.map(\.rawValue).joined(separator: ", ")
        return FieldError("council_level", "there is no \(level.rawValue) council on \(heldOn) (\(regime.legalBasis)); use \(levels)")
    }

    /// Whether a product's current certificate is what a new evaluation is compared with.
    /// A revoked certificate is not: the product lost its stars for cause, so it starts over
    /// (`new`) and the revoked certificate is never marked renewed. Expired ones count:
    /// DOMAIN.md defines `reissued` as "same stars after expiry".
    public static func isComparable(_ status: CertificateStatus) -> Bool {
        status != .revoked
    }

    /// Scores a product. `previousStars` are those of the certificate the result is compared with;
    /// `heldStars` the same when that certificate was still in force on the day (not expired).
    public static func evaluate(_ scores: [MemberScore], sheet: ScoreSheet, mandatoryCriteriaMet: Bool,
                                level: CouncilLevel, heldOn: CivilDate, previousStars: StarRating?,
                                heldStars: StarRating?) throws(DomainError) -> EvaluationVerdict {
        var errors = check(scores, sheet: sheet)
        if let error = councilError(level, heldOn: heldOn) { errors.append(error) }
        guard errors.isEmpty, let cap = CouncilRegime.on(heldOn).cap(level) else { throw .invalid(errors) }

        let sum = scores.reduce(Points.zero) { $0 + $1.total }
        let earned = StarThresholds.stars(sum: sum, members: scores.count)
        var awarded = min(earned, cap)
        if !mandatoryCriteriaMet { awarded = min(awarded, mandatoryGateCap) }
        let proposed = mandatoryCriteriaMet && earned > cap
        return EvaluationVerdict(
            sum: sum, members: scores.count, starsEarned: earned, starsAwarded: awarded, proposedToNextLevel: proposed,
            outcome: outcome(awarded: awarded, earned: earned, proposed: proposed, previous: previousStars,
                             held: heldStars))
    }

    /// Whether a council capped below the stars a product holds decides about them: it does not.
    /// A 5-star product scored 95 by a province council (which awards at most 4) is proposed to
    /// the next level; a 4-star decision here would take away stars the score earned (DOMAIN.md:
    /// "a higher score is a 'proposed for the next level' outcome"). `held`: the stars of a
    /// certificate still in force; an expired one holds none (its stars lapsed), so a council
    /// may then award what it can, as for a product never certified.
    public static func isForTheNextLevel(awarded: StarRating, proposed: Bool, held: StarRating?) -> Bool {
        guard proposed, let held else { return false }
        return awarded < held
    }

    /// The outcome of an evaluation for a product whose previous certificate had `previous` stars
    /// (`held` while still in force): by the stars awarded, or, when the decision is the next
    /// level's (`isForTheNextLevel`), by the stars the score earned, the ones that council weighs.
    public static func outcome(awarded: StarRating, earned: StarRating, proposed: Bool,
                               previous: StarRating?, held: StarRating?) -> EvaluationOutcome {
        guard awarded.isCertified else { return .notRecognised }
        guard let previous else { return .new }
        let stars = isForTheNextLevel(awarded: awarded, proposed: proposed, held: held) ? earned : awarded
        if stars == previous { return .reissued }
        return stars > previous ? .upgraded : .downgraded
    }
}
