import Testing
@testable import OCOP

@Suite("GTIN")
struct SupportGTINTests {
    /// DOMAIN.md vectors: data digits → check digit.
    @Test(arguments: [
        ("400638133393", 1), ("629104150021", 3), ("123456789012", 8),
        ("893123456789", 7), ("1234567", 0), ("0950600013435", 2),
    ])
    func checkDigitVectors(data: String, check: Int) {
        #expect(GTIN.checkDigit(for: data) == check)
    }

    @Test func checkDigitRejectsNonDigitsAndEmpty() {
        #expect(GTIN.checkDigit(for: "") == nil)
        #expect(GTIN.checkDigit(for: "89312345678a") == nil)
        #expect(GTIN.checkDigit(for: "８９３") == nil)  // full-width digits are not ASCII
        #expect(GTIN.checkDigit(for: String(repeating: "1", count: 18)) == nil)
    }

    @Test func acceptsAllFourLengthsAndStoresFourteenDigits() throws {
        #expect(try #require(GTIN("8931234567897")).digits == "08931234567897")
        #expect(try #require(GTIN("12345670")).digits == "00000012345670")
        #expect(try #require(GTIN("123456789012")).digits == "00123456789012")
        #expect(try #require(GTIN("09506000134352")).digits == "09506000134352")
        #expect(try #require(GTIN("4006381333931")).description == "04006381333931")
    }

    @Test func paddedAndUnpaddedFormsAreTheSameGTIN() {
        #expect(GTIN("8931234567897") == GTIN("08931234567897"))
        #expect(GTIN("12345670") == GTIN("00000012345670"))
    }

    @Test(arguments: [
        "8931234567890",   // wrong check digit (DOMAIN.md)
        "0950600013435",   // 13 digits: as a GTIN-13 its check digit would be 9
        "1234567",         // 7 digits
        "123456789",       // 9 digits
        "12345678901234567", // too long
        "",
        "893123456789 7",  // space
        "+8931234567897",
        "893123456789７",  // full-width 7
        "0893123456789a",
        "00000000",        // all zeros: a valid check digit, but no number GS1 issues
        "00000000000000",
    ])
    func rejects(text: String) {
        #expect(GTIN(text) == nil)
    }

    @Test func everyWrongCheckDigitIsRejected() {
        for wrong in 0...9 where wrong != 7 {
            #expect(GTIN("893123456789\(wrong)") == nil)
        }
        #expect(GTIN("8931234567897") != nil)
    }
}
