import JSON
import OCOP
import SQLite
import Testing

/// `CalendarVersions`: a fair's status and an area certification's validity move with the
/// calendar; the item's version moves with them, once, with an audit entry saying what moved.
@Suite struct CalendarVersionsTests {
    let database: Database
    init() throws { database = try makeDatabase() }

    typealias F = FairFixtures

    private func sweep(_ today: String) throws -> [CalendarVersions.Change] {
        try database.write { try CalendarVersions.sweep($0, today: F.day(today), now: F.noon(today)) }
    }

    private func pending(_ today: String) throws -> Bool {
        try database.read { try CalendarVersions.hasPending($0, today: F.day(today)) }
    }

    private func audit(_ entity: AuditEntity) throws -> [AuditEntry] {
        var query = AuditLog.Query()
        query.entity = entity
        return try database.read { try AuditLog.list($0, query) }.items
    }

    private func change(_ from: JSONValue, _ to: JSONValue) -> JSONValue {
        .object(JSONObject([("from", from), ("to", to)]))
    }

    /// An area with one VietGAP certification valid `from`…`until`, created at noon on `writtenOn`.
    private func vietGAPArea(_ code: String, from: String, until: String,
                             writtenOn: String) throws -> (RawMaterialArea, RawMaterialAreaFields) {
        let vietGAP = AreaCertification(scheme: .vietGAP, number: "VietGAP-\(code)", validFrom: F.day(from),
                                        validUntil: F.day(until))
        let fields = RawMaterialAreaFields(code: code, name: "Vùng nuôi ong", kind: .livestock,
                                           areaM2: 50_000, commune: "Đồng Văn", district: "Bình Liêu", producerID: nil,
                                           market: .domestic, certifications: [vietGAP])
        let area = try database.write { try RawMaterialAreaStore.create($0, fields, actor: .system, now: F.noon(writtenOn)) }
        return (area, fields)
    }

    @Test func aFairsVersionMovesOnItsFirstDayAndTheDayAfterItsLast() throws {
        // 26 April – 2 May 2024, written on 20 April.
        let fair = try database.write { try FairStore.create($0, F.fields(), actor: .system, now: F.noon("2024-04-20")) }
        #expect(try !pending("2024-04-25"))
        #expect(try sweep("2024-04-25").isEmpty)
        #expect(try pending("2024-04-26"))
        let started = try sweep("2024-04-26")
        #expect(started == [CalendarVersions.Change(entity: .fair, id: fair.id,
                                                    changes: JSONObject([("status", change("planned", "running"))]))])
        let running = try #require(try database.read { try FairStore.get($0, id: fair.id) })
        #expect(running.version == 2)
        #expect(running.updatedAt == F.noon("2024-04-26"))
        #expect(!running.derivedStateChangedSinceUpdate(today: F.day("2024-04-26")))
        // Once a day: the same day again finds nothing.
        #expect(try !pending("2024-04-26"))
        #expect(try sweep("2024-04-26").isEmpty)
        #expect(try sweep("2024-05-02").isEmpty)
        #expect(try sweep("2024-05-03").first?.changes["status"] == change("running", "ended"))
        #expect(try database.read { try FairStore.get($0, id: fair.id) }?.version == 3)
        let entries = try audit(.fair)
        #expect(entries.map(\.action) == ["status_changed", "status_changed", "create"])
        #expect(entries.first?.tokenID == nil)
        #expect(entries.first?.changes["status"]?["to"]?.stringValue == "ended")
    }

    @Test func aServerDownOverBothDaysRecordsOneChangeFromWhatTheVersionShowed() throws {
        let fair = try database.write { try FairStore.create($0, F.fields(), actor: .system, now: F.noon("2024-04-20")) }
        let changes = try sweep("2024-06-01")
        #expect(changes.map(\.id) == [fair.id])
        #expect(changes.first?.changes["status"] == change("planned", "ended"))
        #expect(try sweep("2024-06-02").isEmpty)
    }

    @Test func aFairWrittenOnItsFirstDayAlreadyShowedItRunning() throws {
        // Midnight in Vietnam is 17:00 UTC the day before: 00:30 on 26 April there is still the 25th in UTC.
        let earlyMorning = try #require(Timestamp(rfc3339: "2024-04-26T00:30:00+07:00"))
        _ = try database.write { try FairStore.create($0, F.fields(), actor: .system, now: earlyMorning) }
        #expect(try !pending("2024-04-26"))
        #expect(try sweep("2024-05-02").isEmpty)
        #expect(try sweep("2024-05-03").count == 1)
    }

    @Test func anAreasVersionMovesWhenOneOfItsCertificationsTurnsValidOrNot() throws {
        let vietGAP = AreaCertification(scheme: .vietGAP, number: "VietGAP-TT-24-01", validFrom: F.day("2024-01-15"),
                                        validUntil: F.day("2026-01-14"))
        let organic = AreaCertification(scheme: .organic, number: "HC-09", validFrom: F.day("2023-05-01"),
                                        validUntil: F.day("2026-04-30"))
        let fields = RawMaterialAreaFields(code: "VN-QN-BL-0001", name: "Vùng trồng dong riềng", kind: .cultivation,
                                           areaM2: 3_223_500, commune: "Đồng Văn", district: "Bình Liêu", producerID: nil,
                                           market: .domestic, certifications: [vietGAP, organic])
        let area = try database.write { try RawMaterialAreaStore.create($0, fields, actor: .system, now: F.noon("2024-01-10")) }
        // Another area whose certification never moves within these days.
        var steady = fields
        steady.code = "VN-QN-BL-0002"
        steady.certifications = [organic]
        let steadyArea = try database.write { try RawMaterialAreaStore.create($0, steady, actor: .system, now: F.noon("2024-01-10")) }

        #expect(try sweep("2024-01-14").isEmpty)
        let valid = try sweep("2024-01-15")
        #expect(valid == [CalendarVersions.Change(entity: .rawMaterialArea, id: area.id,
                                                  changes: JSONObject([("certifications[0].valid", change(false, true))]))])
        #expect(try database.read { try RawMaterialAreaStore.get($0, id: area.id) }?.version == 2)
        #expect(try sweep("2026-01-14").isEmpty)
        #expect(try sweep("2026-01-15").first?.changes == JSONObject([("certifications[0].valid", change(true, false))]))
        // The steady area's organic certificate lapses on 1 May 2026 too: both move then.
        let lapsed = Dictionary(uniqueKeysWithValues: try sweep("2026-05-01").map { ($0.id, $0.changes) })
        #expect(lapsed == [area.id: JSONObject([("certifications[1].valid", change(true, false))]),
                           steadyArea.id: JSONObject([("certifications[0].valid", change(true, false))])])
        #expect(try audit(.rawMaterialArea).filter { $0.action == "validity_changed" }.count == 4)
        #expect(try !pending("2026-05-01"))
    }

    /// A certification valid only on days the server was down shows the same `valid` after as
    /// before, yet the area's conditional GET cannot tell (`validityChangedSinceUpdate`): it gets
    /// a new version with nothing to audit, and is not pending again the next day.
    @Test func anAreaWhoseValidityCameAndWentUnseenStillGetsItsNewVersion() throws {
        let (area, _) = try vietGAPArea("VN-QN-BL-0003", from: "2024-03-01", until: "2024-03-02", writtenOn: "2024-02-20")
        #expect(try database.read { try RawMaterialAreaStore.get($0, id: area.id) }?.validityChangedSinceUpdate(today: F.day("2024-03-10")) == true)
        #expect(try sweep("2024-03-10").isEmpty, "nothing shows differently: nothing to audit")
        let swept = try #require(try database.read { try RawMaterialAreaStore.get($0, id: area.id) })
        #expect(swept.version == 2)
        #expect(!swept.validityChangedSinceUpdate(today: F.day("2024-03-10")))
        #expect(try !pending("2024-03-11"))
        #expect(try audit(.rawMaterialArea).filter { $0.action == "validity_changed" }.isEmpty)
    }

    /// A write landing between midnight and the sweep finds what the sweep would have left: the
    /// system's `status_changed` first, then its own entry, and a 412 for the copy from before.
    @Test func aWriteBeforeTheSweepSettlesTheCalendarFirst() throws {
        let fair = try database.write { try FairStore.create($0, F.fields(), actor: .system, now: F.noon("2024-04-20")) }
        let justAfterMidnight = try #require(Timestamp(rfc3339: "2024-04-26T00:00:00.300+07:00"))
        var renamed = F.fields()
        renamed.visitors = 1_200
        #expect(throws: DomainError.staleVersion(current: 2)) {
            try database.write {
                try FairStore.replace($0, id: fair.id, with: renamed, ifVersion: 1, actor: .system, now: justAfterMidnight)
            }
        }
        // The refused write rolled back with its transaction; the fair is still pending.
        #expect(try database.read { try FairStore.get($0, id: fair.id) }?.version == 1)
        let written = try database.write {
            try FairStore.replace($0, id: fair.id, with: renamed, ifVersion: 2, actor: .system, now: justAfterMidnight)
        }
        #expect(written.version == 3)
        let entries = try audit(.fair)
        #expect(entries.map(\.action) == ["update", "status_changed", "create"])
        #expect(entries[1].changes["status"] == change("planned", "running"))
        #expect(try !pending("2024-04-26"))
        #expect(try sweep("2024-04-26").isEmpty)
    }

    /// The same for an area: its update, and a product linking to it, settle its validity first;
    /// an area with nothing pending gets no extra version.
    @Test func writesToAnAreaSettleItsValidityFirst() throws {
        let (area, fields) = try vietGAPArea("VN-QN-BL-0004", from: "2024-01-15", until: "2026-01-14", writtenOn: "2024-01-10")
        var renamed = fields
        renamed.name = "Vùng nuôi ong rừng"
        let updated = try database.write {
            try RawMaterialAreaStore.replace($0, id: area.id, with: renamed, ifVersion: 2, actor: .system, now: F.noon("2024-01-15"))
        }
        #expect(updated.version == 3)
        #expect(try audit(.rawMaterialArea).map(\.action) == ["update", "validity_changed", "create"])
        // Nothing pending the next day: a write takes one version, as ever.
        renamed.name = "Vùng nuôi ong Bình Liêu"
        let again = try database.write {
            try RawMaterialAreaStore.replace($0, id: area.id, with: renamed, ifVersion: 3, actor: .system, now: F.noon("2024-01-16"))
        }
        #expect(again.version == 4)
        // The day after it lapses, a product linking to it settles it before its `product_linked`.
        let producer = try database.write { try F.producer($0) }
        _ = try database.write {
            try ProductStore.create($0, ProductFields(code: "QN-2026-0001", name: "Chè shan tuyết", producerID: producer,
                                                      group: "food", rawMaterialAreaIDs: [area.id]),
                                    actor: .system, now: F.noon("2026-01-15"))
        }
        #expect(try audit(.rawMaterialArea).prefix(2).map(\.action) == ["product_linked", "validity_changed"])
        #expect(try database.read { try RawMaterialAreaStore.get($0, id: area.id) }?.version == 6)
        #expect(try database.write { try CalendarVersions.settle($0, .rawMaterialArea, id: 999, now: F.noon("2026-01-15")) } == nil)
    }
}
