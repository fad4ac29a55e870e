import JSON
import OCOP

/// JSON Schemas of the trade-promotion bodies (issue #5): fairs, booths, sales entries,
/// platforms, listings and the two reports.
extension Schemas {
    static let tradeVND = type("integer", description: "Whole đồng (VND has no minor unit)")
    static let tradeDate = type("string", format: "date")
    static let tradeShare = type("string", nullable: true,
                                  description: "Percent with one decimal (\"48.0\"), integer arithmetic; null when the whole is 0")

    static let fairFields: [(String, JSONValue)] = [
        ("name", text(200, description: "Vietnamese name, NFC.")),
        ("kind", type("string", enumValues: ["provincial_fair", "local_fair", "product_week", "domestic_programme",
                                             "international_programme"])),
        ("starts_on", day()),
        ("ends_on", day(description: "Not before starts_on; within \(FairFields.maximumDays) days of it")),
        ("venue", text(300, nullable: true)),
        ("commune", text(100, nullable: true)),
        ("district", text(100, nullable: true)),
        ("province", text(100, description: "Where it is held; default (absent or null) the home province (Quảng Ninh).")),
        ("organizer", text(200, nullable: true)),
        ("visitors", integer(0...FairFields.maximumVisitors, description: "Organiser's count, default 0; officers may correct it at any time.")),
    ]

    static let boothFields: [(String, JSONValue)] = [
        ("producer_id", id(nullable: true, description: "A producer of ours; or give exhibitor_name and province.")),
        ("exhibitor_name", text(200, nullable: true, description: "An outside exhibitor, with its province.")),
        ("province", text(100, nullable: true, description: "The outside exhibitor's province; null for our producers.")),
        ("product_ids", ids(maxItems: BoothFields.maximumProducts,
                            description: "Products shown; a producer's booth shows its own products")),
    ]

    static let saleLine = object([
        ("product_id", id(description: "A product the booth shows; each product once per entry.")),
        ("units", integer(0...FairSaleFields.maximumUnits)),
        ("revenue_vnd", integer(0...FairSaleFields.maximumRevenueVND, nullable: true,
                                description: "This product's part of the day's takings; the lines' parts add up to at most the day's revenue_vnd.")),
    ], required: ["product_id", "units"])

    static let fairSaleFields: [(String, JSONValue)] = [
        ("day", day(description: "A day of the fair; one entry per booth and day")),
        ("revenue_vnd", integer(0...FairSaleFields.maximumRevenueVND, description: "The booth's takings that day, whole đồng.")),
        ("units", listOf(saleLine, maxItems: Int64(FairSaleFields.maximumLines))),
    ]

    static let platformFields: [(String, JSONValue)] = [
        ("code", formatted("^[a-z][a-z0-9_]{1,39}$", maxLength: 40,
                           description: "Unique, lower-case ASCII letters, digits and _ (province_ocop, voso, postmart, shopee…)")),
        ("name", text(200)),
        ("url", webURL(nullable: true)),
        ("kind", type("string", enumValues: ["provincial", "national", "marketplace", "social"])),
    ]

    static let listingFields: [(String, JSONValue)] = [
        ("product_id", id(description: "Fixed once the listing exists.")),
        ("platform_id", id(description: "Fixed once the listing exists; one live listing per product and platform (a deleted one's product may be listed again, from the day it was removed).")),
        ("url", webURL(nullable: true)),
        ("price_vnd", integer(0...ProductFields.maximumPriceVND, nullable: true, description: "Whole đồng.")),
        ("status", type("string", enumValues: ["active", "paused", "removed"], description: "Default active; a change takes effect today")),
        ("accepts_non_cash", type("boolean", description: "Default false; a change takes effect today")),
        ("listed_on", day(description: "Not after today; default today on create; starts the history")),
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
            // A PUT replaces every field, and listed_on has no default once set (Schemas.setOnce).
            ("ListingReplaceInput", object(listingFields, required: ["product_id", "platform_id", "listed_on"])),
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
