import SQLite

extension DemoBuilder {
    /// A year of trade promotion before today: fairs of every kind with booths of our producers
    /// (and outside exhibitors at home), daily takings and visitors; and listings of the certified
    /// products on the seeded platforms (the province's own near all, Voso ~40%, Postmart ~27%),
    /// with a history of pauses and removals. Everything through the stores, dated back from today.
    mutating func makeTrade() throws {
        let certified = try certifiedToday()
        try makeFairs(certified)
        try makeListings(certified)
    }

    /// Products certified today with their producer and the day their certificate was decided.
    private func certifiedToday() throws -> [(product: Int64, producer: Int64, decidedOn: CivilDate)] {
        try db.all("""
            SELECT p.id, p.producer_id, c.decided_on FROM products p JOIN certificates c ON c.id = p.current_certificate_id
            WHERE c.revoked_on IS NULL AND c.renewed_by_id IS NULL AND c.expires_on >= ?1 AND c.decided_on <= ?1
            ORDER BY p.id
            """, [.text(today.description)]) { row in
            (row.int64(0), row.int64(1), CivilDate(row.string(2)) ?? today)
        }
    }

    /// A fair plan: kind, name, where, how long, how many came.
    private struct FairPlan {
        let kind: FairKind
        let name: String
        let province: String
        let district: String?
        let days: Int
        let visitors: ClosedRange<Int64>
        let booths: Int
    }

    private static let fairPlans: [FairPlan] = {
        var plans: [FairPlan] = []
        for n in 1...2 {
            plans.append(FairPlan(kind: .provincialFair, name: "Hội chợ OCOP Quảng Ninh đợt \(n)", province: Province.home,
                                  district: "Hạ Long", days: 7, visitors: 20_000...30_000, booths: 14))
        }
        for district in ["Bình Liêu", "Ba Chẽ", "Vân Đồn", "Đông Triều", "Tiên Yên", "Quảng Yên", "Cô Tô", "Móng Cái"] {
            plans.append(FairPlan(kind: .localFair, name: "Phiên chợ OCOP \(district)", province: Province.home,
                                  district: district, days: 3, visitors: 2_000...5_000, booths: 8))
        }
        for city in ["Hà Nội", "Thành phố Hồ Chí Minh", "Hà Nội", "Đà Nẵng", "Hải Phòng", "Hà Nội"] {
            plans.append(FairPlan(kind: .productWeek, name: "Tuần hàng OCOP Quảng Ninh tại \(city)", province: city,
                                  district: nil, days: 7, visitors: 5_000...12_000, booths: 10))
        }
        for province in ["Lạng Sơn", "Thái Nguyên", "Nghệ An", "Lâm Đồng"] {
            plans.append(FairPlan(kind: .domesticProgramme, name: "Chương trình kết nối cung cầu tại \(province)",
                                  province: province, district: nil, days: 4, visitors: 3_000...8_000, booths: 6))
        }
        for n in 1...2 {
            plans.append(FairPlan(kind: .internationalProgramme, name: "Hội chợ Thương mại Quốc tế Việt – Trung \(n)",
                                  province: n == 1 ? "Lạng Sơn" : Province.home, district: n == 1 ? nil : "Móng Cái",
                                  days: 5, visitors: 10_000...18_000, booths: 8))
        }
        return plans
    }()

    private mutating func makeFairs(_ certified: [(product: Int64, producer: Int64, decidedOn: CivilDate)]) throws {
        var shown: [Int64: [Int64]] = [:]
        for item in certified { shown[item.producer, default: []].append(item.product) }
        let exhibitors = Array(shown.keys).sorted()
        guard !exhibitors.isEmpty else { return }
        let plans = shuffled(Self.fairPlans)
        // Spread over the last year; the last fair runs now and one more is planned next month.
        for (index, plan) in plans.enumerated() {
            let isPlanned = index == plans.count - 1
            let startsOn = isPlanned ? today.adding(days: 30)
                : index == plans.count - 2 ? today.adding(days: -(plan.days / 2))
                : today.adding(days: -360 + index * 340 / plans.count)
            let endsOn = startsOn.adding(days: plan.days - 1)
            let span = Int(plan.visitors.upperBound - plan.visitors.lowerBound)
            let visitors = startsOn > today ? 0 : plan.visitors.lowerBound + Int64(pick(span + 1))
            let fair = try FairStore.create(db, FairFields(
                name: plan.name, kind: plan.kind, startsOn: startsOn, endsOn: endsOn, venue: nil, district: plan.district,
                province: plan.province, organizer: "Sở Công Thương Quảng Ninh", visitors: visitors), actor: .system, now: now)
            var booths: [(id: Int64, products: [Int64], local: Bool)] = []
            for producer in shuffled(exhibitors).prefix(plan.booths) {
                let products = Array((shown[producer] ?? []).prefix(3))
                let booth = try BoothStore.create(db, fairID: fair.id, BoothFields(exhibitor: .producer(id: producer), productIDs: products),
                                                  actor: .system, now: now)
                booths.append((booth.id, products, true))
            }
            if plan.province == Province.home {
                for (name, province) in [("Hợp tác xã Chè Tân Cương", "Thái Nguyên"), ("Công ty Cổ phần Nông sản Sơn La", "Sơn La")] {
                    let booth = try BoothStore.create(db, fairID: fair.id, BoothFields(exhibitor: .outside(name: name, province: province)),
                                                      actor: .system, now: now)
                    booths.append((booth.id, [], false))
                }
            }
            var day = startsOn
            while day <= endsOn && day <= today {
                for booth in booths {
                    // 5–40 million đồng a day at our booths, in 100,000 đồng steps; outsiders sell less.
                    let revenue = Int64(50 + pick(351)) * 100_000 / (booth.local ? 1 : 2)
                    let lines = booth.products.first.map { [FairSaleLine(productID: $0, units: Int64(10 + pick(60)), revenueVND: revenue)] } ?? []
                    _ = try FairSaleStore.create(db, fairID: fair.id, boothID: booth.id,
                                                 FairSaleFields(day: day, revenueVND: revenue, lines: lines), actor: .system, now: now)
                }
                day = day.adding(days: 1)
            }
        }
    }

    private mutating func makeListings(_ certified: [(product: Int64, producer: Int64, decidedOn: CivilDate)]) throws {
        guard let province = try PlatformStore.get(db, code: "province_ocop"), let voso = try PlatformStore.get(db, code: "voso"),
              let postmart = try PlatformStore.get(db, code: "postmart") else { return }
        let yearAgo = today.adding(days: -365)
        var changed = 0   // listings old enough to have a history so far: every 8th of them changes
        for (index, item) in certified.enumerated() {
            // Every 40th certified product is listed nowhere yet: the office's to-do list.
            if index % 40 == 39 { continue }
            let listedOn = max(item.decidedOn, yearAgo)
            // Percent chances: the province lists every other certified product; Voso and Postmart fewer.
            for (platform, chance, host) in [(province.id, 100, "ocop.quangninh.gov.vn"), (voso.id, 42, "voso.vn"),
                                             (postmart.id, 27, "postmart.vn")] where pick(100) < chance {
                let fields = ListingFields(productID: item.product, platformID: platform, url: "https://\(host)/p/\(item.product)",
                                           priceVND: Int64(50 + pick(400)) * 1_000, acceptsNonCash: pick(100) < 60,
                                           listedOn: listedOn)
                let listing = try ListingStore.create(db, fields, today: today, actor: .system, now: now)
                guard platform != province.id, listedOn.days(until: today) > 120 else { continue }
                // Some history: a pause for a season (restocking) and the odd removal, in turn so
                // every kind of change is there whatever day the demo is loaded.
                changed += 1
                switch changed % 8 {
                case 0:
                    try change(listing, fields, to: .paused, on: today.adding(days: -100))
                    try change(listing.id, fields, to: .active, on: today.adding(days: -40))
                case 1: try change(listing, fields, to: .removed, on: today.adding(days: -60))
                case 2: try change(listing, fields, to: .paused, on: today.adding(days: -20))
                default: break
                }
            }
        }
    }

    private func change(_ listing: Listing, _ fields: ListingFields, to status: ListingStatus, on day: CivilDate) throws {
        try change(listing.id, fields, to: status, on: day)
    }

    /// Records a status change taking effect on `day` (the store dates it by its `today`).
    private func change(_ id: Int64, _ fields: ListingFields, to status: ListingStatus, on day: CivilDate) throws {
        var fields = fields
        fields.status = status
        _ = try ListingStore.replace(db, id: id, with: fields, ifVersion: nil, today: day, actor: .system, now: now)
    }
}
