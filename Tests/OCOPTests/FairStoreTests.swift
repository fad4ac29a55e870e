import JSON
import OCOP
import SQLite
import Testing

/// Fairs: the rules on their fields, the derived status on exact days, the list's filters and
/// paging, and the guards that keep recorded sales consistent with a fair's dates.
@Suite struct FairStoreTests {
    typealias F = FairFixtures
    let database: Database
    init() throws { database = try makeDatabase() }

    @Test func statusFollowsTheDatesOnExactDays() {
        let starts = F.day("2024-04-26"), ends = F.day("2024-05-02")
        #expect(FairStatus.on(F.day("2024-04-25"), startsOn: starts, endsOn: ends) == .planned)
        #expect(FairStatus.on(F.day("2024-04-26"), startsOn: starts, endsOn: ends) == .running)
        #expect(FairStatus.on(F.day("2024-05-02"), startsOn: starts, endsOn: ends) == .running)
        #expect(FairStatus.on(F.day("2024-05-03"), startsOn: starts, endsOn: ends) == .ended)
        // A one-day product week runs on that day only.
        #expect(FairStatus.on(starts, startsOn: starts, endsOn: starts) == .running)
        #expect(FairStatus.on(starts.adding(days: 1), startsOn: starts, endsOn: starts) == .ended)
    }

    @Test func derivedStatusChangeIsNoticedForConditionalGets() {
        // Written on 2024-04-20 (planned): by 2024-04-26 it is running, a version written then is not.
        let fair = Fair(id: 1, fields: F.fields(), createdAt: F.noon("2024-04-20"), updatedAt: F.noon("2024-04-20"), version: 1)
        #expect(!fair.derivedStateChangedSinceUpdate(today: F.day("2024-04-25")))
        #expect(fair.derivedStateChangedSinceUpdate(today: F.day("2024-04-26")))
        let rewritten = Fair(id: 1, fields: F.fields(), createdAt: F.noon("2024-04-20"), updatedAt: F.noon("2024-04-26"), version: 2)
        #expect(!rewritten.derivedStateChangedSinceUpdate(today: F.day("2024-05-02")))
        #expect(rewritten.derivedStateChangedSinceUpdate(today: F.day("2024-05-03")))
    }

    @Test func fieldRules() {
        #expect(F.fields().validate().isEmpty)
        #expect(F.fields(from: "2024-05-02", to: "2024-04-26").validate().map(\.field) == ["ends_on"])
        #expect(F.fields(from: "2024-01-01", to: "2024-12-31").validate().isEmpty)   // 366 days in a leap year
        #expect(F.fields(from: "2024-01-01", to: "2025-01-01").validate().map(\.field) == ["ends_on"])
        #expect(F.fields(visitors: -1).validate().map(\.field) == ["visitors"])
        #expect(F.fields(" ", province: "").validate().map(\.field) == ["name", "province"])
        var blank = F.fields()
        blank.venue = "  "
        #expect(blank.validate().map(\.field) == ["venue"])
    }

    @Test func homeProvinceIsComparedFolded() {
        #expect(F.fields().isInHomeProvince)
        #expect(F.fields(province: "quang ninh").isInHomeProvince)
        #expect(F.fields(province: "QUẢNG NINH").isInHomeProvince)
        #expect(!F.fields(province: "Hà Nội").isInHomeProvince)
        // As official documents write it, and only that word before the name.
        for full in ["Tỉnh Quảng Ninh", "tỉnh  quảng ninh", "TINH QUANG NINH"] { #expect(Province.isHome(full), "\(full)") }
        for other in ["Tỉnh Lạng Sơn", "Quảng Ninh tỉnh", "Thành phố Quảng Ninh", "tinh"] { #expect(!Province.isHome(other), "\(other)") }
        #expect(FairFields(name: "x", kind: .localFair, startsOn: F.day("2024-01-01"), endsOn: F.day("2024-01-01")).province
                == Province.home)
    }

    @Test func createGetReplaceDeleteAreAudited() throws {
        let fair = try database.write { try F.fair($0) }
        #expect(try database.read { try FairStore.get($0, id: fair.id) } == fair)
        var fields = fair.fields
        fields.visitors = 12_000
        let same = try database.write { try FairStore.replace($0, id: fair.id, with: fair.fields, ifVersion: 1, actor: .system, now: testNow) }
        #expect(same.version == 1)
        let changed = try database.write { try FairStore.replace($0, id: fair.id, with: fields, ifVersion: 1, actor: .system, now: testNow) }
        #expect(changed.version == 2)
        #expect(throws: DomainError.staleVersion(current: 2)) {
            try database.write { try FairStore.replace($0, id: fair.id, with: fields, ifVersion: 1, actor: .system, now: testNow) }
        }
        try database.write { try FairStore.delete($0, id: fair.id, ifVersion: 2, actor: .system, now: testNow) }
        #expect(try database.read { try FairStore.get($0, id: fair.id) } == nil)
        var query = AuditLog.Query()
        query.entity = .fair
        let audit = try database.read { try AuditLog.list($0, query) }
        #expect(audit.items.map(\.action) == ["delete", "update", "create"])
        #expect(audit.items[1].changes["visitors"]?["to"]?.int64Value == 12_000)
    }

    @Test func listFiltersByKindStatusOverlapPlaceAndText() throws {
        let ids = try database.write { db in
            [
                try F.fair(db, F.fields("Hội chợ OCOP Quảng Ninh", from: "2024-04-26", to: "2024-05-02")).id,
                try F.fair(db, F.fields("Tuần hàng OCOP Vân Đồn", kind: .productWeek, from: "2024-06-28", to: "2024-07-03",
                                        district: "Vân Đồn")).id,
                try F.fair(db, F.fields("Hội chợ Xúc tiến thương mại Hà Nội", kind: .domesticProgramme, from: "2024-07-10",
                                        to: "2024-07-14", district: nil, province: "Hà Nội")).id,
                try F.fair(db, F.fields("Hội chợ Ba Chẽ", kind: .localFair, from: "2024-12-20", to: "2024-12-22",
                                        district: "Ba Chẽ")).id,
            ]
        }
        func list(_ configure: (inout FairQuery) -> Void, today: String = "2024-07-01") throws -> [Int64] {
            var query = FairQuery()
            query.sort = .startsOn
            configure(&query)
            return try database.read { try FairStore.list($0, query, today: F.day(today)) }.items.map(\.id)
        }
        #expect(try list { _ in } == ids)
        #expect(try list { $0.sort = .startsOnDescending } == ids.reversed())
        #expect(try list { $0.kind = .productWeek } == [ids[1]])
        #expect(try list { $0.status = .ended } == [ids[0]])
        #expect(try list { $0.status = .running } == [ids[1]])
        #expect(try list { $0.status = .planned } == [ids[2], ids[3]])
        // Overlap: a fair straddling the boundary belongs to both halves.
        #expect(try list { $0.from = F.day("2024-01-01"); $0.to = F.day("2024-06-30") } == [ids[0], ids[1]])
        #expect(try list { $0.from = F.day("2024-07-01"); $0.to = F.day("2024-12-31") } == [ids[1], ids[2], ids[3]])
        #expect(try list { $0.from = F.day("2024-07-03"); $0.to = F.day("2024-07-03") } == [ids[1]])
        #expect(try list { $0.district = "Vân Đồn" } == [ids[1]])
        #expect(try list { $0.province = "Hà Nội" } == [ids[2]])
        #expect(try list { $0.text = "tuan hang van don" } == [ids[1]])
        #expect(try list { $0.text = "so cong thuong" }.count == 4)   // organiser is searchable
    }

    @Test func pagesWithKeysetCursorsInEachSort() throws {
        let ids = try database.write { db in
            try (1...7).map { i in try F.fair(db, F.fields("Hội chợ \(i)", from: "2024-0\(8 - i % 3)-1\(i % 2)", to: "2024-09-30")).id }
        }
        for sort in FairSort.allCases {
            var seen: [Int64] = []
            var query = FairQuery()
            query.sort = sort
            query.limit = PageSize(3)!
            while true {
                let page = try database.read { try FairStore.list($0, query, today: F.day("2024-08-01")) }
                seen += page.items.map(\.id)
                guard let next = page.nextCursor else { break }
                query.cursor = Cursor(encoded: next)
            }
            var all = FairQuery()
            all.sort = sort
            #expect(seen == (try database.read { try FairStore.list($0, all, today: F.day("2024-08-01")) }.items.map(\.id)))
            #expect(Set(seen) == Set(ids))
        }
        var wrong = FairQuery()
        wrong.cursor = Cursor(sort: "id", values: ["3"])
        #expect(throws: DomainError.self) { try database.read { try FairStore.list($0, wrong, today: F.day("2024-08-01")) } }
    }

    @Test func newDatesMustStillHoldTheRecordedSales() throws {
        let (fair, booth) = try database.write { db in
            let fair = try F.fair(db)
            let booth = try F.booth(db, fair: fair.id, .outside(name: "HTX Chè Tân Cương", province: "Thái Nguyên"))
            try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-04-26", 5_000_000)
            try F.sale(db, fair: fair.id, booth: booth.id, on: "2024-05-02", 7_000_000)
            return (fair, booth)
        }
        var shorter = fair.fields
        shorter.endsOn = F.day("2024-05-01")
        #expect(F.conflicts { try database.write { _ = try FairStore.replace($0, id: fair.id, with: shorter, ifVersion: nil, actor: .system, now: testNow) } })
        var longer = fair.fields
        longer.endsOn = F.day("2024-05-05")
        #expect(try database.write { try FairStore.replace($0, id: fair.id, with: longer, ifVersion: nil, actor: .system, now: testNow) }.version == 2)
        // A fair with booths keeps its record.
        #expect(F.conflicts { try database.write { try FairStore.delete($0, id: fair.id, ifVersion: nil, actor: .system, now: testNow) } })
        #expect(booth.fairID == fair.id)
    }
}
