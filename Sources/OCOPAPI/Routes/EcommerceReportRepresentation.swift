import JSON
import OCOP

/// The tables of the e-commerce report a CSV export can hold (`?table=`).
enum EcommerceReportTable: String, CaseIterable, Sendable {
    case platforms
    /// Every unlisted certified product (no limit in CSV: it is the office's to-do list).
    case unlisted
}

/// The JSON and CSV shapes of the e-commerce report; shares are computed here from the counts.
enum EcommerceReportRepresentation {
    static func write(_ report: EcommerceReport, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("as_of", report.asOf.description)
        writer.field("certified_products", report.certifiedProducts)
        writer.key("platforms")
        writer.beginArray()
        for row in report.platforms {
            writer.beginObject()
            writer.field("platform_id", row.platformID)
            writer.field("code", row.code)
            writer.field("name", row.name)
            writer.field("kind", row.kind.rawValue)
            writer.field("listed_products", row.listedProducts)
            writer.field("certified_products", row.certifiedProducts)
            writer.field("share_percent", row.sharePercent)
            writer.field("non_cash_listings", row.nonCashListings)
            writer.field("non_cash_share_percent", row.nonCashSharePercent)
            writer.field("active_listings", row.activeListings)
            writer.endObject()
        }
        writer.endArray()
        writer.key("unlisted")
        writer.beginObject()
        writer.field("count", report.unlisted.count)
        writer.field("truncated", report.unlisted.products.count < report.unlisted.count)
        writer.key("products")
        writer.beginArray()
        for product in report.unlisted.products {
            writer.beginObject()
            writer.field("product_id", product.productID)
            writer.field("code", product.code)
            writer.field("name", product.name)
            writer.field("producer_id", product.producerID)
            writer.field("producer_name", product.producerName)
            writer.field("stars", product.stars.rawValue)
            writer.field("expires_on", product.expiresOn.description)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        writer.endObject()
    }

    /// One table as CSV (RFC 4180, UTF-8 with BOM), columns named as in the JSON.
    static func csv(_ report: EcommerceReport, table: EcommerceReportTable) -> [UInt8] {
        let name = "ecommerce-report-\(table.rawValue).csv"
        switch table {
        case .platforms:
            return CSVTable<PlatformCoverage>(filename: name, columns: [
                ("platform_id", { String($0.platformID) }), ("code", { $0.code }), ("name", { $0.name }),
                ("kind", { $0.kind.rawValue }), ("listed_products", { String($0.listedProducts) }),
                ("certified_products", { String($0.certifiedProducts) }), ("share_percent", { $0.sharePercent }),
                ("non_cash_listings", { String($0.nonCashListings) }), ("non_cash_share_percent", { $0.nonCashSharePercent }),
                ("active_listings", { String($0.activeListings) }),
            ]).render(report.platforms)
        case .unlisted:
            return CSVTable<UnlistedProduct>(filename: name, columns: [
                ("product_id", { String($0.productID) }), ("code", { $0.code }), ("name", { $0.name }),
                ("producer_id", { String($0.producerID) }), ("producer_name", { $0.producerName }),
                ("stars", { String($0.stars.rawValue) }), ("expires_on", { $0.expiresOn.description }),
            ]).render(report.unlisted.products)
        }
    }
}
