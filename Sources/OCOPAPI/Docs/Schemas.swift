import JSON
import OCOP

/// JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of the bodies the API sends and takes.
enum Schemas {
    static func object(_ properties: [(String, JSONValue)], required: [String] = [], additional: Bool = false) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("type", .string("object"))]
        members.append(("properties", .object(JSONObject(properties.map { (key: $0.0, value: $0.1) }))))
        if !required.isEmpty { members.append(("required", .array(required.map(JSONValue.string)))) }
        members.append(("additionalProperties", .bool(additional)))
        return .object(JSONObject(members))
    }

    /// `schema` (an object schema) that also holds exactly one of `forms`: each form's fields are
    /// required, and none of the other forms' fields may be given (JSON Schema `oneOf`).
    static func oneOfForms(_ schema: JSONValue, _ forms: [[String]]) -> JSONValue {
        guard var members = schema.objectValue else { return schema }
        let alternatives = forms.enumerated().map { index, fields -> JSONValue in
            let others = forms.enumerated().filter { $0.offset != index }.flatMap(\.element).filter { !fields.contains($0) }
            var form: [(key: String, value: JSONValue)] = [("required", .array(fields.map(JSONValue.string)))]
            if !others.isEmpty {
                form.append(("not", .object(JSONObject([("anyOf", .array(others.map {
                    .object(JSONObject([("required", .array([.string($0)]))]))
                }))]))))
            }
            return .object(JSONObject(form))
        }
        members["oneOf"] = .array(alternatives)
        return .object(members)
    }

    static func type(_ name: String, nullable: Bool = false, format: String? = nil, enumValues: [String]? = nil,
                     description: String? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        members.append(("type", nullable ? .array([.string(name), .string("null")]) : .string(name)))
        if let format { members.append(("format", .string(format))) }
        if let enumValues { members.append(("enum", .array(enumValues.map(JSONValue.string) + (nullable ? [.null] : [])))) }
        if let description { members.append(("description", .string(description))) }
        return .object(JSONObject(members))
    }

    /// `Days`: a day of the years 1900–2999, as a request may name one in a body or a query.
    /// `pattern` narrows the years further where the domain does (a round's `held_on`).
    static func day(nullable: Bool = false, pattern: String = Days.pattern, description: String? = nil) -> JSONValue {
        let years = "A day of the years \(Days.years.lowerBound) to \(Days.years.upperBound)"
        return adding([("pattern", .string(pattern))],
                      to: type("string", nullable: nullable, format: "date", description: description.map { "\($0). \(years)" } ?? years))
    }

    /// A rule across fields, for `when`: where `field` is `value`, the object also meets `then`.
    struct Condition {
        var field: String
        var value: String
        var required: [String] = []
        /// Types the named fields must have, where present (a nullable field made `string` or `null`).
        var types: [(String, String)] = []
        /// Types they must have where `field` is not `value` (JSON Schema's `else`).
        var otherwise: [(String, String)] = []
    }

    /// `schema` with `conditions` as `allOf` of `if`/`then`(/`else`): the cross-field rules the
    /// server applies that a generated client can check before sending (a failed inspection's
    /// findings, a revocation's reason, a token's binding).
    static func when(_ conditions: [Condition], _ schema: JSONValue) -> JSONValue {
        guard var members = schema.objectValue else { return schema }
        members["allOf"] = .array(conditions.map { condition in
            let trigger = JSONObject([
                ("properties", .object(JSONObject([(condition.field, .object(JSONObject([("const", .string(condition.value))])))]))),
                ("required", .array([.string(condition.field)])),
            ])
            var then = JSONObject()
            if !condition.required.isEmpty { then["required"] = .array(condition.required.map(JSONValue.string)) }
            if !condition.types.isEmpty {
                then["properties"] = .object(JSONObject(condition.types.map { ($0.0, type($0.1)) }))
            }
            var rule = JSONObject([("if", .object(trigger)), ("then", .object(then))])
            if !condition.otherwise.isEmpty {
                rule["else"] = .object(JSONObject([("properties", .object(JSONObject(condition.otherwise.map { ($0.0, type($0.1)) })))]))
            }
            return .object(rule)
        })
        return .object(members)
    }

    static let serverOwned: [(String, JSONValue)] = [
        ("created_at", type("string", format: "date-time")),
        ("updated_at", type("string", format: "date-time")),
        ("version", type("integer", description: "Grows by one on every change; the ETag is W/\"version\".")),
    ]

    /// An audit entry is written once and never changed: created and updated when it happened, version 1.
    static let entryServerOwned: [(String, JSONValue)] = [
        ("created_at", type("string", format: "date-time", description: "Equal to at")),
        ("updated_at", type("string", format: "date-time", description: "Equal to at: an entry never changes")),
        ("version", type("integer", description: "Always 1: an entry never changes")),
    ]

    static let producerFields: [(String, JSONValue)] = [
        ("name", text(200, description: "Vietnamese name, NFC")),
        ("kind", type("string", enumValues: ["enterprise", "cooperative", "cooperative_group", "household"])),
        ("tax_code", formatted("^[0-9]{10}(-[0-9]{3})?$", maxLength: 14, nullable: true,
                               description: "10 digits, or 10 digits-3 digits for a branch")),
        ("commune", text(100, nullable: true)),
        ("district", text(100, nullable: true)),
        ("address", text(300, nullable: true)),
        ("phone", phone()),
        ("email", adding([("maxLength", 254), ("pattern", .string(emailPattern))],
                         to: type("string", nullable: true, format: "email",
                                  description: "name@example.vn: letters, digits and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ - before the @ (at most 64), "
                                      + "dot-separated labels of letters, digits and inner hyphens after it (xn-- for an "
                                      + "internationalised domain); at most 254 characters"))),
        ("representative", text(120, nullable: true)),
    ]

    /// `ProducerFields.isEmail`: RFC 5322 atext (at most 64) before the @, at least two RFC 1035 labels after it.
    static let emailPattern = #"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"#
        + #"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"#

    static let productFields: [(String, JSONValue)] = [
        ("code", formatted("^[A-Za-z0-9._/-]{1,40}$", maxLength: 40,
                           description: "Human product code, unique: 1-40 of A-Z a-z 0-9 - _ . / (e.g. QN-2024-0012)")),
        ("name", text(200, description: "Vietnamese name, NFC")),
        ("producer_id", id()),
        ("group", adding([("maxLength", 40)], to: type("string", description: "A product group code (GET /api/v1/product-groups)"))),
        ("subgroup", adding([("maxLength", 60)], to: type("string", nullable: true, description: "A sub-group code of the group"))),
        ("description", text(5000, nullable: true)),
        ("unit", text(50, nullable: true, description: "Selling unit, e.g. hộp 200g.")),
        ("price_vnd", integer(0...ProductFields.maximumPriceVND, nullable: true, description: "Whole đồng.")),
        ("gtin", formatted("^([0-9]{8}|[0-9]{12,14})$", maxLength: 14, nullable: true, description:
                           "GTIN-8/12/13/14 with a valid GS1 check digit (not expressible here); returned as 14 digits; unique. "
                           + "Optional in every group")),
        ("origin_province", text(100, description: "Default (absent or null) Quảng Ninh.")),
        ("raw_material_area_ids", ids(maxItems: ProductFields.maximumAreas)),
        ("image_urls", listOf(webURL(), maxItems: Int64(ProductFields.maximumImages))),
    ]

    static let productDerived: [(String, JSONValue)] = [
        ("id", type("integer")),
        ("stars", type("integer", nullable: true, description: "Stars of the current certificate while it is valid today (Asia/Ho_Chi_Minh)")),
        ("certificate", .object(JSONObject([
            ("type", .array([.string("object"), .string("null")])),
            ("description", .string("The current (latest issued) certificate")),
            ("properties", .object(JSONObject([
                ("id", type("integer")), ("number", type("string")), ("stars", type("integer")),
                ("decided_on", type("string", format: "date")), ("expires_on", type("string", format: "date")),
                ("status", type("string", enumValues: ["active", "expiring", "expired", "renewed", "revoked"])),
            ]))),
        ]))),
        ("status", type("string", enumValues: ["certified", "expired", "revoked", "not_certified", "under_review"])),
    ]

    static let tokenFields: [(String, JSONValue)] = [
        ("id", type("integer")),
        ("name", type("string")),
        ("role", type("string", enumValues: Role.allCases.map(\.rawValue))),
        ("point_of_sale_id", type("integer", nullable: true, description: "The point of sale a pos token acts on")),
        ("fair_booth_id", type("integer", nullable: true, description: "The fair booth a booth token records takings for")),
        ("hint", type("string", description: "The first characters of the secret, to tell tokens apart")),
        ("revoked", type("boolean")),
        ("revoked_at", type("string", nullable: true, format: "date-time")),
    ]

    static let evaluationRoundFields: [(String, JSONValue)] = [
        ("name", text(300, description: "e.g. Đánh giá, phân hạng sản phẩm OCOP lần thứ 9 năm 2024.")),
        ("council_level", type("string", enumValues: ["district", "province", "central"],
                               description: "No district councils from 2025-07-06 (Decision 1489/QĐ-TTg)")),
        // EvaluationRound.earliestHeldOn: 2013-01-01 and on.
        ("held_on", day(pattern: "^(201[3-9]|20[2-9][0-9]|2[1-9][0-9]{2})-[0-9]{2}-[0-9]{2}$",
                        description: "Not before 2013-01-01: OCOP began in 2013")),
        ("decision_ref", text(100, nullable: true, description: "The decision convening the council.")),
        ("sheet_version", type("string", enumValues: ["2023", "2019"],
                               description: "Default: the sheet in force on held_on (2023: A 40/B 25/C 35; 2019: A 35/B 25/C 40)")),
    ]

    static let points = type("number", description: "Points ≥ 0 with at most 2 decimals, within the sheet's maximum for the part")

    static let memberScore = object([("member", text(120, description: "The member's name or code; each member scores once.")),
                                     ("part_a", partPoints(.a)), ("part_b", partPoints(.b)), ("part_c", partPoints(.c))],
                                    required: ["member", "part_a", "part_b", "part_c"])

    static let certificateFields: [(String, JSONValue)] = [
        ("id", type("integer")),
        ("number", type("string", description: "Decision number / product code")),
        ("product_id", type("integer")),
        ("result_id", type("integer", nullable: true)),
        ("stars", type("integer", description: "3 to 5")),
        ("council_level", type("string", enumValues: ["district", "province", "central"])),
        ("legal_basis", type("string")),
        ("district", type("string", nullable: true, description: "The producer's district when the certificate was issued")),
        ("commune", type("string", nullable: true, description: "The producer's commune when the certificate was issued")),
        ("decided_on", type("string", format: "date")),
        ("expires_on", type("string", format: "date", description: "Last valid day: decided_on + 36 months")),
        ("status", type("string", enumValues: ["active", "expiring", "expired", "renewed", "revoked"],
                        description: "Computed for today in Asia/Ho_Chi_Minh; expiring = at most 30 days left")),
        ("previous_id", type("integer", nullable: true)),
        ("renewed_by_id", type("integer", nullable: true)),
        ("revoked_on", type("string", nullable: true, format: "date")),
        ("revocation_reason", type("string", nullable: true,
                                   enumValues: ["not_reapplied", "failed_mandatory_criteria", "violation"])),
        ("revocation_note", type("string", nullable: true)),
    ]

    static var certification: [(key: String, value: JSONValue)] {
        [
            ("EvaluationRound", object([("id", type("integer"))] + evaluationRoundFields
                                       + [("legal_basis", type("string", description: "Set by the server from held_on and the sheet"))]
                                       + serverOwned,
                                       required: ["id", "name", "council_level", "held_on", "sheet_version", "legal_basis"])),
            ("EvaluationRoundInput", object(evaluationRoundFields, required: ["name", "council_level", "held_on"])),
            ("EvaluationRoundPatch", object(evaluationRoundFields)),
            ("EvaluationResultInput", object([
                ("product_id", id()),
                ("member_scores", listOf(memberScore, minItems: 1, maxItems: Int64(EvaluationRules.maxMembers))),
                ("mandatory_criteria_met", type("boolean")),
            ], required: ["product_id", "member_scores", "mandatory_criteria_met"])),
            ("EvaluationResult", object([
                ("id", type("integer")), ("round_id", type("integer")), ("product_id", type("integer")),
                ("member_scores", .object(JSONObject([("type", .string("array")), ("items", object(
                    [("member", type("string")), ("part_a", points), ("part_b", points), ("part_c", points),
                     ("total", type("number"))]))]))),
                ("mandatory_criteria_met", type("boolean")),
                ("average_score", type("string", description: "Average of member totals, 2 decimals (truncated)")),
                ("stars_earned", type("integer")),
                ("stars_awarded", type("integer", description: "min(earned, council cap, 2 if mandatory criteria unmet)")),
                ("proposed_to_next_level", type("boolean")),
                ("outcome", type("string", enumValues: ["new", "reissued", "upgraded", "downgraded", "not_recognised"])),
                ("previous_certificate_id", type("integer", nullable: true)),
                ("certificate_id", type("integer", nullable: true)),
            ] + serverOwned)),
            ("DecisionInput", object([("decision_number", line(EvaluationDecision.maxDecisionNumberLength, description: "e.g. 1234/QĐ-UBND.")),
                                      ("decided_on", day())],
                                     required: ["decision_number", "decided_on"])),
            ("Certificate", object(certificateFields + serverOwned, required: ["id", "number", "product_id", "stars", "status"])),
            ("RevocationInput", object([("reason", type("string", enumValues: ["not_reapplied", "failed_mandatory_criteria", "violation"])),
                                        ("note", text(1000, nullable: true))], required: ["reason"])),
        ]
    }

    // MARK: Quality monitoring and raw materials (issue #3)

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

    // MARK: Reports (issue #3)

    static func array(_ items: JSONValue) -> JSONValue {
        .object(JSONObject([("type", .string("array")), ("items", items)]))
    }

    static let sharePercent = type("string", nullable: true,
                                   description: "Share of the certified total in percent, one decimal (\"40.7\"); null when the total is 0")
    static let hectares = type("string", description: "area_m2 in hectares with two decimals (\"322.35\")")

    static let schemeFigures: [(String, JSONValue)] = [
        ("areas", type("integer", description: "Areas with a certification of the scheme valid on as_of")),
        ("area_m2", type("integer")),
        ("area_ha", hectares),
        ("establishments", type("integer", description: "Distinct producers; each area without a producer counts as one")),
    ]

    static var reportSchemas: [(key: String, value: JSONValue)] {
        let placeCount: [(String, JSONValue)] = [("products", type("integer")), ("share_percent", sharePercent)]
        return [
            ("ProductReport", object([
                ("as_of", type("string", format: "date")),
                ("certified_products", object([
                    ("total", type("integer", description: "Products with a 3–5-star certificate valid on as_of")),
                    ("producers", type("integer", description: "Producers holding at least one of them")),
                    ("by_stars", array(object([("stars", type("integer"))] + placeCount))),
                    ("by_group", array(object([("group", type("string")), ("name", type("string"))] + placeCount))),
                    ("by_district", array(object([("district", type("string", nullable: true))] + placeCount))),
                    ("by_commune", array(object([("district", type("string", nullable: true)),
                                                 ("commune", type("string", nullable: true))] + placeCount))),
                    ("by_producer_kind", array(object([("kind", type("string")), ("producers", type("integer"))] + placeCount))),
                ])),
                ("expiring", object([
                    ("within_days", type("integer")),
                    ("through", type("string", format: "date", description: "as_of + within_days, included")),
                    ("count", type("integer")),
                    ("certificates", array(object([
                        ("certificate_id", type("integer")), ("number", type("string")), ("product_id", type("integer")),
                        ("product_code", type("string")), ("product_name", type("string")), ("stars", type("integer")),
                        ("expires_on", type("string", format: "date")), ("days_left", type("integer")),
                    ]))),
                ])),
                ("expired", object([
                    ("from", type("string", format: "date")),
                    ("to", type("string", format: "date")),
                    ("certificates", type("integer", description: "Certificates that turned expired (the day after expires_on) in from..to")),
                    ("reentered_evaluation", type("integer", description: "Of those, products evaluated in a round held from expires_on − 30 days to as_of")),
                    ("reentered_share_percent", type("string", nullable: true)),
                ])),
                ("raw_materials", object([
                    ("by_scheme", array(object([("scheme", type("string", enumValues: ["VietGAP", "VietGAHP", "organic", "other"]))]
                                               + schemeFigures
                                               + [("by_kind", array(object([("kind", type("string"))] + schemeFigures)))]))),
                    ("registered_areas", type("integer", description: "Growing-area codes registered now")),
                    ("packing_facilities", type("integer", description: "Packing facilities registered now")),
                ])),
            ], required: ["as_of", "certified_products", "expiring", "expired", "raw_materials"])),
        ]
    }

    static var all: JSONObject {
        optionalMembersTakeNull(JSONObject(certification + [
            ("Producer", object([("id", type("integer"))] + producerFields + serverOwned,
                                required: ["id", "name", "kind", "created_at", "updated_at", "version"])),
            ("ProducerInput", object(producerFields, required: ["name", "kind"])),
            ("ProducerPatch", object(producerFields)),
            ("Product", object(productDerived + productFields + serverOwned,
                               required: ["id", "code", "name", "producer_id", "group", "stars", "certificate", "status"])),
            ("ProductInput", object(productFields, required: ["code", "name", "producer_id", "group"])),
            ("ProductPatch", object(productFields)),
            ("ProductGroup", object([("code", type("string")), ("name", type("string")), ("gtin_required", type("boolean")),
                                     ("subgroups", .object(JSONObject([("type", .string("array")),
                                                                      ("items", object([("code", type("string")), ("name", type("string"))]))])))]
                                    + serverOwned)),
            ("ProductImportResult", object([("imported", type("integer")),
                                            ("ids", .object(JSONObject([("type", .string("array")), ("items", type("integer"))])))])),
            ("Token", object(tokenFields + serverOwned, required: ["id", "name", "role"])),
            ("NewToken", object(tokenFields + [("token", type("string", description: "The secret, shown only here"))] + serverOwned,
                                required: ["id", "name", "role", "token"])),
            // A `pos` token names its point of sale and a `booth` token its booth; another role names
            // neither, though it may send the field as null (the server reads null as absent).
            ("TokenInput", when([Condition(field: "role", value: "pos", required: ["point_of_sale_id"],
                                           types: [("point_of_sale_id", "integer")], otherwise: [("point_of_sale_id", "null")]),
                                 Condition(field: "role", value: "booth", required: ["fair_booth_id"],
                                           types: [("fair_booth_id", "integer")], otherwise: [("fair_booth_id", "null")])],
                                object([("name", text(100)),
                                   ("role", type("string", enumValues: Role.allCases.map(\.rawValue))),
                                   ("point_of_sale_id", id(nullable: true, description: "Required for role pos.")),
                                   ("fair_booth_id", id(nullable: true, description: "Required for role booth."))],
                                  required: ["name", "role"]))),
            ("AuditEntry", object([("id", type("integer")), ("at", type("string", format: "date-time")),
                                   ("token_id", type("integer", nullable: true)), ("entity", type("string")),
                                   ("entity_id", type("integer")), ("action", type("string")),
                                   ("changes", type("object")), ("request_id", type("string", nullable: true))]
                                  + entryServerOwned)),
            ("Health", object([("status", type("string"))])),
            ("Problem", object([("type", type("string", format: "uri")), ("title", type("string")),
                                ("status", type("integer")), ("detail", type("string")),
                                ("errors", .object(JSONObject([("type", .string("array")),
                                                               ("items", object([("field", type("string")), ("message", type("string"))]))])))],
                               required: ["type", "title", "status"], additional: true)),
        ] + qualitySchemas + reportSchemas + pointOfSaleSchemas + tradePromotionSchemas + salesReportSchemas + stockReportSchemas + overviewReportSchemas
                   + resolverSchemas))
    }

    /// Request bodies read `null` for a member that is not required as its absence: its default,
    /// or nothing to set (in a merge patch, RFC 7396's removal, which leaves the default or
    /// nothing). The document says so, in one place rather than on each field: every member of an
    /// `…Input` schema that it does not require also takes null, and so does every member of a
    /// `…Patch` schema that its `…Input` does not require (`{"name": null}` removes a required
    /// name: a 422). An outside probe found the server taking nulls the schemas refused.
    static func optionalMembersTakeNull(_ schemas: JSONObject) -> JSONObject {
        var result = schemas
        for (name, schema) in schemas.members {
            let input: String
            if name.hasSuffix("Input") { input = name }
            else if name.hasSuffix("Patch") { input = String(name.dropLast("Patch".count)) + "Input" }
            else { continue }
            guard case .object(var object) = schema, case .object(var properties)? = object["properties"] else { continue }
            let required = Set((schemas[input]?["required"]?.arrayValue ?? []).compactMap(\.stringValue))
                .union(name.hasSuffix("Patch") ? setOnce[name] ?? [] : [])
            for (key, property) in properties.members where !required.contains(key) {
                properties[key] = takingNull(property)
            }
            object["properties"] = .object(properties)
            result[name] = .object(object)
        }
        return result
    }

    /// Optional when an item is made (a default is taken), but not removable once it has one: a
    /// listing's `listed_on` (the day it went on sale; its "as of" figures stand on it).
    static let setOnce: [String: Set<String>] = ["ListingPatch": ["listed_on"]]

    /// `schema`, also satisfied by null.
    static func takingNull(_ schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        if let type = object["type"], object["$ref"] == nil, object["oneOf"] == nil, object["anyOf"] == nil {
            switch type {
            case .string(let name) where name != "null": object["type"] = .array([.string(name), .string("null")])
            case .array(let names) where !names.contains(.string("null")): object["type"] = .array(names + [.string("null")])
            default: break
            }
            if case .array(let values)? = object["enum"], !values.contains(.null) { object["enum"] = .array(values + [.null]) }
            return .object(object)
        }
        return .object(JSONObject([("anyOf", .array([schema, .object(JSONObject([("type", .string("null"))]))]))]))
    }
}

// MARK: Value rules of request bodies
//
// One helper per kind of rule the server applies to a body's values (BodyReader, the domain
// `validate()`s), so a field states its rule by calling one, and a limit the code names is read
// from that name: the document and the server cannot drift apart on it.

extension Schemas {
    /// What every text a client writes may not hold (`TextNormalization.containsControlCharacters`):
    /// C0 and C1 control characters other than tab, LF and CR. An ECMA-262 class body.
    static let controlCharacters = #"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F"#

    /// Characters nobody sees (`String.isBlank`: Unicode's default-ignorable code points in the
    /// Basic Multilingual Plane): a text of only these and whitespace is blank.
    static let invisibleCharacters = #"\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8"#

    /// `schema` with `keywords` added after its own members.
    static func adding(_ keywords: [(String, JSONValue)], to schema: JSONValue) -> JSONValue {
        guard var members = schema.objectValue else { return schema }
        for (key, value) in keywords { members[key] = value }
        return .object(members)
    }

    static func number(_ value: Int64) -> JSONValue { .number(JSONNumber(value)) }

    /// Free text (`FieldError.checkText`): not blank (some non-space character), and no control
    /// characters but tab and line breaks. The server counts `max` as maxLength does, in code
    /// points (of the NFC form it stores), so what it answers validates against this schema.
    static func text(_ max: Int, nullable: Bool = false, description: String? = nil) -> JSONValue {
        let allowed = "[^\(controlCharacters)]*"
        let visible = "[^\\s\(controlCharacters)\(invisibleCharacters)]"
        let rule = "At most \(max) characters (code points, after NFC); not blank"
            + (nullable ? " (null clears it)." : ".")
        return adding([("minLength", 1), ("maxLength", number(Int64(max))),
                       ("pattern", .string("^\(allowed)\(visible)\(allowed)$"))],
                      to: type("string", nullable: nullable, description: [description, rule].compactMap { $0 }.joined(separator: " ")))
    }

    /// `text` that must also be one line (no tab or line break): what is printed as an identifier.
    static func line(_ max: Int, description: String? = nil) -> JSONValue {
        let allowed = "[^\\t\\n\\r\(controlCharacters)]*"
        let visible = "[^\\s\(controlCharacters)\(invisibleCharacters)]"
        let rule = "One line of at most \(max) characters (code points, after NFC); not blank."
        return adding([("minLength", 1), ("maxLength", number(Int64(max))),
                       ("pattern", .string("^\(allowed)\(visible)\(allowed)$"))],
                      to: type("string", description: [description, rule].compactMap { $0 }.joined(separator: " ")))
    }

    /// A string of a fixed form, all ASCII (so characters, code points and bytes agree).
    static func formatted(_ pattern: String, maxLength: Int, nullable: Bool = false, description: String) -> JSONValue {
        adding([("maxLength", number(Int64(maxLength))), ("pattern", .string(pattern))],
               to: type("string", nullable: nullable, description: description))
    }

    /// An integer within `range` (`BodyReader.optionalInt`, `JSONNumber.int64`): any whole number,
    /// as JSON Schema's integer is, so 85000.0 and 8.5e4 are 85000.
    static func integer(_ range: ClosedRange<Int64>, nullable: Bool = false, description: String? = nil) -> JSONValue {
        adding([("minimum", number(range.lowerBound)), ("maximum", number(range.upperBound))],
               to: type("integer", nullable: nullable, description: description))
    }

    /// An id the server assigned: a positive integer.
    static func id(nullable: Bool = false, description: String? = nil) -> JSONValue {
        integer(1...Int64.max, nullable: nullable, description: description)
    }

    /// A list of ids, each at most once (`repeats …` is a 422).
    static func ids(maxItems: Int, description: String? = nil) -> JSONValue {
        adding([("uniqueItems", true)], to: listOf(id(), description: description, maxItems: Int64(maxItems)))
    }

    /// `ProductFields.isWebURL`: http or https in any case, a host, RFC 3986's characters only
    /// (anything else percent-encoded, each `%` with two hex digits), at most one `#`, a port of at
    /// most 65535, at most 2000 bytes. The pattern leaves out a user part and an IPv6 literal, which the server also takes,
    /// rather than let through a URL it refuses.
    static func webURL(nullable: Bool = false) -> JSONValue {
        let char = #"([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})"#
        let pattern = #"^[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+"#
            + #"(:([0-9]{0,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"#
            + "([/?]\(char)*)?(#\(char)*)?$"
        return adding([("maxLength", 2000), ("pattern", .string(pattern))],
                      to: type("string", nullable: nullable, format: "uri", description:
                                "An http:// or https:// URL with a host, at most 2000 characters of RFC 3986 "
                                + "(percent-encode spaces and other characters, a % as %25); other schemes are refused."))
    }

    /// `ProducerFields.isPhone`: 8 to 15 digits, a leading +, spaces, dots or dashes between; at most 20 characters.
    static func phone(nullable: Bool = true) -> JSONValue {
        formatted(#"^\+?[ .-]*([0-9][ .-]*){8,15}$"#, maxLength: 20, nullable: nullable,
                  description: "8 to 15 digits, optionally starting with + and grouped by spaces, dots or dashes")
    }

    /// `SiteCode.validate`: codes of points of sale, growing areas and packing facilities.
    static func siteCode(_ description: String) -> JSONValue {
        formatted("^[A-Za-z0-9][A-Za-z0-9._/-]{0,\(SiteCode.maxLength - 1)}$", maxLength: SiteCode.maxLength,
                  description: description + ": an ASCII letter or digit, then letters, digits and - . _ /")
    }

    /// `Points(decimal:)` within the largest maximum any score sheet gives `part`; the round's own sheet
    /// may allow less (description). The two decimals stay prose: `multipleOf: 0.01` is judged in
    /// binary floating point by most validators, which then call 0.57 or 10.55 invalid.
    static func partPoints(_ part: ScorePart) -> JSONValue {
        let maximum = ScoreSheetVersion.allCases.map { ScoreSheet.sheet($0).maximum(part) }.max() ?? Points.zero
        return .object(JSONObject([
            ("type", .string("number")), ("minimum", 0), ("maximum", .number(JSONNumber(maximum.description)!)),
            ("description", .string("Points with at most 2 significant decimals (35, 35.25, 3.525e1; 35.255 is refused), "
                                    + "within the round's sheet's maximum for the part (2023: A 40/B 25/C 35; 2019: A 35/B 25/C 40)")),
        ]))
    }
}
