import JSON
import OCOP

/// The tables of the products report a CSV export can hold (`?table=`).
enum ReportTable: String, CaseIterable, Sendable {
    case byStars = "by_stars"
    case byGroup = "by_group"
    case byDistrict = "by_district"
    case byCommune = "by_commune"
    case byProducerKind = "by_producer_kind"
    case expiring
    case rawMaterials = "raw_materials"
}

/// The JSON and CSV shapes of the products report. Shares are computed here from the counts
/// (percent with one decimal, integer arithmetic) and hectares from whole square metres.
enum ReportRepresentation {
    static func write(_ report: ProductReport, to writer: inout JSONWriter) {
        let certified = report.certified
        let share = { (count: Int) in ReportNumbers.percent(count, of: certified.total) }
        writer.beginObject()
        writer.field("as_of", report.query.asOf.description)

        writer.key("certified_products")
        writer.beginObject()
        certifiedHead(certified, to: &writer)
        writer.key("by_district")
        writer.objects(certified.byDistrict) { row, w in
            w.field("district", row.district)
            w.field("products", row.products)
            w.field("share_percent", share(row.products))
        }
        writer.key("by_commune")
        writer.objects(certified.byCommune) { row, w in
            w.field("district", row.district)
            w.field("commune", row.commune)
            w.field("products", row.products)
            w.field("share_percent", share(row.products))
        }
        writer.key("by_producer_kind")
        writer.objects(certified.byProducerKind) { row, w in
            w.field("kind", row.kind.rawValue)
            w.field("products", row.products)
            w.field("share_percent", share(row.products))
            w.field("producers", row.producers)
        }
        writer.endObject()

        writer.key("expiring")
        writer.beginObject()
        writer.field("within_days", report.query.withinDays)
        writer.field("through", report.query.expiringThrough.description)
        writer.field("count", report.expiring.count)
        writer.key("certificates")
        writer.objects(report.expiring) { row, w in
            expiring(row, to: &w)
        }
        writer.endObject()

        let expired = report.expired
        writer.key("expired")
        writer.beginObject()
        writer.field("from", expired.from.description)
        writer.field("to", expired.to.description)
        writer.field("certificates", expired.expired)
        writer.field("reentered_evaluation", expired.reentered)
        writer.field("reentered_share_percent", ReportNumbers.percent(expired.reentered, of: expired.expired))
        writer.endObject()

        let raw = report.rawMaterials
        writer.key("raw_materials")
        writer.beginObject()
        writer.key("by_scheme")
        writer.objects(raw.byScheme) { row, w in
            w.field("scheme", row.scheme.rawValue)
            areaFigures(areas: row.areas, m2: row.areaM2, establishments: row.establishments, &w)
            w.key("by_kind")
            w.objects(row.byKind) { kind, w in
                w.field("kind", kind.kind.rawValue)
                areaFigures(areas: kind.areas, m2: kind.areaM2, establishments: kind.establishments, &w)
            }
        }
        writer.field("registered_areas", raw.registeredAreas)
        writer.field("packing_facilities", raw.packingFacilities)
        writer.endObject()
        writer.endObject()
    }

    /// The figures the overview repeats from this report, so both name them alike:
    /// certified totals, then by stars and by group with their shares.
    static func certifiedHead(_ certified: CertifiedProducts, to writer: inout JSONWriter) {
        let share = { (count: Int) in ReportNumbers.percent(count, of: certified.total) }
        writer.field("total", certified.total)
        writer.field("producers", certified.producers)
        writer.key("by_stars")
        writer.objects(certified.byStars) { row, w in
            w.field("stars", row.stars.rawValue)
            w.field("products", row.products)
            w.field("share_percent", share(row.products))
        }
        writer.key("by_group")
        writer.objects(certified.byGroup) { row, w in
            w.field("group", row.group)
            w.field("name", row.name)
            w.field("products", row.products)
            w.field("share_percent", share(row.products))
        }
    }

    /// One expiring certificate, as both reports list them.
    static func expiring(_ row: ExpiringCertificate, to writer: inout JSONWriter) {
        writer.field("certificate_id", row.certificateID)
        writer.field("number", row.number)
        writer.field("product_id", row.productID)
        writer.field("product_code", row.productCode)
        writer.field("product_name", row.productName)
        writer.field("stars", row.stars.rawValue)
        writer.field("expires_on", row.expiresOn.description)
        writer.field("days_left", row.daysLeft)
    }

    private static func areaFigures(areas: Int, m2: Int64, establishments: Int, _ writer: inout JSONWriter) {
        writer.field("areas", areas)
        writer.field("area_m2", m2)
        writer.field("area_ha", ReportNumbers.hectares(squareMetres: m2))
        writer.field("establishments", establishments)
    }

    // MARK: CSV

    /// One table of the report as CSV (RFC 4180, UTF-8 with BOM), the columns named as in the JSON.
    static func csv(_ report: ProductReport, table: ReportTable) -> [UInt8] {
        let total = report.certified.total
        let share: @Sendable (Int) -> String? = { ReportNumbers.percent($0, of: total) }
        let name = "products-report-\(table.rawValue).csv"
        switch table {
        case .byStars:
            return CSVTable<StarsCount>(filename: name, columns: [
                ("stars", { String($0.stars.rawValue) }), ("products", { String($0.products) }),
                ("share_percent", { share($0.products) }),
            ]).render(report.certified.byStars)
        case .byGroup:
            return CSVTable<GroupCount>(filename: name, columns: [
                ("group", { $0.group }), ("name", { $0.name }), ("products", { String($0.products) }),
                ("share_percent", { share($0.products) }),
            ]).render(report.certified.byGroup)
        case .byDistrict:
            return CSVTable<DistrictCount>(filename: name, columns: [
                ("district", { $0.district }), ("products", { String($0.products) }), ("share_percent", { share($0.products) }),
            ]).render(report.certified.byDistrict)
        case .byCommune:
            return CSVTable<CommuneCount>(filename: name, columns: [
                ("district", { $0.district }), ("commune", { $0.commune }), ("products", { String($0.products) }),
                ("share_percent", { share($0.products) }),
            ]).render(report.certified.byCommune)
        case .byProducerKind:
            return CSVTable<ProducerKindCount>(filename: name, columns: [
                ("kind", { $0.kind.rawValue }), ("products", { String($0.products) }),
                ("share_percent", { share($0.products) }), ("producers", { String($0.producers) }),
            ]).render(report.certified.byProducerKind)
        case .expiring:
            return CSVTable<ExpiringCertificate>(filename: name, columns: [
                ("certificate_id", { String($0.certificateID) }), ("number", { $0.number }),
                ("product_id", { String($0.productID) }), ("product_code", { $0.productCode }),
                ("product_name", { $0.productName }), ("stars", { String($0.stars.rawValue) }),
                ("expires_on", { $0.expiresOn.description }), ("days_left", { String($0.daysLeft) }),
            ]).render(report.expiring)
        case .rawMaterials:
            // One row per scheme (kind "all"), then one per kind of area under it.
            let rows = report.rawMaterials.byScheme.flatMap { scheme in
                [RawMaterialRow(scheme: scheme.scheme, kind: "all", areas: scheme.areas, areaM2: scheme.areaM2,
                                establishments: scheme.establishments)]
                    + scheme.byKind.map {
                        RawMaterialRow(scheme: scheme.scheme, kind: $0.kind.rawValue, areas: $0.areas, areaM2: $0.areaM2,
                                       establishments: $0.establishments)
                    }
            }
            return CSVTable<RawMaterialRow>(filename: name, columns: [
                ("scheme", { $0.scheme.rawValue }), ("kind", { $0.kind }), ("areas", { String($0.areas) }),
                ("area_m2", { String($0.areaM2) }), ("area_ha", { ReportNumbers.hectares(squareMetres: $0.areaM2) }),
                ("establishments", { String($0.establishments) }),
            ]).render(rows)
        }
    }

    /// A line of the raw-materials CSV: a scheme's total (kind "all") or one kind under it.
    struct RawMaterialRow: Sendable {
        let scheme: CertificationScheme
        let kind: String
        let areas: Int
        let areaM2: Int64
        let establishments: Int
    }
}
