import SQLite

/// Computes the products report with SQL aggregates over the recorded certificates, evaluations
/// and registries. Nothing here is stored or cached: the report is as right as the data.
///
/// "Valid on day D" (`validOn`) is the certificate status rule read as of D instead of today:
/// decided on or before D, last valid day on or after D, not revoked on or before D, and not
/// renewed by a certificate decided on or before D. So a report for a past day leaves out what
/// was decided or revoked later, and a renewal only takes effect from its decision.
public enum ProductReportStore {
    /// The whole report, read from one snapshot so its figures agree with each other.
    public static func report(_ db: Connection, _ query: ProductReportQuery) throws -> ProductReport {
        // A SAVEPOINT outside a transaction opens one (lang_savepoint.html): a decision committed
        // between two of the queries below cannot make the totals disagree with the lists.
        try db.savepoint("product_report") {
            ProductReport(query: query, certified: try certified(db, asOf: query.asOf),
                          expiring: try expiring(db, query), expired: try expired(db, query),
                          rawMaterials: try rawMaterials(db, asOf: query.asOf))
        }
    }

    /// `validOn` for certificate `c` with its renewer `r` LEFT JOINed, the day bound to `?1`.
    /// Dates are ISO text, so text comparison is date comparison.
    static let validOn = """
        c.decided_on <= ?1 AND c.expires_on >= ?1 AND (c.revoked_on IS NULL OR c.revoked_on > ?1) \
        AND (r.id IS NULL OR r.decided_on > ?1)
        """

    /// `validOn` for another certificate `d` of the same product, with its renewer `dr`.
    static let laterValid = """
        SELECT 1 FROM certificates d LEFT JOIN certificates dr ON dr.id = d.renewed_by_id
        WHERE d.product_id = c.product_id AND d.id > c.id AND d.decided_on <= ?1 AND d.expires_on >= ?1
          AND (d.revoked_on IS NULL OR d.revoked_on > ?1) AND (dr.id IS NULL OR dr.decided_on > ?1)
        """

    /// Certified products on `asOf`, counted by stars, group, place and producer kind.
    public static func certified(_ db: Connection, asOf: CivilDate) throws -> CertifiedProducts {
        // One row per (producer, stars, group): few enough to fold in Swift, and one pass over the
        // certificates serves every breakdown. A product counts once, under the most recently issued
        // of its valid certificates: two overlap only when a new decision was backdated before the
        // revocation of the old one. The product's current certificate is its most recently issued
        // (EvaluationDecision makes each new one current), so only an older one needs the check.
        //
        // NOT INDEXED: on any recent day most certificates are in the expiry range, and a sequential
        // scan of the table is several times cheaper than walking `certificates_by_expiry` and
        // fetching each row (measured at 100,000 products).
        var stars: [StarRating: Int] = [:]
        var groups: [String: Int] = [:]
        var districts: [PlaceKey: Int] = [:]
        var communes: [PlaceKey: Int] = [:]
        var kinds: [ProducerKind: (products: Int, producers: Set<Int64>)] = [:]
        try db.query("""
            SELECT p.producer_id, pr.kind, c.district, c.commune, c.stars, p.group_code, count(*)
            FROM certificates c NOT INDEXED LEFT JOIN certificates r ON r.id = c.renewed_by_id
                 JOIN products p ON p.id = c.product_id JOIN producers pr ON pr.id = p.producer_id
            WHERE \(validOn) AND (c.id = p.current_certificate_id OR NOT EXISTS (\(laterValid)))
            GROUP BY p.producer_id, c.stars, p.group_code, c.district, c.commune
            """, [.text(asOf.description)]) { row in
            guard let kind = ProducerKind(rawValue: row.string(1)), let rating = StarRating(rawValue: row.int(4)) else {
                throw DomainError.conflict("producer \(row.int64(0)) or one of its certificates has corrupt stored fields")
            }
            let count = row.int(6)
            stars[rating, default: 0] += count
            groups[row.string(5), default: 0] += count
            let district = row.optionalString(2)
            districts[PlaceKey(district: district, commune: nil), default: 0] += count
            communes[PlaceKey(district: district, commune: row.optionalString(3)), default: 0] += count
            kinds[kind, default: (0, [])].products += count
            kinds[kind, default: (0, [])].producers.insert(row.int64(0))
        }
        let groupRows = try db.all("SELECT code, name FROM product_groups ORDER BY position") {
            GroupCount(group: $0.string(0), name: $0.string(1), products: groups[$0.string(0)] ?? 0)
        }
        return CertifiedProducts(
            total: stars.values.reduce(0, +),
            byStars: StarRating.allCases.filter(\.isCertified).map { StarsCount(stars: $0, products: stars[$0] ?? 0) },
            byGroup: groupRows,
            byDistrict: PlaceKey.sorted(districts).map { DistrictCount(district: $0.key.district, products: $0.value) },
            byCommune: PlaceKey.sorted(communes).map {
                CommuneCount(district: $0.key.district, commune: $0.key.commune, products: $0.value)
            },
            byProducerKind: ProducerKind.allCases.map {
                ProducerKindCount(kind: $0, products: kinds[$0]?.products ?? 0, producers: kinds[$0]?.producers.count ?? 0)
            })
    }
}

/// A producer's place as reports group it; nil parts are places the producer did not give.
struct PlaceKey: Hashable {
    let district: String?
    let commune: String?

    /// Vietnamese alphabetical order (district, then commune), unknown places last.
    static func sorted(_ counts: [PlaceKey: Int]) -> [(key: PlaceKey, value: Int)] {
        let keyed = counts.map { entry in
            (entry: entry, district: entry.key.district.map(VietnameseCollation.sortKey),
             commune: entry.key.commune.map(VietnameseCollation.sortKey))
        }
        return keyed.sorted { a, b in
            a.district != b.district ? precedes(a.district, b.district) : precedes(a.commune, b.commune)
        }.map { (key: $0.entry.key, value: $0.entry.value) }
    }

    /// Collation keys in order, nil (no place given) after every name.
    private static func precedes(_ a: [UInt8]?, _ b: [UInt8]?) -> Bool {
        switch (a, b) {
        case let (a?, b?): a.lexicographicallyPrecedes(b)
        case (_?, nil): true
        case (nil, _): false
        }
    }
}
