import JSON
import OCOP

/// The JSON and CSV shapes of a sale, and how a request body becomes one.
enum SaleRepresentation {
    static func write(_ sale: Sale, to writer: inout JSONWriter) {
        let input = sale.input
        writer.beginObject()
        writer.field("id", sale.id)
        writer.field("sale_id", input.saleID.text)
        writer.field("point_of_sale_id", sale.pointOfSaleID)
        writer.field("sold_at", input.soldAt)
        writer.field("sold_on", sale.soldOn.description)
        writer.field("payment", input.payment.rawValue)
        writer.key("lines")
        writer.beginArray()
        for (i, line) in input.lines.enumerated() {
            writer.beginObject()
            writer.field("line", i + 1)
            writer.field("product_id", line.productID)
            writer.field("quantity", line.quantity)
            writer.field("unit_price_vnd", line.unitPriceVND)
            writer.field("amount_vnd", line.amountVND ?? 0)
            writer.endObject()
        }
        writer.endArray()
        writer.field("units", sale.units)
        writer.field("total_vnd", sale.totalVND)
        writer.field("created_at", sale.createdAt)
        writer.field("updated_at", sale.createdAt)
        writer.field("version", sale.version)
        writer.endObject()
    }

    /// Reads `{sale_id, sold_at, lines: [{product_id, quantity, unit_price_vnd}], payment}`.
    static func input(from object: JSONObject) throws(Problem) -> SaleInput {
        var rest = object
        rest["lines"] = nil
        var reader = BodyReader(rest)
        let saleIDText = reader.requiredString("sale_id", maxLength: 36)
        let saleID = saleIDText.flatMap(ClientUUID.init)
        if saleIDText != nil && saleID == nil { reader.fail("sale_id", "must be a UUID like 3f2b6c1e-9a7d-4e2f-8b1a-0c5d7e9f1a2b") }
        let soldAtText = reader.requiredString("sold_at", maxLength: 40)
        let soldAt = soldAtText.flatMap { Timestamp(rfc3339: $0) }
        if soldAtText != nil && soldAt == nil {
            reader.fail("sold_at", "must be an RFC 3339 date-time with an offset, like 2025-03-08T09:15:00+07:00")
        }
        let payment = reader.requiredEnum("payment", PaymentMethod.self)
        let lines = readLines(object["lines"], &reader)
        try reader.finish()
        guard let saleID, let soldAt, let payment else { throw Problem.validation(reader.errors) }
        return SaleInput(saleID: saleID, soldAt: soldAt, lines: lines, payment: payment)
    }

    private static func readLines(_ value: JSONValue?, _ reader: inout BodyReader) -> [SaleLine] {
        guard let elements = value?.arrayValue else {
            reader.fail("lines", "is required: an array of {product_id, quantity, unit_price_vnd}")
            return []
        }
        var lines: [SaleLine] = []
        for (i, element) in elements.enumerated() {
            guard let object = element.objectValue else {
                reader.fail("lines[\(i)]", "must be an object {product_id, quantity, unit_price_vnd}, not \(element.typeName)")
                continue
            }
            var nested = BodyReader(object)
            let productID = nested.optionalInt("product_id", in: 1...Int64.max)
            let quantity = nested.optionalInt("quantity", in: 1...InventoryChange.maximumQuantity)
            let price = nested.optionalInt("unit_price_vnd", in: 0...ProductFields.maximumPriceVND)
            for key in ["product_id", "quantity", "unit_price_vnd"] where object[key] == nil || object[key]?.isNull == true {
                nested.fail(key, "is required")
            }
            do throws(Problem) {
                try nested.finish()
            } catch {
                for e in error.errors { reader.fail("lines[\(i)].\(e.field)", e.message) }
            }
            if let productID, let quantity, let price {
                lines.append(SaleLine(productID: productID, quantity: quantity, unitPriceVND: price))
            }
        }
        return lines
    }

    /// One row per sale; lines read "12×2@85000; 13×1@50000" (product × quantity @ unit price).
    static let csv = CSVTable<Sale>(filename: "sales.csv", columns: [
        ("id", { String($0.id) }),
        ("sale_id", { $0.input.saleID.text }),
        ("point_of_sale_id", { String($0.pointOfSaleID) }),
        ("sold_at", { $0.input.soldAt.description }),
        ("sold_on", { $0.soldOn.description }),
        ("payment", { $0.input.payment.rawValue }),
        ("units", { String($0.units) }),
        ("total_vnd", { String($0.totalVND) }),
        ("lines", { $0.input.lines.map { "\($0.productID)×\($0.quantity)@\($0.unitPriceVND)" }.joined(separator: "; ") }),
        ("created_at", { $0.createdAt.description }),
    ])
}
