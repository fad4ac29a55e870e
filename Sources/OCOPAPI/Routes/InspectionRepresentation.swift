import JSON
import OCOP

/// The JSON and CSV shapes of an inspection and of a review, and how request bodies become them.
enum InspectionRepresentation {
    static func write(_ inspection: Inspection, to writer: inout JSONWriter) {
        let f = inspection.fields
        writer.beginObject()
        writer.field("id", inspection.id)
        writer.field("product_id", inspection.productID)
        writer.field("inspected_on", f.inspectedOn.description)
        writer.field("agency", f.agency)
        writer.field("kind", f.kind.rawValue)
        writer.field("result", f.result.rawValue)
        writer.field("findings", f.findings)
        writer.field("created_at", inspection.createdAt)
        writer.field("updated_at", inspection.updatedAt)
        writer.field("version", inspection.version)
        writer.endObject()
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ inspection: Inspection) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(inspection.id))),
            ("product_id", .number(JSONNumber(inspection.productID))),
            ("created_at", .string(inspection.createdAt.description)),
            ("updated_at", .string(inspection.updatedAt.description)),
            ("version", .number(JSONNumber(inspection.version))),
        ])
    }

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    /// `today` (Asia/Ho_Chi_Minh) bounds `inspected_on`.
    static func fields(from object: JSONObject, current: Inspection?, today: CivilDate) throws(Problem) -> InspectionFields {
        var reader = BodyReader(object)
        let inspectedOn = reader.requiredDay("inspected_on")
        let agency = reader.requiredString("agency", maxLength: 200)
        let kind = reader.requiredEnum("kind", InspectionKind.self)
        let result = reader.requiredEnum("result", InspectionResult.self)
        let findings = reader.optionalString("findings", maxLength: 4000)
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            for key in ["id", "product_id", "created_at", "updated_at", "version"] where object[key] != nil {
                reader.fail(key, key == "product_id" ? "is read-only; the product is the one in the path"
                                                     : "is read-only; the server assigns it")
            }
        }
        let fields = InspectionFields(inspectedOn: inspectedOn ?? today, agency: agency ?? "", kind: kind ?? .other,
                                      result: result ?? .pass, findings: findings)
        // Rule checks run only on well-typed input, so one mistake is reported once.
        if reader.errors.isEmpty {
            for error in fields.validate(today: today) { reader.fail(error.field, error.message) }
        }
        try reader.finish()
        return fields
    }

    /// Product code and name are added for the people reading the export in a spreadsheet.
    static let csv = CSVTable<Inspection>(filename: "inspections.csv", columns: [
        ("id", { String($0.id) }),
        ("product_id", { String($0.productID) }),
        ("product_code", { $0.product.code }),
        ("product_name", { $0.product.name }),
        ("inspected_on", { $0.fields.inspectedOn.description }),
        ("agency", { $0.fields.agency }),
        ("kind", { $0.fields.kind.rawValue }),
        ("result", { $0.fields.result.rawValue }),
        ("findings", { $0.fields.findings }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}

/// The body and answer of `POST /api/v1/products/{id}/review`.
enum ProductReviewRepresentation {
    /// The decisions by API name (the domain type carries the reason inside the revocation).
    enum DecisionName: String, CaseIterable {
        case cleared
        case revokeCertificate = "revoke_certificate"
    }

    /// `{"decision": "cleared"}` or `{"decision": "revoke_certificate", "reason": …}`, each with an optional `note`.
    static func review(from object: JSONObject) throws(Problem) -> ProductReview {
        var reader = BodyReader(object)
        let decision = reader.requiredEnum("decision", DecisionName.self)
        let note = reader.optionalString("note", maxLength: 2000)
        var review = ProductReview(decision: .cleared, note: note)
        switch decision {
        case .cleared?:
            if let reason = object["reason"], !reason.isNull {
                reader.fail("reason", "applies only to decision revoke_certificate")
            }
            _ = reader.optionalString("reason", maxLength: 50)   // known field; its misuse is reported above
        case .revokeCertificate?:
            if let reason = reader.requiredEnum("reason", ReviewRevocationReason.self) {
                review.decision = .revokeCertificate(reason)
            }
        case nil:
            _ = reader.optionalString("reason", maxLength: 50)
        }
        if reader.errors.isEmpty {
            for error in review.validate() { reader.fail(error.field, error.message) }
        }
        try reader.finish()
        return review
    }

    static func write(_ outcome: ReviewOutcome, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("product_id", outcome.productID)
        writer.field("decision", outcome.review.decision.name)
        if case .revokeCertificate(let reason) = outcome.review.decision {
            writer.field("reason", reason.rawValue)
        } else {
            writer.field("reason", nil as String?)
        }
        writer.field("note", outcome.review.note)
        writer.field("decided_on", outcome.decidedOn.description)
        writer.field("under_review", false)
        writer.field("product_version", outcome.productVersion)
        writer.key("revoked_certificate")
        if let c = outcome.revoked {
            writer.beginObject()
            writer.field("id", c.id)
            writer.field("number", c.number)
            writer.field("stars", c.stars)
            writer.field("decided_on", c.decidedOn.description)
            writer.field("expires_on", c.expiresOn.description)
            writer.field("status", CertificateStatus.revoked.rawValue)
            writer.field("revoked_on", c.revokedOn.description)
            writer.field("revocation_reason", c.reason.rawValue)
            writer.endObject()
        } else {
            writer.null()
        }
        writer.endObject()
    }
}
