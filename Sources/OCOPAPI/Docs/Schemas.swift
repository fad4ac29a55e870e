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

    static func array(_ items: JSONValue) -> JSONValue {
        .object(JSONObject([("type", .string("array")), ("items", items)]))
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
                         to: type("string", nullable: true,
                                  description: "name@example.vn: letters, digits and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ - before the @ (at most 64), "
                                      + "dot-separated labels of letters, digits and inner hyphens after it (xn-- for an "
                                      + "internationalised domain); at most 254 characters. What a dashboard's <input type=email> "
                                      + "takes (WHATWG), where a dot may lead or repeat before the @: looser than format: email's "
                                      + "RFC 5321 dot-atom, so that format is not claimed"))),
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
        ("gtin", gtin(nullable: true, description:
                           "GTIN-8/12/13/14, not all zeros, with a valid GS1 check digit (not expressible here); returned as "
                           + "14 digits; unique. Optional in every group")),
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
