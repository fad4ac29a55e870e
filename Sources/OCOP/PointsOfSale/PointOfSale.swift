/// What kind of outlet a point of sale is.
public enum PointOfSaleKind: String, CaseIterable, Sendable {
    /// A provincial or district OCOP centre (trung tâm OCOP).
    case ocopCenter = "ocop_center"
    case store
    case kiosk
    /// Sells only online (its channels say where).
    case online
}

/// Where a point of sale sells online.
public enum SalesChannelKind: String, CaseIterable, Sendable {
    case website
    case facebook
    case zalo
    case tiktok
    case other
}

/// One online channel of a point of sale: a web address of a known kind.
public struct SalesChannel: Sendable, Equatable {
    public var kind: SalesChannelKind
    public var url: String

    public init(kind: SalesChannelKind, url: String) {
        self.kind = kind
        self.url = url
    }
}

/// A registered OCOP point of sale (điểm bán hàng OCOP): where shoppers can buy the products.
public struct PointOfSale: Sendable, Equatable {
    public let id: Int64
    public var fields: PointOfSaleFields
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64
}

/// The fields a client writes. Text is NFC; optional fields are nil when unknown.
public struct PointOfSaleFields: Sendable, Equatable {
    public var code: String
    public var name: String
    public var kind: PointOfSaleKind
    public var commune: String?
    public var district: String?
    public var address: String?
    public var openedOn: CivilDate?
    public var manager: String?
    public var phone: String?
    /// The province's checklist (DOMAIN.md: each point has an OCOP-logo sign, shelves and posted prices).
    public var hasOCOPSign: Bool
    public var hasShelves: Bool
    public var hasPriceList: Bool
    public var channels: [SalesChannel]

    /// Channels a point of sale may list.
    public static let maximumChannels = 20

    public init(code: String, name: String, kind: PointOfSaleKind, commune: String? = nil, district: String? = nil,
                address: String? = nil, openedOn: CivilDate? = nil, manager: String? = nil, phone: String? = nil,
                hasOCOPSign: Bool = false, hasShelves: Bool = false, hasPriceList: Bool = false,
                channels: [SalesChannel] = []) {
        self.code = code
        self.name = name
        self.kind = kind
        self.commune = commune
        self.district = district
        self.address = address
        self.openedOn = openedOn
        self.manager = manager
        self.phone = phone
        self.hasOCOPSign = hasOCOPSign
        self.hasShelves = hasShelves
        self.hasPriceList = hasPriceList
        self.channels = channels
    }

    /// Derived: every checklist item the province inspects is in place.
    public var isCompliant: Bool { hasOCOPSign && hasShelves && hasPriceList }

    /// Rules beyond types. Returns every broken rule at once.
    /// `stored`: the point of sale as stored, when these fields replace it (`ProductFields.acceptsURL`).
    public func validate(stored: PointOfSaleFields? = nil) -> [FieldError] {
        var errors: [FieldError] = []
        if let error = SiteCode.validate(code) { errors.append(error) }
        FieldError.checkText("name", name, max: 200, required: true, into: &errors)
        FieldError.checkText("commune", commune, max: 100, into: &errors)
        FieldError.checkText("district", district, max: 100, into: &errors)
        FieldError.checkText("address", address, max: 300, into: &errors)
        FieldError.checkText("manager", manager, max: 120, into: &errors)
        if let phone, !ProducerFields.isPhone(phone) {
            errors.append(FieldError("phone", "must be 8 to 15 digits, optionally starting with + and grouped by spaces, dots or dashes"))
        }
        if channels.count > Self.maximumChannels {
            errors.append(FieldError("channels", "may list at most \(Self.maximumChannels) channels"))
        }
        let storedURLs = stored?.channels.map(\.url) ?? []
        for (i, channel) in channels.enumerated() where !ProductFields.acceptsURL(channel.url, stored: storedURLs) {
            errors.append(FieldError("channels[\(i)].url", ProductFields.webURLRule))
        }
        return errors
    }
}
