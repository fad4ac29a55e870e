import JSON
import OCOP

/// JSON Schemas of the products report (issue #3).
extension Schemas {
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
}
