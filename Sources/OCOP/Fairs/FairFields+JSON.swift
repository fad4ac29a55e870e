import JSON

extension FairFields {
    /// The fields under their API names; also what the audit log records.
    public var jsonObject: JSONObject {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return JSONObject([
            ("name", .string(name)),
            ("kind", .string(kind.rawValue)),
            ("starts_on", .string(startsOn.description)),
            ("ends_on", .string(endsOn.description)),
            ("venue", text(venue)),
            ("commune", text(commune)),
            ("district", text(district)),
            ("province", .string(province)),
            ("organizer", text(organizer)),
            ("visitors", .number(JSONNumber(visitors))),
        ])
    }

    /// The folded text a search finds this fair by: name, venue, place and organiser.
    var searchText: String {
        TextFolding.fold([name, venue, commune, district, province, organizer].compactMap { $0 }.joined(separator: " "))
    }
}
