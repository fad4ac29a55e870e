import JSON

extension AreaCertification {
    /// The certification under its API names, without the derived `valid` (it depends on the day).
    public var jsonObject: JSONObject {
        JSONObject([
            ("scheme", .string(scheme.rawValue)),
            ("number", .string(number)),
            ("valid_from", .string(validFrom.description)),
            ("valid_until", .string(validUntil.description)),
        ])
    }
}

extension RawMaterialAreaFields {
    /// The fields under their API names; also what the audit log records.
    public var jsonObject: JSONObject {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return JSONObject([
            ("code", .string(code)),
            ("name", text(name)),
            ("kind", .string(kind.rawValue)),
            ("area_m2", .number(JSONNumber(areaM2))),
            ("commune", text(commune)),
            ("district", text(district)),
            ("producer_id", producerID.map { .number(JSONNumber($0)) } ?? .null),
            ("market", .string(market.rawValue)),
            ("certifications", .array(certifications.map { .object($0.jsonObject) })),
        ])
    }

    /// The text a search finds this area by, folded: its code, name and place.
    var searchText: String {
        TextFolding.fold([code, name, commune, district].compactMap { $0 }.joined(separator: " "))
    }
}
