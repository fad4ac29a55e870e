import JSON
import OCOP

/// JSON Schemas of quality monitoring and raw materials (issue #3): raw-material areas and their
/// certifications, packing facilities and inspections.
extension Schemas {
    static let certificationFields: [(String, JSONValue)] = [
        ("scheme", type("string", enumValues: ["VietGAP", "VietGAHP", "organic", "other"])),
        ("number", text(100, description: "A scheme and number are listed once per area.")),
        ("valid_from", day()),
        ("valid_until", day(description: "Last valid day; not before valid_from")),
    ]

    static let rawMaterialAreaFields: [(String, JSONValue)] = [
        ("code", siteCode("Growing-area code, unique")),
        ("name", text(200, nullable: true)),
        ("kind", type("string", enumValues: ["cultivation", "aquaculture", "livestock", "forest"])),
        ("area_m2", integer(1...RawMaterialAreaFields.maxAreaM2, description: "Whole square metres: 322.35 ha = 3223500.")),
        ("commune", text(100, nullable: true)),
        ("district", text(100, nullable: true)),
        ("producer_id", id(nullable: true)),
        ("market", type("string", enumValues: ["domestic", "export"])),
        ("certifications", listOf(object(certificationFields, required: ["scheme", "number", "valid_from", "valid_until"]),
                                  description: "Replaced as a whole by PUT and PATCH",
                                  maxItems: Int64(RawMaterialAreaFields.maxCertifications))),
    ]

    static let rawMaterialAreaOutput: [(String, JSONValue)] = rawMaterialAreaFields.map { field in
        guard field.0 == "certifications" else { return field }
        return ("certifications", .object(JSONObject([
            ("type", .string("array")),
            ("items", object(certificationFields + [("valid", type("boolean", description: "Valid today (Asia/Ho_Chi_Minh); derived"))])),
        ])))
    } + [("product_ids", .object(JSONObject([("type", .string("array")), ("items", type("integer")),
                                             ("description", .string("Products made from this area; read-only"))])))]

    static let packingFacilityFields: [(String, JSONValue)] = [
        ("code", siteCode("Packing-facility code, unique")),
        ("name", text(200)),
        ("commune", text(100, nullable: true)),
        ("district", text(100, nullable: true)),
        ("address", text(300, nullable: true)),
        ("producer_id", id(nullable: true)),
        ("market", type("string", enumValues: ["domestic", "export"])),
    ]

    static let inspectionFields: [(String, JSONValue)] = [
        ("inspected_on", day(description: "Not after today (Asia/Ho_Chi_Minh)")),
        ("agency", text(200)),
        ("kind", type("string", enumValues: ["food_safety", "labeling", "packaging", "intellectual_property", "other"])),
        ("result", type("string", enumValues: ["pass", "fail"], description: "A failed food_safety inspection puts the product under review")),
        ("findings", text(4000, nullable: true, description: "Required when result is fail.")),
    ]

    static var qualitySchemas: [(key: String, value: JSONValue)] {
        [
            ("RawMaterialArea", object([("id", type("integer"))] + rawMaterialAreaOutput + serverOwned,
                                       required: ["id", "code", "kind", "area_m2", "market", "certifications", "product_ids"])),
            ("RawMaterialAreaInput", object(rawMaterialAreaFields, required: ["code", "kind", "area_m2", "market"])),
            ("RawMaterialAreaPatch", object(rawMaterialAreaFields)),
            ("PackingFacility", object([("id", type("integer"))] + packingFacilityFields + serverOwned,
                                       required: ["id", "code", "name", "market"])),
            ("PackingFacilityInput", object(packingFacilityFields, required: ["code", "name", "market"])),
            ("PackingFacilityPatch", object(packingFacilityFields)),
            ("Inspection", object([("id", type("integer")), ("product_id", type("integer"))] + inspectionFields + serverOwned,
                                  required: ["id", "product_id", "inspected_on", "agency", "kind", "result"])),
            // `InspectionFields.validate`: a failed inspection says what failed. A patch is judged
            // merged with the stored inspection, so of it only a null beside "fail" can be refused here.
            ("InspectionInput", when([Condition(field: "result", value: "fail", required: ["findings"], types: [("findings", "string")])],
                                     object(inspectionFields, required: ["inspected_on", "agency", "kind", "result"]))),
            ("InspectionPatch", when([Condition(field: "result", value: "fail", types: [("findings", "string")])], object(inspectionFields))),
            ("ProductReviewInput", when([Condition(field: "decision", value: "revoke_certificate", required: ["reason"],
                                                   types: [("reason", "string")]),
                                         Condition(field: "decision", value: "cleared", types: [("reason", "null")])],
                                        object([
                ("decision", type("string", enumValues: ["cleared", "revoke_certificate"])),
                ("reason", type("string", nullable: true, enumValues: ["violation", "failed_mandatory_criteria"],
                                description: "Required for revoke_certificate, absent (or null) for cleared")),
                ("note", text(2000, nullable: true)),
            ], required: ["decision"]))),
            ("ProductReview", object([
                ("product_id", type("integer")),
                ("decision", type("string", enumValues: ["cleared", "revoke_certificate"])),
                ("reason", type("string", nullable: true)),
                ("note", type("string", nullable: true)),
                ("decided_on", type("string", format: "date")),
                ("under_review", type("boolean")),
                ("product_version", type("integer")),
                ("revoked_certificate", .object(JSONObject([("type", .array([.string("object"), .string("null")]))]))),
            ])),
        ]
    }
}
