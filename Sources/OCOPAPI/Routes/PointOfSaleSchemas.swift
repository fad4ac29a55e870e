import JSON
import OCOP

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
        ("code", siteCode("Human code, unique")),
        ("name", text(200, description: "Vietnamese name, NFC.")),
        ("kind", type("string", enumValues: ["ocop_center", "store", "kiosk", "online"])),
        ("commune", text(100, nullable: true)),
        ("district", text(100, nullable: true)),
        ("address", text(300, nullable: true)),
        ("opened_on", day(nullable: true)),
        ("manager", text(120, nullable: true)),
        ("phone", phone()),
        ("has_ocop_sign", type("boolean", description: "Checklist: OCOP-logo sign; absent = false")),
        ("has_shelves", type("boolean", description: "Checklist: shelves for OCOP products; absent = false")),
        ("has_price_list", type("boolean", description: "Checklist: posted prices; absent = false")),
        ("channels", listOf(object([("kind", type("string", enumValues: ["website", "facebook", "zalo", "tiktok", "other"])),
                                   ("url", webURL())], required: ["kind", "url"]),
                           description: "Online channels; replaced whole by PUT and PATCH", maxItems: Int64(PointOfSaleFields.maximumChannels))),
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
        ("product_id", id()),
        ("occurred_at", type("string", format: "date-time", description: "Device time, RFC 3339 with offset; not before 2000-01-01T00:00:00Z and at most 24 h ahead of the server")),
        ("count", integer(0...InventoryChange.maximumQuantity, description: "A physical count; give count OR adjust.")),
        ("adjust", adding([("not", .object(JSONObject([("const", 0)])))],
                          to: integer(-InventoryChange.maximumQuantity...InventoryChange.maximumQuantity, description:
                                      "A delta ≠ 0: positive for received/returned/transfer_in, negative for sold/damaged/expired/transfer_out."))),
        ("reason", type("string", enumValues: ["received", "sold", "returned", "damaged", "expired", "transfer_in", "transfer_out"],
                        description: "Required with adjust, not allowed with count")),
    ], required: ["change_id", "product_id", "occurred_at"]), [["count"], ["adjust", "reason"]])

    static let saleLineInput = object([
        ("product_id", id()), ("quantity", integer(1...InventoryChange.maximumQuantity)),
        ("unit_price_vnd", integer(0...ProductFields.maximumPriceVND, description: "Whole đồng.")),
    ], required: ["product_id", "quantity", "unit_price_vnd"])

    static let saleFields: [(String, JSONValue)] = [
        ("sale_id", uuid),
        ("sold_at", type("string", format: "date-time", description: "Device time, RFC 3339 with offset; not before 2000-01-01T00:00:00Z and at most 24 h ahead of the server")),
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
            ("InventoryBatchInput", object([("changes", listOf(inventoryChange, minItems: 1, maxItems: Int64(InventoryStore.maximumBatch)))],
                                           required: ["changes"])),
            ("InventoryBatchResult", object([
                ("point_of_sale_id", type("integer")),
                ("applied", type("integer")), ("duplicates", type("integer")),
                ("results", listOf(object([("change_id", uuid), ("outcome", type("string", enumValues: ["applied", "duplicate"])),
                                            ("content_differs", type("boolean", description: "Present (true) on a duplicate whose id was applied earlier with other content: the earlier content stands"))],
                                           required: ["change_id", "outcome"]),
                                  description: "One per change, in the order sent")),
                ("levels", listOf(inventoryLevel, description: "The resulting level of every product the batch named")),
            ])),
            ("InventoryLevel", inventoryLevel),
            ("InventoryLevelInput", object([("level", integer(0...InventoryChange.maximumQuantity, description: "The counted stock."))],
                                           required: ["level"])),
            ("InventoryFeed", object([
                ("items", listOf(object([
                    ("seq", type("integer")), ("product_id", type("integer")), ("level", type("integer")),
                    ("version", type("integer")), ("change_ids", listOf(type("string", format: "uuid"))),
                    ("at", type("string", format: "date-time")),
                ]))),
                ("next_cursor", type("string", description: "Always present: pass it as ?after= next time, even when items is empty")),
                ("has_more", type("boolean", description: "More entries are waiting: read again at once")),
            ], required: ["items", "next_cursor", "has_more"])),
            ("SaleInput", object(saleFields + [("lines", listOf(saleLineInput, description:
                                                               "Σ quantity × unit_price_vnd is at most \(SaleInput.maximumTotalVND) đồng",
                                                               minItems: 1, maxItems: Int64(SaleInput.maximumLines)))],
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
