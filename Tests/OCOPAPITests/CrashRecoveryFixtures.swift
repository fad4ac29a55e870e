import Foundation
import JSON
import OCOP
import Synchronization
import Testing

/// A terminal of the crash test: its point of sale, token and products, and a device clock that
/// only moves forward. Counts are a million and up, so no subset of its changes goes below zero.
final class CrashTerminal: Sendable {
    let pointOfSale: Int64
    let token: String
    let products: [Int64]
    private let clock: Mutex<Int64>

    init(pointOfSale: Int64, token: String, products: [Int64]) {
        self.pointOfSale = pointOfSale
        self.token = token
        self.products = products
        clock = Mutex(Timestamp.now().millisecondsSinceEpoch - 3_600_000)
    }

    private func tick() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: clock.withLock { $0 += Int64.random(in: 1...20); return $0 }, utcOffsetSeconds: 7 * 3600)
    }

    func opening() -> CrashBatch {
        let at = tick()
        return CrashBatch(pointOfSale: pointOfSale, changes: products.map {
            InventoryChange(changeID: .random(), productID: $0, occurredAt: at, movement: .count(1_000_000))
        })
    }

    func batch(size: Int) -> CrashBatch {
        CrashBatch(pointOfSale: pointOfSale, changes: (0..<size).map { _ in
            let product = products.randomElement() ?? products[0]
            let movement: StockMovement = switch Int.random(in: 0..<10) {
            case 0: .count(1_000_000 + Int64.random(in: 0...999))
            case 1...4: .adjust(Int64.random(in: 1...5), .received)
            case 5...8: .adjust(-Int64.random(in: 1...3), .sold)
            default: .adjust(-1, .damaged)
            }
            return InventoryChange(changeID: .random(), productID: product, occurredAt: tick(), movement: movement)
        })
    }

    func sale() -> SaleInput {
        SaleInput(saleID: .random(), soldAt: tick(), lines: [SaleLine(productID: products.randomElement() ?? products[0],
                                                                      quantity: Int64.random(in: 1...3), unitPriceVND: 85_000)],
                  payment: PaymentMethod.allCases.randomElement() ?? .cash)
    }

    /// Sends until `stop`, reconnecting to wherever `port` says the server now is. A lost answer
    /// is retried with the same Idempotency-Key half the time, at most twice.
    func drive(port: () -> Int, until stop: () -> Bool) -> CrashTerminalLog {
        var log = CrashTerminalLog()
        var client: TestClient?
        var connectedTo = 0
        func deliver(_ target: String, _ body: String) -> Bool {
            let key = UUID().uuidString
            for attempt in 1...3 {
                if client == nil || connectedTo != port() {
                    connectedTo = port()
                    client = try? TestClient(port: connectedTo, timeoutSeconds: 5)
                }
                if let response = try? client?.request("POST", target, headers: [bearer(token), ("Idempotency-Key", key)], body: body) {
                    if (200..<300).contains(response.status) { return true }
                    if response.status < 500 {
                        log.refusals.append("\(target) \(response.status) \(response.text)")
                        return false
                    }
                }
                client = nil
                Thread.sleep(forTimeInterval: 0.02)
                if stop() || attempt == 3 || Bool.random() { return false }
            }
            return false
        }
        while !stop() {
            if Int.random(in: 0..<6) == 0 {
                let sale = sale()
                log.sales.append((sale, pointOfSale, deliver("/api/v1/points-of-sale/\(pointOfSale)/sales", CrashBatch.json(sale))))
            } else {
                let batch = batch(size: Int.random(in: 1...10))
                log.batches.append((batch, deliver(batch.target, batch.json)))
            }
        }
        return log
    }
}

/// A batch of changes to one point of sale.
struct CrashBatch: Sendable {
    let pointOfSale: Int64
    let changes: [InventoryChange]

    var target: String { "/api/v1/points-of-sale/\(pointOfSale)/inventory/changes" }

    var json: String {
        let items = changes.map { change -> String in
            let head = #"{"change_id":"\#(change.changeID)","product_id":\#(change.productID),"occurred_at":"\#(change.occurredAt.rfc3339(utcOffsetSeconds: 7 * 3600))""#
            switch change.movement {
            case .count(let n): return head + #","count":\#(n)}"#
            case .adjust(let delta, let reason): return head + #","adjust":\#(delta),"reason":"\#(reason.rawValue)"}"#
            }
        }
        return #"{"changes":[\#(items.joined(separator: ","))]}"#
    }

    static func json(_ sale: SaleInput) -> String {
        let lines = sale.lines.map { #"{"product_id":\#($0.productID),"quantity":\#($0.quantity),"unit_price_vnd":\#($0.unitPriceVND)}"# }
        return #"{"sale_id":"\#(sale.saleID)","sold_at":"\#(sale.soldAt.rfc3339(utcOffsetSeconds: 7 * 3600))","payment":"\#(sale.payment.rawValue)","lines":[\#(lines.joined(separator: ","))]}"#
    }
}

/// What one terminal sent and whether each request was acknowledged (a 2xx came back).
struct CrashTerminalLog: Sendable {
    var batches: [(batch: CrashBatch, acknowledged: Bool)] = []
    var sales: [(sale: SaleInput, pointOfSale: Int64, acknowledged: Bool)] = []
    /// 4xx answers: every request is valid whenever it arrives, so each is a bug.
    var refusals: [String] = []
}

/// Points of sale, products and terminals on a fresh server, with the opening counts acknowledged.
struct CrashFleet {
    let terminals: [CrashTerminal]
    let opening: [CrashBatch]

    init(_ client: TestClient, admin: (String, String), terminals count: Int, products productCount: Int) throws {
        func create(_ target: String, _ body: String) throws -> JSONValue {
            let response = try client.request("POST", target, headers: [admin], body: body)
            guard response.status == 201 else { throw TestClientError.malformed("\(target): \(response.status) \(response.text)") }
            return try response.json
        }
        let producer = try #require(try create("/api/v1/producers", #"{"name":"Hợp tác xã Thử","kind":"cooperative"}"#)["id"]?.int64Value)
        let products = try (1...productCount).map { n in
            try #require(try create("/api/v1/products", #"{"code":"CR-\#(n)","name":"Hàng \#(n)","producer_id":\#(producer),"group":"food"}"#)["id"]?.int64Value)
        }
        var terminals: [CrashTerminal] = [], opening: [CrashBatch] = []
        for n in 1...count {
            let point = try #require(try create("/api/v1/points-of-sale", #"{"code":"CR-POS-\#(n)","name":"Điểm \#(n)","kind":"store"}"#)["id"]?.int64Value)
            let token = try #require(try create("/api/v1/tokens", #"{"name":"t\#(n)","role":"pos","point_of_sale_id":\#(point)}"#)["token"]?.stringValue)
            let terminal = CrashTerminal(pointOfSale: point, token: token, products: products)
            let batch = terminal.opening()
            let response = try client.request("POST", batch.target, headers: [bearer(token)], body: batch.json)
            guard response.status == 200 else { throw TestClientError.malformed("opening: \(response.status) \(response.text)") }
            terminals.append(terminal)
            opening.append(batch)
        }
        self.terminals = terminals
        self.opening = opening
    }
}
