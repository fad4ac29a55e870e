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
