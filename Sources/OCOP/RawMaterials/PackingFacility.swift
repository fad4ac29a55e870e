import JSON

/// A registered packing facility (cơ sở đóng gói) with its code; export codes are the ones
/// importing countries check alongside the growing-area code.
public struct PackingFacility: Sendable, Equatable {
    public let id: Int64
    public var fields: PackingFacilityFields
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64
}

/// The fields a client writes. Text is NFC; optional fields are nil when unknown.
public struct PackingFacilityFields: Sendable, Equatable {
    public var code: String
    public var name: String
    public var commune: String?
    public var district: String?
    public var address: String?
    public var producerID: Int64?
    public var market: MarketScope

    public init(code: String, name: String, commune: String? = nil, district: String? = nil, address: String? = nil,
                producerID: Int64? = nil, market: MarketScope) {
        self.code = code
        self.name = name
        self.commune = commune
        self.district = district
        self.address = address
        self.producerID = producerID
        self.market = market
    }

    /// Rules beyond types. Returns every broken rule at once.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if let error = SiteCode.validate(code) { errors.append(error) }
        FieldError.checkText("name", name, max: 200, required: true, into: &errors)
        FieldError.checkText("commune", commune, max: 100, into: &errors)
        FieldError.checkText("district", district, max: 100, into: &errors)
        FieldError.checkText("address", address, max: 300, into: &errors)
        if let producerID, producerID < 1 { errors.append(FieldError("producer_id", "must be a positive id")) }
        return errors
    }

    /// The fields under their API names; also what the audit log records.
    public var jsonObject: JSONObject {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return JSONObject([
            ("code", .string(code)),
            ("name", .string(name)),
            ("commune", text(commune)),
            ("district", text(district)),
            ("address", text(address)),
            ("producer_id", producerID.map { .number(JSONNumber($0)) } ?? .null),
            ("market", .string(market.rawValue)),
        ])
    }

    /// The text a search finds this facility by, folded: code, name and place.
    var searchText: String {
        TextFolding.fold([code, name, commune, district, address].compactMap { $0 }.joined(separator: " "))
    }
}

/// Filters and paging for `GET /api/v1/packing-facilities`.
public struct PackingFacilityQuery: Sendable {
    public var market: MarketScope?
    public var producerID: Int64?
    public var district: String?
    public var commune: String?
    /// Free text over code, name and place, diacritic- and case-insensitive.
    public var text: String?
    public var sort: CodeSort = .id
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}
