/// The legal form of an OCOP producer (DOMAIN.md "Producers").
public enum ProducerKind: String, CaseIterable, Sendable {
    case enterprise
    case cooperative
    case cooperativeGroup = "cooperative_group"
    case household
}

/// A registered OCOP producer: enterprise, cooperative, cooperative group or household.
public struct Producer: Sendable, Equatable {
    public let id: Int64
    public var fields: ProducerFields
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64
}

/// The fields a client writes. Text is NFC; optional fields are nil when unknown.
public struct ProducerFields: Sendable, Equatable {
    public var name: String
    public var kind: ProducerKind
    public var taxCode: String?
    public var commune: String?
    public var district: String?
    public var address: String?
    public var phone: String?
    public var email: String?
    public var representative: String?

    public init(name: String, kind: ProducerKind, taxCode: String? = nil, commune: String? = nil,
                district: String? = nil, address: String? = nil, phone: String? = nil,
                email: String? = nil, representative: String? = nil) {
        self.name = name
        self.kind = kind
        self.taxCode = taxCode
        self.commune = commune
        self.district = district
        self.address = address
        self.phone = phone
        self.email = email
        self.representative = representative
    }

    /// Rules beyond types: lengths and formats. Returns every broken rule at once.
    /// `stored`: the producer as stored, when these fields replace it. An e-mail address kept as
    /// it was is not judged again: the rule grew stricter after addresses were stored under the
    /// looser one (one @ and a dot), and a producer must stay editable without retyping it.
    public func validate(stored: ProducerFields? = nil) -> [FieldError] {
        var errors: [FieldError] = []
        FieldError.checkText("name", name, max: 200, required: true, into: &errors)
        FieldError.checkText("commune", commune, max: 100, into: &errors)
        FieldError.checkText("district", district, max: 100, into: &errors)
        FieldError.checkText("address", address, max: 300, into: &errors)
        FieldError.checkText("representative", representative, max: 120, into: &errors)
        if let taxCode, !Self.isTaxCode(taxCode) {
            errors.append(FieldError("tax_code", "must be 10 digits, or 10 digits, '-' and 3 digits (branch)"))
        }
        if let phone, !Self.isPhone(phone) {
            errors.append(FieldError("phone", "must be 8 to 15 digits, optionally starting with + and grouped by spaces, dots or dashes"))
        }
        if let email, email != stored?.email, !Self.isEmail(email) {
            errors.append(FieldError("email", Self.emailRule))
        }
        return errors
    }

    /// Vietnamese enterprise tax codes (mã số thuế): 10 digits, branches add "-NNN".
    static func isTaxCode(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts[0].count == 10, parts[0].allSatisfy(\.isASCIIDigit) else { return false }
        return parts.count == 1 || (parts[1].count == 3 && parts[1].allSatisfy(\.isASCIIDigit))
    }

    /// Over UTF-8 bytes, not Characters: every byte it accepts is ASCII, so any other byte (a
    /// letter, a combining mark after a digit) refuses the value either way, without the
    /// grapheme breaking that made this check a tenth of a producer insert's preparation.
    static func isPhone(_ s: String) -> Bool {
        var digits = 0
        for (i, byte) in s.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "+") where i == 0: continue
            case UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: "-"): continue
            default: return false
            }
        }
        return (8...15).contains(digits)
    }

    /// What an `email` that `isEmail` refuses is told.
    static let emailRule = "must be an e-mail address like name@example.vn: letters, digits and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ - "
        + "before the @ (at most 64), then a domain of dot-separated labels of letters, digits and inner hyphens "
        + "(an internationalised domain written as xn--), at most 254 characters in all"

    /// The WHATWG form's "valid e-mail address" (RFC 5322's atext before the @, RFC 1035 labels
    /// after it), with a dot in the domain and RFC 5321's lengths. Something looser let through
    /// `x@y.z"><script>` and `a@b.net*`, which every public read then served to dashboards.
    /// Over UTF-8 bytes: every byte it accepts is ASCII.
    static func isEmail(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")),
              (1...64).contains(at), bytes[..<at].allSatisfy(isAtext) else { return false }
        let labels = bytes[(at + 1)...].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy(isDomainLabel)
    }

    /// RFC 5322 §3.2.3's atext, and the dot that joins its atoms.
    private static func isAtext(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+/=?^_`{|}~.-".utf8.contains(b)
        }
    }

    /// RFC 1035's label: 1 to 63 letters, digits and hyphens, a hyphen at neither end.
    private static func isDomainLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else { return false }
        return label.allSatisfy {
            switch $0 {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"): true
            default: false
            }
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false }
}

extension String {
    /// Nothing a reader would see: only whitespace and default-ignorable characters (zero-width
    /// space and joiners, the byte-order mark, soft hyphen, variation selectors). A name of
    /// U+200B alone was stored as if it were a name. Only those of the Basic Multilingual Plane
    /// count, as the schemas' pattern lists them.
    ///
    /// ASCII is decided without asking Unicode's property tables (no ASCII scalar is default
    /// ignorable; its whitespace is TAB to CR and space): a name almost always starts with an
    /// ASCII letter, and two property lookups per field were a tenth of checking a producer.
    public var isBlank: Bool {
        unicodeScalars.allSatisfy {
            if $0.value < 0x80 { return $0.value == 0x20 || (0x09...0x0D).contains($0.value) }
            return $0.properties.isWhitespace || ($0.value < 0x10000 && $0.properties.isDefaultIgnorableCodePoint)
        }
    }

    /// Trims Unicode whitespace without Foundation.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) ?? start
        return String(scalars[start...end])
    }
}
