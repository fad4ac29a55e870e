import JSON
import OCOP

/// The JSON and CSV shapes of a fair booth, and how a request body becomes one: either
/// `producer_id` (a producer of ours) or `exhibitor_name` + `province` (an outside exhibitor).
enum FairBoothRepresentation {
    static func write(_ booth: Booth, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", booth.id)
        writer.field("fair_id", booth.fairID)
        for (key, value) in exhibitorFields(booth.fields.exhibitor) {
            writer.key(escaping: key)
            writer.value(value)
        }
        writer.field("is_local", booth.isLocal)
        writer.key("product_ids")
        writer.beginArray()
        for id in booth.fields.productIDs { writer.int(id) }
        writer.endArray()
        writer.field("created_at", booth.createdAt)
        writer.field("updated_at", booth.updatedAt)
        writer.field("version", booth.version)
        writer.endObject()
    }

    /// `producer_id`, `exhibitor_name`, `province`: the two forms under their API names.
    static func exhibitorFields(_ exhibitor: Exhibitor) -> [(String, JSONValue)] {
        switch exhibitor {
        case .producer(let id): [("producer_id", .number(JSONNumber(id))), ("exhibitor_name", .null), ("province", .null)]
        case .outside(let name, let province): [("producer_id", .null), ("exhibitor_name", .string(name)), ("province", .string(province))]
        }
    }

    /// The writable fields as JSON, the base a merge patch applies to.
    static func writable(_ booth: Booth) -> JSONObject {
        JSONObject(exhibitorFields(booth.fields.exhibitor).map { (key: $0.0, value: $0.1) }
                   + [(key: "product_ids", value: .array(booth.fields.productIDs.map { .number(JSONNumber($0)) }))])
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ booth: Booth) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(booth.id))),
            ("fair_id", .number(JSONNumber(booth.fairID))),
            ("is_local", .bool(booth.isLocal)),
            ("created_at", .string(booth.createdAt.description)),
            ("updated_at", .string(booth.updatedAt.description)),
            ("version", .number(JSONNumber(booth.version))),
        ])
    }

    static let readOnlyKeys = ["id", "fair_id", "is_local", "created_at", "updated_at", "version"]

    static let eitherForm = "give either producer_id (a producer of ours) or exhibitor_name and province (an outside exhibitor)"

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    static func fields(from object: JSONObject, current: Booth?) throws(Problem) -> BoothFields {
        var rest = object
        let productsValue = rest["product_ids"]
        rest["product_ids"] = nil
        var reader = BodyReader(rest)
        let producerID = reader.optionalInt("producer_id", in: 1...Int64.max)
        let name = reader.optionalString("exhibitor_name", maxLength: 200)
        let province = reader.optionalString("province", maxLength: 100)
        let products = reader.ids(productsValue, at: "product_ids")
        let given = { (key: String) in !(object[key]?.isNull ?? true) }
        var exhibitor: Exhibitor?
        switch (given("producer_id"), given("exhibitor_name"), given("province")) {
        case (true, false, false):
            exhibitor = producerID.map { .producer(id: $0) }
        case (false, true, true):
            if let name, let province { exhibitor = .outside(name: name, province: province) }
        case (true, _, _):
            reader.fail("producer_id", eitherForm + ", not both")
        case (false, true, false):
            reader.fail("province", "is required for an outside exhibitor (the province it comes from)")
        case (false, false, true):
            reader.fail("exhibitor_name", "is required for an outside exhibitor; a producer of ours is given by producer_id")
        case (false, false, false):
            reader.fail("producer_id", eitherForm)
        }
        let fields = BoothFields(exhibitor: exhibitor ?? .producer(id: 0), productIDs: products)
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            FairReaders.rejectReadOnly(readOnlyKeys, in: object, reader: &reader)
        }
        // Rule checks run only on well-typed input, so one mistake is reported once.
        if reader.errors.isEmpty {
            for error in fields.validate() { reader.fail(error.field, error.message) }
        }
        try reader.finish()
        return fields
    }

    static let csv = CSVTable<Booth>(filename: "fair-booths.csv", columns: [
        ("id", { String($0.id) }),
        ("fair_id", { String($0.fairID) }),
        ("producer_id", { $0.fields.exhibitor.producerID.map(String.init) }),
        ("exhibitor_name", { if case .outside(let name, _) = $0.fields.exhibitor { name } else { nil } }),
        ("province", { if case .outside(_, let province) = $0.fields.exhibitor { province } else { nil } }),
        ("is_local", { String($0.isLocal) }),
        ("product_ids", { $0.fields.productIDs.map(String.init).joined(separator: " ") }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}
