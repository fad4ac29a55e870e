import JSON
import OCOP

/// The JSON and CSV shapes of a raw-material area, and how a request body becomes one.
enum RawMaterialAreaRepresentation {
    /// `today` (Asia/Ho_Chi_Minh) decides each certification's derived `valid`.
    static func write(_ area: RawMaterialArea, today: CivilDate, to writer: inout JSONWriter) {
        let f = area.fields
        writer.beginObject()
        writer.field("id", area.id)
        writer.field("code", f.code)
        writer.field("name", f.name)
        writer.field("kind", f.kind.rawValue)
        writer.field("area_m2", f.areaM2)
        writer.field("commune", f.commune)
        writer.field("district", f.district)
        writer.field("producer_id", f.producerID)
        writer.field("market", f.market.rawValue)
        writer.key("certifications")
        writer.beginArray()
        for c in f.certifications {
            writer.beginObject()
            writer.field("scheme", c.scheme.rawValue)
            writer.field("number", c.number)
            writer.field("valid_from", c.validFrom.description)
            writer.field("valid_until", c.validUntil.description)
            writer.field("valid", c.isValid(on: today))
            writer.endObject()
        }
        writer.endArray()
        writer.key("product_ids")
        writer.beginArray()
        for id in area.productIDs { writer.int(id) }
        writer.endArray()
        writer.field("created_at", area.createdAt)
        writer.field("updated_at", area.updatedAt)
        writer.field("version", area.version)
        writer.endObject()
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ area: RawMaterialArea) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(area.id))),
            ("product_ids", .array(area.productIDs.map { .number(JSONNumber($0)) })),
            ("created_at", .string(area.createdAt.description)),
            ("updated_at", .string(area.updatedAt.description)),
            ("version", .number(JSONNumber(area.version))),
        ])
    }

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    /// `today` is the day a certification's echoed `valid` must agree with.
    static func fields(from object: JSONObject, current: RawMaterialArea?, today: CivilDate) throws(Problem) -> RawMaterialAreaFields {
        // area_m2 and certifications need messages and nesting BodyReader has no reader for,
        // so they are taken out and read here; everything else goes through the reader.
        var rest = object
        rest["area_m2"] = nil
        rest["certifications"] = nil
        var reader = BodyReader(rest)
        let code = reader.requiredString("code", maxLength: 50)
        let kind = reader.requiredEnum("kind", AreaKind.self)
        let market = reader.requiredEnum("market", MarketScope.self)
        let areaM2 = readAreaM2(object["area_m2"], &reader)
        let certifications = readCertifications(object["certifications"], today: today, &reader)
        let fields = RawMaterialAreaFields(
            code: code ?? "", name: reader.optionalString("name", maxLength: 200), kind: kind ?? .cultivation,
            areaM2: areaM2 ?? 1,
            commune: reader.optionalString("commune", maxLength: 100),
            district: reader.optionalString("district", maxLength: 100),
            producerID: reader.optionalInt("producer_id", in: 1...Int64.max),
            market: market ?? .domestic, certifications: certifications)
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            for key in ["id", "product_ids", "created_at", "updated_at", "version"] where object[key] != nil {
                reader.fail(key, key == "product_ids" ? "is read-only; link areas from the product (raw_material_area_ids)"
                                                      : "is read-only; the server assigns it")
            }
        }
        // Rule checks run only on well-typed input, so one mistake is reported once.
        if reader.errors.isEmpty {
            for error in fields.validate() { reader.fail(error.field, error.message) }
        }
        try reader.finish()
        return fields
    }

    /// Whole square metres only: a decimal is almost always hectares typed into the wrong field,
    /// and integers keep the province's totals exact (322.35 ha = 3,223,500 m²).
    private static func readAreaM2(_ value: JSONValue?, _ reader: inout BodyReader) -> Int64? {
        switch value {
        case nil, .null?:
            reader.fail("area_m2", "is required: the area in whole square metres (322.35 ha = 3223500)")
        case .number(let number)?:
            if let int = number.int64 { return int }
            reader.fail("area_m2", number.isInteger
                        ? "is out of range"
                        : "must be a whole number of square metres, not \(number.text); 322.35 ha is 3223500")
        case let other?:
            reader.fail("area_m2", "must be an integer number of square metres, not \(other.typeName)")
        }
        return nil
    }

    /// The certification list, each element read like a body of its own; errors are named
    /// `certifications[i].field`. Absent or null means none.
    private static func readCertifications(_ value: JSONValue?, today: CivilDate, _ reader: inout BodyReader) -> [AreaCertification] {
        guard let value, !value.isNull else { return [] }
        guard let elements = value.arrayValue else {
            reader.fail("certifications", "must be an array of {scheme, number, valid_from, valid_until}")
            return []
        }
        var result: [AreaCertification] = []
        for (i, element) in elements.enumerated() {
            let prefix = "certifications[\(i)]"
            guard var object = element.objectValue else {
                reader.fail(prefix, "must be an object {scheme, number, valid_from, valid_until}, not \(element.typeName)")
                continue
            }
            // `valid` is derived from the dates. A client echoing a GET back may send it as shown;
            // one that says otherwise asks for what the dates do not give, like any changed read-only field.
            let echoedValid = object["valid"]
            object["valid"] = nil
            var nested = BodyReader(object)
            let scheme = nested.requiredEnum("scheme", CertificationScheme.self)
            let number = nested.requiredString("number", maxLength: 100)
            let from = nested.requiredDay("valid_from")
            let until = nested.requiredDay("valid_until")
            do throws(Problem) {
                try nested.finish()
            } catch {
                for e in error.errors { reader.fail(prefix + "." + e.field, e.message) }
            }
            if let echoedValid {
                let derived = from.flatMap { from in until.map { AreaCertification.isValid(from: from, until: $0, on: today) } }
                if echoedValid.boolValue == nil || (derived != nil && echoedValid.boolValue != derived) {
                    let shown = derived.map { " and says \($0) on \(today)" } ?? ""
                    reader.fail(prefix + ".valid", "is read-only: it is derived from valid_from and valid_until\(shown)")
                }
            }
            if let scheme, let number, let from, let until {
                result.append(AreaCertification(scheme: scheme, number: number, validFrom: from, validUntil: until))
            }
        }
        return result
    }

    /// The CSV export; certifications read "VietGAP 12/2024 (2024-01-01–2027-01-01, valid)".
    static func csv(today: CivilDate) -> CSVTable<RawMaterialArea> {
        CSVTable(filename: "raw-material-areas.csv", columns: [
            ("id", { String($0.id) }),
            ("code", { $0.fields.code }),
            ("name", { $0.fields.name }),
            ("kind", { $0.fields.kind.rawValue }),
            ("area_m2", { String($0.fields.areaM2) }),
            ("commune", { $0.fields.commune }),
            ("district", { $0.fields.district }),
            ("producer_id", { $0.fields.producerID.map(String.init) }),
            ("market", { $0.fields.market.rawValue }),
            ("certifications", { area in
                area.fields.certifications.map { c in
                    "\(c.scheme.rawValue) \(c.number) (\(c.validFrom)–\(c.validUntil), \(c.isValid(on: today) ? "valid" : "not valid"))"
                }.joined(separator: "; ")
            }),
            ("product_ids", { $0.productIDs.map(String.init).joined(separator: " ") }),
            ("created_at", { $0.createdAt.description }),
            ("updated_at", { $0.updatedAt.description }),
            ("version", { String($0.version) }),
        ])
    }
}
