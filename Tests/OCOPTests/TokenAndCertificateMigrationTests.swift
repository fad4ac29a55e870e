import Foundation
import JSON
@testable import OCOP
import SQLite
import Testing
import TestSupport

/// Migrations 0016 and 0017 on a database of before. 0016 rebuilds `tokens` to admit role `booth`:
/// every token issued before keeps its id, secret, binding, revocation and version.
@Suite struct TokenAndCertificateMigrationTests {
    @Test func tokensIssuedBeforeStillAuthenticateAfter() throws {
        let path = Scratch.path("ocop-unit") + "/ocop.sqlite"
        let database = try Database(path: path)
        defer { database.close() }
        let shipped = try Self.shippedThrough0015
        #expect(Schema.migrator.names.starts(with: shipped.names + ["0016_booth_tokens"]))
        try database.migrate(shipped)
        // Rows as 0001's table held them: an admin, and a revoked pos token of point of sale 3.
        try database.write { db in
            try db.run("""
                INSERT INTO tokens (id, name, role, point_of_sale_id, secret_hash, hint, created_at, updated_at, revoked_at, version)
                VALUES (4, 'Quản trị', 'admin', NULL, ?, 'ocop_AAAA…', '2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z', NULL, 1),
                       (9, 'Quầy Bãi Cháy', 'pos', 3, ?, 'ocop_BBBB…', '2025-02-01T00:00:00Z', '2025-03-01T00:00:00Z',
                        '2025-03-01T00:00:00Z', 2)
                """, [.blob(SHA256.hash("secret-of-the-admin")), .blob(SHA256.hash("secret-of-the-terminal"))])
        }
        try database.migrate(Schema.migrator)

        #expect(try database.read { try TokenStore.authenticate($0, secret: "secret-of-the-admin") }
                == Principal(tokenID: 4, role: .admin, pointOfSaleID: nil, hasGeneratedSecret: true))
        #expect(try database.read { try TokenStore.authenticate($0, secret: "secret-of-the-terminal") } == nil)
        let terminal = try #require(try database.read { try TokenStore.get($0, id: 9) })
        #expect(terminal.role == .pos && terminal.pointOfSaleID == 3 && terminal.fairBoothID == nil)
        #expect(terminal.revokedAt != nil && terminal.version == 2 && terminal.hint == "ocop_BBBB…")
        // The rebuilt table keeps its rules: a secret is unique, a booth token names a booth.
        try database.write { db in
            #expect(throws: SQLiteError.self) {
                try db.run("INSERT INTO tokens (name, role, secret_hash, hint, created_at, updated_at) VALUES ('x', 'booth', ?, 'h', 't', 't')",
                           [.blob(SHA256.hash("another"))])
            }
            #expect(throws: SQLiteError.self) {
                try db.run("INSERT INTO tokens (name, role, secret_hash, hint, created_at, updated_at) VALUES ('x', 'officer', ?, 'h', 't', 't')",
                           [.blob(SHA256.hash("secret-of-the-admin"))])
            }
        }
    }

    /// The migrations as shipped before 0016, in their order.
    static var shippedThrough0015: Migrator {
        get throws { try #require(Schema.migrator.prefix(through: "0015_listings_deleted")) }
    }

    /// 0017 rebuilds certificates: each takes its producer's place when it was issued (from the
    /// audit log), keeps its id, its
    /// links (renewal chain, the product's current certificate), and a number may come back for
    /// a later decision of the same product.
    @Test func certificatesKeepTheirLinksAndTakeTheProducersPlace() throws {
        let path = Scratch.path("ocop-unit") + "/ocop.sqlite"
        let database = try Database(path: path)
        defer { database.close() }
        var before = try #require(Schema.migrator.prefix(through: "0016_booth_tokens"))
        // Today's producer inserts fill the search queue's column from 0020, which touches nothing else here.
        before.register("0020_search_queue_new_rows", Schema.markNewRowsInSearchQueue)
        try database.migrate(before)
        let product = try database.write { db -> Int64 in
            let producer = try ProducerStore.create(db, ProducerFields(name: "HTX Miến dong", kind: .cooperative,
                                                                       commune: "Đồng Văn", district: "Bình Liêu"),
                                                    actor: .system, now: testNow).id
            let product = try db.first("""
                INSERT INTO products (code, name, name_key, producer_id, group_code, origin_province, created_at, updated_at)
                VALUES ('QN-1', 'Miến', x'00', ?, 'food', 'Quảng Ninh', 't', 't') RETURNING id
                """, [.integer(producer)]) { $0.int64(0) } ?? 0
            func certificate(_ id: Int64, _ number: String, decidedOn: String, renewedBy: Int64?, audited: Bool) throws {
                try db.run("""
                    INSERT INTO certificates (id, number, product_id, stars, council_level, legal_basis, decided_on, expires_on,
                                              renewed_by_id, created_at, updated_at)
                    VALUES (?, ?, ?, 4, 'province', 'QĐ 148/QĐ-TTg', ?, '2027-06-10', ?, '2021-06-10T02:00:00Z',
                            '2021-06-10T02:00:00Z')
                    """, [.integer(id), .text(number), .integer(product), .text(decidedOn), SQLiteValue(renewedBy)])
                if audited {
                    try AuditLog.record(db, actor: .system, entity: .certificate, entityID: id, action: "create",
                                        changes: JSONObject([("number", .string(number))]), at: testNow)
                }
            }
            // Issued in Bình Liêu; then the producer moved (a commune merged in 2025); then renewed.
            try certificate(7, "55/QĐ-UBND/QN-1", decidedOn: "2021-06-10", renewedBy: nil, audited: true)
            _ = try ProducerStore.replace(db, id: producer, with: ProducerFields(name: "HTX Miến dong", kind: .cooperative,
                                                                                commune: "Xã Bình Liêu", district: nil),
                                          ifVersion: nil, actor: .system, now: testNow)
            try certificate(8, "312/QĐ-UBND/QN-1", decidedOn: "2024-06-10", renewedBy: nil, audited: true)
            // One the log does not know (written by hand): the producer's place of today.
            try certificate(9, "9/QĐ-UBND/QN-1", decidedOn: "2024-06-11", renewedBy: nil, audited: false)
            // A product certified while its producer was in Quảng Yên, then moved to a producer
            // registered later in Đầm Hà: its certificate keeps Quảng Yên.
            let maker = try ProducerStore.create(db, ProducerFields(name: "HTX Hà An", kind: .cooperative,
                                                                    commune: "Hà An", district: "Quảng Yên"),
                                                 actor: .system, now: testNow).id
            let moved = try db.first("""
                INSERT INTO products (code, name, name_key, producer_id, group_code, origin_province, created_at, updated_at)
                VALUES ('QN-2', 'Nước mắm', x'00', ?, 'food', 'Quảng Ninh', 't', 't') RETURNING id
                """, [.integer(maker)]) { $0.int64(0) } ?? 0
            try AuditLog.record(db, actor: .system, entity: .product, entityID: moved, action: "create",
                                changes: JSONObject([("code", "QN-2"), ("producer_id", .number(JSONNumber(maker)))]), at: testNow)
            try db.run("""
                INSERT INTO certificates (id, number, product_id, stars, council_level, legal_basis, decided_on, expires_on,
                                          created_at, updated_at)
                VALUES (10, '60/QĐ-UBND/QN-2', ?, 3, 'province', 'QĐ 148/QĐ-TTg', '2022-03-01', '2025-03-01',
                        '2022-03-01T02:00:00Z', '2022-03-01T02:00:00Z')
                """, [.integer(moved)])
            try AuditLog.record(db, actor: .system, entity: .certificate, entityID: 10, action: "create",
                                changes: JSONObject([("number", "60/QĐ-UBND/QN-2")]), at: testNow)
            let taker = try ProducerStore.create(db, ProducerFields(name: "HTX Quảng Tân", kind: .cooperative,
                                                                    commune: "Quảng Tân", district: "Đầm Hà"),
                                                 actor: .system, now: testNow).id
            try db.run("UPDATE products SET producer_id = ? WHERE id = ?", [.integer(taker), .integer(moved)])
            try AuditLog.record(db, actor: .system, entity: .product, entityID: moved, action: "update",
                                changes: AuditLog.diff(JSONObject([("producer_id", .number(JSONNumber(maker)))]),
                                                       JSONObject([("producer_id", .number(JSONNumber(taker)))])),
                                at: testNow)
            try db.run("UPDATE certificates SET previous_id = 7 WHERE id = 8")
            try db.run("UPDATE certificates SET renewed_by_id = 8 WHERE id = 7")
            try db.run("UPDATE products SET current_certificate_id = 8 WHERE id = ?", [.integer(product)])
            return product
        }
        try database.migrate(Schema.migrator)
        let (first, second, third, moved) = try database.read { db in
            (try CertificateStore.get(db, id: 7), try CertificateStore.get(db, id: 8), try CertificateStore.get(db, id: 9),
             try CertificateStore.get(db, id: 10))
        }
        #expect(moved?.place == IssuedPlace(district: "Quảng Yên", commune: "Hà An"))
        #expect(first?.place == IssuedPlace(district: "Bình Liêu", commune: "Đồng Văn"))
        #expect(second?.place == IssuedPlace(district: nil, commune: "Xã Bình Liêu"))
        #expect(third?.place == IssuedPlace(district: nil, commune: "Xã Bình Liêu"))
        #expect(first?.renewedByID == 8 && second?.previousID == 7 && second?.productID == product)
        let (current, broken) = try database.read { db in
            (try db.first("SELECT current_certificate_id FROM products WHERE id = ?", [.integer(product)]) { $0.int64(0) },
             try db.first("PRAGMA foreign_key_check") { $0.string(0) })
        }
        #expect(current == 8)
        #expect(broken == nil)
        // Decision numbers restart every year: the same number, a later decision day, is another decision.
        try database.write { db in
            try db.run("""
                INSERT INTO certificates (number, product_id, stars, council_level, legal_basis, decided_on, expires_on,
                                          created_at, updated_at)
                VALUES ('55/QĐ-UBND/QN-1', ?, 4, 'province', 'x', '2027-06-01', '2030-06-01', 't', 't')
                """, [.integer(product)])
            #expect(throws: SQLiteError.self) {
                try db.run("""
                    INSERT INTO certificates (number, product_id, stars, council_level, legal_basis, decided_on, expires_on,
                                              created_at, updated_at)
                    VALUES ('55/QĐ-UBND/QN-1', ?, 4, 'province', 'x', '2027-06-01', '2030-06-01', 't', 't')
                    """, [.integer(product)])
            }
        }
    }
}
