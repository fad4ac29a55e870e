import Testing
@testable import OCOP

/// The product rules that need no database: field rules and the derived certification state.
@Suite struct ProductRulesTests {
    func fields(code: String = "QN-2024-0012") -> ProductFields {
        ProductFields(code: code, name: "Miến dong Bình Liêu", producerID: 1, group: "food")
    }

    func errors(_ change: (inout ProductFields) -> Void) -> [String] {
        var f = fields()
        change(&f)
        return f.validate().map(\.field)
    }

    @Test func aValidProductHasNoErrors() {
        #expect(fields().validate().isEmpty)
        #expect(fields().originProvince == "Quảng Ninh")
    }

    @Test(arguments: ["QN-2024-0012", "a", "HL_01.2/b", String(repeating: "9", count: 40)])
    func codesAccepted(code: String) {
        #expect(ProductFields.isCode(code))
    }

    @Test(arguments: ["", "QN 2024", "QN-2024-Đ1", String(repeating: "9", count: 41), "a,b", "x\"y"])
    func codesRejected(code: String) {
        #expect(!ProductFields.isCode(code))
        #expect(errors { $0.code = code } == ["code"])
    }

    @Test func textAndNumberRules() {
        #expect(errors { $0.name = " \t" } == ["name"])
        #expect(errors { $0.name = String(repeating: "ê", count: 201) } == ["name"])
        #expect(errors { $0.name = String(repeating: "ê", count: 200) }.isEmpty)
        #expect(errors { $0.description = "" } == ["description"])
        #expect(errors { $0.unit = String(repeating: "g", count: 51) } == ["unit"])
        #expect(errors { $0.originProvince = "" } == ["origin_province"])
        #expect(errors { $0.originProvince = "Lạng Sơn" }.isEmpty)
        #expect(errors { $0.priceVND = -1 } == ["price_vnd"])
        #expect(errors { $0.priceVND = 0 }.isEmpty)
        #expect(errors { $0.priceVND = ProductFields.maximumPriceVND + 1 } == ["price_vnd"])
        #expect(errors { $0.producerID = 0 } == ["producer_id"])
    }

    @Test func listRules() {
        #expect(errors { $0.rawMaterialAreaIDs = [3, 4, 3, -1] } == ["raw_material_area_ids[2]", "raw_material_area_ids[3]"])
        #expect(errors { $0.rawMaterialAreaIDs = Array(1...51) } == ["raw_material_area_ids"])
        #expect(errors { $0.imageURLs = Array(repeating: "https://a.vn/x.jpg", count: 11) } == ["image_urls"])
        #expect(errors { $0.imageURLs = Array(repeating: "https://a.vn/x.jpg", count: 10) }.isEmpty)
    }

    @Test(arguments: ["https://ocop.quangninh.gov.vn/a.jpg", "http://10.0.0.1:8080/x.png", "HTTPS://CDN.VN/a?b=c#d",
                      "https://user@host.vn/p", "https://[::1]/img",
                      "https://a.vn/%E1%BA%A3nh.jpg?q=a%20b&x=1;y=(2)#s/e?c:t@1", "http://a.vn?x",
                      "http://a.vn:65535/", "http://a.vn:/x", "https://[::1]:443/i", "https://u:p@a.vn:8443"])
    func imageURLsAccepted(url: String) {
        #expect(ProductFields.isWebURL(url))
    }

    @Test(arguments: ["javascript:alert(1)", "data:image/png;base64,AAAA", "/img/a.jpg", "ftp://a.vn/x", "https://",
                      "https:///path", "https://a.vn/ảnh.jpg", "https://a.vn/a b.jpg", "http://:80/x",
                      "https://a.vn/" + String(repeating: "x", count: 2000),
                      // Not RFC 3986: a stray or short escape, characters it never allows, a second
                      // fragment, brackets outside the host.
                      "hTTp://2FHu~%", "https://a.vn/%zz", "https://a.vn/a%2", "https://a.vn/a|b", "https://a.vn/{x}",
                      "https://a.vn/\"x\"", "https://a.vn/a\\b", "https://a.vn/#a#b", "https://a.vn/[x]",
                      // Ports: RFC 3986's digits, at most 65535; brackets round a host only.
                      "http://a.vn:65536/", "http://a.vn:99999999/", "http://a.vn:8a/", "http://a.vn:123456",
                      "https://[::1]x/", "https://[::1", "https://[]/", "https://a[b].vn/", "https://[u]@a.vn/"])
    func imageURLsRejected(url: String) {
        #expect(!ProductFields.isWebURL(url))
    }

    /// A URL an item already stores passes again (it was taken under the looser rule of before);
    /// any other meets today's.
    @Test func storedURLsAreNotJudgedAgain() {
        let legacy = "https://a.vn/a|b"
        #expect(!ProductFields.acceptsURL(legacy, stored: []))
        #expect(ProductFields.acceptsURL(legacy, stored: [legacy]))
        #expect(!ProductFields.acceptsURL("https://a.vn/c|d", stored: [legacy]))
        let stored = PointOfSaleFields(code: "QN-01", name: "Điểm bán", kind: .store,
                                       channels: [SalesChannel(kind: .website, url: legacy)])
        var edited = stored
        edited.name = "Điểm bán OCOP"
        #expect(edited.validate().map(\.field) == ["channels[0].url"])
        #expect(edited.validate(stored: stored).isEmpty)
    }

    // MARK: Derived state

    func product(stars: StarRating = .four, expires: String, renewed: Bool = false, revoked: Bool = false,
                 underReview: Bool = false, updatedAt: String = "2024-06-01T03:00:00Z",
                 certificateUpdatedAt: String = "2024-06-01T02:00:00Z") -> Product {
        let certificate = ProductCertificate(id: 1, number: "123/QĐ-UBND", stars: stars, decidedOn: CivilDate("2022-01-01")!,
                                             expiresOn: CivilDate(expires)!, renewed: renewed, revoked: revoked,
                                             updatedAt: Timestamp(rfc3339: certificateUpdatedAt)!)
        return Product(id: 1, fields: fields(), underReview: underReview, certificate: certificate,
                       createdAt: Timestamp(rfc3339: "2024-01-01T00:00:00Z")!, updatedAt: Timestamp(rfc3339: updatedAt)!,
                       version: 3)
    }

    @Test func statusAndStarsChangeOnTheExactDays() {
        let p = product(expires: "2025-02-28")
        let expiringFrom = CivilDate("2025-01-29")!   // 30 days before the last valid day
        #expect(p.status(on: expiringFrom.adding(days: -1)) == .certified)
        #expect(p.certificate?.status(on: expiringFrom.adding(days: -1)) == .active)
        #expect(p.certificate?.status(on: expiringFrom) == .expiring)
        #expect(p.status(on: CivilDate("2025-02-28")!) == .certified)
        #expect(p.stars(on: CivilDate("2025-02-28")!) == .four)
        #expect(p.status(on: CivilDate("2025-03-01")!) == .expired)
        #expect(p.stars(on: CivilDate("2025-03-01")!) == nil)
    }

    @Test func statusPrecedence() {
        let day = CivilDate("2024-12-12")!
        #expect(product(expires: "2027-01-01", revoked: true).status(on: day) == .revoked)
        #expect(product(expires: "2027-01-01", revoked: true).stars(on: day) == nil)
        #expect(product(expires: "2027-01-01", renewed: true).status(on: day) == .notCertified)
        #expect(product(expires: "2020-01-01", underReview: true).status(on: day) == .underReview)
        #expect(product(expires: "2027-01-01", underReview: true).stars(on: day) == .four)
        let none = Product(id: 2, fields: fields(), createdAt: testNow, updatedAt: testNow, version: 1)
        #expect(none.status(on: day) == .notCertified)
        #expect(none.stars(on: day) == nil)
        #expect(!none.derivedStateChangedSinceUpdate(today: day))
    }

    /// A version's representation stays current until a calendar transition or a certificate change.
    @Test func derivedStateChangesWithoutANewVersion() {
        // Written 2024-06-01 (Hanoi); expiring from 2025-01-29, expired from 2025-03-01.
        let p = product(expires: "2025-02-28")
        #expect(!p.derivedStateChangedSinceUpdate(today: CivilDate("2024-06-01")!))
        #expect(!p.derivedStateChangedSinceUpdate(today: CivilDate("2025-01-28")!))
        #expect(p.derivedStateChangedSinceUpdate(today: CivilDate("2025-01-29")!))
        #expect(p.derivedStateChangedSinceUpdate(today: CivilDate("2025-03-01")!))
        // Written on the first expiring day: that version already showed "expiring".
        let writtenThatDay = product(expires: "2025-02-28", updatedAt: "2025-01-28T17:30:00Z")   // 00:30 on 29 Jan in Hanoi
        #expect(!writtenThatDay.derivedStateChangedSinceUpdate(today: CivilDate("2025-01-29")!))
        #expect(writtenThatDay.derivedStateChangedSinceUpdate(today: CivilDate("2025-03-01")!))
        // The certificate row changed after the product (issued, revoked): the version says nothing of it.
        let revokedLater = product(expires: "2027-01-01", revoked: true, certificateUpdatedAt: "2024-07-01T00:00:00Z")
        #expect(revokedLater.derivedStateChangedSinceUpdate(today: CivilDate("2024-07-02")!))
        let revokedBefore = product(expires: "2027-01-01", revoked: true)
        #expect(!revokedBefore.derivedStateChangedSinceUpdate(today: CivilDate("2027-06-01")!))
    }
}
