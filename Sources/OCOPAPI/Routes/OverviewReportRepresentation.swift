import JSON
import OCOP

/// The tables of the overview a CSV export can hold (`?table=`).
enum OverviewReportTable: String, CaseIterable, Sendable {
    /// The single figures (points of sale, fairs, sales, totals) as `section,figure,value` rows.
    case headline
    case stars
    case groups
    case producers
    /// Every expiring certificate of the 90 days (JSON lists the first 10).
    case expiring
    case platforms
}

/// The JSON and CSV shapes of the overview. Field names follow the detailed reports', so a
/// dashboard reads the same column the same way on either.
enum OverviewReportRepresentation {
    static func write(_ report: OverviewReport, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("as_of", report.query.asOf.description)

        writer.key("certified_products")
        writer.beginObject()
        ReportRepresentation.certifiedHead(report.certified, to: &writer)
        writer.endObject()

        writer.key("producers")
        writer.beginObject()
        writer.field("registered", report.producers.reduce(0) { $0 + $1.registered })
        writer.field("certified_producers", report.producers.reduce(0) { $0 + $1.certifiedProducers })
        writer.key("by_kind")
        writer.objects(report.producers) { row, w in
            w.field("kind", row.kind.rawValue)
            w.field("registered", row.registered)
            w.field("certified_producers", row.certifiedProducers)
            w.field("certified_products", row.certifiedProducts)
        }
        writer.endObject()

        writer.key("expiring_certificates")
        writer.beginObject()
        writer.field("within_days", OverviewReportQuery.expiringWithinDays)
        writer.field("through", report.expiringThrough.description)
        writer.field("count", report.expiring.count)
        writer.field("truncated", report.expiring.count > OverviewReportQuery.expiringListed)
        writer.key("certificates")
        writer.objects(Array(report.expiring.prefix(OverviewReportQuery.expiringListed))) { row, w in
            ReportRepresentation.expiring(row, to: &w)
        }
        writer.endObject()

        writer.key("points_of_sale")
        writer.beginObject()
        writer.field("total", report.pointsOfSale.total)
        writer.field("compliant", report.pointsOfSale.compliant)
        writer.field("compliant_share_percent", report.pointsOfSale.compliantSharePercent)
        writer.endObject()

        let fairs = report.fairs
        writer.key("fairs")
        writer.beginObject()
        writer.field("from", report.query.yearStart.description)
        writer.field("to", report.query.asOf.description)
        writer.field("fairs", fairs.fairs)
        writer.field("in_province", fairs.inProvince)
        writer.field("visitors", fairs.visitors)
        writer.field("revenue_vnd", fairs.revenueVND)
        writer.field("local_revenue_vnd", fairs.localRevenueVND)
        writer.field("local_share_percent", fairs.localSharePercent)
        writer.endObject()

        writer.key("ecommerce")
        writer.beginObject()
        writer.field("certified_products", report.ecommerce.certified)
        writer.key("platforms")
        writer.objects(report.ecommerce.platforms) { row, w in
            w.field("platform_id", row.platformID)
            w.field("code", row.code)
            w.field("name", row.name)
            w.field("kind", row.kind.rawValue)
            w.field("listed_products", row.listedProducts)
            w.field("share_percent", row.sharePercent)
            w.field("non_cash_listings", row.nonCashListings)
            w.field("non_cash_share_percent", row.nonCashSharePercent)
        }
        writer.endObject()

        let sales = report.sales
        writer.key("sales")
        writer.beginObject()
        writer.field("from", report.query.salesFrom.description)
        writer.field("to", report.query.asOf.description)
        writer.field("revenue_vnd", sales.revenueVND)
        writer.field("units", sales.units)
        writer.field("sales", sales.sales)
        writer.field("non_cash_vnd", sales.nonCashVND)
        writer.field("non_cash_share_percent", sales.nonCashSharePercent)
        writer.endObject()
        writer.endObject()
    }

    // MARK: CSV

    /// One row of the headline table.
    struct Figure: Sendable {
        let section: String
        let figure: String
        let value: String?
    }

    /// The single figures, named as in the JSON (`section.figure`; the top-level `as_of` is in
    /// section `overview`). Every date the JSON gives is here too, so a saved file says when it holds.
    static func headline(_ report: OverviewReport) -> [Figure] {
        let fairs = report.fairs, sales = report.sales, points = report.pointsOfSale
        let rows: [(String, String, String?)] = [
            ("overview", "as_of", report.query.asOf.description),
            ("certified_products", "total", String(report.certified.total)),
            ("certified_products", "producers", String(report.certified.producers)),
            ("producers", "registered", String(report.producers.reduce(0) { $0 + $1.registered })),
            ("expiring_certificates", "count", String(report.expiring.count)),
            ("expiring_certificates", "within_days", String(OverviewReportQuery.expiringWithinDays)),
            ("expiring_certificates", "through", report.expiringThrough.description),
            ("points_of_sale", "total", String(points.total)),
            ("points_of_sale", "compliant", String(points.compliant)),
            ("points_of_sale", "compliant_share_percent", points.compliantSharePercent),
            ("fairs", "from", report.query.yearStart.description),
            ("fairs", "to", report.query.asOf.description),
            ("fairs", "fairs", String(fairs.fairs)),
            ("fairs", "in_province", String(fairs.inProvince)),
            ("fairs", "visitors", String(fairs.visitors)),
            ("fairs", "revenue_vnd", String(fairs.revenueVND)),
            ("fairs", "local_revenue_vnd", String(fairs.localRevenueVND)),
            ("fairs", "local_share_percent", fairs.localSharePercent),
            ("ecommerce", "certified_products", String(report.ecommerce.certified)),
            ("sales", "from", report.query.salesFrom.description),
            ("sales", "to", report.query.asOf.description),
            ("sales", "revenue_vnd", String(sales.revenueVND)),
            ("sales", "units", String(sales.units)),
            ("sales", "sales", String(sales.sales)),
            ("sales", "non_cash_vnd", String(sales.nonCashVND)),
            ("sales", "non_cash_share_percent", sales.nonCashSharePercent),
        ]
        return rows.map { Figure(section: $0.0, figure: $0.1, value: $0.2) }
    }

    /// One table as CSV (RFC 4180, UTF-8 with BOM), columns named as in the JSON.
    static func csv(_ report: OverviewReport, table: OverviewReportTable) -> [UInt8] {
        let name = "overview-\(table.rawValue).csv"
        let total = report.certified.total
        switch table {
        case .headline:
            return CSVTable<Figure>(filename: name, columns: [
                ("section", { $0.section }), ("figure", { $0.figure }), ("value", { $0.value }),
            ]).render(headline(report))
        case .stars:
            return CSVTable<StarsCount>(filename: name, columns: [
                ("stars", { String($0.stars.rawValue) }), ("products", { String($0.products) }),
                ("share_percent", { ReportNumbers.percent($0.products, of: total) }),
            ]).render(report.certified.byStars)
        case .groups:
            return CSVTable<GroupCount>(filename: name, columns: [
                ("group", { $0.group }), ("name", { $0.name }), ("products", { String($0.products) }),
                ("share_percent", { ReportNumbers.percent($0.products, of: total) }),
            ]).render(report.certified.byGroup)
        case .producers:
            return CSVTable<ProducerKindOverview>(filename: name, columns: [
                ("kind", { $0.kind.rawValue }), ("registered", { String($0.registered) }),
                ("certified_producers", { String($0.certifiedProducers) }),
                ("certified_products", { String($0.certifiedProducts) }),
            ]).render(report.producers)
        case .expiring:
            return CSVTable<ExpiringCertificate>(filename: name, columns: [
                ("certificate_id", { String($0.certificateID) }), ("number", { $0.number }),
                ("product_id", { String($0.productID) }), ("product_code", { $0.productCode }),
                ("product_name", { $0.productName }), ("stars", { String($0.stars.rawValue) }),
                ("expires_on", { $0.expiresOn.description }), ("days_left", { String($0.daysLeft) }),
            ]).render(report.expiring)
        case .platforms:
            return CSVTable<PlatformCoverage>(filename: name, columns: [
                ("platform_id", { String($0.platformID) }), ("code", { $0.code }), ("name", { $0.name }),
                ("kind", { $0.kind.rawValue }), ("listed_products", { String($0.listedProducts) }),
                ("certified_products", { String($0.certifiedProducts) }), ("share_percent", { $0.sharePercent }),
                ("non_cash_listings", { String($0.nonCashListings) }),
                ("non_cash_share_percent", { $0.nonCashSharePercent }),
            ]).render(report.ecommerce.platforms)
        }
    }
}
