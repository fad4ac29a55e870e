import JSON
import SQLite

/// The recognition decision for a result: issues the certificate, links and renews the
/// previous one, and makes it the product's current certificate — one transaction, one
/// audit entry per entity changed.
public enum EvaluationDecision {
    /// The decision's number and date, e.g. "1234/QĐ-UBND" of 2024-12-13.
    public struct Input: Sendable, Equatable {
        public var decisionNumber: String
        public var decidedOn: CivilDate

        public init(decisionNumber: String, decidedOn: CivilDate) {
            self.decisionNumber = decisionNumber
            self.decidedOn = decidedOn
        }
    }

    public static let maxDecisionNumberLength = 60

    /// The certificate number: the decision number and the product code. One decision recognises a
    /// product once, so a number is unique with its product and decision day; decision numbers
    /// restart every year, so the same text may come back for a later decision.
    public static func certificateNumber(decision: String, productCode: String) -> String {
        "\(decision)/\(productCode)"
    }

    /// Issues the certificate for result `resultID` of round `roundID`. `ifVersion` is the client's
    /// `If-Match` on the result (nil: unconditional), checked before anything else about it.
    /// - Conflicts: already decided; not recognised (fewer than 3 stars awarded: nothing to certify);
    ///   the product holds more stars than this council may award and its score earned more
    ///   than it awarded (`EvaluationRules.isForTheNextLevel`: the next level decides).
    /// - Invalid: a blank decision number, a date before the round or after `today`.
    /// - Conflict: the product's current certificate was decided after `decidedOn`, or rests on a
    ///   council held after this result's round.
    /// The outcome is re-derived against the product's current certificate as it is now: if another
    /// certificate was issued since the result was recorded, the result is updated (and audited).
    public static func decide(_ db: Connection, roundID: Int64, resultID: Int64, _ input: Input,
                              ifVersion: VersionMatch? = nil, today: CivilDate,
                              terms: CertificateTerms = .standard, actor: Actor, now: Timestamp) throws -> Certificate {
        guard let round = try EvaluationRoundStore.get(db, id: roundID),
              let result = try EvaluationResultStore.get(db, roundID: roundID, id: resultID) else {
            throw DomainError.notFound(entity: "evaluation_result", id: "\(roundID)/\(resultID)")
        }
        try VersionMatch.require(ifVersion, current: result.version)
        if let issued = result.certificateID {
            throw DomainError.conflict("result \(resultID) was already decided: certificate \(issued)")
        }
        guard result.starsAwarded.isCertified else {
            throw DomainError.conflict("""
                result \(resultID) was not recognised (\(result.starsAwarded.rawValue) star(s) awarded); \
                only 3 to 5 stars earn a certificate, so there is nothing to decide
                """)
        }
        var errors: [FieldError] = []
        let decision = input.decisionNumber.trimmingWhitespace()
        if decision.isEmpty { errors.append(FieldError("decision_number", "must not be empty")) }
        if decision.hasMoreCharacters(than: maxDecisionNumberLength) {
            errors.append(FieldError("decision_number", "must be at most \(maxDecisionNumberLength) characters"))
        }
        // It becomes the printed certificate number, which is one line.
        if decision.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            errors.append(FieldError("decision_number", "must be one line: no tab or line break"))
        }
        if input.decidedOn < round.fields.heldOn {
            errors.append(FieldError("decided_on", "must not be before the round was held (\(round.fields.heldOn))"))
        }
        if input.decidedOn > today { errors.append(FieldError("decided_on", "must not be in the future (today is \(today))")) }
        if !errors.isEmpty { throw DomainError.invalid(errors) }

        guard let product = try ProductCertificateLink.find(db, productID: result.productID) else {
            throw DomainError.notFound(entity: "product", id: String(result.productID))
        }
        if let current = try product.currentCertificate(db) {
            try requireLater(than: current, of: product, decidedOn: input.decidedOn, heldOn: round.fields.heldOn, db)
        }
        var previous = try product.comparableCertificate(db, decidedBy: input.decidedOn, today: today)
        if let found = previous { previous = try CertificateStatusSweeper.record(db, found, today: today, now: now) }
        let held = previous?.stars(heldOn: input.decidedOn)
        if let previous, EvaluationRules.isForTheNextLevel(awarded: result.starsAwarded, proposed: result.proposedToNextLevel,
                                                           held: held) {
            throw DomainError.conflict("""
                result \(resultID) earned \(result.starsEarned.rawValue) stars, more than a \(round.fields.councilLevel.rawValue) \
                council may award (\(result.starsAwarded.rawValue)), and product \(product.id) holds \(previous.stars.rawValue) \
                stars (certificate \(previous.id)): deciding \(result.starsAwarded.rawValue) here would take stars away that \
                its score earned; it is proposed to the next level, whose council decides
                """)
        }

        // Issue.
        let expiresOn = terms.expiresOn(decidedOn: input.decidedOn)
        let status = CertificateStatus.on(today, expiresOn: expiresOn, renewed: false, revoked: false)
        let numberText = certificateNumber(decision: decision, productCode: product.code)
        do {
            // The producer's place is copied as it stands today: the certificate keeps it.
            try db.run("""
                INSERT INTO certificates (number, product_id, result_id, stars, council_level, legal_basis, district,
                                          commune, decided_on, expires_on, previous_id, status_recorded, created_at,
                                          updated_at, version)
                SELECT ?, ?, ?, ?, ?, ?, pr.district, pr.commune, ?, ?, ?, ?, ?, ?, 1
                FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.id = ?
                """, [.text(numberText), .integer(product.id), .integer(resultID),
                      .integer(Int64(result.starsAwarded.rawValue)), .text(round.fields.councilLevel.rawValue),
                      .text(round.legalBasis), .text(input.decidedOn.description), .text(expiresOn.description),
                      SQLiteValue(previous?.id), .text(status.rawValue), .text(now.description), .text(now.description),
                      .integer(product.id)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw DomainError.conflict("""
                product \(product.id) already holds certificate \(numberText) of the decision of \(input.decidedOn); \
                a decision recognises a product once
                """)
        }
        let certificateID = db.lastInsertRowID
        guard let certificate = try CertificateStore.get(db, id: certificateID) else {
            throw DomainError.notFound(entity: "certificate", id: String(certificateID))
        }
        try AuditLog.record(db, actor: actor, entity: .certificate, entityID: certificateID, action: "create",
                            changes: CertificateStore.jsonObject(certificate, status: status), at: now)

        // Renew the previous certificate.
        if let previous {
            let before = previous.status(on: today)
            try db.run("""
                UPDATE certificates SET renewed_by_id = ?, status_recorded = 'renewed', updated_at = ?, version = version + 1
                WHERE id = ?
                """, [.integer(certificateID), .text(now.description), .integer(previous.id)])
            try AuditLog.record(db, actor: actor, entity: .certificate, entityID: previous.id, action: "renew",
                                changes: JSONObject([
                                    ("status", AuditLog.change(before.rawValue, CertificateStatus.renewed.rawValue)),
                                    ("renewed_by_id", .object(JSONObject([
                                        ("from", .null), ("to", .number(JSONNumber(certificateID))),
                                    ]))),
                                ]), at: now)
        }

        // The product's current certificate.
        try db.run("UPDATE products SET current_certificate_id = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                   [.integer(certificateID), .text(now.description), .integer(product.id)])
        try AuditLog.record(db, actor: actor, entity: .product, entityID: product.id, action: "update",
                            changes: JSONObject([("current_certificate_id", .object(JSONObject([
                                ("from", product.currentCertificateID.map { .number(JSONNumber($0)) } ?? .null),
                                ("to", .number(JSONNumber(certificateID))),
                            ])))]), at: now)

        // The result: decided, and compared with what is previous now.
        let outcome = EvaluationRules.outcome(awarded: result.starsAwarded, earned: result.starsEarned,
                                              proposed: result.proposedToNextLevel, previous: previous?.stars, held: held)
        var decided = result
        decided.certificateID = certificateID
        decided.outcome = outcome
        decided.previousCertificateID = previous?.id
        try db.run("""
            UPDATE evaluation_results SET certificate_id = ?, outcome = ?, previous_certificate_id = ?, updated_at = ?,
                   version = version + 1
            WHERE id = ?
            """, [.integer(certificateID), .text(outcome.rawValue), SQLiteValue(previous?.id), .text(now.description),
                  .integer(resultID)])
        try AuditLog.record(db, actor: actor, entity: .evaluationResult, entityID: resultID, action: "decide",
                            changes: AuditLog.diff(EvaluationResultStore.jsonObject(result),
                                                   EvaluationResultStore.jsonObject(decided)), at: now)
        // Results of later councils recorded before this decision was typed in compared with what
        // was on file then; they re-evaluated this certificate.
        try EvaluationResultStore.rejudge(db, productID: product.id, decidedOn: input.decidedOn, today: today,
                                          actor: actor, now: now)
        return certificate
    }

    /// The history reads in date order: a decision may replace the product's current certificate
    /// only if nothing about that certificate is dated after it. Typed in late, it would otherwise
    /// bury a newer certificate (decided after it), hand back the stars a revocation withdrew
    /// (revoked after it; in date order the revocation would have met the new certificate), or
    /// set an older council's verdict over a newer one's (the certificate rests on a council held
    /// after this result's round, which saw the product as it is now).
    private static func requireLater(than current: Certificate, of product: ProductCertificateLink,
                                     decidedOn: CivilDate, heldOn: CivilDate, _ db: Connection) throws {
        if current.decidedOn > decidedOn {
            throw DomainError.conflict("""
                product \(product.id) holds certificate \(current.id) decided on \(current.decidedOn), after this \
                decision (\(decidedOn)); a decision older than the product's current certificate cannot replace it
                """)
        }
        if let revocation = current.revocation, revocation.on > decidedOn {
            throw DomainError.conflict("""
                product \(product.id)'s certificate \(current.id) was revoked on \(revocation.on), after this decision \
                (\(decidedOn)); a decision dated before a revocation cannot restore the stars it withdrew
                """)
        }
        if let basis = current.resultID, let basisHeldOn = try EvaluationResultStore.councilDay(db, resultID: basis),
           basisHeldOn > heldOn {
            throw DomainError.conflict("""
                product \(product.id) holds certificate \(current.id), which rests on a council held on \(basisHeldOn), \
                after this result's round (\(heldOn)); a decision on an older evaluation cannot replace it
                """)
        }
    }
}
