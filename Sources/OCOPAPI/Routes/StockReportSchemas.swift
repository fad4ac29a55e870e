import JSON
import OCOP

/// JSON Schemas of the stock report and of products' low-stock thresholds (issue #4).
extension Schemas {
    static var stockReportSchemas: [(key: String, value: JSONValue)] {
        [
            ("StockAlert", object([
                ("point_of_sale_id", type("integer")), ("point_of_sale_code", type("string")),
                ("point_of_sale_name", type("string")),
                ("product_id", type("integer")), ("product_code", type("string")), ("product_name", type("string")),
                ("level", type("integer")),
                ("low_stock_threshold", type("integer", description: "The product's threshold in force")),
                ("status", type("string", enumValues: ["out", "low"],
                                description: "out: level 0; low: level from 1 up to low_stock_threshold")),
                ("updated_at", type("string", nullable: true, format: "date-time", description: "When the level last changed")),
            ], required: ["point_of_sale_id", "product_id", "level", "low_stock_threshold", "status"])),
            ("StockThreshold", object([
                ("product_id", type("integer")),
                ("low_stock_threshold", type("integer", description: "In force: the one set, or the default")),
                ("is_default", type("boolean", description: "No threshold is set for the product: the default applies")),
                ("default_low_stock_threshold", type("integer", description: "The default every product without its own uses")),
                ("created_at", type("string", nullable: true, format: "date-time", description: "null when never set")),
                ("updated_at", type("string", nullable: true, format: "date-time")),
                ("version", type("integer", description: "0 when never set; PUT takes If-Match W/\"version\"")),
            ], required: ["product_id", "low_stock_threshold", "is_default", "version"])),
            ("StockThresholdInput", object([
                ("low_stock_threshold", integer(0...StockThreshold.maximumValue, nullable: true,
                                                description: "null puts the product back on the default.")),
            ], required: ["low_stock_threshold"])),
        ]
    }
}
