import JSON
import OCOP

// MARK: Value rules of request bodies
//
// One helper per kind of rule the server applies to a body's values (BodyReader, the domain
// `validate()`s), so a field states its rule by calling one, and a limit the code names is read
// from that name: the document and the server cannot drift apart on it.

extension Schemas {
    /// What every text a client writes may not hold (`TextNormalization.containsControlCharacters`):
    /// C0 and C1 control characters other than tab, LF and CR. An ECMA-262 class body.
    static let controlCharacters = #"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F"#

    /// Characters nobody sees (`String.isBlank`: Unicode's default-ignorable code points in the
    /// Basic Multilingual Plane): a text of only these and whitespace is blank.
    static let invisibleCharacters = #"\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8"#

    /// `schema` with `keywords` added after its own members.
    static func adding(_ keywords: [(String, JSONValue)], to schema: JSONValue) -> JSONValue {
        guard var members = schema.objectValue else { return schema }
        for (key, value) in keywords { members[key] = value }
        return .object(members)
    }

    static func number(_ value: Int64) -> JSONValue { .number(JSONNumber(value)) }

    /// Free text (`FieldError.checkText`): not blank (some non-space character), and no control
    /// characters but tab and line breaks. The server counts `max` as maxLength does, in code
    /// points (of the NFC form it stores), so what it answers validates against this schema.
    static func text(_ max: Int, nullable: Bool = false, description: String? = nil) -> JSONValue {
        let allowed = "[^\(controlCharacters)]*"
        let visible = "[^\\s\(controlCharacters)\(invisibleCharacters)]"
        let rule = "At most \(max) characters (code points, after NFC); not blank"
            + (nullable ? " (null clears it)." : ".")
        return adding([("minLength", 1), ("maxLength", number(Int64(max))),
                       ("pattern", .string("^\(allowed)\(visible)\(allowed)$"))],
                      to: type("string", nullable: nullable, description: [description, rule].compactMap { $0 }.joined(separator: " ")))
    }

    /// `text` that must also be one line (no tab or line break): what is printed as an identifier.
    static func line(_ max: Int, description: String? = nil) -> JSONValue {
        let allowed = "[^\\t\\n\\r\(controlCharacters)]*"
        let visible = "[^\\s\(controlCharacters)\(invisibleCharacters)]"
        let rule = "One line of at most \(max) characters (code points, after NFC); not blank."
        return adding([("minLength", 1), ("maxLength", number(Int64(max))),
                       ("pattern", .string("^\(allowed)\(visible)\(allowed)$"))],
                      to: type("string", description: [description, rule].compactMap { $0 }.joined(separator: " ")))
    }

    /// `GTIN.init`: 8, 12, 13 or 14 digits, not all zeros (GS1 issues no such number). The check
    /// digit no pattern can compute is said in words. The `not` names the type, so a null passes it.
    static func gtin(nullable: Bool = false, description: String) -> JSONValue {
        adding([("not", .object(JSONObject([("type", .string("string")), ("pattern", .string("^0+$"))])))],
               to: formatted("^([0-9]{8}|[0-9]{12,14})$", maxLength: 14, nullable: nullable, description: description))
    }

    /// A string of a fixed form, all ASCII (so characters, code points and bytes agree).
    static func formatted(_ pattern: String, maxLength: Int, nullable: Bool = false, description: String) -> JSONValue {
        adding([("maxLength", number(Int64(maxLength))), ("pattern", .string(pattern))],
               to: type("string", nullable: nullable, description: description))
    }

    /// An integer within `range` (`BodyReader.optionalInt`, `JSONNumber.int64`): any whole number,
    /// as JSON Schema's integer is, so 85000.0 and 8.5e4 are 85000.
    static func integer(_ range: ClosedRange<Int64>, nullable: Bool = false, description: String? = nil) -> JSONValue {
        adding([("minimum", number(range.lowerBound)), ("maximum", number(range.upperBound))],
               to: type("integer", nullable: nullable, description: description))
    }

    /// An id the server assigned: a positive integer.
    static func id(nullable: Bool = false, description: String? = nil) -> JSONValue {
        integer(1...Int64.max, nullable: nullable, description: description)
    }

    /// A list of ids, each at most once (`repeats …` is a 422).
    static func ids(maxItems: Int, description: String? = nil) -> JSONValue {
        adding([("uniqueItems", true)], to: listOf(id(), description: description, maxItems: Int64(maxItems)))
    }

    /// `ProductFields.isWebURL`: http or https in any case, a host, RFC 3986's characters only
    /// (anything else percent-encoded, each `%` with two hex digits), at most one `#`, a port of at
    /// most 65535, at most 2000 bytes. The pattern leaves out a user part and an IPv6 literal, which the server also takes,
    /// rather than let through a URL it refuses.
    static func webURL(nullable: Bool = false) -> JSONValue {
        let char = #"([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})"#
        let pattern = #"^[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+"#
            + #"(:([0-9]{0,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"#
            + "([/?]\(char)*)?(#\(char)*)?$"
        return adding([("maxLength", 2000), ("pattern", .string(pattern))],
                      to: type("string", nullable: nullable, format: "uri", description:
                                "An http:// or https:// URL with a host, at most 2000 characters of RFC 3986 "
                                + "(percent-encode spaces and other characters, a % as %25); other schemes are refused."))
    }

    /// `ProducerFields.isPhone`: 8 to 15 digits, a leading +, spaces, dots or dashes between; at most 20 characters.
    static func phone(nullable: Bool = true) -> JSONValue {
        formatted(#"^\+?[ .-]*([0-9][ .-]*){8,15}$"#, maxLength: 20, nullable: nullable,
                  description: "8 to 15 digits, optionally starting with + and grouped by spaces, dots or dashes")
    }

    /// `SiteCode.validate`: codes of points of sale, growing areas and packing facilities.
    static func siteCode(_ description: String) -> JSONValue {
        formatted("^[A-Za-z0-9][A-Za-z0-9._/-]{0,\(SiteCode.maxLength - 1)}$", maxLength: SiteCode.maxLength,
                  description: description + ": an ASCII letter or digit, then letters, digits and - . _ /")
    }

    /// `Points(decimal:)` within the largest maximum any score sheet gives `part`; the round's own sheet
    /// may allow less (description). The two decimals stay prose: `multipleOf: 0.01` is judged in
    /// binary floating point by most validators, which then call 0.57 or 10.55 invalid.
    static func partPoints(_ part: ScorePart) -> JSONValue {
        let maximum = ScoreSheetVersion.allCases.map { ScoreSheet.sheet($0).maximum(part) }.max() ?? Points.zero
        return .object(JSONObject([
            ("type", .string("number")), ("minimum", 0), ("maximum", .number(JSONNumber(maximum.description)!)),
            ("description", .string("Points with at most 2 significant decimals (35, 35.25, 3.525e1; 35.255 is refused), "
                                    + "within the round's sheet's maximum for the part (2023: A 40/B 25/C 35; 2019: A 35/B 25/C 40)")),
        ]))
    }
}
