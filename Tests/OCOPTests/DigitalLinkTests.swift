import Testing
@testable import OCOP

/// GS1 Digital Link paths as the resolver reads them (segments already percent-decoded).
@Suite struct DigitalLinkTests {
    func parse(_ path: String) throws(MalformedLink) -> DigitalLink {
        try DigitalLink.parse(segments: path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init))
    }

    /// The error of a path that must not parse.
    func failure(_ path: String) -> MalformedLink? {
        do {
            _ = try parse(path)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyGTINLengthIsNormalisedToFourteenDigits() throws {
        #expect(try parse("/01/12345670").gtin.digits == "00000012345670")            // GTIN-8
        #expect(try parse("/01/123456789012").gtin.digits == "00123456789012")        // GTIN-12 (UPC-A)
        #expect(try parse("/01/8931234567897").gtin.digits == "08931234567897")       // GTIN-13, GS1 Vietnam
        #expect(try parse("/01/09506000134352").gtin.digits == "09506000134352")      // GTIN-14
        #expect(try parse("/01/8931234567897").path == "/01/08931234567897")
        #expect(try parse("/01/8931234567897") == parse("/01/08931234567897"))
    }

    @Test func qualifiersInTheirOrder() throws {
        let lot = try parse("/01/09506000134352/10/ABC123")
        #expect(lot.lot == "ABC123" && lot.serial == nil)
        let serial = try parse("/01/09506000134352/21/12345")
        #expect(serial.lot == nil && serial.serial == "12345")
        let both = try parse("/01/9506000134352/10/L-2026.11/21/0001")
        #expect(both.lot == "L-2026.11" && both.serial == "0001")
        #expect(both.path == "/01/09506000134352/10/L-2026.11/21/0001")
    }

    @Test func wrongOrderRepeatsAndUnknownQualifiersAreMalformed() {
        #expect(failure("/01/09506000134352/21/x/10/y")?.field == "path")
        #expect(failure("/01/09506000134352/10/x/10/y")?.field == "path")
        #expect(failure("/01/09506000134352/21/x/21/y")?.field == "path")
        #expect(failure("/01/09506000134352/22/x")?.message.contains("names 22, which is not a qualifier") == true)
        #expect(failure("/01/09506000134352/10")?.field == "lot")        // no value
        #expect(failure("/01/09506000134352/10/")?.field == "lot")       // empty value
        #expect(failure("/01/09506000134352/") == nil)                   // one trailing slash is tolerated (GS1)
        #expect(failure("/01/09506000134352/10/L1/") == nil)
        #expect(failure("/01/09506000134352//")?.field == "path")        // a doubled one is not
        #expect(failure("/01/09506000134352/10/a/21")?.field == "serial")
        #expect(failure("/01")?.field == "gtin")
        #expect(failure("/02/09506000134352")?.field == "path")
    }

    @Test func gtinErrorsSayWhatIsWrong() {
        #expect(failure("/01/8931234567890")?.message == "has check digit 0, but GS1's rule gives 7 for these digits")
        #expect(failure("/01/893123456789a")?.message == "must be digits only")
        #expect(failure("/01/+893123456789")?.message == "must be digits only")
        #expect(failure("/01/８９３１２３４５６７８９７")?.message == "must be digits only")   // full-width digits
        #expect(failure("/01/1234567")?.message == "must have 8, 12, 13 or 14 digits, not 7")
        #expect(failure("/01/123456789012345")?.message == "must have 8, 12, 13 or 14 digits, not 15")
        #expect(failure("/01/12345678901")?.field == "gtin")
        #expect(failure("/01/")?.message == "is empty")
        // Its check digit is valid, so the refusal must say what is wrong instead.
        for zeros in [8, 12, 13, 14] {
            #expect(failure("/01/" + String(repeating: "0", count: zeros))?.message == "is all zeros, a placeholder GS1 never issues")
        }
    }

    @Test func lotAndSerialAreOneToTwentyCharactersOfSet82() throws {
        #expect(try parse("/01/09506000134352/10/" + String(repeating: "A", count: 20)).lot?.count == 20)
        #expect(failure("/01/09506000134352/10/" + String(repeating: "A", count: 21))?.field == "lot")
        #expect(failure("/01/09506000134352/21/" + String(repeating: "9", count: 21))?.field == "serial")
        // All twenty symbols of set 82, and a '/' that arrived as %2F.
        let symbols = "!\"%&'()*+,-./:;<=>?_"
        #expect(symbols.count == 20)
        #expect(try DigitalLink.parse(segments: ["01", "09506000134352", "10", symbols]).lot == symbols)
        for outside in [" ", "#", "$", "@", "[", "\\", "]", "^", "`", "{", "|", "}", "~", "Đ", "é"] {
            #expect(failure("/01/09506000134352/10/A\(outside)B")?.field == "lot", "\(outside) is not in set 82")
        }
        #expect(failure("/01/09506000134352/10/ok/21/a b")?.field == "serial")
    }

    @Test func set82HasEightyTwoCharacters() {
        #expect((0...255).filter { DigitalLink.isSet82(UInt8($0)) }.count == 82)
    }

    @Test func canonicalPathEncodesWhatURISyntaxReserves() throws {
        let link = DigitalLink(gtin: try #require(GTIN("9506000134352")), lot: "A/B?C%D", serial: "x+y")
        #expect(link.path == "/01/09506000134352/10/A%2FB%3FC%25D/21/x%2By")
    }

    @Test func productCodesFollowTheCodeRule() throws {
        #expect(try ProductKey.code(parsing: "QN-TP-0001") == .code("QN-TP-0001"))
        #expect(try ProductKey.code(parsing: "QN/2024/01") == .code("QN/2024/01"))
        #expect(throws: MalformedLink.self) { try ProductKey.code(parsing: "QN TP") }
        #expect(throws: MalformedLink.self) { try ProductKey.code(parsing: "Miến") }
        #expect(throws: MalformedLink.self) { try ProductKey.code(parsing: String(repeating: "A", count: 41)) }
    }
}
