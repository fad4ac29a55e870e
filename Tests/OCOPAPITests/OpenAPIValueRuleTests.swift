import Foundation
import JSON
import Testing

/// The value rules the OpenAPI document states on request bodies (maxLength, pattern,
/// minimum/maximum, maxItems) against the server, through a socket and a database file on the
/// demo province. Every limit is read from the document, so a limit that drifts from the
/// server's fails here: a value just inside it is taken, one just outside is a 422, and each
/// pattern says yes exactly where the server does for a sample of values of its form.
@Suite(.serialized) struct OpenAPIValueRuleTests {
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)
    let document: JSONValue

    init() throws {
        (server, client, document) = try TestServer.demoWithDocument()
    }

    private func property(_ schema: String, _ field: String) throws -> JSONValue {
        try #require(document["components"]?["schemas"]?[schema]?["properties"]?[field], "\(schema).\(field) is not documented")
    }

    private func int(_ schema: JSONValue, _ keyword: String) throws -> Int64 {
        try #require(schema[keyword]?.int64Value, "no \(keyword) in \(schema.serializedString())")
    }

    /// The path of the first item of a demo list.
    private func first(_ list: String) throws -> String {
        let items = try client.request("GET", list + "?limit=1", headers: [admin]).json["items"]?.arrayValue
        return "\(list)/\(try #require(items?.first?["id"]?.int64Value, "\(list) is empty"))"
    }

    /// A merge patch of one field; the status it gets.
    private func patch(_ path: String, _ field: String, _ value: JSONValue) throws -> Int {
        let body = JSONValue.object(JSONObject([(field, value)])).serializedString()
        return try client.request("PATCH", path, headers: [admin], body: body, contentType: "application/merge-patch+json").status
    }

    /// Whether the document's pattern (ECMA-262; ICU reads these the same) matches `value`.
    private func matches(_ schema: JSONValue, _ value: String) throws -> Bool {
        let pattern = try #require(schema["pattern"]?.stringValue, "no pattern in \(schema.serializedString())")
        func found(_ pattern: String) throws -> Bool {
            try NSRegularExpression(pattern: pattern).firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
        }
        // A `not` holding a pattern (a GTIN's all zeros) excludes what it matches.
        if let excluded = schema["not"]?["pattern"]?.stringValue, try found(excluded) { return false }
        return try found(pattern)
    }

    /// Free text: maxLength characters are taken and one more refused; blank and control
    /// characters are refused and the pattern says so; the server counts code points of the NFC
    /// form it stores, so a Vietnamese letter typed decomposed (three code points) counts once,
    /// and a mark with no precomposed letter counts as the code point it stays.
    @Test func textLimitsAreTheServers() throws {
        let cases = [("ProducerPatch", "representative", "/api/v1/producers"), ("ProductPatch", "description", "/api/v1/products"),
                     ("FairPatch", "name", "/api/v1/fairs"), ("PointOfSalePatch", "manager", "/api/v1/points-of-sale"),
                     ("PlatformPatch", "name", "/api/v1/platforms")]
        for (schemaName, field, list) in cases {
            let schema = try property(schemaName, field)
            let max = Int(try int(schema, "maxLength"))
            let path = try first(list)
            let inside = String(repeating: "ệ", count: max)   // U+1EC7: one code point, one grapheme
            #expect(try matches(schema, inside), "\(schemaName).\(field)")
            #expect(try patch(path, field, .string(inside)) == 200, "\(schemaName).\(field) at \(max)")
            #expect(try patch(path, field, .string(inside + "a")) == 422, "\(schemaName).\(field) at \(max + 1)")
            let decomposed = String(repeating: "e\u{323}\u{302}", count: max)
            #expect(try patch(path, field, .string(decomposed)) == 200, "\(schemaName).\(field): \(max) decomposed letters")
            let marked = String(repeating: "x\u{301}", count: max / 2 + 1)   // no precomposed x́: two code points each
            #expect(try patch(path, field, .string(marked)) == 422, "\(schemaName).\(field): \(max / 2 + 1) x́")
            #expect(try patch(path, field, .string(String(repeating: "x\u{301}", count: max / 2))) == 200,
                    "\(schemaName).\(field): \(max / 2) x́")
            for refused in [" \t ", "a\u{1}b"] {
                #expect(try !matches(schema, refused), "\(schemaName).\(field) pattern takes \(refused.debugDescription)")
                #expect(try patch(path, field, .string(refused)) == 422, "\(schemaName).\(field) = \(refused.debugDescription)")
            }
        }
    }

    /// Fixed forms: for each sample the pattern's verdict is the server's (200 or 422).
    @Test func patternsSayWhatTheServerTakes() throws {
        let cases: [(String, String, String, [String])] = [
            ("ProducerPatch", "phone", "/api/v1/producers",
             ["0203 3845 123", "+84 203.384-5123", "12345678", "1234567", "1234567890123456", "(0203) 384 5123", "84+2033845123"]),
            ("ProducerPatch", "tax_code", "/api/v1/producers", ["5700100256", "5700100256-001", "570010025", "5700100256-01", "57001002560"]),
            ("ProducerPatch", "email", "/api/v1/producers", ["info@htx.vn", "a.b@c.d.vn", "a@b", "a b@c.vn", "@c.vn", "a@.vn", "a@c.vn.",
              #"x@y.z"><script>"#, "h!?$x@h85irmjz.na.net*", "o'brien+ocop@xn--c-sn-1qa.vn", "a@-c.vn", "a@c..vn", "a@đặcsản.vn",
              String(repeating: "n", count: 64) + "@htx.vn", String(repeating: "n", count: 65) + "@htx.vn",
              ".a..b@8.do"]),   // the WHATWG form's rule, which is why the schema claims no format: email
            ("ProductPatch", "code", "/api/v1/products", ["QN-TEST/9.9_z", "QN 2024", "QN-ĐẶC-SẢN", String(repeating: "Q", count: 41)]),
            ("PlatformPatch", "code", "/api/v1/platforms", ["test_platform_9", "Voso", "9x", "a", "a-b"]),
            ("PlatformPatch", "url", "/api/v1/platforms",
             ["https://voso.vn/shop?id=1#top", "HTTP://VOSO.VN:8080", "ftp://voso.vn", "https://voso.vn/a b", "mailto:a@voso.vn",
              "http:///path", "https://ocop.vn/đặc-sản", "hTTp://2FHu~%", "https://voso.vn/%C4%91%E1%BA%B7c?a=%20#x",
              "https://voso.vn/a%zz", "https://voso.vn/a|b", "https://voso.vn/#a#b", "https://voso.vn/a^b",
              "http://a.vn:65535/", "http://a.vn:65536/", "http://a.vn:99999999/", "http://a.vn:/x", "http://a.vn:8a/",
              "http://a.vn:00080"]),
            ("PointOfSalePatch", "code", "/api/v1/points-of-sale", ["TEST-9.9_x/1", "-X", "X Y", "MÃ-1"]),
            // Days in bodies take the years a filter takes, so each stored day can be found by one.
            ("PointOfSalePatch", "opened_on", "/api/v1/points-of-sale",
             ["2019-05-01", "1900-01-01", "2999-12-31", "1899-12-31", "3000-01-01", "0001-01-01", "2019-5-1"]),
        ]
        for (schemaName, field, list, samples) in cases {
            let schema = try property(schemaName, field)
            let path = try first(list)
            for sample in samples {
                let status = try patch(path, field, .string(sample))
                #expect(status == 200 || status == 422, "\(schemaName).\(field) = \(sample): \(status)")
                #expect(try matches(schema, sample) == (status == 200), "\(schemaName).\(field) = \(sample): pattern and server disagree (\(status))")
            }
        }
        // A round's day: the years of every day, from 2013 on (OCOP began then). New rounds, each
        // under the sheet in force on its day, so no other rule of a round has a say.
        let heldOn = try property("EvaluationRoundInput", "held_on")
        for (i, sample) in ["2024-05-01", "2013-01-01", "2012-12-31", "1900-01-01", "2999-12-31", "3000-01-01"].enumerated() {
            let body = #"{"name":"Held on \#(i)","council_level":"province","held_on":"\#(sample)"}"#
            let status = try client.request("POST", "/api/v1/evaluation-rounds", headers: [admin], body: body).status
            #expect(status == 201 || status == 422, "held_on = \(sample): \(status)")
            #expect(try matches(heldOn, sample) == (status == 201), "held_on = \(sample): pattern and server disagree (\(status))")
        }
    }

    /// A parameter's schema as the document gives it on `method path`.
    private func parameter(_ path: String, _ name: String, method: String = "get") throws -> JSONValue {
        let parameters = document["paths"]?[path]?[method]?["parameters"]?.arrayValue ?? []
        return try #require(parameters.first { $0["name"]?.stringValue == name }?["schema"], "\(method) \(path) documents no \(name)")
    }

    /// Parameters' patterns (path, query and header) say yes exactly where the server does, for
    /// samples of their form: the resolver's keys (400 for a malformed URI), a day's years and a
    /// text filter (422), the Idempotency-Key (422). A Schemathesis probe found them unstated.
    @Test func parameterPatternsSayWhatTheServerTakes() throws {
        // 12345670 and 08931234567897 carry valid check digits: the pattern cannot say that.
        let gtin = try parameter("/01/{gtin}", "gtin")
        // All zeros passes the check digit but is refused (a placeholder): the schema's `not` says so.
        for sample in ["12345670", "08931234567897", "0", "123456789", "1234567890123456", "12a45670", "00000000",
                       "00000000000000"] {
            let status = try client.request("GET", "/01/\(sample)").status
            #expect(try matches(gtin, sample) == (status != 400), "gtin \(sample): \(status)")
        }
        let lot = try parameter("/01/{gtin}/10/{lot}", "lot")
        for (sample, encoded) in [("LOT-2026/01", "LOT-2026%2F01"), ("L", "L"), ("a b", "a%20b"), ("lô", "l%C3%B4"),
                                  (String(repeating: "9", count: 21), String(repeating: "9", count: 21))] {
            let status = try client.request("GET", "/01/08931234567897/10/\(encoded)").status
            #expect(try matches(lot, sample) == (status != 400), "lot \(sample): \(status)")
        }
        let code = try parameter("/t/{code}", "code")
        for (sample, encoded) in [("QN-TP-0001", "QN-TP-0001"), ("qn.tp_1", "qn.tp_1"), ("é", "%C3%A9"), ("a b", "a%20b"),
                                  (String(repeating: "Q", count: 41), String(repeating: "Q", count: 41))] {
            let status = try client.request("GET", "/t/\(encoded)").status
            #expect(try matches(code, sample) == (status != 400), "code \(sample): \(status)")
        }
        for list in ["/api/v1/certificates", "/api/v1/products"] {
            let day = try parameter(list, "expires_before")
            for sample in ["2026-06-30", "1900-01-01", "2999-12-31", "1899-12-31", "3000-01-01", "0017-01-02"] {
                let status = try client.request("GET", "\(list)?expires_before=\(sample)", headers: [admin]).status
                #expect(try matches(day, sample) == (status == 200), "\(list) day \(sample): \(status)")
            }
        }
        let district = try parameter("/api/v1/producers", "district")
        for (sample, encoded) in [("Bình Liêu", "B%C3%ACnh%20Li%C3%AAu"), (" ", "%20"), ("", "")] {
            let status = try client.request("GET", "/api/v1/producers?district=\(encoded)").status
            let allowed = try matches(district, sample) && sample.count >= Int(try int(district, "minLength"))
            #expect(allowed == (status == 200), "district \(sample.debugDescription): \(status)")
        }
        let key = try parameter("/api/v1/producers", "Idempotency-Key", method: "post")
        for sample in ["3f0c-11ee", String(repeating: "k", count: 255), "a b", String(repeating: "k", count: 256)] {
            let status = try client.request("POST", "/api/v1/producers", headers: [admin, ("Idempotency-Key", sample)],
                                             body: #"{"name":"HTX Khóa","kind":"household"}"#).status
            #expect(try matches(key, sample) == (status == 201), "Idempotency-Key \(sample.prefix(20)): \(status)")
        }
    }

    /// Integers: both bounds taken, one past either refused, a whole number written 85000.0 taken as 85000.
    @Test func numberBoundsAreTheServers() throws {
        let cases = [("ProductPatch", "price_vnd", "/api/v1/products"), ("FairPatch", "visitors", "/api/v1/fairs")]
        for (schemaName, field, list) in cases {
            let schema = try property(schemaName, field)
            let (low, high) = (try int(schema, "minimum"), try int(schema, "maximum"))
            let path = try first(list)
            for (value, status) in [(low, 200), (high, 200), (low - 1, 422), (high + 1, 422)] {
                #expect(try patch(path, field, .number(JSONNumber(value))) == status, "\(schemaName).\(field) = \(value)")
            }
            // JSON Schema's integer is any whole number (Schemathesis sends 85000.0): taken as 85000;
            // a fraction is not.
            for (text, status) in [("85000.0", 200), ("8.5e4", 200), ("85000.5", 422)] {
                #expect(try patch(path, field, .number(try #require(JSONNumber(text)))) == status, "\(schemaName).\(field) = \(text)")
            }
            #expect(try client.request("GET", path, headers: [admin]).json[field]?.serializedString() == "85000")
        }
        let threshold = try property("StockThresholdInput", "low_stock_threshold")
        let product = try first("/api/v1/products")
        for (value, status) in [(try int(threshold, "maximum"), 200), (try int(threshold, "maximum") + 1, 422)] {
            let response = try client.request("PUT", product + "/low-stock-threshold", headers: [admin],
                                              body: #"{"low_stock_threshold":\#(value)}"#)
            #expect(response.status == status, "low_stock_threshold = \(value): \(response.text.prefix(200))")
        }
    }

    /// Arrays: maxItems elements taken, one more refused.
    @Test func listLimitsAreTheServers() throws {
        let images = try property("ProductPatch", "image_urls")
        let imageCount = Int(try int(images, "maxItems"))
        let product = try first("/api/v1/products")
        let url = { (i: Int) -> JSONValue in .string("https://ocop.quangninh.gov.vn/anh/\(i).jpg") }
        #expect(try patch(product, "image_urls", .array((0..<imageCount).map(url))) == 200)
        #expect(try patch(product, "image_urls", .array((0...imageCount).map(url))) == 422)

        let channels = try property("PointOfSalePatch", "channels")
        let channelCount = Int(try int(channels, "maxItems"))
        let pointOfSale = try first("/api/v1/points-of-sale")
        let channel = { (i: Int) -> JSONValue in
            .object(JSONObject([("kind", .string("website")), ("url", .string("https://diemban.vn/\(i)"))]))
        }
        #expect(try patch(pointOfSale, "channels", .array((0..<channelCount).map(channel))) == 200)
        #expect(try patch(pointOfSale, "channels", .array((0...channelCount).map(channel))) == 422)
    }

    /// Every `.csv` path the document lists answers 200 text/csv (path ids from the demo's first
    /// items, a required `table` its first value), and the two operations bodies are what they say.
    @Test func everyCSVPathAnswersCSV() throws {
        var checked = 0
        for (pattern, item) in (document["paths"]?.objectValue ?? [:]).members where pattern.hasSuffix(".csv") {
            let get: JSONValue = try #require(item["get"], "\(pattern)")
            #expect(get["responses"]?["200"]?["content"]?.objectValue?.keys.map { $0 } == ["text/csv"], "\(pattern)")
            var path = try #require(try concrete(String(pattern.dropLast(4))), "no item found for \(pattern)") + ".csv"
            let parameters: [JSONValue] = get["parameters"]?.arrayValue ?? []
            let table = parameters.first { $0["name"]?.stringValue == "table" }
            if let table {
                #expect(table["required"] == .bool(true), "\(pattern): table is required for CSV")
                path += "?table=" + (try #require(table["schema"]?["enum"]?.arrayValue?.first?.stringValue))
            }
            let response = try client.request("GET", path, headers: [admin])
            #expect(response.status == 200, "\(path): \(response.status) \(response.text.prefix(200))")
            #expect(response.header("Content-Type")?.hasPrefix("text/csv") == true, "\(path): \(response.header("Content-Type") ?? "-")")
            checked += 1
        }
        #expect(checked >= 20, "only \(checked) .csv paths")

        for (path, mediaType) in [("/metrics", "text/plain; version=0.0.4"), ("/openapi.json", "application/json")] {
            #expect(document["paths"]?[path]?["get"]?["responses"]?["200"]?["content"]?[mediaType] != nil, "\(path) documents \(mediaType)")
            #expect(try client.request("GET", path).header("Content-Type")?.hasPrefix(mediaType) == true, "\(path)")
        }
    }

    /// `pattern` with each `{parameter}` replaced by the id of the first item of the list before it
    /// that leads to a readable path (a fair without booths is passed over).
    private func concrete(_ pattern: String) throws -> String? {
        func resolve(_ segments: ArraySlice<Substring>, under prefix: String) throws -> String? {
            guard let segment = segments.first else { return prefix }
            guard segment.hasPrefix("{") else { return try resolve(segments.dropFirst(), under: prefix + "/" + segment) }
            let items = try client.request("GET", prefix + "?limit=20", headers: [admin]).json["items"]?.arrayValue ?? []
            for item in items {
                guard let id = item["id"]?.int64Value else { continue }
                if let path = try resolve(segments.dropFirst(), under: "\(prefix)/\(id)"),
                   try client.request("GET", path, headers: [admin]).status == 200 {
                    return path
                }
            }
            return nil
        }
        return try resolve(pattern.split(separator: "/")[...], under: "")
    }
}
