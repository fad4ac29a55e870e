/// The fields of a product a client writes. Text is NFC; optional fields are nil when unknown.
///
/// `gtin` is a `GTIN`, so an unchecked barcode cannot reach the store. A GTIN is optional
/// even in groups whose `gtin_required` is set: a product is often registered before its
/// barcode is licensed, and the requirement is reported, not enforced, until certification.
public struct ProductFields: Sendable, Equatable {
    /// Human code, unique, e.g. QN-2024-0012.
    public var code: String
    /// Vietnamese name.
    public var name: String
    /// The producer that makes it.
    public var producerID: Int64
    /// A `product_groups.code`.
    public var group: String
    /// A `product_subgroups.code` of `group`.
    public var subgroup: String?
    /// Free text, searchable.
    public var description: String?
    /// The selling unit, e.g. "hộp 200g".
    public var unit: String?
    /// Whole đồng.
    public var priceVND: Int64?
    /// Checked barcode number, stored as 14 digits.
    public var gtin: GTIN?
    /// Where it is made. Products of other provinces are sold at our points of sale too;
    /// the home province (`Province.home`) is the default.
    public var originProvince: String
    /// Raw-material areas it is made from, in order.
    public var rawMaterialAreaIDs: [Int64]
    /// http(s) image addresses, at most `maximumImages`.
    public var imageURLs: [String]

    /// Images a product may list.
    public static let maximumImages = 10
    /// Raw-material areas a product may list.
    public static let maximumAreas = 50
    /// A ceiling that catches typing slips (a trillion đồng).
    public static let maximumPriceVND: Int64 = 1_000_000_000_000

    /// Fields as given; call `validate()` for the rules.
    public init(code: String, name: String, producerID: Int64, group: String, subgroup: String? = nil,
                description: String? = nil, unit: String? = nil, priceVND: Int64? = nil, gtin: GTIN? = nil,
                originProvince: String = Province.home, rawMaterialAreaIDs: [Int64] = [],
                imageURLs: [String] = []) {
        self.code = code
        self.name = name
        self.producerID = producerID
        self.group = group
        self.subgroup = subgroup
        self.description = description
        self.unit = unit
        self.priceVND = priceVND
        self.gtin = gtin
        self.originProvince = originProvince
        self.rawMaterialAreaIDs = rawMaterialAreaIDs
        self.imageURLs = imageURLs
    }

    /// What a GTIN that fails `GTIN.init` is told (shared by JSON and CSV input).
    public static let gtinMessage = "must be a GTIN of 8, 12, 13 or 14 digits, not all zeros, with a valid GS1 check digit"

    /// Rules that need no database: lengths, formats, list sizes. Every broken rule at once.
    /// References (producer, group, sub-group, areas) and uniqueness are the store's to check.
    /// `stored`: the product as stored, when these fields replace it (`acceptsURL`).
    public func validate(stored: ProductFields? = nil) -> [FieldError] {
        var errors: [FieldError] = []
        if !Self.isCode(code) {
            errors.append(FieldError("code", "must be 1 to 40 characters: letters A–Z, digits and - _ . / (e.g. QN-2024-0012)"))
        }
        FieldError.checkText("name", name, max: 200, required: true, into: &errors)
        FieldError.checkText("description", description, max: 5000, into: &errors)
        FieldError.checkText("unit", unit, max: 50, into: &errors)
        FieldError.checkText("origin_province", originProvince, max: 100, required: true, into: &errors)
        if producerID <= 0 { errors.append(FieldError("producer_id", "must be a positive id")) }
        if let priceVND, !(0...Self.maximumPriceVND).contains(priceVND) {
            errors.append(FieldError("price_vnd", "must be an integer number of đồng from 0 to \(Self.maximumPriceVND)"))
        }
        if rawMaterialAreaIDs.count > Self.maximumAreas {
            errors.append(FieldError("raw_material_area_ids", "may list at most \(Self.maximumAreas) areas"))
        }
        var seenAreas = Set<Int64>()
        for (i, id) in rawMaterialAreaIDs.enumerated() {
            if id <= 0 { errors.append(FieldError("raw_material_area_ids[\(i)]", "must be a positive id")) }
            else if !seenAreas.insert(id).inserted { errors.append(FieldError("raw_material_area_ids[\(i)]", "repeats area \(id)")) }
        }
        if imageURLs.count > Self.maximumImages {
            errors.append(FieldError("image_urls", "may list at most \(Self.maximumImages) images"))
        }
        for (i, url) in imageURLs.enumerated() where !Self.acceptsURL(url, stored: stored?.imageURLs ?? []) {
            errors.append(FieldError("image_urls[\(i)]", Self.webURLRule))
        }
        return errors
    }

    /// Human product codes ("QN-2024-0012"): ASCII so they survive every spreadsheet and label printer.
    static func isCode(_ s: String) -> Bool {
        let bytes = s.utf8
        guard (1...40).contains(bytes.count) else { return false }
        return bytes.allSatisfy { b in
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "/"):
                return true
            default:
                return false
            }
        }
    }

    /// Whether a URL field may hold `url`: it is a web URL, or it is one of `stored`, the item's
    /// URLs as stored. The rule grew stricter (RFC 3986 only, ports to 65535) after URLs were
    /// stored under the looser one; an item must stay editable without retyping those, while a
    /// new or changed URL meets today's rule.
    static func acceptsURL(_ url: String, stored: [String]) -> Bool {
        stored.contains(url) || isWebURL(url)
    }

    /// What a URL field that `isWebURL` refuses is told.
    static let webURLRule = "must be an http:// or https:// URL with a host, at most 2000 characters, "
        + "as RFC 3986 writes it (percent-encode spaces, non-ASCII letters and a lone %)"

    /// An absolute http(s) URL with a non-empty host (RFC 3986 §3): scheme, "//", authority.
    /// Only what a dashboard can put in an <img src> safely; no javascript:, data: or relative paths.
    /// Written as RFC 3986 has it: its characters only, every `%` opening an escape of two hex
    /// digits, at most one `#`, brackets only around the host — a URL that fails a client's own
    /// "uri" check (a stray `%`, a raw `|`) would come back out of every answer that carries it.
    static func isWebURL(_ s: String) -> Bool {
        guard s.utf8.count <= 2000 else { return false }
        let lower = s.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") { rest = s.dropFirst(8) }
        else if lower.hasPrefix("http://") { rest = s.dropFirst(7) }
        else { return false }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard isURIText(authority.utf8, brackets: true), isURIText(rest.dropFirst(authority.count).utf8, brackets: false),
              rest.utf8.count(where: { $0 == UInt8(ascii: "#") }) <= 1 else { return false }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        return !authority.dropLast(hostPort.count).contains { $0 == "[" || $0 == "]" } && isHostAndPort(hostPort)
    }

    /// RFC 3986 §3.2.2–3: a non-empty host (a name, or an IP literal in brackets), then an
    /// optional `:` and a port of at most 65535 — `http://a.vn:99999999/` names no port at all.
    private static func isHostAndPort(_ hostPort: Substring) -> Bool {
        let host: Substring
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return false }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
        } else {
            host = hostPort.prefix { $0 != ":" }
        }
        guard !host.isEmpty, !host.contains("["), !host.contains("]") else { return false }
        let rest = hostPort.dropFirst(host.count + (hostPort.hasPrefix("[") ? 2 : 0))
        guard let colon = rest.first else { return true }
        let port = rest.dropFirst()
        return colon == ":" && port.count <= 5 && port.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && (Int(port) ?? 0) <= 65535
    }

    /// Only RFC 3986's characters (unreserved, sub-delims, `:@/?#`, and `[]` where `brackets`),
    /// with each `%` followed by two hex digits.
    private static func isURIText(_ bytes: Substring.UTF8View, brackets: Bool) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let b = bytes[index]
            index = bytes.index(after: index)
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                 UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
                 UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
                 UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"),
                 UInt8(ascii: "#"):
                continue
            case UInt8(ascii: "["), UInt8(ascii: "]"):
                guard brackets else { return false }
            case UInt8(ascii: "%"):
                for _ in 0..<2 {
                    guard index < bytes.endIndex, isHexDigit(bytes[index]) else { return false }
                    index = bytes.index(after: index)
                }
            default:
                return false
            }
        }
        return true
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "a")...UInt8(ascii: "f"): true
        default: false
        }
    }
}
