extension DemoBuilder {
    /// Days of trade before today that every point of sale has (about three months).
    static let tradeDays = 91

    /// How a kind of outlet trades: products on its shelves, stock per product, sales a day,
    /// and how customers pay (weights for cash, card, bank transfer, e-wallet).
    struct TradeProfile {
        let shelf: Int
        let stock: ClosedRange<Int64>
        let salesPerDay: Int
        let payments: [Int]

        static func of(_ kind: PointOfSaleKind) -> TradeProfile {
            switch kind {
            case .ocopCenter: TradeProfile(shelf: 30, stock: 20...60, salesPerDay: 2, payments: [35, 15, 30, 20])
            case .store: TradeProfile(shelf: 18, stock: 10...40, salesPerDay: 1, payments: [50, 10, 25, 15])
            // Visitors at airports and piers pay by card and e-wallet more often.
            case .kiosk: TradeProfile(shelf: 10, stock: 8...25, salesPerDay: 1, payments: [40, 25, 10, 25])
            // Online orders are prepaid or paid in cash on delivery.
            case .online: TradeProfile(shelf: 24, stock: 15...50, salesPerDay: 1, payments: [10, 0, 55, 35])
            }
        }
    }

    /// One product on a point's shelf, and the stock the demo knows it has (the ledger agrees).
    struct Shelf {
        let productID: Int64
        let price: Int64
        let target: Int64
        /// Not restocked in the last three weeks: the stock report's low and out lines.
        let runsDown: Bool
        var level: Int64
    }

    /// About three months of a point's trade, through the stores as terminals would send it: an
    /// opening count, weekly deliveries of what ran below half, a monthly write-off of a damaged or
    /// expired item, sales every day (more at weekends) up to now, and a stocktake two days ago that
    /// found the run-down products empty or nearly so.
    mutating func trade(_ point: Int64, kind: PointOfSaleKind, goods: [(id: Int64, price: Int64)]) throws {
        let profile = TradeProfile.of(kind)
        let start = today.adding(days: -Self.tradeDays)
        // What a point stocks depends on the point alone, not on how much randomness the steps before
        // drew (that varies with the date the demo is loaded on): the README's walkthrough at point 10
        // finds the same products every day.
        var shelfGenerator = SeededGenerator(seed: 2024 &* 1_000 &+ UInt64(point))
        var shelves = Self.shuffled(goods, using: &shelfGenerator).prefix(profile.shelf).enumerated().map { i, good in
            let span = Int(profile.stock.upperBound - profile.stock.lowerBound)
            let target = profile.stock.lowerBound + Int64(pick(span + 1))
            return Shelf(productID: good.id, price: good.price, target: target, runsDown: i % 6 == 5, level: target)
        }
        try stock(point, shelves.map { InventoryChange(changeID: uuid(), productID: $0.productID,
                                                      occurredAt: at(start, minutes: 7 * 60 + 30), movement: .count($0.level)) })
        for offset in 0...Self.tradeDays {
            let day = start.adding(days: offset)
            let finalWeeks = offset > Self.tradeDays - 21
            var changes: [InventoryChange] = []
            if offset > 0 && offset % 7 == 0 {
                for i in shelves.indices where shelves[i].level * 2 < shelves[i].target && !(finalWeeks && shelves[i].runsDown) {
                    let delivered = shelves[i].target - shelves[i].level
                    changes.append(InventoryChange(changeID: uuid(), productID: shelves[i].productID,
                                                   occurredAt: at(day, minutes: 7 * 60 + 45), movement: .adjust(delivered, .received)))
                    shelves[i].level += delivered
                }
            }
            if offset % 30 == 15, let i = shelves.indices.first(where: { shelves[$0].level > 2 && !shelves[$0].runsDown }) {
                let reason: AdjustReason = pick(2) == 0 ? .damaged : .expired
                changes.append(InventoryChange(changeID: uuid(), productID: shelves[i].productID,
                                               occurredAt: at(day, minutes: 7 * 60 + 50), movement: .adjust(-1, reason)))
                shelves[i].level -= 1
            }
            if offset == Self.tradeDays - 2 {
                for (n, i) in shelves.indices.filter({ shelves[$0].runsDown }).enumerated() {
                    shelves[i].level = min(shelves[i].level, n % 2 == 0 ? 0 : 2)
                    changes.append(InventoryChange(changeID: uuid(), productID: shelves[i].productID,
                                                   occurredAt: at(day, minutes: 7 * 60 + 20), movement: .count(shelves[i].level)))
                }
            }
            try stock(point, changes.filter { $0.occurredAt <= now })
            let weekend = (day.daysSinceEpoch + 4) % 7 >= 5   // 1970-01-01 was a Thursday
            let count = pick(profile.salesPerDay * (weekend ? 3 : 2) + 1)
            for minutes in (0..<count).map({ _ in 8 * 60 + pick(13 * 60) }).sorted() {
                let soldAt = at(day, minutes: minutes)
                guard soldAt <= now, let lines = basket(&shelves) else { continue }
                let input = SaleInput(saleID: uuid(), soldAt: soldAt, lines: lines,
                                      payment: payment(profile.payments))
                _ = try SaleStore.record(db, pointOfSaleID: point, input, actor: .system, now: now)
            }
        }
    }

    /// One to three products in stock, one to three of each, at the shelf price.
    private mutating func basket(_ shelves: inout [Shelf]) -> [SaleLine]? {
        var lines: [SaleLine] = []
        for _ in 0..<(1 + pick(3)) {
            let i = pick(shelves.count)
            guard shelves[i].level > 0, !lines.contains(where: { $0.productID == shelves[i].productID }) else { continue }
            let quantity = min(shelves[i].level, Int64(1 + pick(3)))
            shelves[i].level -= quantity
            lines.append(SaleLine(productID: shelves[i].productID, quantity: quantity, unitPriceVND: shelves[i].price))
        }
        return lines.isEmpty ? nil : lines
    }

    /// A version-4 UUID from the seeded generator: as unique as a device's, and the same on every
    /// load (a name-based one costs a SHA-256, which a debug build feels over thousands of changes).
    private mutating func uuid() -> ClientUUID {
        let words = [random.next(), random.next()]
        var bytes = words.flatMap { word in stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: word >> UInt64($0)) } }
        bytes[6] = bytes[6] & 0x0F | 0x40   // version 4 (RFC 9562 §5.4)
        bytes[8] = bytes[8] & 0x3F | 0x80   // variant 10xx (§4.1)
        return ClientUUID(bytes: bytes)
    }

    private mutating func payment(_ weights: [Int]) -> PaymentMethod {
        var roll = pick(weights.reduce(0, +))
        for (method, weight) in zip(PaymentMethod.allCases, weights) {
            if roll < weight { return method }
            roll -= weight
        }
        return .cash
    }

    private func stock(_ point: Int64, _ changes: [InventoryChange]) throws {
        guard !changes.isEmpty else { return }
        _ = try InventoryStore.apply(db, pointOfSaleID: point, changes: changes, actor: .system, now: now)
    }

    /// `minutes` after midnight of `day` in Quảng Ninh, written with the +07:00 offset terminals use.
    private func at(_ day: CivilDate, minutes: Int) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: SaleStore.startOfDay(day) + Int64(minutes) * 60_000, utcOffsetSeconds: 7 * 3600)
    }
}
