@testable import OCOP
import Testing

/// The phone, e-mail and tax-code rules of `ProducerFields.validate`, value by value.
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

    /// Text nobody can see is blank: whitespace, zero-width characters, the byte-order mark.
    @Test(arguments: ["", " ", "\u{200B}", "\u{FEFF}", " \u{200B}\u{200D} ", "\u{00AD}", "\t\u{2060}\n"])
    func invisibleTextIsBlank(_ text: String) {
        #expect(text.isBlank)
        var errors: [FieldError] = []
        FieldError.checkText("name", text, max: 10, required: true, into: &errors)
        #expect(errors.map(\.field) == ["name"])
    }

    /// The ASCII shortcut says what Unicode's tables say, for every ASCII character.
    @Test func asciiBlanknessIsUnicodes() {
        for value in UInt8(0)..<0x80 {
            let scalar = Unicode.Scalar(value)
            let blank = scalar.properties.isWhitespace || scalar.properties.isDefaultIgnorableCodePoint
            #expect(String(Character(scalar)).isBlank == blank, "\(value)")
        }
    }

    @Test(arguments: ["A", "\u{200B}A", "Đ", "\u{1F600}", "x\u{FE0F}"])
    func visibleTextIsNotBlank(_ text: String) {
        #expect(!text.isBlank)
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

    static let longestLabel = String(repeating: "a", count: 63)

    @Test(arguments: [
        "info@htx.vn", "a.b@c.d.vn", "o'brien+ocop@mien-dong.com.vn", "x_y@xn--c-sn-1qa.vn", "A1@B2.VN",
        "!#$%&'*+/=?^_`{|}~-@h.vn", String(repeating: "n", count: 64) + "@htx.vn", "a@\(ProducerFieldRulesTests.longestLabel).vn",
    ])
    func emailsAccepted(_ email: String) {
        #expect(ProducerFields.isEmail(email))
    }

    @Test(arguments: [
        "", "a@b", "@c.vn", "a@.vn", "a@c.vn.", "a@c..vn", "a b@c.vn", "a@b@c.vn",
        #"x@y.z"><script>alert(1)</script>"#, "h!?$x@h85irmjz.na.net*", "a<b@c.vn", #"a"b@c.vn"#, "a(b)@c.vn",
        "a@-c.vn", "a@c-.vn", "a@c_d.vn", "a@đặcsản.vn", "đức@htx.vn", "a@c.vn\n",
        String(repeating: "n", count: 65) + "@htx.vn", "a@\(ProducerFieldRulesTests.longestLabel)a.vn",
        "a@" + Array(repeating: "b", count: 130).joined(separator: ".") + ".vn",   // 2 + 259 + 3 > 254 characters
    ])
    func emailsRefused(_ email: String) {
        #expect(!ProducerFields.isEmail(email))
    }

    /// An address stored under the looser rule of before stays as it is through later edits;
    /// a new or changed one meets today's rule.
    @Test func aStoredEmailIsNotJudgedAgain() {
        let stored = ProducerFields(name: "HTX Đức Thành", kind: .cooperative, email: "đức@htx.vn")
        var edited = stored
        edited.phone = "0203 3878 123"
        #expect(edited.validate().map(\.field) == ["email"])
        #expect(edited.validate(stored: stored).isEmpty)
        edited.email = "thanh@htx_vn.com"
        #expect(edited.validate(stored: stored).map(\.field) == ["email"])
    }
}
