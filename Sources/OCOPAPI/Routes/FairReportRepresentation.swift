import JSON
import OCOP

/// The tables of the fair report a CSV export can hold (`?table=`).
enum FairReportTable: String, CaseIterable, Sendable {
    /// One row per kind of fair, then the totals as kind `all`.
    case byKind = "by_kind"
    case fairs
    case topProducers = "top_producers"
    case topProducts = "top_products"
}

/// The JSON and CSV shapes of the fair report. Amounts are exact integer đồng; shares are
/// computed here from them with integer arithmetic (`ReportNumbers.percent(amount:of:)`).
enum FairReportRepresentation {
    static func write(_ report: FairReport, to writer: inout JSONWriter) {
        let total = report.totals.revenueVND
        writer.beginObject()
        writer.field("from", report.query.from.description)
        writer.field("to", report.query.to.description)
        writer.key("totals")
        writer.beginObject()
        totals(report.totals, &writer)
        writer.endObject()
        writer.key("by_kind")
        writer.objects(report.byKind) { row, w in
            w.field("kind", row.kind.rawValue)
            totals(row.totals, &w)
        }
        writer.key("fairs")
        writer.objects(report.fairs) { row, w in
            w.field("fair_id", row.fairID)
            w.field("name", row.name)
            w.field("kind", row.kind.rawValue)
            w.field("starts_on", row.startsOn.description)
            w.field("ends_on", row.endsOn.description)
            w.field("province", row.province)
            w.field("in_province", Province.isHome(row.province))
            w.field("visitors", row.visitors)
            w.field("booths", row.booths)
            w.field("local_booths", row.localBooths)
            w.field("revenue_vnd", row.revenueVND)
            w.field("local_revenue_vnd", row.localRevenueVND)
            w.field("local_share_percent", ReportNumbers.percent(amount: row.localRevenueVND, of: row.revenueVND))
        }
        writer.key("top_producers")
        writer.objects(report.topProducers) { row, w in
            w.field("producer_id", row.producerID)
            w.field("name", row.name)
            w.field("kind", row.kind.rawValue)
            w.field("fairs", row.fairs)
            w.field("revenue_vnd", row.revenueVND)
            w.field("share_percent", ReportNumbers.percent(amount: row.revenueVND, of: total))
        }
        writer.key("top_products")
        writer.objects(report.topProducts) { row, w in
            w.field("product_id", row.productID)
            w.field("code", row.code)
            w.field("name", row.name)
            w.field("producer_id", row.producerID)
            w.field("units", row.units)
            w.field("revenue_vnd", row.revenueVND)
            w.field("share_percent", ReportNumbers.percent(amount: row.revenueVND, of: total))
        }
        writer.endObject()
    }

    private static func totals(_ t: FairTotals, _ writer: inout JSONWriter) {
        writer.field("fairs", t.fairs)
        writer.field("in_province", t.inProvince)
        writer.field("visitors", t.visitors)
        writer.field("revenue_vnd", t.revenueVND)
        writer.field("local_revenue_vnd", t.localRevenueVND)
        writer.field("local_share_percent", t.localSharePercent)
    }

    // MARK: CSV

    /// One table of the report as CSV (RFC 4180, UTF-8 with BOM), columns named as in the JSON.
    static func csv(_ report: FairReport, table: FairReportTable) -> [UInt8] {
        let total = report.totals.revenueVND
        let share: @Sendable (Int64) -> String? = { ReportNumbers.percent(amount: $0, of: total) }
        let name = "fairs-report-\(table.rawValue).csv"
        switch table {
        case .byKind:
            let rows = report.byKind.map { (kind: $0.kind.rawValue, totals: $0.totals) } + [(kind: "all", totals: report.totals)]
            return CSVTable<(kind: String, totals: FairTotals)>(filename: name, columns: [
                ("kind", { $0.kind }), ("fairs", { String($0.totals.fairs) }), ("in_province", { String($0.totals.inProvince) }),
                ("visitors", { String($0.totals.visitors) }), ("revenue_vnd", { String($0.totals.revenueVND) }),
                ("local_revenue_vnd", { String($0.totals.localRevenueVND) }),
                ("local_share_percent", { $0.totals.localSharePercent }),
            ]).render(rows)
        case .fairs:
            return CSVTable<FairFigures>(filename: name, columns: [
                ("fair_id", { String($0.fairID) }), ("name", { $0.name }), ("kind", { $0.kind.rawValue }),
                ("starts_on", { $0.startsOn.description }), ("ends_on", { $0.endsOn.description }),
                ("province", { $0.province }), ("in_province", { String(Province.isHome($0.province)) }),
                ("visitors", { String($0.visitors) }), ("booths", { String($0.booths) }),
                ("local_booths", { String($0.localBooths) }), ("revenue_vnd", { String($0.revenueVND) }),
                ("local_revenue_vnd", { String($0.localRevenueVND) }),
                ("local_share_percent", { ReportNumbers.percent(amount: $0.localRevenueVND, of: $0.revenueVND) }),
            ]).render(report.fairs)
        case .topProducers:
            return CSVTable<ProducerTakings>(filename: name, columns: [
                ("producer_id", { String($0.producerID) }), ("name", { $0.name }), ("kind", { $0.kind.rawValue }),
                ("fairs", { String($0.fairs) }), ("revenue_vnd", { String($0.revenueVND) }),
                ("share_percent", { share($0.revenueVND) }),
            ]).render(report.topProducers)
        case .topProducts:
            return CSVTable<ProductTakings>(filename: name, columns: [
                ("product_id", { String($0.productID) }), ("code", { $0.code }), ("name", { $0.name }),
                ("producer_id", { String($0.producerID) }), ("units", { String($0.units) }),
                ("revenue_vnd", { String($0.revenueVND) }), ("share_percent", { share($0.revenueVND) }),
            ]).render(report.topProducts)
        }
    }
}
