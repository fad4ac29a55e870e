import JSON
import OCOP

/// The JSON and CSV shapes of an evaluation result, and how a request body becomes an input.
enum EvaluationResultRepresentation {
    static func write(_ r: EvaluationResult, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", r.id)
        writer.field("round_id", r.roundID)
        writer.field("product_id", r.productID)
        writer.key("member_scores")
        writer.beginArray()
        for score in r.memberScores {
            writer.beginObject()
            writer.field("member", score.member)
            writer.key("part_a"); writer.raw(Array(score.partA.description.utf8))
            writer.key("part_b"); writer.raw(Array(score.partB.description.utf8))
            writer.key("part_c"); writer.raw(Array(score.partC.description.utf8))
            writer.key("total"); writer.raw(Array(score.total.description.utf8))
            writer.endObject()
        }
        writer.endArray()
        writer.field("mandatory_criteria_met", r.mandatoryCriteriaMet)
        writer.field("average_score", r.averageScore.fixedTwoDecimals)
        writer.field("stars_earned", r.starsEarned.rawValue)
        writer.field("stars_awarded", r.starsAwarded.rawValue)
        writer.field("proposed_to_next_level", r.proposedToNextLevel)
        writer.field("outcome", r.outcome.rawValue)
        writer.field("previous_certificate_id", r.previousCertificateID)
        writer.field("certificate_id", r.certificateID)
        writer.field("created_at", r.createdAt)
        writer.field("updated_at", r.updatedAt)
        writer.field("version", r.version)
        writer.endObject()
    }

    static let memberKeys: Set<String> = ["member", "part_a", "part_b", "part_c"]

    /// Reads `{"product_id", "member_scores": [...], "mandatory_criteria_met"}`. Part maxima depend on
    /// the round's sheet and are checked by `EvaluationRules`; here only types and shapes.
    static func input(from object: JSONObject) throws(Problem) -> EvaluationInput {
        // BodyReader has no array or boolean readers: those keys are read here, the rest by it,
        // so unknown fields are still reported by `finish()`.
        let custom: Set<String> = ["member_scores", "mandatory_criteria_met", "product_id"]
        var reader = BodyReader(JSONObject(object.members.filter { !custom.contains($0.key) }))
        var errors: [FieldError] = []

        var productID: Int64?
        switch object["product_id"] {
        case nil, .null?: errors.append(FieldError("product_id", "is required"))
        case let value?:
            if let id = value.int64Value, id > 0 { productID = id }
            else { errors.append(FieldError("product_id", "must be a positive integer id")) }
        }

        var mandatory: Bool?
        switch object["mandatory_criteria_met"] {
        case nil, .null?: errors.append(FieldError("mandatory_criteria_met", "is required: true or false"))
        case let value?:
            if let bool = value.boolValue { mandatory = bool }
            else { errors.append(FieldError("mandatory_criteria_met", "must be true or false, not \(value.typeName)")) }
        }

        var scores: [MemberScore] = []
        switch object["member_scores"] {
        case nil, .null?: errors.append(FieldError("member_scores", "is required: one entry per council member"))
        case let value?:
            if let array = value.arrayValue {
                for (index, element) in array.enumerated() {
                    if let score = memberScore(element, field: "member_scores[\(index)]", errors: &errors) { scores.append(score) }
                }
            } else {
                errors.append(FieldError("member_scores", "must be an array of {member, part_a, part_b, part_c}"))
            }
        }

        for error in errors { reader.fail(error.field, error.message) }
        try reader.finish()
        guard let productID, let mandatory else { throw Problem.validation(errors) }
        return EvaluationInput(productID: productID, memberScores: scores, mandatoryCriteriaMet: mandatory)
    }

    private static func memberScore(_ value: JSONValue, field: String, errors: inout [FieldError]) -> MemberScore? {
        guard let object = value.objectValue else {
            errors.append(FieldError(field, "must be an object {member, part_a, part_b, part_c}"))
            return nil
        }
        let before = errors.count
        for key in object.keys where !memberKeys.contains(key) {
            errors.append(FieldError("\(field).\(key)", "is not a known field"))
        }
        var member: String?
        if let text = object["member"]?.stringValue {
            if text.hasMoreCharacters(than: 120) { errors.append(FieldError("\(field).member", "must be at most 120 characters")) }
            else { member = TextNormalization.nfc(text) }
        } else {
            errors.append(FieldError("\(field).member", "is required: the member's name or code"))
        }
        let a = CertificationReaders.points(object["part_a"], field: "\(field).part_a", errors: &errors)
        let b = CertificationReaders.points(object["part_b"], field: "\(field).part_b", errors: &errors)
        let c = CertificationReaders.points(object["part_c"], field: "\(field).part_c", errors: &errors)
        guard errors.count == before, let member, let a, let b, let c else { return nil }
        return MemberScore(member: member, partA: a, partB: b, partC: c)
    }

    static let csv = CSVTable<EvaluationResult>(filename: "evaluation-results.csv", columns: [
        ("id", { String($0.id) }),
        ("round_id", { String($0.roundID) }),
        ("product_id", { String($0.productID) }),
        ("members", { String($0.memberScores.count) }),
        ("mandatory_criteria_met", { $0.mandatoryCriteriaMet ? "true" : "false" }),
        ("average_score", { $0.averageScore.fixedTwoDecimals }),
        ("stars_earned", { String($0.starsEarned.rawValue) }),
        ("stars_awarded", { String($0.starsAwarded.rawValue) }),
        ("proposed_to_next_level", { $0.proposedToNextLevel ? "true" : "false" }),
        ("outcome", { $0.outcome.rawValue }),
        ("previous_certificate_id", { $0.previousCertificateID.map { String($0) } }),
        ("certificate_id", { $0.certificateID.map { String($0) } }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}
