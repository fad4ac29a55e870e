import OCOP
import SQLite
import Testing

@Suite struct TokenStoreTests {
    let database: Database
    init() throws { database = try makeDatabase() }

    @Test func secretsAuthenticateUntilRevoked() throws {
        let pointOfSale = try database.write {
            try PointOfSaleStore.create($0, PointOfSaleFields(code: "QN-DB-01", name: "Điểm bán Hạ Long", kind: .store),
                                        actor: .system, now: testNow).id
        }
        let (record, secret) = try database.write {
            try TokenStore.create($0, name: "Quầy Hạ Long", role: .pos, pointOfSaleID: pointOfSale, actor: .system, now: testNow)
        }
        #expect(secret.hasPrefix("ocop_"))
        #expect(record.hint.hasPrefix(String(secret.prefix(9))))
        let principal = try database.read { try TokenStore.authenticate($0, secret: secret) }
        #expect(principal == Principal(tokenID: record.id, role: .pos, pointOfSaleID: pointOfSale))
        #expect(try database.read { try TokenStore.authenticate($0, secret: secret + "x") } == nil)
        try database.write { try TokenStore.revoke($0, id: record.id, actor: .system, now: testNow) }
        #expect(try database.read { try TokenStore.authenticate($0, secret: secret) } == nil)
    }

    @Test func onlyTheHashIsStored() throws {
        let (_, secret) = try database.write {
            try TokenStore.create($0, name: "A", role: .officer, pointOfSaleID: nil, actor: .system, now: testNow)
        }
        let stored = try database.read { db in try db.all("SELECT * FROM tokens") { row in (0..<row.columnCount).map { row.value($0) } } }
        for row in stored {
            for value in row {
                if case .text(let text) = value { #expect(!text.contains(secret)) }
            }
            #expect(row.contains(.blob(SHA256.hash(secret))))
        }
    }

    @Test func roleAndPointOfSaleMustAgree() throws {
        #expect(throws: DomainError.self) {
            try database.write { try TokenStore.create($0, name: "A", role: .pos, pointOfSaleID: nil, actor: .system, now: testNow) }
        }
        #expect(throws: DomainError.self) {
            try database.write { try TokenStore.create($0, name: "A", role: .admin, pointOfSaleID: 1, actor: .system, now: testNow) }
        }
        // A pos token is bound to a registered point of sale.
        #expect(throws: DomainError.invalid("point_of_sale_id", "names no registered point of sale (7)")) {
            try database.write { try TokenStore.create($0, name: "A", role: .pos, pointOfSaleID: 7, actor: .system, now: testNow) }
        }
        #expect(try database.read { try TokenStore.hasActiveAdmin($0) } == false)
    }
}
