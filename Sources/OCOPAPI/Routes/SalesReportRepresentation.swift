import JSON
import OCOP

/// The JSON and CSV shapes of the sales report. Every amount is an integer number of đồng; the
/// non-cash share is a decimal string with one digit, computed from the integers.
enum SalesReportRepresentation {
    static func write(_ report: SalesReport, to writer: inout JSONWriter) {
        let query = report.query
        writer.beginObject()
        writer.field("from", query.from.description)
        writer.field("to", query.to.description)
        writer.field("group_by", query.groupBy.rawValue)
        writer.field("point_of_sale_id", query.pointOfSaleID)
        writer.key("total")
        writer.beginObject()
        figures(report.total, &writer)
        writer.endObject()
        writer.key("groups")
        writer.beginArray()
        for group in report.groups {
            writer.beginObject()
            for (name, value) in keyColumns(group.key) {
                switch value {
                case .id(let id):
                    writer.key(escaping: name)
                    writer.int(id)
                case .text(let text):
                    writer.key(escaping: name)
                    writer.string(text)
                }
            }
            figures(group.figures, &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    private static func figures(_ figures: SalesFigures, _ writer: inout JSONWriter) {
        writer.field("revenue_vnd", figures.revenueVND)
        writer.field("units", figures.units)
        writer.field("sales", figures.sales)
        writer.field("non_cash_vnd", figures.nonCashVND)
        writer.field("non_cash_share_percent", figures.nonCashSharePercent)
    }

    /// A key column's value: an id (a JSON number) or text.
    enum KeyValue {
        case id(Int64)
        case text(String)

        var text: String {
            switch self {
            case .id(let id): String(id)
            case .text(let text): text
            }
        }
    }

    /// The columns that name a group, as `group_by` defines them.
    static func keyColumns(_ key: SalesGroupKey) -> [(String, KeyValue)] {
        switch key {
        case .pointOfSale(let id, let code, let name):
            [("point_of_sale_id", .id(id)), ("point_of_sale_code", .text(code)), ("point_of_sale_name", .text(name))]
        case .product(let id, let code, let name):
            [("product_id", .id(id)), ("product_code", .text(code)), ("product_name", .text(name))]
        case .day(let day): [("day", .text(day.description))]
        case .payment(let method): [("payment", .text(method.rawValue))]
        }
    }

    /// The key column names of a grouping (also for a report with no groups).
    static func keyNames(_ grouping: SalesGrouping) -> [String] {
        switch grouping {
        case .pointOfSale: ["point_of_sale_id", "point_of_sale_code", "point_of_sale_name"]
        case .product: ["product_id", "product_code", "product_name"]
        case .day: ["day"]
        case .payment: ["payment"]
        }
    }

    static func filename(_ query: SalesReportQuery) -> String {
        "sales-report-\(query.groupBy.rawValue)-\(query.from)-\(query.to).csv"
    }

    /// The groups as CSV (RFC 4180, UTF-8 with BOM): the key columns, then the figures. The total
    /// is not a row: a spreadsheet sums the columns, and a "total" row would be counted twice.
    static func csv(_ report: SalesReport) -> [UInt8] {
        var columns: [(header: String, value: @Sendable (SalesGroup) -> String?)] = []
        for (index, name) in keyNames(report.query.groupBy).enumerated() {
            columns.append((name, { group in
                let keys = keyColumns(group.key)
                return index < keys.count ? keys[index].1.text : nil
            }))
        }
        return CSVTable<SalesGroup>(filename: filename(report.query), columns: columns + figureColumns).render(report.groups)
    }

    static let figureColumns: [(header: String, value: @Sendable (SalesGroup) -> String?)] = [
        ("revenue_vnd", { group in String(group.figures.revenueVND) }),
        ("units", { group in String(group.figures.units) }),
        ("sales", { group in String(group.figures.sales) }),
        ("non_cash_vnd", { group in String(group.figures.nonCashVND) }),
        ("non_cash_share_percent", { group in group.figures.nonCashSharePercent }),
    ]
}
