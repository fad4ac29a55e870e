import OCOP
import SQLite
import Testing

/// The registry of points of sale on a real SQLite file.
@Suite struct PointOfSaleStoreTests {
    typealias F = InventoryFixtures
    let database: Database
    init() throws { database = try makeDatabase() }

    func fields(_ code: String = "QN-DB-HL-01", name: String = "Trung tâm OCOP Hạ Long", kind: PointOfSaleKind = .ocopCenter,
                district: String? = "Hạ Long", commune: String? = "Bãi Cháy", checklist: Bool = true) -> PointOfSaleFields {
        PointOfSaleFields(code: code, name: name, kind: kind, commune: commune, district: district,
                          openedOn: CivilDate("2021-06-15"), manager: "Nguyễn Thị Hoa", phone: "0203 3838 123",
                          hasOCOPSign: checklist, hasShelves: true, hasPriceList: checklist,
                          channels: [SalesChannel(kind: .facebook, url: "https://facebook.com/ocophalong")])
    }

    func create(_ f: PointOfSaleFields) throws -> PointOfSale {
        try database.write { try PointOfSaleStore.create($0, f, actor: .system, now: F.now) }
    }

    @Test func createReadBackAndCompliance() throws {
        let point = try create(fields())
        #expect(point.version == 1)
        let read = try #require(try database.read { try PointOfSaleStore.get($0, id: point.id) })
        #expect(read == point)
        #expect(read.fields.channels == [SalesChannel(kind: .facebook, url: "https://facebook.com/ocophalong")])
        #expect(read.fields.isCompliant)
        var missing = fields()
        missing.hasPriceList = false
        #expect(!missing.isCompliant)
    }

    @Test func validationListsEveryRule() {
        var f = fields()
        f.code = "QN DB"
        f.name = " "
        f.phone = "call me"
        f.channels = [SalesChannel(kind: .zalo, url: "zalo.me/123"), SalesChannel(kind: .website, url: "https://ocop.vn")]
        #expect(Set(f.validate().map(\.field)) == ["code", "name", "phone", "channels[0].url"])
        f = fields()
        f.channels = Array(repeating: SalesChannel(kind: .other, url: "https://x.vn"), count: PointOfSaleFields.maximumChannels + 1)
        #expect(f.validate().map(\.field) == ["channels"])
    }

    @Test func filtersSearchAndPaging() throws {
        let a = try create(fields("QN-01", name: "Trung tâm OCOP Hạ Long"))
        let b = try create(fields("QN-02", name: "Cửa hàng đặc sản Vân Đồn", kind: .store, district: "Vân Đồn", commune: "Cái Rồng", checklist: false))
        let c = try create(fields("QN-03", name: "Ki-ốt chợ Móng Cái", kind: .kiosk, district: "Móng Cái"))
        func ids(_ build: (inout PointOfSaleQuery) -> Void) throws -> [Int64] {
            var query = PointOfSaleQuery()
            build(&query)
            return try database.read { try PointOfSaleStore.list($0, query) }.items.map(\.id)
        }
        #expect(try ids { _ in } == [a.id, b.id, c.id])
        #expect(try ids { $0.compliant = false } == [b.id])
        #expect(try ids { $0.compliant = true } == [a.id, c.id])
        #expect(try ids { $0.kind = .kiosk } == [c.id])
        #expect(try ids { $0.district = "Vân Đồn" } == [b.id])
        #expect(try ids { $0.commune = "Cái Rồng" } == [b.id])
        #expect(try ids { $0.text = "van don" } == [b.id])          // folded: Vân Đồn
        #expect(try ids { $0.text = "mong cai" } == [c.id])
        #expect(try ids { $0.text = "nguyen thi hoa" } == [a.id, b.id, c.id])   // the manager is searchable
        #expect(try ids { $0.sort = .codeDescending } == [c.id, b.id, a.id])
        var query = PointOfSaleQuery()
        query.limit = PageSize(2)!
        let first = try database.read { try PointOfSaleStore.list($0, query) }
        query.cursor = first.nextCursor.flatMap(Cursor.init(encoded:))
        let second = try database.read { try PointOfSaleStore.list($0, query) }
        #expect(first.items.map(\.id) + second.items.map(\.id) == [a.id, b.id, c.id])
        #expect(second.nextCursor == nil)
    }

    @Test func replaceVersionsAndAudit() throws {
        let point = try create(fields())
        var changed = point.fields
        changed.hasPriceList = false
        changed.name = "Trung tâm OCOP tỉnh Quảng Ninh"
        #expect(throws: DomainError.staleVersion(current: 1)) {
            _ = try database.write { try PointOfSaleStore.replace($0, id: point.id, with: changed, ifVersion: 7, actor: .system, now: F.now) }
        }
        let updated = try database.write { try PointOfSaleStore.replace($0, id: point.id, with: changed, ifVersion: 1, actor: .system, now: F.now) }
        #expect(updated.version == 2 && !updated.fields.isCompliant)
        let same = try database.write { try PointOfSaleStore.replace($0, id: point.id, with: changed, ifVersion: nil, actor: .system, now: F.now) }
        #expect(same.version == 2)   // nothing changed: no new version
        var q = AuditLog.Query()
        q.entity = .pointOfSale
        let entries = try database.read { try AuditLog.list($0, q) }.items
        #expect(entries.map(\.action) == ["update", "create"])
        #expect(entries[0].changes["has_price_list"]?["to"]?.boolValue == false)
        // Search follows the rename.
        var search = PointOfSaleQuery()
        search.text = "quang ninh"
        #expect(try database.read { try PointOfSaleStore.list($0, search) }.items.map(\.id) == [point.id])
    }

    @Test func duplicateCodeIsAConflict() throws {
        _ = try create(fields())
        #expect(throws: DomainError.conflict("a point of sale with code QN-DB-HL-01 already exists")) { _ = try create(fields()) }
    }

    @Test func deleteRemovesOrArchivesButNeverWithLiveTokens() throws {
        let bare = try create(fields("QN-BARE"))
        try database.write { try PointOfSaleStore.delete($0, id: bare.id, ifVersion: 1, actor: .system, now: F.now) }
        #expect(try database.read { try PointOfSaleStore.get($0, id: bare.id) } == nil)

        let withToken = try create(fields("QN-TOKEN"))
        let token = try database.write {
            try TokenStore.create($0, name: "Quầy", role: .pos, pointOfSaleID: withToken.id, actor: .system, now: F.now).0
        }
        #expect(throws: DomainError.self) {
            try database.write { try PointOfSaleStore.delete($0, id: withToken.id, ifVersion: nil, actor: .system, now: F.now) }
        }
        try database.write { try TokenStore.revoke($0, id: token.id, actor: .system, now: F.now) }
        try database.write { try PointOfSaleStore.delete($0, id: withToken.id, ifVersion: nil, actor: .system, now: F.now) }

        let withStock = try create(fields("QN-STOCK"))
        let product = try database.write { try F.products($0, 1)[0] }
        _ = try F.apply(database, withStock.id, [F.count(1, product, 3, at: 0)])
        // With history it is archived: out of get, exists and lists, still known to reports.
        try database.write { try PointOfSaleStore.delete($0, id: withStock.id, ifVersion: 1, actor: .system, now: F.now) }
        #expect(try database.read { try PointOfSaleStore.get($0, id: withStock.id) } == nil)
        #expect(try !database.read { try PointOfSaleStore.exists($0, id: withStock.id) })
        #expect(try database.read { try PointOfSaleStore.wasRegistered($0, id: withStock.id) })
        #expect(try !database.read { try PointOfSaleStore.list($0, PointOfSaleQuery()) }.items.contains { $0.id == withStock.id })
        #expect(try database.read { try $0.scalarInt("SELECT version FROM points_of_sale WHERE id = ?", [.integer(withStock.id)]) } == 2)
        // The overview counts it open up to the day before it closed.
        let closedOn = CivilDate.today(at: F.now)
        let before = try database.read { try OverviewReportStore.pointsOfSale($0, asOf: closedOn.adding(days: -1)) }.total
        let after = try database.read { try OverviewReportStore.pointsOfSale($0, asOf: closedOn) }.total
        #expect(before == after + 1)
        // Ids are never reused, so an old token or audit entry cannot come to mean a new point of sale.
        let next = try create(fields("QN-NEXT"))
        #expect(next.id > withStock.id)
        #expect(next.id != withToken.id && next.id != bare.id)
    }
}
