/// What sort of place a platform is.
public enum PlatformKind: String, CaseIterable, Sendable {
    /// The province's own OCOP e-commerce site.
    case provincial
    /// National OCOP or postal platforms (Voso, Postmart).
    case national
    /// General marketplaces (Shopee, Lazada, Tiki…).
    case marketplace
    /// Social commerce (Facebook, Zalo, TikTok shops).
    case social
}

/// The fields of an e-commerce platform a client writes.
public struct PlatformFields: Sendable, Equatable {
    /// Stable code reports and clients refer to: `province_ocop`, `voso`, `postmart`, `shopee`…
    public var code: String
    public var name: String
    public var url: String?
    public var kind: PlatformKind

    public init(code: String, name: String, url: String? = nil, kind: PlatformKind) {
        self.code = code
        self.name = name
        self.url = url
        self.kind = kind
    }

    /// Rules that need no database: code shape, lengths, URL form. `stored`: the platform as
    /// stored, when these fields replace it (`ProductFields.acceptsURL`).
    public func validate(stored: PlatformFields? = nil) -> [FieldError] {
        var errors: [FieldError] = []
        if !Self.isCode(code) {
            errors.append(FieldError("code", "must be 2 to 40 characters: a lower-case ASCII letter, then letters, digits or _ (e.g. province_ocop)"))
        }
        FieldError.checkText("name", name, max: 200, required: true, into: &errors)
        if let url, !ProductFields.acceptsURL(url, stored: stored?.url.map { [$0] } ?? []) {
            errors.append(FieldError("url", ProductFields.webURLRule))
        }
        return errors
    }

    /// Lower-case ASCII so codes read the same in URLs, CSV headers and reports.
    static func isCode(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard (2...40).contains(bytes.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { b in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                || b == UInt8(ascii: "_")
        }
    }
}

/// An e-commerce platform where OCOP products are listed.
public struct Platform: Sendable, Equatable {
    public let id: Int64
    public var fields: PlatformFields
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64

    public init(id: Int64, fields: PlatformFields, createdAt: Timestamp, updatedAt: Timestamp, version: Int64) {
        self.id = id
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}
