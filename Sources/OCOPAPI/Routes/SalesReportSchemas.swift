import JSON

/// JSON Schema of the sales report (issue #4).
extension Schemas {
    static let salesFigures: [(String, JSONValue)] = [
        ("revenue_vnd", type("integer", description: "Σ amounts in đồng (per product: its lines' amounts)")),
        ("units", type("integer", description: "Σ quantities")),
        ("sales", type("integer", description: "Sales counted; a sale with two lines of one product counts once for it")),
        ("non_cash_vnd", type("integer", description: "The part of revenue_vnd paid by card, bank_transfer or e_wallet")),
        ("non_cash_share_percent", type("string", nullable: true,
                                        description: "non_cash_vnd / revenue_vnd in percent, one decimal, rounded half up (\"62.5\"); null without revenue")),
    ]

    static var salesReportSchemas: [(key: String, value: JSONValue)] {
        [
            ("SalesReport", object([
                ("from", type("string", format: "date", description: "First calendar day, Asia/Ho_Chi_Minh, included")),
                ("to", type("string", format: "date", description: "Last calendar day, included")),
                ("group_by", type("string", enumValues: ["point_of_sale", "product", "day", "payment"])),
                ("point_of_sale_id", type("integer", nullable: true, description: "The one point of sale covered; null: all")),
                ("total", object(salesFigures)),
                ("groups", listOf(object([
                    ("point_of_sale_id", type("integer")), ("point_of_sale_code", type("string")),
                    ("point_of_sale_name", type("string")),
                    ("product_id", type("integer")), ("product_code", type("string")), ("product_name", type("string")),
                    ("day", type("string", format: "date")),
                    ("payment", type("string", enumValues: ["cash", "card", "bank_transfer", "e_wallet"])),
                ] + salesFigures), description: """
                    The key fields of group_by, then the figures. point_of_sale: every point of sale in scope, zeros included, \
                    highest revenue first; product: products that sold, highest revenue first; day: every day from..to in order; \
                    payment: the four methods in the order cash, card, bank_transfer, e_wallet
                    """)),
            ], required: ["from", "to", "group_by", "point_of_sale_id", "total", "groups"])),
        ]
    }
}
