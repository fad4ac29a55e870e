import JSON
import OCOP

/// The JSON and CSV shapes of a fair, and how a request body becomes one. `status` is derived
/// for `today` (Asia/Ho_Chi_Minh), so a fair reads `running` from the morning of its first day.
enum FairRepresentation {
    static func write(_ fair: Fair, today: CivilDate, to writer: inout JSONWriter) {
        let f = fair.fields
        writer.beginObject()
        writer.field("id", fair.id)
        writer.field("name", f.name)
        writer.field("kind", f.kind.rawValue)
        writer.field("starts_on", f.startsOn.description)
        writer.field("ends_on", f.endsOn.description)
        writer.field("venue", f.venue)
        writer.field("commune", f.commune)
        writer.field("district", f.district)
        writer.field("province", f.province)
        writer.field("in_province", f.isInHomeProvince)
        writer.field("organizer", f.organizer)
        writer.field("visitors", f.visitors)
        writer.field("status", fair.status(on: today).rawValue)
        writer.field("created_at", fair.createdAt)
        writer.field("updated_at", fair.updatedAt)
        writer.field("version", fair.version)
        writer.endObject()
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ fair: Fair, today: CivilDate) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(fair.id))),
            ("in_province", .bool(fair.fields.isInHomeProvince)),
            ("status", .string(fair.status(on: today).rawValue)),
            ("created_at", .string(fair.createdAt.description)),
            ("updated_at", .string(fair.updatedAt.description)),
            ("version", .number(JSONNumber(fair.version))),
        ])
    }

    static let readOnlyKeys = ["id", "in_province", "status", "created_at", "updated_at", "version"]

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    /// An absent `province` is the home province; an absent `visitors` is 0.
    static func fields(from object: JSONObject, current: Fair?, today: CivilDate) throws(Problem) -> FairFields {
        var reader = BodyReader(object)
        let name = reader.requiredString("name", maxLength: 200)
        let kind = reader.requiredEnum("kind", FairKind.self)
        let startsOn = reader.requiredDay("starts_on")
        let endsOn = reader.requiredDay("ends_on")
        let venue = reader.optionalString("venue", maxLength: 300)
        let commune = reader.optionalString("commune", maxLength: 100)
        let district = reader.optionalString("district", maxLength: 100)
        let province = reader.optionalString("province", maxLength: 100)
        let organizer = reader.optionalString("organizer", maxLength: 200)
        let visitors = reader.optionalInt("visitors", in: 0...FairFields.maximumVisitors)
        let placeholder = startsOn ?? endsOn ?? today
        let fields = FairFields(
            name: name ?? "", kind: kind ?? .localFair, startsOn: startsOn ?? placeholder, endsOn: endsOn ?? placeholder,
            venue: venue, commune: commune, district: district, province: province ?? Province.home,
            organizer: organizer, visitors: visitors ?? 0)
        if let current {
            reader.readOnly(readOnly(current, today: today))
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

    static func csv(today: CivilDate) -> CSVTable<Fair> {
        CSVTable<Fair>(filename: "fairs.csv", columns: [
            ("id", { String($0.id) }),
            ("name", { $0.fields.name }),
            ("kind", { $0.fields.kind.rawValue }),
            ("starts_on", { $0.fields.startsOn.description }),
            ("ends_on", { $0.fields.endsOn.description }),
            ("venue", { $0.fields.venue }),
            ("commune", { $0.fields.commune }),
            ("district", { $0.fields.district }),
            ("province", { $0.fields.province }),
            ("in_province", { String($0.fields.isInHomeProvince) }),
            ("organizer", { $0.fields.organizer }),
            ("visitors", { String($0.fields.visitors) }),
            ("status", { $0.status(on: today).rawValue }),
            ("created_at", { $0.createdAt.description }),
            ("updated_at", { $0.updatedAt.description }),
            ("version", { String($0.version) }),
        ])
    }
}
