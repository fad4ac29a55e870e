import JSON
import OCOP

/// The JSON and CSV shapes of a producer, and how a request body becomes one.
enum ProducerRepresentation {
    static func write(_ producer: Producer, to writer: inout JSONWriter) {
        let f = producer.fields
        writer.beginObject()
        writer.field("id", producer.id)
        writer.field("name", f.name)
        writer.field("kind", f.kind.rawValue)
        writer.field("tax_code", f.taxCode)
        writer.field("commune", f.commune)
        writer.field("district", f.district)
        writer.field("address", f.address)
        writer.field("phone", f.phone)
        writer.field("email", f.email)
        writer.field("representative", f.representative)
        writer.field("created_at", producer.createdAt)
        writer.field("updated_at", producer.updatedAt)
        writer.field("version", producer.version)
        writer.endObject()
    }

    /// The same JSON as `write(_:to:)`, straight from a stored row's columns (a list page):
    /// `ProducerListStreamTests` holds the two to one output.
    static func write(_ producer: ProducerColumns, to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.field("id", producer.id)
        text("name", producer, .name, to: &writer)
        writer.field("kind", try producer.kind().rawValue)
        text("tax_code", producer, .taxCode, to: &writer)
        text("commune", producer, .commune, to: &writer)
        text("district", producer, .district, to: &writer)
        text("address", producer, .address, to: &writer)
        text("phone", producer, .phone, to: &writer)
        text("email", producer, .email, to: &writer)
        text("representative", producer, .representative, to: &writer)
        writer.key("created_at")
        try producer.withText(.createdAt) { writer.string(unescaped: $0) }
        writer.key("updated_at")
        try producer.withText(.updatedAt) { writer.string(unescaped: $0) }
        writer.field("version", producer.version)
        writer.endObject()
    }

    /// `"key":` and a text column as a JSON string, or null when it is NULL.
    private static func text(_ key: StaticString, _ producer: ProducerColumns, _ column: ProducerColumns.Text,
                             to writer: inout JSONWriter) {
        writer.key(key)
        producer.withText(column) { text in
            if let text { writer.string(utf8: text) } else { writer.null() }
        }
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ producer: Producer) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(producer.id))),
            ("created_at", .string(producer.createdAt.description)),
            ("updated_at", .string(producer.updatedAt.description)),
            ("version", .number(JSONNumber(producer.version))),
        ])
    }

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    static func fields(from object: JSONObject, current: Producer?) throws(Problem) -> ProducerFields {
        var reader = BodyReader(object)
        let name = reader.requiredString("name", maxLength: 200)
        let kind = reader.requiredEnum("kind", ProducerKind.self)
        let fields = ProducerFields(
            name: name ?? "", kind: kind ?? .household,
            taxCode: reader.optionalString("tax_code", maxLength: 14),
            commune: reader.optionalString("commune", maxLength: 100),
            district: reader.optionalString("district", maxLength: 100),
            address: reader.optionalString("address", maxLength: 300),
            phone: reader.optionalString("phone", maxLength: 20),
            email: reader.optionalString("email", maxLength: 254),
            representative: reader.optionalString("representative", maxLength: 120))
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            for key in ["id", "created_at", "updated_at", "version"] where object[key] != nil {
                reader.fail(key, "is read-only; the server assigns it")
            }
        }
        // A producer's rules each concern one field, so they are checked beside the type errors
        // (a form is fixed in one round trip), and never on a field already refused.
        reader.failRules(fields.validate(stored: current?.fields))
        try reader.finish()
        return fields
    }

    static let csv = CSVTable<Producer>(filename: "producers.csv", columns: [
        ("id", { String($0.id) }),
        ("name", { $0.fields.name }),
        ("kind", { $0.fields.kind.rawValue }),
        ("tax_code", { $0.fields.taxCode }),
        ("commune", { $0.fields.commune }),
        ("district", { $0.fields.district }),
        ("address", { $0.fields.address }),
        ("phone", { $0.fields.phone }),
        ("email", { $0.fields.email }),
        ("representative", { $0.fields.representative }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}
