import SQLite

extension ProductReportStore {
    /// Areas with a certification valid on `asOf`, by scheme and by scheme and kind, and the registries' sizes.
    public static func rawMaterials(_ db: Connection, asOf: CivilDate) throws -> RawMaterialTotals {
        // DISTINCT (area, scheme): an area holding two valid certificates of one scheme (a renewal
        // issued before the old one ran out) is one area, not two, in that scheme's total.
        let certified = """
            (SELECT DISTINCT area_id, scheme FROM area_certifications WHERE valid_from <= ?1 AND valid_until >= ?1) s
            JOIN raw_material_areas a ON a.id = s.area_id
            """
        // Establishments: distinct producers, plus each area registered without one.
        let figures = "count(*), sum(a.area_m2), count(DISTINCT a.producer_id) + sum(a.producer_id IS NULL)"
        let day = SQLiteValue.text(asOf.description)
        var kinds: [CertificationScheme: [SchemeKindTotal]] = [:]
        try db.query("""
            SELECT s.scheme, a.kind, \(figures) FROM \(certified) GROUP BY s.scheme, a.kind ORDER BY s.scheme, a.kind
            """, [day]) { row in
            guard let scheme = CertificationScheme(rawValue: row.string(0)),
                  let kind = AreaKind(rawValue: row.string(1)) else {
                throw DomainError.conflict("a raw-material area or certification has a corrupt scheme or kind")
            }
            kinds[scheme, default: []].append(
                SchemeKindTotal(kind: kind, areas: row.int(2), areaM2: row.int64(3), establishments: row.int(4)))
        }
        var schemes: [CertificationScheme: (areas: Int, areaM2: Int64, establishments: Int)] = [:]
        try db.query("SELECT s.scheme, \(figures) FROM \(certified) GROUP BY s.scheme", [day]) { row in
            if let scheme = CertificationScheme(rawValue: row.string(0)) {
                schemes[scheme] = (row.int(1), row.int64(2), row.int(3))
            }
        }
        let registries = try db.first("SELECT (SELECT count(*) FROM raw_material_areas), (SELECT count(*) FROM packing_facilities)") {
            (areas: $0.int(0), facilities: $0.int(1))
        }
        return RawMaterialTotals(
            byScheme: CertificationScheme.allCases.map { scheme in
                let total = schemes[scheme]
                let byKind = (kinds[scheme] ?? []).sorted { a, b in
                    AreaKind.allCases.firstIndex(of: a.kind) ?? 0 < AreaKind.allCases.firstIndex(of: b.kind) ?? 0
                }
                return SchemeTotal(scheme: scheme, areas: total?.areas ?? 0, areaM2: total?.areaM2 ?? 0,
                                   establishments: total?.establishments ?? 0, byKind: byKind)
            },
            registeredAreas: registries?.areas ?? 0, packingFacilities: registries?.facilities ?? 0)
    }
}
