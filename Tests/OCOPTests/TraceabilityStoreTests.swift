import SQLite
import Testing
@testable import OCOP

/// The resolver's reads against a real SQLite file: what a product links to, and that every
/// statement is an index search (a QR scan must never cost a table scan).
@Suite struct TraceabilityStoreTests {
    typealias F = ProductFixtures
    let database: Database

    init() throws { database = try makeDatabase() }

    @Test func gtinAndCodeFindTheSameProduct() throws {
        let id = try database.write { db in
            let producer = try F.producer(db)
            return try ProductStore.create(db, F.fields("QN-TP-0001", producer: producer, gtin: "8931234567897"),
                                           actor: .system, now: testNow).id
        }
        func find(_ key: ProductKey) throws -> Int64? { try database.read { try TraceabilityStore.productID($0, key) } }
        #expect(try find(.gtin(#require(GTIN("08931234567897")))) == id)
        #expect(try find(.gtin(#require(GTIN("8931234567897")))) == id)
        #expect(try find(.code("QN-TP-0001")) == id)
        #expect(try find(.code("qn-tp-0001")) == nil)   // codes are exact
        #expect(try find(.gtin(#require(GTIN("9506000134352")))) == nil)
        #expect(try database.read { try TraceabilityStore.trace($0, .code("QN-TP-9999")) } == nil)
    }

    @Test func aBareProductLinksOnlyToItsRecordAndProducer() throws {
        let (producer, id) = try database.write { db in
            let producer = try F.producer(db)
            return (producer, try F.product(db, "QN-TP-0002", name: "Bánh gật gù Quảng Yên", producer: producer))
        }
        let trace = try #require(try database.read { try TraceabilityStore.trace($0, .code("QN-TP-0002")) })
        #expect(trace.productID == id)
        #expect(trace.name == "Bánh gật gù Quảng Yên")
        #expect(trace.gtin == nil)
        #expect(trace.producer == ProductTrace.Entry(id: producer, name: "Hợp tác xã Miến dong Bình Liêu"))
        #expect(!trace.hasCertificates && trace.currentCertificate == nil)
        #expect(trace.rawMaterialAreas.isEmpty && !trace.hasActiveListings && trace.pointsOfSale.isEmpty)
    }

    @Test func everyRelatedRecordIsFound() throws {
        let (id, areas, certificate, stocked) = try database.write { db in
            let producer = try F.producer(db)
            let areas = [try F.area(db, "VN-QN-BL-002"), try F.area(db, "VN-QN-BL-001")]
            try db.run("UPDATE raw_material_areas SET name = 'Vùng dong riềng Đồng Văn' WHERE id = ?", [.integer(areas[1])])
            var fields = F.fields("QN-TP-0001", producer: producer, gtin: "8931234567897")
            fields.rawMaterialAreaIDs = areas
            let id = try ProductStore.create(db, fields, actor: .system, now: testNow).id
            try F.certificate(db, product: id, stars: 3, decided: "2021-01-05", expires: "2024-01-05")
            let certificate = try F.certificate(db, product: id, stars: 4, decided: "2024-01-10", expires: "2027-01-10")
            let now = testNow.description
            try db.run("""
                INSERT INTO listings (product_id, platform_id, status, accepts_non_cash, listed_on, created_at, updated_at)
                VALUES (?, 1, 'removed', 0, '2024-01-01', ?, ?), (?, 2, 'active', 1, '2024-01-01', ?, ?)
                """, [.integer(id), .text(now), .text(now), .integer(id), .text(now), .text(now)])
            var points: [Int64] = []
            for (code, name) in [("QN-HL-01", "Trung tâm OCOP Hạ Long"), ("QN-MC-01", "Điểm bán Móng Cái"), ("QN-CP-01", "Cẩm Phả")] {
                try db.run("""
                    INSERT INTO points_of_sale (code, name, kind, has_ocop_sign, has_shelves, has_price_list, created_at, updated_at)
                    VALUES (?, ?, 'store', 1, 1, 1, ?, ?)
                    """, [.text(code), .text(name), .text(now), .text(now)])
                points.append(db.lastInsertRowID)
            }
            // Stocked at the first and third; sold out at the second.
            for (point, level) in zip(points, [12, 0, 3] as [Int64]) {
                try db.run("""
                    INSERT INTO inventory_levels (point_of_sale_id, product_id, level, created_at, updated_at, version)
                    VALUES (?, ?, ?, ?, ?, 1)
                    """, [.integer(point), .integer(id), .integer(level), .text(now), .text(now)])
            }
            return (id, areas, certificate, [points[0], points[2]])
        }
        let gtin = try #require(GTIN("8931234567897"))
        let trace = try #require(try database.read { try TraceabilityStore.trace($0, .gtin(gtin)) })
        #expect(trace.productID == id)
        #expect(trace.hasCertificates)
        #expect(trace.currentCertificate?.id == certificate)
        #expect(trace.currentCertificate?.stars == .four)
        // In the product's order; an area without a name goes by its code.
        #expect(trace.rawMaterialAreas == [ProductTrace.Entry(id: areas[0], name: "VN-QN-BL-002"),
                                           ProductTrace.Entry(id: areas[1], name: "Vùng dong riềng Đồng Văn")])
        #expect(trace.hasActiveListings)
        #expect(trace.pointsOfSale.map(\.id) == stocked)
        #expect(trace.pointsOfSale.first?.name == "Trung tâm OCOP Hạ Long")
    }

    /// Every statement searches an index: no `SCAN` of a table, whatever the table sizes.
    @Test func everyStatementSearchesAnIndex() throws {
        let statements: [(String, [SQLiteValue])] = [
            (TraceabilityStore.idSQL("gtin"), [.text("08931234567897")]),
            (TraceabilityStore.idSQL("code"), [.text("QN-TP-0001")]),
            (TraceabilityStore.headSQL("gtin"), [.text("08931234567897")]),
            (TraceabilityStore.headSQL("code"), [.text("QN-TP-0001")]),
            (TraceabilityStore.areasSQL, [.integer(1)]),
            (TraceabilityStore.pointsOfSaleSQL, [.integer(1), .integer(50)]),
        ]
        try database.read { db in
            for (sql, bindings) in statements {
                let plan = try db.all("EXPLAIN QUERY PLAN " + sql, bindings) { $0.string(3) }
                #expect(!plan.isEmpty)
                #expect(plan.allSatisfy { !$0.hasPrefix("SCAN") }, "\(sql)\n\(plan.joined(separator: "\n"))")
            }
            let gtinPlan = try db.all("EXPLAIN QUERY PLAN " + TraceabilityStore.headSQL("gtin"), [.text("x")]) { $0.string(3) }
            #expect(gtinPlan.contains { $0.contains("SEARCH p USING INDEX") && $0.contains("(gtin=?)") }, "\(gtinPlan)")
        }
    }
}
