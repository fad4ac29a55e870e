import JSON

extension PointOfSaleFields {
    /// The fields under their API names; also what the audit log records.
    public var jsonObject: JSONObject {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return JSONObject([
            ("code", .string(code)),
            ("name", .string(name)),
            ("kind", .string(kind.rawValue)),
            ("commune", text(commune)),
            ("district", text(district)),
            ("address", text(address)),
            ("opened_on", text(openedOn?.description)),
            ("manager", text(manager)),
            ("phone", text(phone)),
            ("has_ocop_sign", .bool(hasOCOPSign)),
            ("has_shelves", .bool(hasShelves)),
            ("has_price_list", .bool(hasPriceList)),
            ("channels", Self.channelsJSON(channels)),
        ])
    }

    /// `[{"kind": ..., "url": ...}]`, the API and storage form of the channel list.
    static func channelsJSON(_ channels: [SalesChannel]) -> JSONValue {
        .array(channels.map { .object(JSONObject([("kind", .string($0.kind.rawValue)), ("url", .string($0.url))])) })
    }

    /// Reads the stored channel list; nil when the text is not one this code wrote.
    static func channels(fromStored text: String) -> [SalesChannel]? {
        guard let elements = (try? JSONValue.parse(text))?.arrayValue else { return nil }
        var channels: [SalesChannel] = []
        for element in elements {
            guard let kind = element["kind"]?.stringValue.flatMap(SalesChannelKind.init(rawValue:)),
                  let url = element["url"]?.stringValue else { return nil }
            channels.append(SalesChannel(kind: kind, url: url))
        }
        return channels
    }

    /// The text a search finds this point of sale by, folded: code, name, place and manager.
    var searchText: String {
        TextFolding.fold([code, name, commune, district, address, manager].compactMap { $0 }.joined(separator: " "))
    }
}

/// Filters and paging for `GET /api/v1/points-of-sale`.
public struct PointOfSaleQuery: Sendable {
    public var kind: PointOfSaleKind?
    public var district: String?
    public var commune: String?
    /// Derived checklist state: `false` lists the points the province must follow up.
    public var compliant: Bool?
    /// Free text over code, name, place and manager, diacritic- and case-insensitive.
    public var text: String?
    public var sort: CodeSort = .id
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}
