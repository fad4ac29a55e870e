import JSON
import OCOP

/// The JSON and CSV shapes of an e-commerce platform, and how a request body becomes one.
enum PlatformRepresentation {
    static func write(_ platform: Platform, to writer: inout JSONWriter) {
        let f = platform.fields
        writer.beginObject()
        writer.field("id", platform.id)
        writer.field("code", f.code)
        writer.field("name", f.name)
        writer.field("url", f.url)
        writer.field("kind", f.kind.rawValue)
        writer.field("created_at", platform.createdAt)
        writer.field("updated_at", platform.updatedAt)
        writer.field("version", platform.version)
        writer.endObject()
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ platform: Platform) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(platform.id))),
            ("created_at", .string(platform.createdAt.description)),
            ("updated_at", .string(platform.updatedAt.description)),
            ("version", .number(JSONNumber(platform.version))),
        ])
    }

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    static func fields(from object: JSONObject, current: Platform?) throws(Problem) -> PlatformFields {
        var reader = BodyReader(object)
        let fields = PlatformFields(
            code: reader.requiredString("code", maxLength: 40) ?? "",
            name: reader.requiredString("name", maxLength: 200) ?? "",
            url: reader.optionalString("url", maxLength: 2000),
            kind: reader.requiredEnum("kind", PlatformKind.self) ?? .marketplace)
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            FairReaders.rejectReadOnly(["id", "created_at", "updated_at", "version"], in: object, reader: &reader)
        }
        // A platform's rules each concern one field: checked beside the type errors, never on a field already refused.
        reader.failRules(fields.validate(stored: current?.fields))
        try reader.finish()
        return fields
    }

    static let csv = CSVTable<Platform>(filename: "platforms.csv", columns: [
        ("id", { String($0.id) }),
        ("code", { $0.fields.code }),
        ("name", { $0.fields.name }),
        ("url", { $0.fields.url }),
        ("kind", { $0.fields.kind.rawValue }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}
