/// One point-of-sale terminal as the inventory suite and the crash check drive it: bound to a
/// point of sale by its `pos` token, with a device clock that only moves forward, making batches
/// of counts and adjustments and small sales of the point's products.
///
/// Stock never goes below zero, whatever subset of its batches reaches the server: every count
/// it makes is at least `floor`, the opening count is one, and all the decrements a run can make
/// stay far below it. So every batch is valid whenever it arrives, and a 409 means a bug.
final class Terminal {
    /// Counts are `floor` plus a little: no run sells a million of one product.
    static let floor: Int64 = 1_000_000

    let pointOfSaleID: Int64
    let token: String
    let products: [Int64]
    private(set) var clockMs: Int64
    private var random = FastRandom()

    init(pointOfSaleID: Int64, token: String, products: [Int64], clockMs: Int64) {
        self.pointOfSaleID = pointOfSaleID
        self.token = token
        self.products = products
        self.clockMs = clockMs
    }

    var headers: [(String, String)] { [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")] }

    /// The next device instant: strictly later than the last, so this terminal's changes never tie.
    private func tick() -> Int64 {
        clockMs += 1 + Int64(random.oneThrough(20))
        return clockMs
    }

    /// The opening stocktake: every product counted at `floor`.
    func openingCount() -> TerminalBatch {
        let at = tick()
        return TerminalBatch(key: uuid(), pointOfSaleID: pointOfSaleID,
                             changes: products.map { TerminalChange(id: uuid(), productID: $0, occurredAtMs: at, movement: .count(Self.floor)) })
    }

    /// `size` changes of random products: `counts` recounts, the rest adjustments of every reason.
    func batch(size: Int, counts: Int) -> TerminalBatch {
        let countAt = Set((0..<counts).map { _ in random.oneThrough(size) - 1 })
        let changes = (0..<size).map { i -> TerminalChange in
            let product = products[random.oneThrough(products.count) - 1]
            let movement: TerminalChange.Movement = countAt.contains(i)
                ? .count(Self.floor + Int64(random.oneThrough(1000)))
                : adjustment()
            return TerminalChange(id: uuid(), productID: product, occurredAtMs: tick(), movement: movement)
        }
        return TerminalBatch(key: uuid(), pointOfSaleID: pointOfSaleID, changes: changes)
    }

    /// One change for each product, in product order (a big catch-up sync): `counts` of them recounts.
    func everyProduct(counts: Int) -> TerminalBatch {
        let countAt = Set((0..<counts).map { _ in random.oneThrough(products.count) - 1 })
        let changes = products.enumerated().map { i, product in
            TerminalChange(id: uuid(), productID: product, occurredAtMs: tick(),
                           movement: countAt.contains(i) ? .count(Self.floor + Int64(random.oneThrough(1000))) : adjustment())
        }
        return TerminalBatch(key: uuid(), pointOfSaleID: pointOfSaleID, changes: changes)
    }

    private func adjustment() -> TerminalChange.Movement {
        let n = Int64(random.oneThrough(3))
        switch random.oneThrough(10) {
        case 1...3: return .adjust(n + 2, "received")
        case 4...7: return .adjust(-n, "sold")
        case 8: return .adjust(1, "returned")
        case 9: return .adjust(-1, random.oneThrough(2) == 1 ? "damaged" : "expired")
        default: return random.oneThrough(2) == 1 ? .adjust(n, "transfer_in") : .adjust(-n, "transfer_out")
        }
    }

    /// A sale of one or two products, one to three of each.
    func sale() -> TerminalSale {
        let first = products[random.oneThrough(products.count) - 1]
        var lines = [TerminalSale.Line(productID: first, quantity: Int64(random.oneThrough(3)), unitPriceVND: 85_000)]
        if random.oneThrough(2) == 1, products.count > 1 {
            var second = first
            while second == first { second = products[random.oneThrough(products.count) - 1] }
            lines.append(TerminalSale.Line(productID: second, quantity: Int64(random.oneThrough(3)), unitPriceVND: 120_000))
        }
        let payments = ["cash", "card", "bank_transfer", "e_wallet"]
        return TerminalSale(key: uuid(), saleID: uuid(), pointOfSaleID: pointOfSaleID, soldAtMs: tick(), lines: lines,
                            payment: payments[random.oneThrough(payments.count) - 1])
    }

    /// A random version-4 UUID (RFC 9562 §5.4), lower case.
    func uuid() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        let hex = Array("0123456789abcdef".utf8)
        let high = (random.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (random.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        for k in 0..<32 {
            if k == 8 || k == 12 || k == 16 || k == 20 { out.append(UInt8(ascii: "-")) }
            let word = k < 16 ? high : low
            out.append(hex[Int((word >> UInt64(60 - (k % 16) * 4)) & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
