/// A GS1 Digital Link URI path for a trade item: `/01/{gtin}[/10/{lot}][/21/{serial}]`.
///
/// The GTIN is the primary key; batch/lot (AI 10) and serial (AI 21) are key qualifiers and
/// may only appear in that order (GS1 Digital Link standard §4: a qualifier path follows the
/// key's qualifier order). Parsing works on percent-decoded segments: escapes are URI syntax,
/// which the HTTP side decodes, so `%2F` inside a lot is a `/` of the lot, not a separator.
public struct DigitalLink: Sendable, Equatable {
    /// Application identifier of the GTIN, the path's first segment.
    public static let gtinAI = "01"
    /// Application identifier of the batch or lot number.
    public static let lotAI = "10"
    /// Application identifier of the serial number.
    public static let serialAI = "21"
    /// The longest lot or serial GS1 allows (AI 10 and AI 21 are X..20).
    public static let maximumQualifierLength = 20

    /// The item's GTIN, in its 14-digit form whatever length the URI used.
    public let gtin: GTIN
    /// Batch or lot number (AI 10), 1–20 characters of GS1 set 82.
    public let lot: String?
    /// Serial number (AI 21), 1–20 characters of GS1 set 82.
    public let serial: String?

    /// A link already checked; `parse` is the way in from a URI.
    public init(gtin: GTIN, lot: String? = nil, serial: String? = nil) {
        self.gtin = gtin
        self.lot = lot
        self.serial = serial
    }

    /// Reads the decoded segments of a path (`["01", "8931234567897", "10", "L1"]`).
    /// Throws the first thing that is wrong, named by the part it is in.
    public static func parse(segments: [String]) throws(MalformedLink) -> DigitalLink {
        // One trailing / is tolerated (GS1's resolver conformance: "SHOULD tolerate trailing
        // slashes"), as a printed URI may carry it; an empty segment anywhere else is malformed.
        var segments = segments
        if segments.count > 2, segments.last == "" { segments.removeLast() }
        guard segments.first == gtinAI else {
            throw MalformedLink("path", "must start with /01/ and the GTIN")
        }
        guard segments.count >= 2 else { throw MalformedLink("gtin", "is missing after /01/") }
        let gtin = try parseGTIN(segments[1])
        var lot: String?
        var serial: String?
        var rest = segments.dropFirst(2)
        while let ai = rest.first {
            let value = rest.dropFirst().first
            rest = rest.dropFirst(2)
            switch ai {
            case lotAI where lot == nil && serial == nil:
                lot = try qualifier("lot", ai: ai, value)
            case serialAI where serial == nil:
                serial = try qualifier("serial", ai: ai, value)
            case lotAI, serialAI:
                throw MalformedLink("path", "must give /10/{lot} before /21/{serial}, each at most once")
            case "":
                throw MalformedLink("path", "has an empty segment (a doubled or trailing /)")
            default:
                throw MalformedLink("path", "names \(ai), which is not a qualifier of a GTIN here; only 10 (lot) and 21 (serial) are")
            }
        }
        return DigitalLink(gtin: gtin, lot: lot, serial: serial)
    }

    /// A GTIN in a URI: digits only, 8, 12, 13 or 14 of them, not all zeros, with a valid check digit.
    public static func parseGTIN(_ text: String) throws(MalformedLink) -> GTIN {
        guard !text.isEmpty else { throw MalformedLink("gtin", "is empty") }
        guard text.utf8.allSatisfy(isDigit) else {
            throw MalformedLink("gtin", "must be digits only")
        }
        let count = text.utf8.count
        guard [8, 12, 13, 14].contains(count) else {
            throw MalformedLink("gtin", "must have 8, 12, 13 or 14 digits, not \(count)")
        }
        // Its check digit is valid, so the refusal below would not say what is wrong.
        guard !GTIN.isAllZeros(text) else {
            throw MalformedLink("gtin", "is all zeros, a placeholder GS1 never issues")
        }
        guard let gtin = GTIN(text) else {
            let expected = GTIN.checkDigit(for: String(text.dropLast())).map(String.init) ?? "?"
            throw MalformedLink("gtin", "has check digit \(text.last.map(String.init) ?? ""), but GS1's rule gives \(expected) for these digits")
        }
        return gtin
    }

    /// A lot or serial: present, 1–20 characters, all from GS1 AI encodable character set 82.
    static func qualifier(_ field: String, ai: String, _ value: String?) throws(MalformedLink) -> String {
        guard let value, !value.isEmpty else { throw MalformedLink(field, "is missing after /\(ai)/") }
        guard value.utf8.count <= maximumQualifierLength else {
            throw MalformedLink(field, "must be at most \(maximumQualifierLength) characters")
        }
        guard value.utf8.allSatisfy(isSet82) else {
            throw MalformedLink(field, "may only hold GS1 set 82 characters: A–Z a–z 0–9 and ! \" % & ' ( ) * + , - . / : ; < = > ? _")
        }
        return value
    }

    /// An ASCII digit: what GTINs and the numeric AIs' values are made of.
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// GS1 General Specifications figure 7.11-1, "GS1 AI encodable character set 82": the digits,
    /// the letters, and twenty symbols. Anything else (space, #, $, @, [, \, ], ^, `, {, |, }, ~,
    /// non-ASCII) cannot be encoded in a GS1 barcode, so no real lot holds it.
    static func isSet82(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "a")...UInt8(ascii: "z"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: ";"),
             UInt8(ascii: "<"), UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "?"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    /// The canonical path: the 14-digit GTIN, then the qualifiers in order, each percent-encoded
    /// where set 82 meets URI syntax (RFC 3986 §2.2: `/`, `?`, `%` and the like cannot stand raw).
    public var path: String {
        var out = "/\(Self.gtinAI)/\(gtin.digits)"
        if let lot { out += "/\(Self.lotAI)/" + Self.encode(lot) }
        if let serial { out += "/\(Self.serialAI)/" + Self.encode(serial) }
        return out
    }

    /// Percent-encodes every byte that is not an RFC 3986 unreserved character.
    public static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What is wrong with a resolver URI, named by the part it is in (`gtin`, `lot`, `serial`, `code`,
/// `path`). Not a `DomainError`: a URI that cannot be parsed names no resource at all (400), where
/// `.invalid` is a well-formed request with invalid content (422).
public struct MalformedLink: Error, Sendable, Equatable {
    /// The part of the URI.
    public let field: String
    /// What is wrong with it.
    public let message: String

    /// A problem with `field`.
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}
