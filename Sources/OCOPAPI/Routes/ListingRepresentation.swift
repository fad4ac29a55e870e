import JSON
import OCOP

/// The JSON and CSV shapes of a listing, and how a request body becomes one. `history` is
/// read-only: it grows by itself when `status` or `accepts_non_cash` changes.
enum ListingRepresentation {
    static func write(_ listing: Listing, to writer: inout JSONWriter) {
        let f = listing.fields
        writer.beginObject()
        writer.field("id", listing.id)
        writer.field("product_id", f.productID)
        writer.field("platform_id", f.platformID)
        writer.field("url", f.url)
        writer.field("price_vnd", f.priceVND)
        writer.field("status", f.status.rawValue)
        writer.field("accepts_non_cash", f.acceptsNonCash)
        writer.field("listed_on", f.listedOn.description)
        writer.field("history", history(listing.history))
        writer.field("created_at", listing.createdAt)
        writer.field("updated_at", listing.updatedAt)
        writer.field("version", listing.version)
        writer.endObject()
    }

    /// `[{valid_from, status, accepts_non_cash}]`, oldest first.
    static func history(_ history: ListingHistory) -> JSONValue {
        .array(history.entries.map { entry in
            .object(JSONObject([
                ("valid_from", .string(entry.validFrom.description)),
                ("status", .string(entry.state.status.rawValue)),
                ("accepts_non_cash", .bool(entry.state.acceptsNonCash)),
            ]))
        })
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ listing: Listing) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(listing.id))),
            ("history", history(listing.history)),
            ("created_at", .string(listing.createdAt.description)),
            ("updated_at", .string(listing.updatedAt.description)),
            ("version", .number(JSONNumber(listing.version))),
        ])
    }

    static let readOnlyKeys = ["id", "history", "created_at", "updated_at", "version"]

    /// Reads the writable fields; `current` (for PUT/PATCH) lets read-only fields pass when unchanged.
    /// Absent: `status` is active, `accepts_non_cash` false, `listed_on` today (on create only).
    static func fields(from object: JSONObject, current: Listing?, today: CivilDate) throws(Problem) -> ListingFields {
        var rest = object
        rest["accepts_non_cash"] = nil
        var reader = BodyReader(rest)
        for key in ["product_id", "platform_id"] where rest[key]?.isNull ?? true { reader.fail(key, "is required") }
        let productID = reader.optionalInt("product_id", in: 1...Int64.max)
        let platformID = reader.optionalInt("platform_id", in: 1...Int64.max)
        let url = reader.optionalString("url", maxLength: 2000)
        let price = reader.optionalInt("price_vnd", in: 0...ProductFields.maximumPriceVND)
        // Optional enum: read only when given; otherwise just mark the key as known.
        var status: ListingStatus?
        if !(rest["status"]?.isNull ?? true) { status = reader.requiredEnum("status", ListingStatus.self) }
        else { _ = reader.optionalString("status") }
        let nonCash = FairReaders.bool(object, "accepts_non_cash", reader: &reader)
        // On PUT a missing listed_on must not silently become today: that would rewrite history.
        if current != nil, rest["listed_on"]?.isNull ?? true { reader.fail("listed_on", "is required") }
        let listedOn = reader.optionalDay("listed_on")
        let fields = ListingFields(productID: productID ?? 0, platformID: platformID ?? 0, url: url, priceVND: price,
                                   status: status ?? .active, acceptsNonCash: nonCash ?? false, listedOn: listedOn ?? today)
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            FairReaders.rejectReadOnly(readOnlyKeys, in: object, reader: &reader)
        }
        // A listing's rules each concern one field: checked beside the type errors, never on a
        // field already refused.
        reader.failRules(fields.validate(today: today, stored: current?.fields))
        try reader.finish()
        return fields
    }

    static let csv = CSVTable<Listing>(filename: "listings.csv", columns: [
        ("id", { String($0.id) }),
        ("product_id", { String($0.fields.productID) }),
        ("platform_id", { String($0.fields.platformID) }),
        ("url", { $0.fields.url }),
        ("price_vnd", { $0.fields.priceVND.map(String.init) }),
        ("status", { $0.fields.status.rawValue }),
        ("accepts_non_cash", { String($0.fields.acceptsNonCash) }),
        ("listed_on", { $0.fields.listedOn.description }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}
