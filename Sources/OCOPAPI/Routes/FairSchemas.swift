import JSON

/// JSON Schemas of the trade-promotion bodies (issue #5): fairs, booths, sales entries,
/// platforms, listings and the two reports.
extension Schemas {
    static let tradeVND = type("integer", description: "Whole đồng (VND has no minor unit)")
    static let tradeDate = type("string", format: "date")
    static let tradeShare = type("string", nullable: true,
                                  description: "Percent with one decimal (\"48.0\"), integer arithmetic; null when the whole is 0")

    static let fairFields: [(String, JSONValue)] = [
        ("name", type("string", description: "Vietnamese name, NFC")),
        ("kind", type("string", enumValues: ["provincial_fair", "local_fair", "product_week", "domestic_programme",
                                             "international_programme"])),
        ("starts_on", tradeDate),
        ("ends_on", type("string", format: "date", description: "Not before starts_on; within 366 days of it")),
        ("venue", type("string", nullable: true)),
        ("commune", type("string", nullable: true)),
        ("district", type("string", nullable: true)),
        ("province", type("string", description: "Where it is held; default the home province (Quảng Ninh)")),
        ("organizer", type("string", nullable: true)),
        ("visitors", type("integer", description: "Organiser's count, ≥ 0, default 0; officers may correct it at any time")),
    ]

    static let boothFields: [(String, JSONValue)] = [
        ("producer_id", type("integer", nullable: true, description: "A producer of ours; or give exhibitor_name and province")),
        ("exhibitor_name", type("string", nullable: true, description: "An outside exhibitor, with its province")),
        ("province", type("string", nullable: true, description: "The outside exhibitor's province; null for our producers")),
        ("product_ids", .object(JSONObject([
            ("type", .string("array")), ("items", type("integer")), ("maxItems", .number(JSONNumber(100))),
            ("description", .string("Products shown; a producer's booth shows its own products")),
        ]))),
    ]

    static let saleLine = object([
        ("product_id", type("integer", description: "A product the booth shows")),
        ("units", type("integer")),
        ("revenue_vnd", type("integer", nullable: true, description: "This product's part of the day's takings")),
    ], required: ["product_id", "units"])

    static let fairSaleFields: [(String, JSONValue)] = [
        ("day", type("string", format: "date", description: "A day of the fair; one entry per booth and day")),
        ("revenue_vnd", type("integer", description: "The booth's takings that day, whole đồng")),
        ("units", array(saleLine)),
    ]

    static let platformFields: [(String, JSONValue)] = [
        ("code", type("string", description: "Unique, lower-case ASCII letters, digits and _ (province_ocop, voso, postmart, shopee…)")),
        ("name", type("string")),
        ("url", type("string", nullable: true, format: "uri")),
        ("kind", type("string", enumValues: ["provincial", "national", "marketplace", "social"])),
    ]

    static let listingFields: [(String, JSONValue)] = [
        ("product_id", type("integer", description: "Fixed once the listing exists")),
        ("platform_id", type("integer", description: "Fixed once the listing exists; one listing per product and platform")),
        ("url", type("string", nullable: true, format: "uri")),
        ("price_vnd", type("integer", nullable: true)),
        ("status", type("string", enumValues: ["active", "paused", "removed"], description: "Default active; a change takes effect today")),
        ("accepts_non_cash", type("boolean", description: "Default false; a change takes effect today")),
        ("listed_on", type("string", format: "date", description: "Not after today; default today on create; starts the history")),
    ]

    static let fairTotals: [(String, JSONValue)] = [
        ("fairs", type("integer", description: "Fairs with at least one day in the period")),
        ("in_province", type("integer", description: "Of those, held in the home province")),
        ("visitors", type("integer")),
        ("revenue_vnd", type("integer", description: "Takings recorded for days in the period")),
        ("local_revenue_vnd", type("integer", description: "Takings of local booths (our producers, or exhibitors from the home province)")),
        ("local_share_percent", tradeShare),
    ]

    static var tradePromotionSchemas: [(key: String, value: JSONValue)] {
        let history = array(object([("valid_from", tradeDate), ("status", type("string")), ("accepts_non_cash", type("boolean"))]))
        return [
            ("Fair", object([("id", type("integer"))] + fairFields
                            + [("in_province", type("boolean")),
                               ("status", type("string", enumValues: ["planned", "running", "ended"],
                                               description: "From the dates, for today in Asia/Ho_Chi_Minh"))] + serverOwned,
                            required: ["id", "name", "kind", "starts_on", "ends_on", "province", "visitors", "status"])),
            ("FairInput", object(fairFields, required: ["name", "kind", "starts_on", "ends_on"])),
            ("FairPatch", object(fairFields)),
            ("Booth", object([("id", type("integer")), ("fair_id", type("integer"))] + boothFields
                             + [("is_local", type("boolean", description: "Our producer, or an exhibitor from the home province"))]
                             + serverOwned, required: ["id", "fair_id", "is_local", "product_ids"])),
            ("BoothInput", oneOfForms(object(boothFields), [["producer_id"], ["exhibitor_name", "province"]])),
            ("BoothPatch", object(boothFields)),
            ("FairSale", object([("id", type("integer")), ("fair_id", type("integer")), ("booth_id", type("integer"))]
                                + fairSaleFields + serverOwned, required: ["id", "fair_id", "booth_id", "day", "revenue_vnd", "units"])),
            ("FairSaleInput", object(fairSaleFields, required: ["day", "revenue_vnd"])),
            ("FairSalePatch", object(fairSaleFields)),
            ("Platform", object([("id", type("integer"))] + platformFields + serverOwned, required: ["id", "code", "name", "kind"])),
            ("PlatformInput", object(platformFields, required: ["code", "name", "kind"])),
            ("PlatformPatch", object(platformFields)),
            ("Listing", object([("id", type("integer"))] + listingFields + [("history", history)] + serverOwned,
                               required: ["id", "product_id", "platform_id", "status", "accepts_non_cash", "listed_on", "history"])),
            ("ListingInput", object(listingFields, required: ["product_id", "platform_id"])),
            ("ListingPatch", object(listingFields)),
            ("FairReport", object([
                ("from", tradeDate), ("to", tradeDate),
                ("totals", object(fairTotals)),
                ("by_kind", array(object([("kind", type("string"))] + fairTotals))),
                ("fairs", array(object([
                    ("fair_id", type("integer")), ("name", type("string")), ("kind", type("string")), ("starts_on", tradeDate),
                    ("ends_on", tradeDate), ("province", type("string")), ("in_province", type("boolean")),
                    ("visitors", type("integer")), ("booths", type("integer")), ("local_booths", type("integer")),
                    ("revenue_vnd", tradeVND), ("local_revenue_vnd", tradeVND), ("local_share_percent", tradeShare),
                ]))),
                ("top_producers", array(object([
                    ("producer_id", type("integer")), ("name", type("string")), ("kind", type("string")),
                    ("fairs", type("integer")), ("revenue_vnd", tradeVND), ("share_percent", tradeShare),
                ]))),
                ("top_products", array(object([
                    ("product_id", type("integer")), ("code", type("string")), ("name", type("string")),
                    ("producer_id", type("integer")), ("units", type("integer")),
                    ("revenue_vnd", type("integer", description: "Sum of the sales lines' revenue_vnd")),
                    ("share_percent", tradeShare),
                ]))),
            ], required: ["from", "to", "totals", "by_kind", "fairs", "top_producers", "top_products"])),
            ("EcommerceReport", object([
                ("as_of", tradeDate),
                ("certified_products", type("integer", description: "Products with a 3–5-star certificate valid on as_of")),
                ("platforms", array(object([
                    ("platform_id", type("integer")), ("code", type("string")), ("name", type("string")), ("kind", type("string")),
                    ("listed_products", type("integer", description: "Certified products with a listing active on as_of")),
                    ("certified_products", type("integer")),
                    ("share_percent", type("string", nullable: true, description: "listed_products / certified_products (\"27.5\")")),
                    ("non_cash_listings", type("integer", description: "Of those listings, accepting non-cash payment")),
                    ("non_cash_share_percent", type("string", nullable: true)),
                    ("active_listings", type("integer", description: "Active listings of any product")),
                ]))),
                ("unlisted", object([
                    ("count", type("integer")),
                    ("truncated", type("boolean")),
                    ("products", array(object([
                        ("product_id", type("integer")), ("code", type("string")), ("name", type("string")),
                        ("producer_id", type("integer")), ("producer_name", type("string")), ("stars", type("integer")),
                        ("expires_on", tradeDate),
                    ]))),
                ])),
            ], required: ["as_of", "certified_products", "platforms", "unlisted"])),
        ]
    }
}
