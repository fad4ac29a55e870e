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
        #expect(principal == Principal(tokenID: record.id, role: .pos, pointOfSaleID: pointOfSale, hasGeneratedSecret: true))
        #expect(TokenStore.hasGeneratedShape(secret))
        #expect(try database.read { try TokenStore.authenticate($0, secret: secret + "x") } == nil)
        try database.write { try TokenStore.revoke($0, id: record.id, actor: .system, now: testNow) }
        #expect(try database.read { try TokenStore.authenticate($0, secret: secret) } == nil)
    }

    /// An operator's secret is never taken for one the server made, whatever it looks like: only a
    /// made one is served to an address past its allowance of failed authentications.
    @Test func aChosenSecretIsNeverMarkedGenerated() throws {
        let lookalike = "ocop_" + String(repeating: "a", count: 43)
        #expect(TokenStore.hasGeneratedShape(lookalike))
        let record = try database.write {
            try TokenStore.insert($0, secret: lookalike, name: TokenStore.bootstrapName, role: .admin, pointOfSaleID: nil,
                                  actor: .system, now: testNow)
        }
        #expect(try database.read { try TokenStore.authenticate($0, secret: lookalike) }
                == Principal(tokenID: record.id, role: .admin, pointOfSaleID: nil, hasGeneratedSecret: false))
        for notMade in ["ocop_" + String(repeating: "a", count: 42), "ocop_" + String(repeating: "a", count: 44),
                        "ocop_" + String(repeating: "a", count: 42) + "=", "OCOP_" + String(repeating: "a", count: 43),
                        "ocop_" + String(repeating: "a", count: 42) + "é", "change-me-to-a-long-random-secret"] {
            #expect(!TokenStore.hasGeneratedShape(notMade), "\(notMade)")
        }
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

    @Test func aBoothTokenIsBoundToAnExistingBooth() throws {
        let booth = try database.write { db -> Int64 in
            let fair = try FairFixtures.fair(db).id
            return try FairFixtures.booth(db, fair: fair, .producer(id: FairFixtures.producer(db))).id
        }
        let (record, secret) = try database.write {
            try TokenStore.create($0, name: "Gian hàng Miến dong", role: .booth, pointOfSaleID: nil, fairBoothID: booth,
                                  actor: .system, now: testNow)
        }
        #expect(record.fairBoothID == booth && record.pointOfSaleID == nil)
        #expect(try database.read { try TokenStore.get($0, id: record.id) } == record)
        #expect(try database.read { try TokenStore.authenticate($0, secret: secret) }
                == Principal(tokenID: record.id, role: .booth, pointOfSaleID: nil, fairBoothID: booth, hasGeneratedSecret: true))
        func refusal(_ role: Role, pointOfSale: Int64? = nil, booth: Int64?) -> [FieldError] {
            do {
                _ = try database.write {
                    try TokenStore.create($0, name: "A", role: role, pointOfSaleID: pointOfSale, fairBoothID: booth,
                                          actor: .system, now: testNow)
                }
                return []
            } catch DomainError.invalid(let errors) {
                return errors
            } catch {
                return [FieldError("?", "\(error)")]
            }
        }
        #expect(refusal(.booth, booth: nil) == [FieldError("fair_booth_id", "is required for role booth")])
        #expect(refusal(.officer, booth: booth) == [FieldError("fair_booth_id", "is only allowed for role booth")])
        #expect(refusal(.booth, booth: booth + 100) == [FieldError("fair_booth_id", "names no booth (\(booth + 100))")])
        #expect(refusal(.booth, pointOfSale: 1, booth: booth).map(\.field) == ["point_of_sale_id"])
    }
}
