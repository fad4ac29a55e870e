@testable import OCOP
import Testing

/// The phone and tax-code rules of `ProducerFields.validate`, value by value.
@Suite struct ProducerFieldRulesTests {
    @Test(arguments: ["0203 3878 123", "+84 203 3878 123", "0203.3878.123", "0912-345-678", "02033878", "+841234567890123"])
    func phonesAccepted(_ phone: String) {
        #expect(ProducerFields.isPhone(phone))
    }

    @Test(arguments: [
        "", "0203 387", "+8412345678901234",            // 7 and 16 digits
        "84+2033878123", "++842033878123",               // + only first, once
        "0203/3878/123", "call 0203 3878 123",
        "０２０３３８７８１２３",                             // full-width digits
        "٠٢٠٣٣٨٧٨١٢٣",                                   // Arabic-Indic digits: numbers, not ASCII
        "0203 3878 12\u{0301}3",                         // a combining mark on a digit
    ])
    func phonesRefused(_ phone: String) {
        #expect(!ProducerFields.isPhone(phone))
    }

    @Test func taxCodesAreTenDigitsWithAnOptionalBranch() {
        #expect(ProducerFields.isTaxCode("5700100104"))
        #expect(ProducerFields.isTaxCode("5700100104-001"))
        #expect(!ProducerFields.isTaxCode("570010010"))
        #expect(!ProducerFields.isTaxCode("5700100104-01"))
        #expect(!ProducerFields.isTaxCode("5700100104-"))
        #expect(!ProducerFields.isTaxCode("５７００１００１０４"))
        #expect(!ProducerFields.isTaxCode("570010010\u{0661}"))
    }
}
