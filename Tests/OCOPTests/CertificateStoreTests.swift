import JSON
import OCOP
import SQLite
import Testing

/// Certificates: status in SQL equals status in Swift, revocation, the sweeper's audit trail.
@Suite struct CertificateStoreTests {
    typealias F = CertificationFixture
    let database: Database
    let productID: Int64
    var now: Timestamp { testNow }

    init() throws {
        database = try makeDatabase()
        productID = try database.write { db in try F.product(db, code: "QN-1", producerID: try F.producer(db)) }
    }

    /// A certificate inserted directly, as if recorded from paper.
    @discardableResult
    func insert(_ number: String, expires: String, stars: Int = 4, renewedBy: Int64? = nil, revoked: String? = nil,
                recorded: CertificateStatus = .active, product: Int64? = nil) throws -> Int64 {
        let expiresOn = F.date(expires)
        return try database.write { db in
            try db.run("""
                INSERT INTO certificates (number, product_id, stars, council_level, legal_basis, decided_on, expires_on,
                                          renewed_by_id, revoked_on, revocation_reason, status_recorded, created_at, updated_at)
                VALUES (?, ?, ?, 'province', 'Quyết định 148/QĐ-TTg', ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(number), .integer(product ?? productID), .integer(Int64(stars)),
                      .text(expiresOn.adding(months: -36).description), .text(expires), SQLiteValue(renewedBy),
                      SQLiteValue(revoked), revoked == nil ? .null : .text("violation"), .text(recorded.rawValue),
                      .text(now.description), .text(now.description)])
            return db.lastInsertRowID
        }
    }

    func get(_ id: Int64) throws -> Certificate { try #require(try database.read { try CertificateStore.get($0, id: id) }) }

    func audit(_ id: Int64, of entity: AuditEntity = .certificate) throws -> [AuditEntry] {
        var query = AuditLog.Query()
        query.entity = entity
        query.entityID = id
        return try database.read { try AuditLog.list($0, query) }.items.reversed()
    }

    func revoke(_ id: Int64, _ reason: RevocationReason = .violation, note: String? = nil, ifVersion: VersionMatch? = nil,
                today: String) throws -> Certificate {
        try database.write {
            try CertificateStore.revoke($0, id: id, reason: reason, note: note, ifVersion: ifVersion, today: F.date(today),
                                        actor: Actor(tokenID: nil, requestID: "req-1"), now: now)
        }
    }

    // MARK: Status filters

    @Test func statusFiltersInSQLMatchTheRuleOnEveryDay() throws {
        let newer = try insert("N-0", expires: "2030-01-01")
        for (i, expires) in ["2025-01-01", "2025-01-30", "2025-01-31", "2025-02-01", "2024-12-31", "2025-06-30"].enumerated() {
            try insert("C-\(i)", expires: expires)
        }
        try insert("R-1", expires: "2025-01-15", renewedBy: newer)
        try insert("X-1", expires: "2025-01-15", revoked: "2024-12-01")
        try insert("X-2", expires: "2024-10-01", renewedBy: newer, revoked: "2024-09-01")
        let all = try database.read { try CertificateStore.list($0, CertificateQuery(), today: F.date("2025-01-01")) }.items
        var day = F.date("2024-11-25")
        while day <= F.date("2025-07-05") {
            for status in CertificateStatus.allCases {
                var query = CertificateQuery()
                query.status = status
                let fromSQL = try database.read { try CertificateStore.list($0, query, today: day) }.items.map(\.id)
                let fromSwift = all.filter { $0.status(on: day) == status }.map(\.id)
                #expect(fromSQL == fromSwift, "\(status) on \(day)")
            }
            day = day.adding(days: 3)
        }
    }

    @Test func expiringMeansThirtyDaysLeftAtMost() throws {
        let id = try insert("C-1", expires: "2027-12-13")
        var query = CertificateQuery()
        query.status = .expiring
        func expiringOn(_ day: String) throws -> Bool {
            try database.read { try CertificateStore.list($0, query, today: F.date(day)) }.items.map(\.id) == [id]
        }
        #expect(try !expiringOn("2027-11-12"))   // 31 days left: active
        #expect(try expiringOn("2027-11-13"))    // 30 days left
        #expect(try expiringOn("2027-12-13"))    // the last valid day
        #expect(try !expiringOn("2027-12-14"))   // expired
    }

    @Test func listFiltersSortAndPage() throws {
        let other = try database.write { db in try F.product(db, code: "QN-2", producerID: try F.producer(db, name: "B")) }
        try insert("A", expires: "2026-05-01", stars: 3)
        try insert("B", expires: "2025-05-01", stars: 4, product: other)
        try insert("C", expires: "2027-05-01", stars: 5)
        try insert("D", expires: "2025-05-01", stars: 4)
        let today = F.date("2025-01-01")
        var query = CertificateQuery()
        query.sort = .expiresOn
        query.limit = PageSize(2)!
        var numbers: [String] = []
        while true {
            let page = try database.read { try CertificateStore.list($0, query, today: today) }
            numbers += page.items.map(\.number)
            guard let next = page.nextCursor else { break }
            query.cursor = Cursor(encoded: next)
        }
        #expect(numbers == ["B", "D", "A", "C"])
        query = CertificateQuery()
        query.productID = other
        #expect(try database.read { try CertificateStore.list($0, query, today: today) }.items.map(\.number) == ["B"])
        query = CertificateQuery()
        query.stars = .four
        query.expiresAfter = F.date("2025-04-30")
        query.expiresBefore = F.date("2025-05-02")
        #expect(try database.read { try CertificateStore.list($0, query, today: today) }.items.map(\.number) == ["B", "D"])
        query.expiresBefore = F.date("2025-05-01")
        #expect(try database.read { try CertificateStore.list($0, query, today: today) }.items.isEmpty)
        query = CertificateQuery()
        query.sort = .id
        query.cursor = Cursor(sort: "expires_on", values: ["2025-05-01", "1"])
        #expect(throws: DomainError.self) { try database.read { try CertificateStore.list($0, query, today: today) } }
    }

    @Test func historyIsNewestFirstAndNeedsTheProduct() throws {
        try insert("OLD", expires: "2024-01-01")
        try insert("NEW", expires: "2027-01-01")
        try insert("MID", expires: "2025-06-01")
        var query = CertificateQuery()
        query.productID = productID
        query.sort = .decidedOnDescending
        let page = try database.read { try CertificateStore.history($0, query, today: F.date("2025-01-01")) }
        #expect(page?.items.map(\.number) == ["NEW", "MID", "OLD"])
        query.productID = 999
        #expect(try database.read { try CertificateStore.history($0, query, today: F.date("2025-01-01")) } == nil)
    }

    // MARK: Revocation

    @Test func revokingRecordsWhyAndWhen() throws {
        let id = try insert("C-1", expires: "2027-12-13")
        try database.write { db in
            try db.run("UPDATE products SET current_certificate_id = ? WHERE id = ?", [.integer(id), .integer(productID)])
        }
        let revoked = try revoke(id, .failedMandatoryCriteria, note: "Không đạt tiêu chí an toàn thực phẩm", today: "2025-03-04")
        #expect(revoked.revocation == Revocation(on: F.date("2025-03-04"), reason: .failedMandatoryCriteria,
                                                 note: "Không đạt tiêu chí an toàn thực phẩm"))
        #expect(revoked.status(on: F.date("2025-03-04")) == .revoked)
        #expect(revoked.statusRecorded == .revoked)
        #expect(revoked.storedVersion == 2)
        let entries = try audit(id)
        #expect(entries.map(\.action) == ["revoke"])
        #expect(entries[0].changes["status"]?["from"]?.stringValue == "active")
        #expect(entries[0].changes["status"]?["to"]?.stringValue == "revoked")
        #expect(entries[0].changes["revocation_reason"]?.stringValue == "failed_mandatory_criteria")
        #expect(entries[0].requestID == "req-1")
        // The product's stars lapse with it: its version moves and its log says why.
        #expect(try database.read { try F.productState($0, id: productID) }.version == 2)
        var query = AuditLog.Query()
        query.entity = .product
        #expect(try database.read { try AuditLog.list($0, query) }.items.map(\.action) == ["certificate_revoked"])
    }

    @Test func revokedOrRenewedCannotBeRevokedButExpiredCan() throws {
        let newer = try insert("N", expires: "2030-01-01")
        let renewed = try insert("R", expires: "2026-01-01", renewedBy: newer, recorded: .renewed)
        let expired = try insert("E", expires: "2024-01-01", recorded: .expired)
        #expect(throws: DomainError.self) { try revoke(renewed, today: "2025-01-01") }
        let gone = try revoke(expired, .notReapplied, today: "2025-01-01")
        #expect(gone.status(on: F.date("2025-01-01")) == .revoked)
        do {
            _ = try revoke(expired, today: "2025-01-02")
            Issue.record("revoked twice")
        } catch let error as DomainError {
            guard case .conflict(let detail, _) = error else { Issue.record("\(error)"); return }
            #expect(detail.contains("already revoked on 2025-01-01"))
        }
        #expect(throws: DomainError.notFound(entity: "certificate", id: "999")) { try revoke(999, today: "2025-01-01") }
        #expect(throws: DomainError.self) { try revoke(newer, note: "  ", today: "2025-01-01") }
    }

    @Test func revokeChecksTheVersionClientsSaw() throws {
        let id = try insert("C", expires: "2025-02-01")
        // On 2025-01-10 the certificate is expiring but that is not recorded yet: clients see version 2.
        let seen = try get(id)
        #expect(seen.version(on: F.date("2025-01-10")) == 2)
        #expect(throws: DomainError.staleVersion(current: 2)) { try revoke(id, ifVersion: 1, today: "2025-01-10") }
        let revoked = try revoke(id, ifVersion: 2, today: "2025-01-10")
        #expect(revoked.storedVersion == 3)
        // The calendar's change is logged first, by the system, then the revocation.
        let entries = try audit(id)
        #expect(entries.map(\.action) == ["status_changed", "revoke"])
        #expect(entries[0].tokenID == nil)
        #expect(entries[1].changes["status"]?["from"]?.stringValue == "expiring")
    }

    // MARK: Sweeper

    @Test func theSweeperLogsEveryCalendarChangeOnce() throws {
        let id = try insert("C", expires: "2025-02-01")
        try database.write { db in
            try db.run("UPDATE products SET current_certificate_id = ? WHERE id = ?", [.integer(id), .integer(productID)])
        }
        func sweep(_ day: String) throws -> [CertificateStatusSweeper.Change] {
            try database.write { try CertificateStatusSweeper.sweep($0, today: F.date(day), now: now) }
        }
        func pending(_ day: String) throws -> Bool {
            try database.read { try CertificateStatusSweeper.hasPending($0, today: F.date(day)) }
        }
        #expect(try !pending("2025-01-01"))
        #expect(try sweep("2025-01-01").isEmpty)               // 31 days left: still active
        #expect(try pending("2025-01-02"))
        #expect(try sweep("2025-01-02") == [.init(certificateID: id, from: .active, to: .expiring)])
        #expect(try sweep("2025-01-02").isEmpty)               // once
        #expect(try sweep("2025-02-01").isEmpty)               // the last valid day
        #expect(try sweep("2025-02-02") == [.init(certificateID: id, from: .expiring, to: .expired)])
        #expect(try !pending("2025-02-02"))
        let entries = try audit(id)
        #expect(entries.map(\.action) == ["status_changed", "status_changed"])
        #expect(entries.map { $0.changes["status"]?["to"]?.stringValue } == ["expiring", "expired"])
        #expect(entries.allSatisfy { $0.tokenID == nil })
        let swept = try get(id)
        #expect(swept.statusRecorded == .expired)
        #expect(swept.storedVersion == 3)
        #expect(swept.version(on: F.date("2025-02-02")) == 3)
        #expect(try database.read { try F.productState($0, id: productID) }.version == 3)
        // The product's two new versions say why in its own history, by the system.
        let productEntries = try audit(productID, of: .product)
        #expect(productEntries.map(\.action) == ["certificate_status_changed", "certificate_status_changed"])
        #expect(productEntries.map { $0.changes["certificate_id"]?.int64Value } == [id, id])
        #expect(productEntries.map { $0.changes["status"]?["to"]?.stringValue } == ["expiring", "expired"])
        #expect(productEntries.allSatisfy { $0.tokenID == nil })
    }

    @Test func aSweepAfterALongPauseLogsOneJump() throws {
        let id = try insert("C", expires: "2025-02-01")
        let skipped = try insert("S", expires: "2030-02-01")
        #expect(try database.write { try CertificateStatusSweeper.sweep($0, today: F.date("2025-06-01"), now: now) }
                == [.init(certificateID: id, from: .active, to: .expired)])
        #expect(try audit(skipped).isEmpty)
    }

    @Test func readsNeverDependOnTheSweeper() throws {
        let id = try insert("C", expires: "2025-02-01")
        let unswept = try get(id)
        #expect(unswept.statusRecorded == .active)
        #expect(unswept.status(on: F.date("2025-02-02")) == .expired)
        var query = CertificateQuery()
        query.status = .expired
        #expect(try database.read { try CertificateStore.list($0, query, today: F.date("2025-02-02")) }.items.map(\.id) == [id])
        // A copy cached before midnight carries an older version than the one shown after it.
        #expect(unswept.version(on: F.date("2025-01-01")) == 1)
        #expect(unswept.version(on: F.date("2025-02-02")) == 2)
    }
}
