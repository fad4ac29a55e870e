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

    /// `jsonObject` serialised, written straight from the fields: the audit entry of a new
    /// producer, built on the event loop of every insert.
    var serializedJSON: String {
        var writer = JSONWriter(capacity: 96 + name.utf8.count + (address?.utf8.count ?? 0))
        writer.beginObject()
        writer.field("name", name)
        writer.field("kind", kind.rawValue)
        writer.field("tax_code", taxCode)
        writer.field("commune", commune)
        writer.field("district", district)
        writer.field("address", address)
        writer.field("phone", phone)
        writer.field("email", email)
        writer.field("representative", representative)
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The text a search for this producer should find it by, folded.
    var searchText: String {
        var text = name
        text.reserveCapacity(name.utf8.count + (representative?.utf8.count ?? 0) + (commune?.utf8.count ?? 0)
            + (district?.utf8.count ?? 0) + (address?.utf8.count ?? 0) + 4)
        for part in [representative, commune, district, address] {
            guard let part else { continue }
            text.append(" ")
            text.append(part)
        }
        return TextFolding.fold(text)
    }
}
