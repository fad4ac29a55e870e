import JSON

/// JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of the bodies the API sends and takes.
enum Schemas {
    static func object(_ properties: [(String, JSONValue)], required: [String] = [], additional: Bool = false) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("type", .string("object"))]
        members.append(("properties", .object(JSONObject(properties.map { (key: $0.0, value: $0.1) }))))
        if !required.isEmpty { members.append(("required", .array(required.map(JSONValue.string)))) }
        members.append(("additionalProperties", .bool(additional)))
        return .object(JSONObject(members))
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

    static let serverOwned: [(String, JSONValue)] = [
        ("created_at", type("string", format: "date-time")),
        ("updated_at", type("string", format: "date-time")),
        ("version", type("integer", description: "Grows by one on every change; the ETag is W/\"version\".")),
    ]

    static let producerFields: [(String, JSONValue)] = [
        ("name", type("string", description: "Vietnamese name, NFC")),
        ("kind", type("string", enumValues: ["enterprise", "cooperative", "cooperative_group", "household"])),
        ("tax_code", type("string", nullable: true, description: "10 digits, or 10 digits-3 digits for a branch")),
        ("commune", type("string", nullable: true)),
        ("district", type("string", nullable: true)),
        ("address", type("string", nullable: true)),
        ("phone", type("string", nullable: true)),
        ("email", type("string", nullable: true, format: "email")),
        ("representative", type("string", nullable: true)),
    ]

    static let productFields: [(String, JSONValue)] = [
        ("code", type("string", description: "Human product code, unique: 1-40 of A-Z a-z 0-9 - _ . / (e.g. QN-2024-0012)")),
        ("name", type("string", description: "Vietnamese name, NFC")),
        ("producer_id", type("integer")),
        ("group", type("string", description: "A product group code (GET /api/v1/product-groups)")),
        ("subgroup", type("string", nullable: true, description: "A sub-group code of the group")),
        ("description", type("string", nullable: true)),
        ("unit", type("string", nullable: true, description: "Selling unit, e.g. hộp 200g")),
        ("price_vnd", type("integer", nullable: true, description: "Whole đồng, 0 or more")),
        ("gtin", type("string", nullable: true, description: "GTIN-8/12/13/14 with a valid check digit; returned as 14 digits; unique. Optional in every group")),
        ("origin_province", type("string", description: "Default Quảng Ninh")),
        ("raw_material_area_ids", .object(JSONObject([("type", .string("array")), ("items", type("integer")), ("maxItems", .number(JSONNumber(50)))]))),
        ("image_urls", .object(JSONObject([("type", .string("array")), ("items", type("string", format: "uri")), ("maxItems", .number(JSONNumber(10)))]))),
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
        ("role", type("string", enumValues: ["admin", "officer", "pos"])),
        ("point_of_sale_id", type("integer", nullable: true)),
        ("hint", type("string", description: "The first characters of the secret, to tell tokens apart")),
        ("revoked", type("boolean")),
        ("revoked_at", type("string", nullable: true, format: "date-time")),
    ]

    static var all: JSONObject {
        JSONObject([
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
                                                                      ("items", object([("code", type("string")), ("name", type("string"))]))])))])),
            ("ProductImportResult", object([("imported", type("integer")),
                                            ("ids", .object(JSONObject([("type", .string("array")), ("items", type("integer"))])))])),
            ("Token", object(tokenFields + serverOwned, required: ["id", "name", "role"])),
            ("NewToken", object(tokenFields + [("token", type("string", description: "The secret, shown only here"))] + serverOwned,
                                required: ["id", "name", "role", "token"])),
            ("TokenInput", object([("name", type("string")),
                                   ("role", type("string", enumValues: ["admin", "officer", "pos"])),
                                   ("point_of_sale_id", type("integer", nullable: true))], required: ["name", "role"])),
            ("AuditEntry", object([("id", type("integer")), ("at", type("string", format: "date-time")),
                                   ("token_id", type("integer", nullable: true)), ("entity", type("string")),
                                   ("entity_id", type("string")), ("action", type("string")),
                                   ("changes", type("object")), ("request_id", type("string", nullable: true))])),
            ("Health", object([("status", type("string"))])),
            ("Problem", object([("type", type("string", format: "uri")), ("title", type("string")),
                                ("status", type("integer")), ("detail", type("string")),
                                ("errors", .object(JSONObject([("type", .string("array")),
                                                               ("items", object([("field", type("string")), ("message", type("string"))]))])))],
                               required: ["type", "title", "status"], additional: true)),
        ])
    }
}
