import JSON
import OCOP

/// The JSON and CSV shapes of the stock report and of a product's low-stock threshold.
enum StockReportRepresentation {
    static func write(_ alert: StockAlert, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("point_of_sale_id", alert.pointOfSaleID)
        writer.field("point_of_sale_code", alert.pointOfSaleCode)
        writer.field("point_of_sale_name", alert.pointOfSaleName)
        writer.field("product_id", alert.productID)
        writer.field("product_code", alert.productCode)
        writer.field("product_name", alert.productName)
        writer.field("level", alert.level)
        writer.field("low_stock_threshold", alert.threshold)
        writer.field("status", alert.status.rawValue)
        writer.field("updated_at", alert.updatedAt)
        writer.endObject()
    }

    /// The fields of a threshold a client cannot set, as GET shows them.
    static func readOnly(_ threshold: StockThreshold) -> JSONObject {
        var writer = JSONWriter(capacity: 256)
        write(threshold, to: &writer)
        guard case .object(var fields)? = try? JSONValue.parse(writer.bytes) else { return JSONObject() }
        fields["low_stock_threshold"] = nil
        return fields
    }

    static func write(_ threshold: StockThreshold, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("product_id", threshold.productID)
        writer.field("low_stock_threshold", threshold.value)
        writer.field("is_default", threshold.isDefault)
        writer.field("default_low_stock_threshold", StockThreshold.defaultValue)
        writer.field("created_at", threshold.createdAt)
        writer.field("updated_at", threshold.updatedAt)
        writer.field("version", threshold.version)
        writer.endObject()
    }

    static let csv = CSVTable<StockAlert>(filename: "stock-report.csv", columns: [
        ("point_of_sale_id", { String($0.pointOfSaleID) }),
        ("point_of_sale_code", { $0.pointOfSaleCode }),
        ("point_of_sale_name", { $0.pointOfSaleName }),
        ("product_id", { String($0.productID) }),
        ("product_code", { $0.productCode }),
        ("product_name", { $0.productName }),
        ("level", { String($0.level) }),
        ("low_stock_threshold", { String($0.threshold) }),
        ("status", { $0.status.rawValue }),
        ("updated_at", { $0.updatedAt?.description }),
    ])
}
