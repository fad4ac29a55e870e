import JSON
import OCOP

/// The JSON and CSV shapes of a packing facility, and how a request body becomes one.
enum PackingFacilityRepresentation {
    static func write(_ facility: PackingFacility, to writer: inout JSONWriter) {
        let f = facility.fields
        writer.beginObject()
        writer.field("id", facility.id)
        writer.field("code", f.code)
        writer.field("name", f.name)
        writer.field("commune", f.commune)
        writer.field("district", f.district)
        writer.field("address", f.address)
        writer.field("producer_id", f.producerID)
        writer.field("market", f.market.rawValue)
        writer.field("created_at", facility.createdAt)
        writer.field("updated_at", facility.updatedAt)
        writer.field("version", facility.version)
        writer.endObject()
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ facility: PackingFacility) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(facility.id))),
            ("created_at", .string(facility.createdAt.description)),
            ("updated_at", .string(facility.updatedAt.description)),
            ("version", .number(JSONNumber(facility.version))),
        ])
    }

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    static func fields(from object: JSONObject, current: PackingFacility?) throws(Problem) -> PackingFacilityFields {
        var reader = BodyReader(object)
        let code = reader.requiredString("code", maxLength: 50)
        let name = reader.requiredString("name", maxLength: 200)
        let market = reader.requiredEnum("market", MarketScope.self)
        let fields = PackingFacilityFields(
            code: code ?? "", name: name ?? "",
            commune: reader.optionalString("commune", maxLength: 100),
            district: reader.optionalString("district", maxLength: 100),
            address: reader.optionalString("address", maxLength: 300),
            producerID: reader.optionalInt("producer_id", in: 1...Int64.max),
            market: market ?? .domestic)
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            for key in ["id", "created_at", "updated_at", "version"] where object[key] != nil {
                reader.fail(key, "is read-only; the server assigns it")
            }
        }
        // A facility's rules each concern one field: checked beside the type errors, never on a field already refused.
        reader.failRules(fields.validate())
        try reader.finish()
        return fields
    }

    static let csv = CSVTable<PackingFacility>(filename: "packing-facilities.csv", columns: [
        ("id", { String($0.id) }),
        ("code", { $0.fields.code }),
        ("name", { $0.fields.name }),
        ("commune", { $0.fields.commune }),
        ("district", { $0.fields.district }),
        ("address", { $0.fields.address }),
        ("producer_id", { $0.fields.producerID.map(String.init) }),
        ("market", { $0.fields.market.rawValue }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}
