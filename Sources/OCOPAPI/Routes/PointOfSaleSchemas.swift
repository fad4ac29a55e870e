import JSON

/// JSON Schemas of the points-of-sale, inventory and sales bodies (issue #4).
extension Schemas {
    static func listOf(_ items: JSONValue, description: String? = nil, minItems: Int64? = nil, maxItems: Int64? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("type", .string("array")), ("items", items)]
        if let minItems { members.append(("minItems", .number(JSONNumber(minItems)))) }
        if let maxItems { members.append(("maxItems", .number(JSONNumber(maxItems)))) }
        if let description { members.append(("description", .string(description))) }
        return .object(JSONObject(members))
    }

    static let uuid = type("string", format: "uuid", description: "Made by the device; the idempotency key")

    static let pointOfSaleFields: [(String, JSONValue)] = [
        ("code", type("string", description: "Human code, unique: ASCII letters, digits and - . _ /")),
        ("name", type("string", description: "Vietnamese name, NFC")),
        ("kind", type("string", enumValues: ["ocop_center", "store", "kiosk", "online"])),
        ("commune", type("string", nullable: true)),
        ("district", type("string", nullable: true)),
        ("address", type("string", nullable: true)),
        ("opened_on", type("string", nullable: true, format: "date")),
        ("manager", type("string", nullable: true)),
        ("phone", type("string", nullable: true)),
        ("has_ocop_sign", type("boolean", description: "Checklist: OCOP-logo sign; absent = false")),
        ("has_shelves", type("boolean", description: "Checklist: shelves for OCOP products; absent = false")),
        ("has_price_list", type("boolean", description: "Checklist: posted prices; absent = false")),
        ("channels", listOf(object([("kind", type("string", enumValues: ["website", "facebook", "zalo", "tiktok", "other"])),
                                   ("url", type("string", format: "uri"))], required: ["kind", "url"]),
                           description: "Online channels; replaced whole by PUT and PATCH", maxItems: 20)),
    ]

    static let inventoryLevel = object([
        ("point_of_sale_id", type("integer")), ("product_id", type("integer")),
        ("product_code", type("string")), ("product_name", type("string")),
        ("level", type("integer", description: "Latest physical count + adjustments that occurred after it; never below 0")),
        ("last_count_at", type("string", nullable: true, format: "date-time")),
        ("created_at", type("string", nullable: true, format: "date-time")),
        ("updated_at", type("string", nullable: true, format: "date-time", description: "null when never stocked here")),
        ("version", type("integer", description: "0 when never stocked here; PUT needs If-Match W/\"version\"")),
    ])

    static let inventoryChange = oneOfForms(object([
        ("change_id", uuid),
        ("product_id", type("integer")),
        ("occurred_at", type("string", format: "date-time", description: "Device time, RFC 3339 with offset; at most 24 h ahead of the server")),
        ("count", type("integer", description: "A physical count (≥ 0); give count OR adjust")),
        ("adjust", type("integer", description: "A delta ≠ 0: positive for received/returned/transfer_in, negative for sold/damaged/expired/transfer_out")),
        ("reason", type("string", enumValues: ["received", "sold", "returned", "damaged", "expired", "transfer_in", "transfer_out"],
                        description: "Required with adjust, not allowed with count")),
    ], required: ["change_id", "product_id", "occurred_at"]), [["count"], ["adjust", "reason"]])

    static let saleLineInput = object([
        ("product_id", type("integer")), ("quantity", type("integer", description: "> 0")),
        ("unit_price_vnd", type("integer", description: "Whole đồng, ≥ 0")),
    ], required: ["product_id", "quantity", "unit_price_vnd"])

    static let saleFields: [(String, JSONValue)] = [
        ("sale_id", uuid),
        ("sold_at", type("string", format: "date-time", description: "Device time, RFC 3339 with offset")),
        ("payment", type("string", enumValues: ["cash", "card", "bank_transfer", "e_wallet"])),
    ]

    static var pointOfSaleSchemas: [(key: String, value: JSONValue)] {
        [
            ("PointOfSale", object([("id", type("integer"))] + pointOfSaleFields
                                   + [("compliant", type("boolean", description: "Derived: all three checklist items are true"))]
                                   + serverOwned,
                                   required: ["id", "code", "name", "kind", "compliant", "channels"])),
            ("PointOfSaleInput", object(pointOfSaleFields, required: ["code", "name", "kind"])),
            ("PointOfSalePatch", object(pointOfSaleFields)),
            ("InventoryBatchInput", object([("changes", listOf(inventoryChange, minItems: 1, maxItems: 1000))], required: ["changes"])),
            ("InventoryBatchResult", object([
                ("point_of_sale_id", type("integer")),
                ("applied", type("integer")), ("duplicates", type("integer")),
                ("results", listOf(object([("change_id", uuid), ("outcome", type("string", enumValues: ["applied", "duplicate"]))]),
                                  description: "One per change, in the order sent")),
                ("levels", listOf(inventoryLevel, description: "The resulting level of every product the batch named")),
            ])),
            ("InventoryLevel", inventoryLevel),
            ("InventoryLevelInput", object([("level", type("integer", description: "The counted stock, ≥ 0"))], required: ["level"])),
            ("InventoryFeed", object([
                ("items", listOf(object([
                    ("seq", type("integer")), ("product_id", type("integer")), ("level", type("integer")),
                    ("version", type("integer")), ("change_ids", listOf(type("string", format: "uuid"))),
                    ("at", type("string", format: "date-time")),
                ]))),
                ("next_cursor", type("string", description: "Always present: pass it as ?after= next time, even when items is empty")),
                ("has_more", type("boolean", description: "More entries are waiting: read again at once")),
            ], required: ["items", "next_cursor", "has_more"])),
            ("SaleInput", object(saleFields + [("lines", listOf(saleLineInput, minItems: 1, maxItems: 200))],
                                 required: ["sale_id", "sold_at", "lines", "payment"])),
            ("Sale", object([("id", type("integer")), ("point_of_sale_id", type("integer"))] + saleFields + [
                ("sold_on", type("string", format: "date", description: "Calendar day of sold_at in Asia/Ho_Chi_Minh")),
                ("lines", listOf(object([("line", type("integer")), ("product_id", type("integer")), ("quantity", type("integer")),
                                        ("unit_price_vnd", type("integer")), ("amount_vnd", type("integer"))]))),
                ("units", type("integer")), ("total_vnd", type("integer", description: "Σ quantity × unit_price_vnd")),
            ] + serverOwned, required: ["id", "sale_id", "point_of_sale_id", "sold_at", "payment", "lines", "total_vnd"])),
        ]
    }
}
