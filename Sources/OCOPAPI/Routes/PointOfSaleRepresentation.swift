import JSON
import OCOP

/// The JSON and CSV shapes of a point of sale, and how a request body becomes one.
enum PointOfSaleRepresentation {
    static func write(_ point: PointOfSale, to writer: inout JSONWriter) {
        let f = point.fields
        writer.beginObject()
        writer.field("id", point.id)
        writer.field("code", f.code)
        writer.field("name", f.name)
        writer.field("kind", f.kind.rawValue)
        writer.field("commune", f.commune)
        writer.field("district", f.district)
        writer.field("address", f.address)
        writer.field("opened_on", f.openedOn?.description)
        writer.field("manager", f.manager)
        writer.field("phone", f.phone)
        writer.field("has_ocop_sign", f.hasOCOPSign)
        writer.field("has_shelves", f.hasShelves)
        writer.field("has_price_list", f.hasPriceList)
        writer.field("compliant", f.isCompliant)
        writer.key("channels")
        writer.beginArray()
        for channel in f.channels {
            writer.beginObject()
            writer.field("kind", channel.kind.rawValue)
            writer.field("url", channel.url)
            writer.endObject()
        }
        writer.endArray()
        writer.field("created_at", point.createdAt)
        writer.field("updated_at", point.updatedAt)
        writer.field("version", point.version)
        writer.endObject()
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ point: PointOfSale) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(point.id))),
            ("compliant", .bool(point.fields.isCompliant)),
            ("created_at", .string(point.createdAt.description)),
            ("updated_at", .string(point.updatedAt.description)),
            ("version", .number(JSONNumber(point.version))),
        ])
    }

    static let checklist = ["has_ocop_sign", "has_shelves", "has_price_list"]

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    /// Absent checklist booleans are false: an item nobody has confirmed is not in place.
    static func fields(from object: JSONObject, current: PointOfSale?) throws(Problem) -> PointOfSaleFields {
        // Booleans and the channel list need readers BodyReader lacks: taken out and read here.
        var rest = object
        for key in checklist + ["channels"] { rest[key] = nil }
        var reader = BodyReader(rest)
        let code = reader.requiredString("code", maxLength: 50)
        let name = reader.requiredString("name", maxLength: 200)
        let kind = reader.requiredEnum("kind", PointOfSaleKind.self)
        var flags: [Bool] = []
        for key in checklist {
            switch object[key] {
            case nil, .null?: flags.append(false)
            case .bool(let value)?: flags.append(value)
            case let other?:
                reader.fail(key, "must be true or false, not \(other.typeName)")
                flags.append(false)
            }
        }
        let openedOn = reader.optionalDay("opened_on")
        let channels = readChannels(object["channels"], &reader)
        let fields = PointOfSaleFields(
            code: code ?? "", name: name ?? "", kind: kind ?? .store,
            commune: reader.optionalString("commune", maxLength: 100),
            district: reader.optionalString("district", maxLength: 100),
            address: reader.optionalString("address", maxLength: 300),
            openedOn: openedOn,
            manager: reader.optionalString("manager", maxLength: 120),
            phone: reader.optionalString("phone", maxLength: 20),
            hasOCOPSign: flags[0], hasShelves: flags[1], hasPriceList: flags[2], channels: channels)
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            for key in ["id", "compliant", "created_at", "updated_at", "version"] where object[key] != nil {
                reader.fail(key, key == "compliant" ? "is read-only; it is derived from the three checklist items"
                                                    : "is read-only; the server assigns it")
            }
        }
        // A point of sale's rules each concern one field: checked beside the type errors (a
        // form is fixed in one round trip), never on a field already refused; channel rules wait
        // until every channel is well-typed.
        reader.failRules(fields.validate(stored: current?.fields), arrays: ["channels"])
        try reader.finish()
        return fields
    }

    /// `[{"kind": "facebook", "url": "https://…"}]`; absent or null means none. Errors are named `channels[i].field`.
    private static func readChannels(_ value: JSONValue?, _ reader: inout BodyReader) -> [SalesChannel] {
        guard let value, !value.isNull else { return [] }
        guard let elements = value.arrayValue else {
            reader.fail("channels", "must be an array of {kind, url}")
            return []
        }
        var channels: [SalesChannel] = []
        for (i, element) in elements.enumerated() {
            guard let object = element.objectValue else {
                reader.fail("channels[\(i)]", "must be an object {kind, url}, not \(element.typeName)")
                continue
            }
            var nested = BodyReader(object)
            let kind = nested.requiredEnum("kind", SalesChannelKind.self)
            let url = nested.requiredString("url", maxLength: 2000)
            do throws(Problem) {
                try nested.finish()
            } catch {
                for e in error.errors { reader.fail("channels[\(i)].\(e.field)", e.message) }
            }
            if let kind, let url { channels.append(SalesChannel(kind: kind, url: url)) }
        }
        return channels
    }

    static let csv = CSVTable<PointOfSale>(filename: "points-of-sale.csv", columns: [
        ("id", { String($0.id) }),
        ("code", { $0.fields.code }),
        ("name", { $0.fields.name }),
        ("kind", { $0.fields.kind.rawValue }),
        ("commune", { $0.fields.commune }),
        ("district", { $0.fields.district }),
        ("address", { $0.fields.address }),
        ("opened_on", { $0.fields.openedOn?.description }),
        ("manager", { $0.fields.manager }),
        ("phone", { $0.fields.phone }),
        ("has_ocop_sign", { String($0.fields.hasOCOPSign) }),
        ("has_shelves", { String($0.fields.hasShelves) }),
        ("has_price_list", { String($0.fields.hasPriceList) }),
        ("compliant", { String($0.fields.isCompliant) }),
        ("channels", { $0.fields.channels.map { "\($0.kind.rawValue) \($0.url)" }.joined(separator: "; ") }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}
