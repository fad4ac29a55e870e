import JSON
import OCOP

/// The JSON and CSV shapes of a booth's sales entry, and how a request body becomes one.
enum FairSaleRepresentation {
    static func write(_ sale: FairSale, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", sale.id)
        writer.field("fair_id", sale.fairID)
        writer.field("booth_id", sale.boothID)
        writer.field("day", sale.fields.day.description)
        writer.field("revenue_vnd", sale.fields.revenueVND)
        writer.field("units", lines(sale.fields.lines))
        writer.field("created_at", sale.createdAt)
        writer.field("updated_at", sale.updatedAt)
        writer.field("version", sale.version)
        writer.endObject()
    }

    static func lines(_ lines: [FairSaleLine]) -> JSONValue {
        .array(lines.map { line in
            .object(JSONObject([
                ("product_id", .number(JSONNumber(line.productID))),
                ("units", .number(JSONNumber(line.units))),
                ("revenue_vnd", line.revenueVND.map { .number(JSONNumber($0)) } ?? .null),
            ]))
        })
    }

    /// The writable fields as JSON, the base a merge patch applies to.
    static func writable(_ sale: FairSale) -> JSONObject {
        JSONObject([
            ("day", .string(sale.fields.day.description)),
            ("revenue_vnd", .number(JSONNumber(sale.fields.revenueVND))),
            ("units", lines(sale.fields.lines)),
        ])
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ sale: FairSale) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(sale.id))),
            ("fair_id", .number(JSONNumber(sale.fairID))),
            ("booth_id", .number(JSONNumber(sale.boothID))),
            ("created_at", .string(sale.createdAt.description)),
            ("updated_at", .string(sale.updatedAt.description)),
            ("version", .number(JSONNumber(sale.version))),
        ])
    }

    static let readOnlyKeys = ["id", "fair_id", "booth_id", "created_at", "updated_at", "version"]

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    static func fields(from object: JSONObject, current: FairSale?) throws(Problem) -> FairSaleFields {
        var rest = object
        let linesValue = rest["units"]
        rest["units"] = nil
        var reader = BodyReader(rest)
        let day = reader.requiredDay("day")
        if rest["revenue_vnd"]?.isNull ?? true { reader.fail("revenue_vnd", "is required") }
        let revenue = reader.optionalInt("revenue_vnd", in: 0...FairSaleFields.maximumRevenueVND)
        let lines = Self.lines(linesValue, reader: &reader)
        let fields = FairSaleFields(day: day ?? CivilDate(daysSinceEpoch: 0), revenueVND: revenue ?? 0, lines: lines)
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            FairReaders.rejectReadOnly(readOnlyKeys, in: object, reader: &reader)
        }
        if reader.errors.isEmpty {
            for error in fields.validate() { reader.fail(error.field, error.message) }
        }
        try reader.finish()
        return fields
    }

    /// `units`: an optional array of `{product_id, units, revenue_vnd?}` (absent or null: none).
    private static func lines(_ value: JSONValue?, reader: inout BodyReader) -> [FairSaleLine] {
        guard let value, !value.isNull else { return [] }
        guard let array = value.arrayValue else {
            reader.fail("units", "must be an array of {product_id, units, revenue_vnd}, not \(value.typeName)")
            return []
        }
        var out: [FairSaleLine] = []
        for (i, element) in array.enumerated() {
            let prefix = "units[\(i)]"
            guard let object = element.objectValue else {
                reader.fail(prefix, "must be an object {product_id, units, revenue_vnd}")
                continue
            }
            var line = BodyReader(object)
            for key in ["product_id", "units"] where object[key]?.isNull ?? true { line.fail(key, "is required") }
            let productID = line.optionalInt("product_id", in: 1...Int64.max)
            let units = line.optionalInt("units", in: 0...FairSaleFields.maximumUnits)
            let revenue = line.optionalInt("revenue_vnd", in: 0...FairSaleFields.maximumRevenueVND)
            do {
                try line.finish()
                if let productID, let units { out.append(FairSaleLine(productID: productID, units: units, revenueVND: revenue)) }
            } catch {
                for fieldError in error.errors { reader.fail("\(prefix).\(fieldError.field)", fieldError.message) }
            }
        }
        return out
    }

    static let csv = CSVTable<FairSale>(filename: "fair-sales.csv", columns: [
        ("id", { String($0.id) }),
        ("fair_id", { String($0.fairID) }),
        ("booth_id", { String($0.boothID) }),
        ("day", { $0.fields.day.description }),
        ("revenue_vnd", { String($0.fields.revenueVND) }),
        // "product:units[:revenue]" per line, space-separated: one row per entry keeps sums simple.
        ("units", { $0.fields.lines.map { "\($0.productID):\($0.units)" + ($0.revenueVND.map { ":\($0)" } ?? "") }
            .joined(separator: " ") }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}
