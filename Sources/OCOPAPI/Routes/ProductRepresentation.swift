import JSON
import OCOP

/// The JSON and CSV shapes of a product, and how a request body becomes one.
/// Derived fields (`stars`, `certificate.status`, `status`) are for `today`, the
/// calendar day in Asia/Ho_Chi_Minh, so they are right on the morning after expiry.
enum ProductRepresentation {
    static func write(_ product: Product, today: CivilDate, to writer: inout JSONWriter) {
        let f = product.fields
        writer.beginObject()
        writer.field("id", product.id)
        writer.field("code", f.code)
        writer.field("name", f.name)
        writer.field("producer_id", f.producerID)
        writer.field("group", f.group)
        writer.field("subgroup", f.subgroup)
        writer.field("description", f.description)
        writer.field("unit", f.unit)
        writer.field("price_vnd", f.priceVND)
        writer.field("gtin", f.gtin?.digits)
        writer.field("origin_province", f.originProvince)
        writer.key("raw_material_area_ids")
        writer.beginArray()
        for id in f.rawMaterialAreaIDs { writer.int(id) }
        writer.endArray()
        writer.key("image_urls")
        writer.beginArray()
        for url in f.imageURLs { writer.string(url) }
        writer.endArray()
        writer.field("stars", product.stars(on: today).map { Int64($0.rawValue) })
        writer.field("certificate", certificate(product, today: today))
        writer.field("status", product.status(on: today).rawValue)
        writer.field("created_at", product.createdAt)
        writer.field("updated_at", product.updatedAt)
        writer.field("version", product.version)
        writer.endObject()
    }

    /// `{id, number, stars, decided_on, expires_on, status}` of the current certificate, or null.
    static func certificate(_ product: Product, today: CivilDate) -> JSONValue {
        guard let c = product.certificate else { return .null }
        return .object(JSONObject([
            ("id", .number(JSONNumber(c.id))),
            ("number", .string(c.number)),
            ("stars", .number(JSONNumber(Int64(c.stars.rawValue)))),
            ("decided_on", .string(c.decidedOn.description)),
            ("expires_on", .string(c.expiresOn.description)),
            ("status", .string(c.status(on: today).rawValue)),
        ]))
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ product: Product, today: CivilDate) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(product.id))),
            ("stars", product.stars(on: today).map { .number(JSONNumber(Int64($0.rawValue))) } ?? .null),
            ("certificate", certificate(product, today: today)),
            ("status", .string(product.status(on: today).rawValue)),
            ("created_at", .string(product.createdAt.description)),
            ("updated_at", .string(product.updatedAt.description)),
            ("version", .number(JSONNumber(product.version))),
        ])
    }

    static let readOnlyKeys = ["id", "stars", "certificate", "status", "created_at", "updated_at", "version"]

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    static func fields(from object: JSONObject, current: Product?, today: CivilDate) throws(Problem) -> ProductFields {
        // The two arrays are read here; BodyReader takes the rest and reports unknown fields.
        var rest = object
        let areasValue = rest["raw_material_area_ids"]
        let imagesValue = rest["image_urls"]
        rest["raw_material_area_ids"] = nil
        rest["image_urls"] = nil
        var reader = BodyReader(rest)
        let code = reader.requiredString("code", maxLength: 40)
        let name = reader.requiredString("name", maxLength: 200)
        if rest["producer_id"]?.isNull ?? true { reader.fail("producer_id", "is required") }
        let producerID = reader.optionalInt("producer_id", in: 1...Int64.max)
        let group = reader.requiredString("group", maxLength: 40)
        let subgroup = reader.optionalString("subgroup", maxLength: 60)
        let description = reader.optionalString("description", maxLength: 5000)
        let unit = reader.optionalString("unit", maxLength: 50)
        let price = reader.optionalInt("price_vnd", in: 0...ProductFields.maximumPriceVND)
        var gtin: GTIN?
        if let text = reader.optionalString("gtin", maxLength: 100) {
            gtin = GTIN(text)
            if gtin == nil { reader.fail("gtin", ProductFields.gtinMessage) }
        }
        let origin = reader.optionalString("origin_province", maxLength: 100)
        let areas = reader.ids(areasValue, at: "raw_material_area_ids")
        let images = strings(imagesValue, "image_urls", reader: &reader)
        let fields = ProductFields(
            code: code ?? "", name: name ?? "", producerID: producerID ?? 0, group: group ?? "", subgroup: subgroup,
            description: description, unit: unit, priceVND: price, gtin: gtin,
            originProvince: origin ?? Province.home, rawMaterialAreaIDs: areas, imageURLs: images)
        if let current {
            reader.readOnly(readOnly(current, today: today))
        } else {
            for key in readOnlyKeys where object[key] != nil {
                reader.fail(key, "is read-only; the server derives or assigns it")
            }
        }
        // A product's rules each concern one field: checked beside the type errors (a form is
        // fixed in one round trip), never on a field already refused; the rules on its two
        // arrays wait until their elements are well-typed.
        reader.failRules(fields.validate(stored: current?.fields), arrays: ["raw_material_area_ids", "image_urls"])
        try reader.finish()
        return fields
    }

    /// An optional array of strings: absent or null is empty.
    private static func strings(_ value: JSONValue?, _ key: String, reader: inout BodyReader) -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let array = value.arrayValue else {
            reader.fail(key, "must be an array of strings, not \(value.typeName)")
            return []
        }
        var out: [String] = []
        for (i, element) in array.enumerated() {
            if let text = element.stringValue { out.append(text) } else { reader.fail("\(key)[\(i)]", "must be a string") }
        }
        return out
    }

    /// The CSV export: the importable columns first (same names), then the derived ones.
    static func csv(today: CivilDate) -> CSVTable<Product> {
        CSVTable<Product>(filename: "products.csv", columns: [
            ("id", { String($0.id) }),
            ("code", { $0.fields.code }),
            ("name", { $0.fields.name }),
            ("producer_id", { String($0.fields.producerID) }),
            ("group", { $0.fields.group }),
            ("subgroup", { $0.fields.subgroup }),
            ("description", { $0.fields.description }),
            ("unit", { $0.fields.unit }),
            ("price_vnd", { $0.fields.priceVND.map { String($0) } }),
            ("gtin", { $0.fields.gtin?.digits }),
            ("origin_province", { $0.fields.originProvince }),
            ("raw_material_area_ids", { $0.fields.rawMaterialAreaIDs.map { String($0) }.joined(separator: " ") }),
            ("image_urls", { $0.fields.imageURLs.joined(separator: " ") }),
            ("stars", { $0.stars(on: today).map { String($0.rawValue) } }),
            ("status", { $0.status(on: today).rawValue }),
            ("certificate_number", { $0.certificate?.number }),
            ("certificate_expires_on", { $0.certificate?.expiresOn.description }),
            ("created_at", { $0.createdAt.description }),
            ("updated_at", { $0.updatedAt.description }),
            ("version", { String($0.version) }),
        ])
    }
}
