import JSON
import OCOP
import SQLite
import Testing

/// The officer's decision on a product flagged by a failed food-safety inspection.
@Suite struct InspectionReviewTests {
    typealias F = QualityFixtures
    let database: Database
    let productID: Int64

    init() throws {
        database = try makeDatabase()
        productID = try database.write { db in try F.product(db, producerID: try F.producer(db)) }
    }

    /// Records a failed food-safety inspection, which raises the flag (product version 2).
    func flag() throws {
        let failed = InspectionFields(inspectedOn: F.day("2024-12-01"), agency: "Chi cục QLCL Nông lâm thủy sản",
                                      kind: .foodSafety, result: .fail, findings: "Phát hiện chất bảo quản vượt mức")
        _ = try database.write { try InspectionStore.create($0, productID: productID, failed, actor: .system, now: testNow) }
    }

    func decide(_ decision: ReviewDecision, note: String? = nil, ifVersion: VersionMatch? = nil,
                now: Timestamp = testNow) throws -> ReviewOutcome {
        try database.write {
            try ProductReviewStore.decide($0, productID: productID, ProductReview(decision: decision, note: note),
                                          ifVersion: ifVersion, actor: .system, now: now)
        }
    }

    func state() throws -> (underReview: Bool, version: Int64) {
        try #require(try database.read { try F.productState($0, productID) })
    }

    @Test func clearedLowersTheFlagAndKeepsTheCertificate() throws {
        let certificate = try database.write { try F.certificate($0, productID: productID) }
        try flag()
        #expect(try state() == (true, 2))
        let outcome = try decide(.cleared, note: "Tái kiểm đạt")
        #expect(outcome.productVersion == 3)
        #expect(outcome.revoked == nil)
        #expect(outcome.decidedOn == F.day("2024-12-12"))
        #expect(try state() == (false, 3))
        #expect(try database.read { try F.certificateState($0, certificate) }?.revokedOn == nil)
        let entry = try #require(try database.read { try AuditLog.list($0, AuditLog.Query()) }.items.first)
        #expect(entry.entity == "product" && entry.action == "review")
        #expect(entry.changes["decision"]?.stringValue == "cleared")
        #expect(entry.changes["note"]?.stringValue == "Tái kiểm đạt")
        #expect(entry.changes["under_review"]?["to"]?.boolValue == false)
        // Nothing pending any more: a second decision is a conflict.
        #expect(throws: DomainError.conflict("product \(productID) is not under review; there is nothing to decide")) {
            try decide(.cleared)
        }
    }

    @Test func revokingRevokesTheCurrentCertificateInTheSameTransaction() throws {
        let certificate = try database.write { try F.certificate($0, productID: productID, decidedOn: "2022-01-10", expiresOn: "2025-01-10") }
        try flag()
        let outcome = try decide(.revokeCertificate(.violation), note: "Vi phạm ATTP lần 2")
        let revoked = try #require(outcome.revoked)
        #expect(revoked.id == certificate)
        #expect(revoked.revokedOn == F.day("2024-12-12"))
        #expect(revoked.reason == .violation)
        #expect(revoked.stars == 4)
        let stored = try #require(try database.read { try F.certificateState($0, certificate) })
        #expect(stored.revokedOn == "2024-12-12")
        #expect(stored.reason == "violation")
        #expect(stored.note == "Vi phạm ATTP lần 2")
        #expect(stored.recorded == "revoked")
        // Two changes each for the certificate and the product: the calendar's active → expiring
        // (logged first, as the sweeper would have) and then the revocation.
        #expect(stored.version == 3)
        #expect(try state() == (false, 4))
        // The status read from the dates is now revoked, whatever the day.
        #expect(CertificateStatus.on(F.day("2024-12-12"), expiresOn: revoked.expiresOn, renewed: false, revoked: true) == .revoked)
        let audit = try database.read { try AuditLog.list($0, AuditLog.Query()) }.items
        #expect(audit[0].entity == "product" && audit[0].action == "review")
        #expect(audit[0].changes["certificate_id"]?.int64Value == certificate)
        #expect(audit[0].changes["reason"]?.stringValue == "violation")
        #expect(audit[1].entity == "product" && audit[1].action == "certificate_revoked")
        #expect(audit[2].entity == "certificate" && audit[2].action == "revoke")
        // 29 days before expiry the certificate was "expiring"; the audit says what it left.
        #expect(audit[2].changes["status"]?["from"]?.stringValue == "expiring")
        #expect(audit[2].changes["status"]?["to"]?.stringValue == "revoked")
        #expect(audit[2].changes["revocation_reason"]?.stringValue == "violation")
    }

    @Test func failedMandatoryCriteriaIsARevocationReason() throws {
        let certificate = try database.write { try F.certificate($0, productID: productID) }
        try flag()
        let outcome = try decide(.revokeCertificate(.failedMandatoryCriteria))
        #expect(outcome.revoked?.reason == .failedMandatoryCriteria)
        #expect(try database.read { try F.certificateState($0, certificate) }?.reason == "failed_mandatory_criteria")
        #expect(try database.read { try F.certificateState($0, certificate) }?.note == nil)
        #expect(ReviewRevocationReason.allCases.map(\.revocationReason) == [.violation, .failedMandatoryCriteria])
    }

    @Test func revokingNeedsAValidCertificateAndChangesNothingOtherwise() throws {
        try flag()
        // No certificate at all.
        #expect(throws: DomainError.self) { try decide(.revokeCertificate(.violation)) }
        #expect(try state() == (true, 2))
        // Expired yesterday (Asia/Ho_Chi_Minh): the stars have already lapsed.
        let expired = try database.write { try F.certificate($0, productID: productID, number: "QĐ 1", decidedOn: "2021-12-11", expiresOn: "2024-12-11") }
        #expect(throws: DomainError.self) { try decide(.revokeCertificate(.violation)) }
        // Already revoked.
        _ = try database.write { try F.certificate($0, productID: productID, number: "QĐ 2", revokedOn: "2024-11-01") }
        #expect(throws: DomainError.self) { try decide(.revokeCertificate(.violation)) }
        #expect(try state() == (true, 2))
        #expect(try database.read { try F.certificateState($0, expired) }?.revokedOn == nil)
        // Expiring today is still valid today, so it can be revoked.
        let lastDay = try database.write { try F.certificate($0, productID: productID, number: "QĐ 3", decidedOn: "2021-12-12", expiresOn: "2024-12-12") }
        let outcome = try decide(.revokeCertificate(.violation))
        #expect(outcome.revoked?.id == lastDay)
        #expect(try state() == (false, 4))   // its pending active → expiring is logged first, then the revocation
    }

    @Test func renewedCertificateCannotBeRevokedThroughTheOldOne() throws {
        let old = try database.write { try F.certificate($0, productID: productID, number: "QĐ cũ") }
        let newer = try database.write { try F.certificate($0, productID: productID, number: "QĐ mới") }
        try database.write { db in
            try db.run("UPDATE certificates SET renewed_by_id = ? WHERE id = ?", [.integer(newer), .integer(old)])
            try db.run("UPDATE products SET current_certificate_id = ? WHERE id = ?", [.integer(old), .integer(productID)])
        }
        try flag()
        #expect(throws: DomainError.self) { try decide(.revokeCertificate(.violation)) }
    }

    @Test func noFlagMissingProductStaleVersionAndBadNote() throws {
        #expect(throws: DomainError.conflict("product \(productID) is not under review; there is nothing to decide")) {
            try decide(.cleared)
        }
        try flag()
        #expect(throws: DomainError.staleVersion(current: 2)) { try decide(.cleared, ifVersion: 1) }
        #expect(throws: DomainError.invalid("note", "must not be blank; use null to clear it")) { try decide(.cleared, note: " ") }
        #expect(throws: DomainError.notFound(entity: "product", id: "404")) {
            try database.write {
                try ProductReviewStore.decide($0, productID: 404, ProductReview(decision: .cleared), ifVersion: nil,
                                              actor: .system, now: testNow)
            }
        }
        #expect(try state() == (true, 2))
        #expect(try decide(.cleared, ifVersion: 2).productVersion == 3)
        #expect(try database.read { try ProductReviewStore.isUnderReview($0, productID: productID) } == false)
        #expect(try database.read { try ProductReviewStore.isUnderReview($0, productID: 404) } == nil)
    }

    @Test func aNewFailureAfterADecisionFlagsAgain() throws {
        try flag()
        _ = try decide(.cleared)
        try flag()
        #expect(try state() == (true, 4))
    }
}
