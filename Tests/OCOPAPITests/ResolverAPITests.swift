import Foundation
import JSON
import Testing

/// The public traceability resolver end to end: real socket, real SQLite file, no token.
@Suite struct ResolverAPITests {
    let f: ProductAPIFixtures
    var client: TestClient { f.client }
    var admin: (String, String) { f.admin }
    /// A product with a GTIN-13 and nothing else.
    let plain: Int64
    let producer: Int64

    static let linksetType = "application/linkset+json"
    static let gs1 = "https://gs1.org/voc/"

    init() throws {
        f = try ProductAPIFixtures()
        producer = try f.producer()
        plain = try f.product("QN-TP-0001", "Miến dong Bình Liêu", producer: producer, extra: #","gtin":"8931234567897""#)
    }

    /// The `links` of the one context object of a linkset response, by link type term.
    func linkset(_ response: WireResponse) throws -> (anchor: String?, links: [String: [JSONValue]]) {
        #expect(response.status == 200, "\(response.text)")
        #expect(response.header("Content-Type") == Self.linksetType)
        let contexts = try #require(try response.json["linkset"]?.arrayValue)
        #expect(contexts.count == 1)
        var links: [String: [JSONValue]] = [:]
        for (key, value) in try #require(contexts[0].objectValue).members where key != "anchor" {
            #expect(key.hasPrefix(Self.gs1), "\(key)")
            links[String(key.dropFirst(Self.gs1.count))] = value.arrayValue
        }
        return (contexts[0]["anchor"]?.stringValue, links)
    }

    @Test func aKnownGTINRedirectsToTheProductRecordInEveryLength() throws {
        for gtin in ["8931234567897", "08931234567897"] {
            let response = try client.request("GET", "/01/\(gtin)")
            #expect(response.status == 307, "\(response.text)")
            #expect(response.header("Location") == "/api/v1/products/\(plain)")
            #expect(response.header("Cache-Control") == "public, max-age=300")
            #expect(response.header("Vary") == "Accept")
            #expect(response.header("Link") == #"</01/08931234567897?linkType=linkset>; rel="linkset"; type="application/linkset+json""#)
            #expect(response.body.isEmpty)
        }
        // GTIN-12 and GTIN-8 become 14 digits too.
        let upc = try f.product("QN-TP-0002", "Chả mực Hạ Long", producer: producer, extra: #","gtin":"123456789012""#)
        let ean8 = try f.product("QN-TP-0003", "Trà hoa vàng Ba Chẽ", producer: producer, extra: #","gtin":"12345670""#)
        #expect(try client.request("GET", "/01/123456789012").header("Location") == "/api/v1/products/\(upc)")
        #expect(try client.request("GET", "/01/00123456789012").header("Location") == "/api/v1/products/\(upc)")
        #expect(try client.request("GET", "/01/12345670").header("Location") == "/api/v1/products/\(ean8)")
        // The target answers, anonymously.
        let product = try client.request("GET", "/api/v1/products/\(plain)")
        #expect(product.status == 200)
        #expect(try product.json["gtin"]?.stringValue == "08931234567897")
    }

    @Test func lotsAndSerialsResolveToTheProductAndShowInTheAnchor() throws {
        for path in ["/01/8931234567897/10/L2026-11", "/01/08931234567897/21/0001", "/01/8931234567897/10/L2026-11/21/0001",
                     "/01/8931234567897/10/A%2FB"] {
            let response = try client.request("GET", path)
            #expect(response.status == 307, "\(path): \(response.text)")
            #expect(response.header("Location") == "/api/v1/products/\(plain)")
        }
        let set = try linkset(client.request("GET", "/01/8931234567897/10/A%2fB/21/x%2By?linkType=all"))
        #expect(set.anchor == "/01/08931234567897/10/A%2FB/21/x%2By")
        // A lot ending in .csv is a lot, not a request for CSV.
        #expect(try client.request("GET", "/01/8931234567897/10/B7.csv").status == 307)
    }

    @Test func theProductCodeResolvesToo() throws {
        let response = try client.request("GET", "/t/QN-TP-0001")
        #expect(response.status == 307)
        #expect(response.header("Location") == "/api/v1/products/\(plain)")
        #expect(response.header("Link") == #"</t/QN-TP-0001?linkType=linkset>; rel="linkset"; type="application/linkset+json""#)
        let slashed = try f.product("QN/2024/07", "Rượu ba kích", producer: producer)
        #expect(try client.request("GET", "/t/QN%2F2024%2F07").header("Location") == "/api/v1/products/\(slashed)")
        #expect(try linkset(client.request("GET", "/t/QN%2F2024%2F07?linkType=all")).anchor == "/t/QN%2F2024%2F07")
        #expect(try client.request("GET", "/t/QN-TP-9999").status == 404)
        let bad = try client.request("GET", "/t/QN%20TP")
        #expect(bad.status == 400)
        #expect(try ProductAPIFixtures.errorFields(bad) == ["code"])
    }

    @Test func headAnswersLikeGetWithoutABody() throws {
        for (path, accept) in [("/01/8931234567897", "*/*"), ("/t/QN-TP-0001", Self.linksetType),
                               ("/01/8931234567890", "*/*"), ("/01/9506000134352", "*/*")] {
            let get = try client.request("GET", path, headers: [("Accept", accept)])
            let head = try client.request("HEAD", path, headers: [("Accept", accept)])
            #expect(head.status == get.status, "\(path)")
            #expect(head.body.isEmpty)
            for name in ["Location", "Content-Type", "Content-Length", "Cache-Control", "Link", "Vary"] {
                #expect(head.header(name) == get.header(name), "\(path) \(name)")
            }
        }
        // The connection is still in step after the HEADs: the next answer is the next request's.
        #expect(try client.request("GET", "/t/QN-TP-0001").status == 307)
    }

    @Test func aBareProductsLinksetHasItsRecordAndProducer() throws {
        for response in [try client.request("GET", "/01/8931234567897", headers: [("Accept", Self.linksetType)]),
                         try client.request("GET", "/01/8931234567897?linkType=all")] {
            let set = try linkset(response)
            #expect(set.anchor == "/01/08931234567897")
            #expect(Set(set.links.keys) == ["defaultLink", "pip", "homepage"])
            let defaultLink = try #require(set.links["defaultLink"]?.first)
            #expect(defaultLink["href"]?.stringValue == "/api/v1/products/\(plain)")
            #expect(defaultLink["title"]?.stringValue == "Miến dong Bình Liêu")
            #expect(defaultLink["type"]?.stringValue == "application/json")
            #expect(defaultLink["hreflang"]?.arrayValue == [.string("vi")])
            #expect(set.links["homepage"]?.first?["href"]?.stringValue == "/api/v1/producers/\(producer)")
            // Its titles carry the certificate's status, which must be right when read.
            #expect(response.header("Cache-Control") == "no-cache")
            #expect(response.header("Vary") == "Accept")
        }
    }

    @Test func theLinksetLinksEveryPublicRecordAndEachAnswers() throws {
        let area = try client.request("POST", "/api/v1/raw-material-areas", headers: [admin], body: """
            {"code":"VN-QN-BL-001","name":"Vùng trồng dong riềng Đồng Văn","kind":"cultivation","area_m2":125000,
             "producer_id":\(producer),"market":"domestic"}
            """)
        #expect(area.status == 201, "\(area.text)")
        let areaID = try #require(try area.json["id"]?.int64Value)
        let id = try f.product("QN-TP-0010", "Bánh đa dong riềng", producer: producer,
                               extra: #","gtin":"9506000134352","raw_material_area_ids":[\#(areaID)]"#)
        let certificate = try f.certificate(product: id, stars: 4, decided: "2025-06-02", expires: "2028-06-02")
        let listing = try client.request("POST", "/api/v1/listings", headers: [admin], body: #"{"product_id":\#(id),"platform_id":2}"#)
        #expect(listing.status == 201, "\(listing.text)")
        try f.server.ensurePointOfSale(1)
        let stock = try client.request("PUT", "/api/v1/points-of-sale/1/inventory/\(id)",
                                       headers: [admin, ("If-Match", #"W/"0""#)], body: #"{"level":12}"#)
        #expect(stock.status == 200, "\(stock.text)")

        let set = try linkset(client.request("GET", "/01/09506000134352/10/LOT1",
                                             headers: [("Accept", "application/linkset+json, */*;q=0.1")]))
        #expect(set.anchor == "/01/09506000134352/10/LOT1")
        #expect(Set(set.links.keys) == ["defaultLink", "pip", "certificationInfo", "homepage", "traceability", "hasRetailers"])
        let hrefs = set.links.mapValues { $0.compactMap { $0["href"]?.stringValue } }
        #expect(hrefs["certificationInfo"] == ["/api/v1/products/\(id)/certificates", "/api/v1/certificates/\(certificate)"])
        #expect(hrefs["traceability"] == ["/api/v1/raw-material-areas/\(areaID)"])
        #expect(hrefs["hasRetailers"] == ["/api/v1/listings?product_id=\(id)&status=active", "/api/v1/points-of-sale/1"])
        #expect(set.links["traceability"]?.first?["title"]?.stringValue == "Vùng nguyên liệu Vùng trồng dong riềng Đồng Văn")
        let certificateTitle = try #require(set.links["certificationInfo"]?.last?["title"]?.stringValue)
        #expect(certificateTitle.hasPrefix("Giấy chứng nhận OCOP ") && certificateTitle.hasSuffix(" (4 sao)"), "\(certificateTitle)")
        // Every target is a public read that answers without a token.
        for href in Set(hrefs.values.joined()) {
            let target = try client.request("GET", href)
            #expect(target.status == 200, "\(href): \(target.text)")
            if href.hasPrefix("/api/v1/listings?") {
                #expect(try target.json["items"]?.arrayValue?.count == 1)
            }
        }
        // One link type: a redirect to its first link.
        for linkType in ["gs1:certificationInfo", "https://gs1.org/voc/certificationInfo", "https://ref.gs1.org/voc/certificationInfo"] {
            let response = try client.request("GET", "/01/9506000134352?linkType=\(ProductAPIFixtures.encode(linkType))")
            #expect(response.status == 307, "\(linkType): \(response.text)")
            #expect(response.header("Location") == "/api/v1/products/\(id)/certificates")
        }
        #expect(try client.request("GET", "/t/QN-TP-0010?linkType=gs1:traceability").header("Location")
                == "/api/v1/raw-material-areas/\(areaID)")
        #expect(try client.request("GET", "/01/9506000134352?linkType=gs1:defaultLink").header("Location")
                == "/api/v1/products/\(id)")
        // A shopper reads the link's title, not the record: a revoked certificate says so.
        let revoked = try client.request("POST", "/api/v1/certificates/\(certificate)/revoke", headers: [admin],
                                         body: #"{"reason":"violation"}"#)
        #expect(revoked.status == 200, "\(revoked.text)")
        let after = try linkset(client.request("GET", "/01/09506000134352?linkType=all"))
        #expect(after.links["certificationInfo"]?.last?["title"]?.stringValue?.hasSuffix(" (4 sao, đã bị thu hồi)") == true)
    }

    @Test func aLinkTypeTheProductLacksIs404() throws {
        for linkType in ["gs1:certificationInfo", "gs1:traceability", "gs1:nutritionalInfo", "banana"] {
            let response = try client.request("GET", "/01/8931234567897?linkType=\(linkType)")
            #expect(response.status == 404, "\(linkType)")
            #expect(response.header("Content-Type") == "application/problem+json")
        }
        #expect(try client.request("GET", "/01/8931234567897?linkType=gs1:pip").status == 307)
    }

    @Test func acceptChoosesBetweenRedirectAndLinkset() throws {
        let redirects = ["*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json",
                         "application/linkset+json;q=0", "application/linkset+json;q=0.5, text/html"]
        for accept in redirects {
            #expect(try client.request("GET", "/01/8931234567897", headers: [("Accept", accept)]).status == 307, "\(accept)")
        }
        #expect(try client.request("GET", "/01/8931234567897").status == 307)   // no Accept at all
        let linksets = ["application/linkset+json", "Application/Linkset+JSON", "application/json;q=0.9, application/linkset+json",
                        "application/linkset+json, */*"]
        for accept in linksets {
            #expect(try client.request("GET", "/01/8931234567897", headers: [("Accept", accept)]).status == 200, "\(accept)")
        }
        // A link type named in the query wins over Accept.
        let named = try client.request("GET", "/01/8931234567897?linkType=gs1:pip", headers: [("Accept", Self.linksetType)])
        #expect(named.status == 307)
    }

    @Test func unknownProductsAre404() throws {
        for path in ["/01/9506000134352", "/01/09506000134352/10/L1", "/t/QN-XX-0001"] {
            let response = try client.request("GET", path)
            #expect(response.status == 404, "\(path)")
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.header("Cache-Control") == nil)
            #expect(response.header("Location") == nil)
        }
        let detail = try client.request("GET", "/01/9506000134352", headers: [("Accept", Self.linksetType)])
        #expect(detail.status == 404)
        #expect(try detail.json["detail"]?.stringValue == "no product has GTIN 09506000134352")
    }

    /// What a printed QR code may carry besides the key is part of a well-formed Digital Link
    /// (GS1's resolver conformance suite): a trailing slash, GS1 data attributes such as an expiry
    /// date (`?17=271231`), a campaign's own parameters. Each was a 400, an error page for the
    /// shopper. `?linkType=linkset` is the current name of the linkset request (`all` the old one).
    @Test func whatPrintedCodesCarryBesidesTheKeyStillResolves() throws {
        for path in ["/01/08931234567897/", "/01/08931234567897/10/LOT1/", "/01/08931234567897?17=271231",
                     "/01/08931234567897/10/LOT1?17=271231&utm_source=qr", "/t/QN-TP-0001?utm_source=poster"] {
            let response = try client.request("GET", path)
            #expect(response.status == 307, "\(path): \(response.status) \(response.text)")
            #expect(response.header("Location") == "/api/v1/products/\(plain)", "\(path)")
        }
        for request in ["/01/08931234567897?linkType=linkset", "/01/08931234567897?linkType=all&17=271231"] {
            let linkset = try client.request("GET", request)
            #expect(linkset.status == 200, "\(request): \(linkset.text)")
            #expect(linkset.header("Content-Type") == Self.linksetType)
        }
    }

    @Test func malformedURIsAre400NamingWhatIsWrong() throws {
        let cases: [(String, String)] = [
            ("/01/8931234567890", "gtin"),                        // check digit
            ("/01/893123456789X", "gtin"),                        // not digits
            ("/01/1234567", "gtin"),                              // 7 digits
            ("/01/8931234567897/21/x/10/y", "path"),              // qualifier order
            ("/01/8931234567897/10/a/10/b", "path"),              // repeated
            ("/01/8931234567897/22/x", "path"),                   // not a qualifier here
            ("/01/8931234567897/10", "lot"),                      // no value
            ("/01/8931234567897/10/", "lot"),
            ("/01/8931234567897//", "path"),
            ("/01/8931234567897?17=abc", "?17"),                  // an expiry date that is no date
            ("/01/8931234567897?01=123", "?01"),                  // a second primary key
            ("/01/8931234567897?10=L1", "?10"),                   // a qualifier outside the path
            ("/01/8931234567897/10/ABCDEFGHIJKLMNOPQRSTU", "lot"), // 21 characters
            ("/01/8931234567897/10/A%20B", "lot"),                // space is not in set 82
            ("/01/8931234567897/21/%C4%90", "serial"),            // neither is Đ
            ("/01/8931234567897/10/A%FF", "path"),                // an escape that is not UTF-8
            ("/01/", "gtin"),                                     // no GTIN at all
            ("/01//", "gtin"),
            ("/01//10/L1", "gtin"),
            ("/01/8931234567897?linkType=all&linkType=all", "linkType"),
            ("/01/8931234567897?linkType=", "linkType"),
        ]
        for (path, field) in cases {
            let response = try client.request("GET", path)
            #expect(response.status == 400, "\(path): \(response.status) \(response.text)")
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(try ProductAPIFixtures.errorFields(response) == [field], "\(path)")
            #expect(try response.json["detail"]?.stringValue?.hasPrefix(field) == true, "\(path)")
        }
        let checkDigit = try client.request("GET", "/01/8931234567890")
        #expect(try checkDigit.json["detail"]?.stringValue == "gtin has check digit 0, but GS1's rule gives 7 for these digits")
        // A malformed escape is refused by the engine before any route sees it (RFC 3986 §2.1),
        // and like every malformed request the connection then closes: last.
        let badEscape = try client.request("GET", "/01/8931234567897/10/A%ZZ")
        #expect(badEscape.status == 400)
        #expect(try badEscape.json["detail"]?.stringValue == "invalid percent-encoding in the request-target")
    }

    @Test func theOpenAPIDocumentDescribesRedirectAndLinkset() throws {
        let paths = try #require(try client.request("GET", "/openapi.json").json["paths"])
        for path in ["/01/{gtin}", "/01/{gtin}/10/{lot}", "/01/{gtin}/21/{serial}", "/01/{gtin}/10/{lot}/21/{serial}", "/t/{code}"] {
            let operation = try #require(paths[path]?["get"], "\(path)")
            #expect(operation["security"] == nil, "\(path) is public")
            #expect(operation["responses"]?["307"] != nil)
            #expect(operation["responses"]?["200"]?["content"]?["application/linkset+json"] != nil)
            let parameters = operation["parameters"]?.arrayValue ?? []
            #expect(parameters.contains { $0["name"]?.stringValue == "linkType" && $0["in"]?.stringValue == "query" })
        }
        let other = try #require(paths["/01/{gtin}/{qualifiers}"]?["get"])
        #expect(other["responses"]?["400"] != nil)
        #expect(other["parameters"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["gtin", "qualifiers"])
        #expect(other["responses"]?["400"]?["content"]?["application/problem+json"] != nil, "a 400 with its problem body")
        // The catch-all for a missing GTIN shares /01/{gtin}'s template, which OpenAPI forbids: left out.
        #expect(paths["/01/{path}"] == nil)
    }

    @Test func onlyGetAndHeadAndAnyoneMayCall() throws {
        for path in ["/01/8931234567897", "/01/8931234567897/21/x/10/y", "/t/QN-TP-0001"] {
            let response = try client.request("POST", path, body: "{}")
            #expect(response.status == 405, "\(path)")
            #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
        }
        #expect(try client.request("OPTIONS", "/01/8931234567897").header("Allow") == "GET, HEAD, OPTIONS")
        // A token is not needed, and a valid one changes nothing.
        let officer = try f.server.token("officer")
        #expect(try client.request("GET", "/01/8931234567897", headers: [bearer(officer)]).header("Location")
                == "/api/v1/products/\(plain)")
    }
}
