import SQLite

/// The resolver's reads. A shopper scanning a QR code costs one lookup in a unique index
/// (`products.gtin` and `products.code` are UNIQUE, so SQLite keeps an index on each); the
/// list of links adds a few more index searches by product id in the same read, never a scan.
public enum TraceabilityStore {
    /// Points of sale listed for one product at most: the province has 23; a bound keeps a
    /// linkset small whatever the registry grows to.
    public static let maximumPointsOfSale = 50

    /// The id of the product `key` names, or nil.
    public static func productID(_ db: Connection, _ key: ProductKey) throws -> Int64? {
        let (column, value) = lookup(key)
        return try db.first(idSQL(column), [value]) { $0.int64(0) }
    }

    /// Everything the product `key` names can be linked to, or nil when it names none.
    /// Call inside one `Database.read`, so the links agree with each other.
    public static func trace(_ db: Connection, _ key: ProductKey) throws -> ProductTrace? {
        let (column, value) = lookup(key)
        guard let head = try db.first(headSQL(column), [value], decodeHead) else { return nil }
        let id = head.productID
        let areas = try db.all(areasSQL, [.integer(id)]) { row in
            ProductTrace.Entry(id: row.int64(0), name: row.optionalString(2) ?? row.string(1))
        }
        let points = try db.all(pointsOfSaleSQL, [.integer(id), .integer(Int64(maximumPointsOfSale))]) { row in
            ProductTrace.Entry(id: row.int64(0), name: row.string(1))
        }
        return ProductTrace(productID: id, code: head.code, name: head.name, gtin: head.gtin, producer: head.producer,
                            hasCertificates: head.hasCertificates, currentCertificate: head.certificate,
                            rawMaterialAreas: areas, hasActiveListings: head.hasActiveListings, pointsOfSale: points)
    }

    // MARK: SQL (internal for the query-plan tests)

    /// The QR-scan path: one search of the column's unique index.
    static func idSQL(_ column: String) -> String { "SELECT id FROM products WHERE \(column) = ?" }

    /// The product, its producer and current certificate, and whether it has any certificate
    /// (`certificates_by_product`) or an active listing (`listings_by_product`).
    static func headSQL(_ column: String) -> String {
        """
        SELECT p.id, p.code, p.name, p.gtin, p.producer_id, pr.name, c.id, c.number, c.stars,
               EXISTS (SELECT 1 FROM certificates h WHERE h.product_id = p.id),
               EXISTS (SELECT 1 FROM listings l WHERE l.product_id = p.id AND l.status = 'active'),
               c.expires_on, c.renewed_by_id, c.revoked_on
        FROM products p
        JOIN producers pr ON pr.id = p.producer_id
        LEFT JOIN certificates c ON c.id = p.current_certificate_id
        WHERE p.\(column) = ?
        """
    }

    static let areasSQL = """
        SELECT a.id, a.code, a.name FROM product_areas pa JOIN raw_material_areas a ON a.id = pa.area_id
        WHERE pa.product_id = ? ORDER BY pa.position
        """

    static let pointsOfSaleSQL = """
        SELECT s.id, s.name FROM inventory_levels i JOIN points_of_sale s ON s.id = i.point_of_sale_id
        WHERE i.product_id = ? AND i.level > 0 AND s.archived_on IS NULL ORDER BY s.id LIMIT ?
        """

    /// The indexed column and the value a key looks up: the GTIN is stored as its 14 digits.
    static func lookup(_ key: ProductKey) -> (column: String, value: SQLiteValue) {
        switch key {
        case .gtin(let gtin): return ("gtin", .text(gtin.digits))
        case .code(let code): return ("code", .text(code))
        }
    }

    private struct Head {
        let productID: Int64
        let code: String
        let name: String
        let gtin: GTIN?
        let producer: ProductTrace.Entry
        let certificate: ProductTrace.Certificate?
        let hasCertificates: Bool
        let hasActiveListings: Bool
    }

    private static func decodeHead(_ row: Row) throws -> Head {
        let id = row.int64(0)
        var certificate: ProductTrace.Certificate?
        if let certificateID = row.optionalInt64(6) {
            guard let stars = StarRating(rawValue: row.int(8)), let expiresOn = CivilDate(row.string(11)) else {
                throw DomainError.conflict("certificate \(certificateID) has corrupt stored fields")
            }
            certificate = ProductTrace.Certificate(id: certificateID, number: row.string(7), stars: stars, expiresOn: expiresOn,
                                                   renewed: !row.isNull(12), revoked: !row.isNull(13))
        }
        return Head(productID: id, code: row.string(1), name: row.string(2), gtin: row.optionalString(3).flatMap(GTIN.init),
                    producer: ProductTrace.Entry(id: row.int64(4), name: row.string(5)), certificate: certificate,
                    hasCertificates: row.bool(9), hasActiveListings: row.bool(10))
    }
}
