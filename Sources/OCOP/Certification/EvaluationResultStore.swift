import JSON
import SQLite

/// Records a round's evaluations: the server scores them (`EvaluationRules`) and keeps the
/// scores, the verdict and the audit entry together in one transaction.
public enum EvaluationResultStore {
    static let columns = """
        id, round_id, product_id, member_scores, mandatory_criteria_met, average_score, stars_earned, stars_awarded, \
        proposed_to_next_level, outcome, previous_certificate_id, certificate_id, created_at, updated_at, version
        """

    /// One result of round `roundID`; nil when it does not exist or belongs to another round.
    public static func get(_ db: Connection, roundID: Int64, id: Int64) throws -> EvaluationResult? {
        try db.first("SELECT \(columns) FROM evaluation_results WHERE id = ? AND round_id = ?",
                     [.integer(id), .integer(roundID)], decode)
    }

    /// A round's results by id; nil when the round does not exist.
    public static func list(_ db: Connection, roundID: Int64, _ query: EvaluationResultQuery) throws -> Page<EvaluationResult>? {
        guard try db.scalarInt("SELECT count(*) FROM evaluation_rounds WHERE id = ?", [.integer(roundID)]) == 1 else {
            return nil
        }
        var conditions = ["round_id = ?"]
        var params: [SQLiteValue] = [.integer(roundID)]
        if let product = query.productID { conditions.append("product_id = ?"); params.append(.integer(product)) }
        if let outcome = query.outcome { conditions.append("outcome = ?"); params.append(.text(outcome.rawValue)) }
        if let stars = query.starsAwarded { conditions.append("stars_awarded = ?"); params.append(.integer(Int64(stars.rawValue))) }
        if let decided = query.decided { conditions.append(decided ? "certificate_id IS NOT NULL" : "certificate_id IS NULL") }
        let keyset = Keyset(sort: "id", column: nil, descending: false)
        try keyset.restrict(after: query.cursor, &conditions, &params)
        params.append(.integer(query.limit.rowsToFetch))
        var items = try db.all("""
            SELECT \(columns) FROM evaluation_results \(conditions.whereClause) ORDER BY id LIMIT ?
            """, params, decode)
        let next = keyset.page(&items, limit: query.limit) { (nil, $0.id) }
        return Page(items: items, nextCursor: next)
    }

    /// Scores and records `input` in round `roundID`. One result per product per round (conflict);
    /// a round that has not been held yet on `today` takes no results (conflict).
    public static func record(_ db: Connection, roundID: Int64, _ input: EvaluationInput, today: CivilDate,
                              actor: Actor, now: Timestamp) throws -> EvaluationResult {
        guard let round = try EvaluationRoundStore.get(db, id: roundID) else {
            throw DomainError.notFound(entity: "evaluation_round", id: String(roundID))
        }
        guard round.fields.heldOn <= today else {
            throw DomainError.conflict("round \(roundID) is held on \(round.fields.heldOn); record its results from that day on")
        }
        guard let product = try ProductCertificateLink.find(db, productID: input.productID) else {
            throw DomainError.invalid("product_id", "no product has id \(input.productID)")
        }
        let (previous, verdict) = try judge(input.memberScores, mandatoryCriteriaMet: input.mandatoryCriteriaMet,
                                            of: product, in: round, today: today, db)
        do {
            try db.run("""
                INSERT INTO evaluation_results (id, round_id, product_id, member_scores, mandatory_criteria_met, average_score,
                    stars_earned, stars_awarded, proposed_to_next_level, outcome, previous_certificate_id,
                    created_at, updated_at, version)
                VALUES (\(RetiredIDs.nextID("evaluation_results")), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, [.integer(roundID), .integer(input.productID), .text(scoresJSON(input.memberScores).serializedString()),
                      SQLiteValue(input.mandatoryCriteriaMet), .text(verdict.averageScore.fixedTwoDecimals),
                      .integer(Int64(verdict.starsEarned.rawValue)), .integer(Int64(verdict.starsAwarded.rawValue)),
                      SQLiteValue(verdict.proposedToNextLevel), .text(verdict.outcome.rawValue), SQLiteValue(previous?.id),
                      .text(now.description), .text(now.description)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            let existing = try db.scalarInt("SELECT id FROM evaluation_results WHERE round_id = ? AND product_id = ?",
                                            [.integer(roundID), .integer(input.productID)])
            throw DomainError.conflict("product \(input.productID) already has result \(existing ?? 0) in round \(roundID)")
        }
        let result = EvaluationResult(
            id: db.lastInsertRowID, roundID: roundID, productID: input.productID, memberScores: input.memberScores,
            mandatoryCriteriaMet: input.mandatoryCriteriaMet, averageScore: verdict.averageScore,
            starsEarned: verdict.starsEarned, starsAwarded: verdict.starsAwarded,
            proposedToNextLevel: verdict.proposedToNextLevel, outcome: verdict.outcome,
            previousCertificateID: previous?.id, certificateID: nil, createdAt: now, updatedAt: now, version: 1)
        try AuditLog.record(db, actor: actor, entity: .evaluationResult, entityID: result.id, action: "create",
                            changes: jsonObject(result), at: now)
        try flagIfStarsUnsupported(result, previous: previous, today: today, actor: actor, now: now, db)
        return result
    }

    /// Scores a product's evaluation in `round` against the certificate that council re-evaluated
    /// (`comparableCertificate`): what `record` stores, and what `rejudge` stores again.
    private static func judge(_ scores: [MemberScore], mandatoryCriteriaMet: Bool, of product: ProductCertificateLink,
                              in round: EvaluationRound, today: CivilDate,
                              _ db: Connection) throws -> (previous: Certificate?, verdict: EvaluationVerdict) {
        let heldOn = round.fields.heldOn
        let previous = try product.comparableCertificate(db, decidedBy: heldOn, today: today)
        let verdict = try EvaluationRules.evaluate(
            scores, sheet: round.sheet, mandatoryCriteriaMet: mandatoryCriteriaMet, level: round.fields.councilLevel,
            heldOn: heldOn, previousStars: previous?.stars, heldStars: previous?.stars(heldOn: heldOn))
        return (previous, verdict)
    }

    /// Not recognised on re-evaluation while still certified (a low score, or a mandatory
    /// criterion missed): the stars it holds are no longer supported, yet `decide` only issues
    /// certificates. The product goes under review, so an officer revokes its certificate
    /// (`failed_mandatory_criteria`, `violation`) or clears it; left alone it kept more stars
    /// after a failed re-evaluation than after a downgrade to 3.
    private static func flagIfStarsUnsupported(_ result: EvaluationResult, previous: Certificate?, today: CivilDate,
                                               actor: Actor, now: Timestamp, _ db: Connection) throws {
        guard result.outcome == .notRecognised, let previous, previous.status(on: today).isValid else { return }
        try ProductReviewStore.flag(db, productID: result.productID, cause: .evaluationResult(id: result.id),
                                    actor: actor, now: now)
    }

    /// Judges again the product's undecided results of rounds held on or after `decidedOn`, against
    /// the certificates as they stand now. A decision typed in after a later council sat issues the
    /// certificate that council re-evaluated: its results read as if recorded in date order (the
    /// outcome, the stars a capped council awards, the proposal), and one no longer recognised
    /// while that certificate is in force flags the product, as `record` does. Decided results
    /// keep what their certificate rests on.
    static func rejudge(_ db: Connection, productID: Int64, decidedOn: CivilDate, today: CivilDate,
                        actor: Actor, now: Timestamp) throws {
        guard let product = try ProductCertificateLink.find(db, productID: productID) else { return }
        let undecided = try db.all("""
            SELECT \(columns) FROM evaluation_results
            WHERE product_id = ? AND certificate_id IS NULL
              AND round_id IN (SELECT id FROM evaluation_rounds WHERE held_on >= ?)
            ORDER BY id
            """, [.integer(productID), .text(decidedOn.description)], decode)
        for result in undecided {
            guard let round = try EvaluationRoundStore.get(db, id: result.roundID) else { continue }
            let (previous, verdict) = try judge(result.memberScores, mandatoryCriteriaMet: result.mandatoryCriteriaMet,
                                                of: product, in: round, today: today, db)
            var judged = result
            judged.starsAwarded = verdict.starsAwarded
            judged.proposedToNextLevel = verdict.proposedToNextLevel
            judged.outcome = verdict.outcome
            judged.previousCertificateID = previous?.id
            guard judged != result else { continue }
            try db.run("""
                UPDATE evaluation_results SET stars_awarded = ?, proposed_to_next_level = ?, outcome = ?,
                       previous_certificate_id = ?, updated_at = ?, version = version + 1
                WHERE id = ?
                """, [.integer(Int64(judged.starsAwarded.rawValue)), SQLiteValue(judged.proposedToNextLevel),
                      .text(judged.outcome.rawValue), SQLiteValue(judged.previousCertificateID), .text(now.description),
                      .integer(result.id)])
            try AuditLog.record(db, actor: actor, entity: .evaluationResult, entityID: result.id, action: "rejudge",
                                changes: AuditLog.diff(jsonObject(result), jsonObject(judged)), at: now)
            try flagIfStarsUnsupported(judged, previous: previous, today: today, actor: actor, now: now, db)
        }
    }

    /// The day the council that recorded result `resultID` sat; nil when there is no such result.
    static func councilDay(_ db: Connection, resultID: Int64) throws -> CivilDate? {
        try db.first("""
            SELECT r.held_on FROM evaluation_results e JOIN evaluation_rounds r ON r.id = e.round_id WHERE e.id = ?
            """, [.integer(resultID)]) { CivilDate($0.string(0)) } ?? nil
    }

    /// The scores as stored and shown: numbers keep their exact decimal text.
    static func scoresJSON(_ scores: [MemberScore]) -> JSONValue {
        .array(scores.map { score in
            var members: [(key: String, value: JSONValue)] = [("member", .string(score.member))]
            for part in ScorePart.allCases { members.append((part.rawValue, number(score.score(part)))) }
            return .object(JSONObject(members))
        })
    }

    static func number(_ points: Points) -> JSONValue {
        JSONNumber(points.description).map(JSONValue.number) ?? .string(points.description)
    }

    /// Deletes a result recorded by mistake (a mistyped score), so it can be recorded again. A
    /// decided result stays: its certificate rests on it (revoke the certificate instead).
    public static func delete(_ db: Connection, roundID: Int64, id: Int64, ifVersion: VersionMatch?,
                              actor: Actor, now: Timestamp) throws {
        guard let result = try get(db, roundID: roundID, id: id) else {
            throw DomainError.notFound(entity: "evaluation_result", id: "\(roundID)/\(id)")
        }
        try VersionMatch.require(ifVersion, current: result.version)
        if let certificate = result.certificateID {
            throw DomainError.conflict("""
                result \(id) was decided: certificate \(certificate) rests on it; revoke the certificate instead
                """)
        }
        try db.run("DELETE FROM evaluation_results WHERE id = ?", [.integer(id)])
        try AuditLog.record(db, actor: actor, entity: .evaluationResult, entityID: id, action: "delete",
                            changes: jsonObject(result), at: now)
    }

    /// The result under its API names (what the audit log records on creation).
    static func jsonObject(_ r: EvaluationResult) -> JSONObject {
        func id(_ v: Int64?) -> JSONValue { v.map { .number(JSONNumber($0)) } ?? .null }
        return JSONObject([
            ("round_id", id(r.roundID)),
            ("product_id", id(r.productID)),
            ("member_scores", scoresJSON(r.memberScores)),
            ("mandatory_criteria_met", .bool(r.mandatoryCriteriaMet)),
            ("average_score", .string(r.averageScore.fixedTwoDecimals)),
            ("stars_earned", .number(JSONNumber(Int64(r.starsEarned.rawValue)))),
            ("stars_awarded", .number(JSONNumber(Int64(r.starsAwarded.rawValue)))),
            ("proposed_to_next_level", .bool(r.proposedToNextLevel)),
            ("outcome", .string(r.outcome.rawValue)),
            ("previous_certificate_id", id(r.previousCertificateID)),
            ("certificate_id", id(r.certificateID)),
        ])
    }

    static func decode(_ row: Row) throws -> EvaluationResult {
        let id = row.int64(0)
        guard let scores = parseScores(row.string(3)), let average = Points(decimal: row.string(5)),
              let earned = StarRating(rawValue: row.int(6)), let awarded = StarRating(rawValue: row.int(7)),
              let outcome = EvaluationOutcome(rawValue: row.string(9)),
              let created = row.timestamp(12), let updated = row.timestamp(13) else {
            throw DomainError.conflict("evaluation result \(id) has corrupt stored fields")
        }
        return EvaluationResult(
            id: id, roundID: row.int64(1), productID: row.int64(2), memberScores: scores, mandatoryCriteriaMet: row.bool(4),
            averageScore: average, starsEarned: earned, starsAwarded: awarded, proposedToNextLevel: row.bool(8),
            outcome: outcome, previousCertificateID: row.optionalInt64(10), certificateID: row.optionalInt64(11),
            createdAt: created, updatedAt: updated, version: row.int64(14))
    }

    static func parseScores(_ text: String) -> [MemberScore]? {
        guard let array = (try? JSONValue.parse(text))?.arrayValue else { return nil }
        var scores: [MemberScore] = []
        for element in array {
            guard let member = element["member"]?.stringValue,
                  case .number(let a)? = element["part_a"], let partA = Points(decimal: a.text),
                  case .number(let b)? = element["part_b"], let partB = Points(decimal: b.text),
                  case .number(let c)? = element["part_c"], let partC = Points(decimal: c.text) else { return nil }
            scores.append(MemberScore(member: member, partA: partA, partB: partB, partC: partC))
        }
        return scores
    }
}

/// A product as certification sees it: its code and its current certificate.
struct ProductCertificateLink {
    let id: Int64
    let code: String
    let currentCertificateID: Int64?

    static func find(_ db: Connection, productID: Int64) throws -> ProductCertificateLink? {
        try db.first("SELECT id, code, current_certificate_id FROM products WHERE id = ?", [.integer(productID)]) {
            ProductCertificateLink(id: $0.int64(0), code: $0.string(1), currentCertificateID: $0.optionalInt64(2))
        }
    }

    /// The certificate an evaluation of `date` compares with: the product's latest decided on or
    /// before that day, unless it is revoked (`EvaluationRules.isComparable`). For an evaluation
    /// of today that is the current certificate; for a council that sat before the current
    /// certificate was decided, it is the one the council re-evaluated, not a later one.
    func comparableCertificate(_ db: Connection, decidedBy date: CivilDate, today: CivilDate) throws -> Certificate? {
        let latest = try db.first("""
            SELECT \(CertificateStore.columns) FROM certificates WHERE product_id = ? AND decided_on <= ?
            ORDER BY decided_on DESC, id DESC LIMIT 1
            """, [.integer(id), .text(date.description)], CertificateStore.decode)
        guard let latest, EvaluationRules.isComparable(latest.status(on: today)) else { return nil }
        return latest
    }

    /// The product's current certificate, whatever its status.
    func currentCertificate(_ db: Connection) throws -> Certificate? {
        guard let id = currentCertificateID else { return nil }
        return try CertificateStore.get(db, id: id)
    }
}
