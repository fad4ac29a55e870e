import JSON
import OCOP

/// The schema of each query parameter in the OpenAPI document, so a client generated from it
/// sends what the server takes. Names mean the same on every route (API.md "Lists"), so most
/// schemas follow from the name; a parameter whose values depend on the resource (`kind`,
/// `status`, `sort`…) takes the route's own list (`RouteDoc.queryValues`).
enum QueryParameterSchemas {
    static let days: Set<String> = ["from", "to", "as_of", "held_from", "held_to", "expires_before", "expires_after"]
    static let flags: Set<String> = ["compliant", "is_local", "decided", "accepts_non_cash"]
    static let starCounts: Set<String> = ["stars", "stars_min", "stars_awarded"]

    static func schema(_ name: String, values: [String]?) -> JSONValue {
        if let values {
            // A report is several tables; CSV is one, so it is named there and refused in JSON.
            let description = name == "table" ? "Required for CSV (Accept: text/csv or a .csv suffix), refused for JSON" : nil
            return Schemas.type("string", enumValues: values, description: description)
        }
        if days.contains(name) {
            return Schemas.day()
        }
        if flags.contains(name) { return Schemas.type("boolean") }
        if starCounts.contains(name) { return integer(1...5) }
        switch name {
        case "limit": return integer(1...PageSize.maximum, description: "Page size; \(PageSize.default.value) when absent")
        case "within_days": return integer(ProductReportQuery.withinDaysRange)
        case "top": return integer(FairReportQuery.topRange)
        case "cursor", "after":
            // An empty one is refused (422) like any other that no page gave.
            return Schemas.adding([("minLength", 1)], to: Schemas.type("string", description: "The next_cursor of the previous page, as given"))
        case "q": return text(maxLength: 200, description: "Free text; case, diacritics and đ/d are ignored")
        case "group": return text(maxLength: 40, description: "A group code of GET /api/v1/product-groups")
        case "subgroup": return text(maxLength: 60, description: "A sub-group code of GET /api/v1/product-groups")
        default:
            if name.hasSuffix("_id") { return integer(1...Int(Int64.max)) }
            return text(maxLength: 100)
        }
    }

    private static func integer(_ range: ClosedRange<Int>, description: String? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("type", .string("integer")), ("minimum", .number(JSONNumber(Int64(range.lowerBound)))),
            ("maximum", .number(JSONNumber(Int64(range.upperBound)))),
        ]
        if let description { members.append(("description", .string(description))) }
        return .object(JSONObject(members))
    }

    /// Text filters (`QueryParameters.text`): 1 to `maxLength` characters, not only spaces.
    private static func text(maxLength: Int, description: String? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("type", .string("string")), ("minLength", .number(JSONNumber(1))),
            ("maxLength", .number(JSONNumber(Int64(maxLength)))), ("pattern", .string("\\S")),
        ]
        if let description { members.append(("description", .string(description))) }
        return .object(JSONObject(members))
    }
}
