import JSON

/// JSON Schema of the overview (`GET /api/v1/reports/overview`).
extension Schemas {
    static var overviewReportSchemas: [(key: String, value: JSONValue)] {
        let count = type("integer")
        let share = type("string", nullable: true, description: "Percent with one decimal, integer arithmetic; null when the whole is 0")
        let counted: [(String, JSONValue)] = [("products", count), ("share_percent", share)]
        return [
            ("OverviewReport", object([
                ("as_of", tradeDate),
                ("certified_products", object([
                    ("total", count), ("producers", count),
                    ("by_stars", array(object([("stars", count)] + counted))),
                    ("by_group", array(object([("group", type("string")), ("name", type("string"))] + counted))),
                ])),
                ("producers", object([
                    ("registered", count), ("certified_producers", count),
                    ("by_kind", array(object([
                        ("kind", type("string")), ("registered", count),
                        ("certified_producers", type("integer", description: "Holding a product certified on as_of")),
                        ("certified_products", count),
                    ]))),
                ])),
                ("expiring_certificates", object([
                    ("within_days", count), ("through", tradeDate), ("count", count),
                    ("truncated", type("boolean", description: "More than the 10 items listed; CSV table=expiring has all")),
                    ("certificates", array(object([
                        ("certificate_id", count), ("number", type("string")), ("product_id", count),
                        ("product_code", type("string")), ("product_name", type("string")), ("stars", count),
                        ("expires_on", tradeDate), ("days_left", count),
                    ]))),
                ])),
                ("points_of_sale", object([
                    ("total", type("integer", description: "Opened on or before as_of, or without an opening date")),
                    ("compliant", type("integer", description: "OCOP sign, shelves and price list, as recorded now")),
                    ("compliant_share_percent", share),
                ])),
                ("fairs", object([
                    ("from", type("string", format: "date", description: "1 January of as_of's year")), ("to", tradeDate),
                    ("fairs", count), ("in_province", count), ("visitors", type("integer")), ("revenue_vnd", tradeVND),
                    ("local_revenue_vnd", tradeVND), ("local_share_percent", share),
                ])),
                ("ecommerce", object([
                    ("certified_products", count),
                    ("platforms", array(object([
                        ("platform_id", count), ("code", type("string")), ("name", type("string")), ("kind", type("string")),
                        ("listed_products", count), ("share_percent", share), ("non_cash_listings", count),
                        ("non_cash_share_percent", share),
                    ]))),
                ])),
                ("sales", object([
                    ("from", type("string", format: "date", description: "29 days before as_of")), ("to", tradeDate),
                    ("revenue_vnd", tradeVND), ("units", type("integer")), ("sales", type("integer")), ("non_cash_vnd", tradeVND),
                    ("non_cash_share_percent", share),
                ])),
            ], required: ["as_of", "certified_products", "producers", "expiring_certificates", "points_of_sale", "fairs",
                          "ecommerce", "sales"])),
        ]
    }
}
