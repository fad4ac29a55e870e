import Testing
@testable import OCOP

/// The query of a Digital Link: GS1 data attributes are checked against their AI's format;
/// names that are not AIs are not GS1's business.
@Suite struct DigitalLinkAttributesTests {
    func failure(_ pairs: [(String, String)]) -> MalformedLink? {
        do {
            try DigitalLinkAttributes.check(pairs.map { (name: $0.0, value: $0.1) })
            return nil
        } catch {
            return error
        }
    }

    @Test func wellFormedAttributesAndOtherParametersPass() {
        #expect(failure([("17", "271231"), ("15", "270200"), ("11", "240229"), ("7003", "2712312359"),
                         ("30", "12"), ("3103", "000500"), ("422", "704"), ("8200", "https://x.example/a"),
                         ("utm_source", "qr"), ("linkType", "gs1:pip"), ("1", "anything"), ("12345", "x y")]) == nil)
    }

    @Test func datesMustBeRealDays() {
        for bad in ["abc", "27123", "2712311", "271331", "270230", "230229", "271232", "27-1-1"] {
            #expect(failure([("17", bad)])?.field == "?17", "\(bad)")
        }
        #expect(failure([("17", "271200")]) == nil, "DD 00 is the end of the month")
        #expect(failure([("7003", "2712310000")]) == nil)
        #expect(failure([("7003", "2712312460")])?.field == "?7003")
        #expect(failure([("7003", "2712002359")])?.field == "?7003", "a moment has a day")
    }

    @Test func keysAndQualifiersBelongInThePath() {
        #expect(failure([("01", "08931234567897")])?.message.contains("primary key") == true)
        #expect(failure([("414", "8931234567897")])?.message.contains("primary key") == true)
        #expect(failure([("10", "LOT1")])?.message.contains("belongs in the path") == true)
        #expect(failure([("21", "S1")])?.message.contains("belongs in the path") == true)
    }

    @Test func formatsOfCountsMeasuresCountriesAndTheRest() {
        #expect(failure([("30", "123456789")])?.field == "?30")
        #expect(failure([("37", "1a")])?.field == "?37")
        #expect(failure([("3103", "500")])?.field == "?3103")
        #expect(failure([("422", "7040")])?.field == "?422")
        #expect(failure([("8200", "a b")])?.field == "?8200", "a space is not in set 82")
        #expect(failure([("99", String(repeating: "A", count: 91))])?.field == "?99")
        #expect(failure([("99", String(repeating: "A", count: 90))]) == nil)
        #expect(failure([("17", "")])?.message == "is empty")
        #expect(failure([("17", "271231"), ("17", "271231")])?.message == "is given more than once")
    }
}
