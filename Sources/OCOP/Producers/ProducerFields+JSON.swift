import JSON

extension ProducerFields {
    /// The fields under their API names; also what the audit log records.
    public var jsonObject: JSONObject {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return JSONObject([
            ("name", .string(name)),
            ("kind", .string(kind.rawValue)),
            ("tax_code", text(taxCode)),
            ("commune", text(commune)),
            ("district", text(district)),
            ("address", text(address)),
            ("phone", text(phone)),
            ("email", text(email)),
            ("representative", text(representative)),
        ])
    }

    /// The text a search for this producer should find it by, folded.
    var searchText: String {
        TextFolding.fold([name, representative, commune, district, address].compactMap { $0 }.joined(separator: " "))
    }
}
