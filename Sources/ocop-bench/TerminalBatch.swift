#if canImport(Glibc)
import Glibc
#endif

/// A stock change as a bench terminal makes it: what the crash check replays and models.
struct TerminalChange: Sendable {
    enum Movement: Sendable, Equatable {
        /// "There are N."
        case count(Int64)
        /// A signed delta and its reason (the sign agrees with the reason).
        case adjust(Int64, String)
    }

    /// Lower-case UUID text, made by the terminal.
    let id: String
    let productID: Int64
    /// Device time in milliseconds since 1970.
    let occurredAtMs: Int64
    let movement: Movement
}

/// A batch of changes for `POST /api/v1/points-of-sale/{id}/inventory/changes`, with the
/// Idempotency-Key it is first sent with.
struct TerminalBatch: Sendable {
    let key: String
    let pointOfSaleID: Int64
    let changes: [TerminalChange]

    var target: String { "/api/v1/points-of-sale/\(pointOfSaleID)/inventory/changes" }

    /// `{"changes":[…]}`, written without going through a JSON tree (batches are made by the thousand).
    var body: [UInt8] {
        var out = Array(#"{"changes":["#.utf8)
        out.reserveCapacity(16 + changes.count * 150)
        for (i, change) in changes.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"change_id":""#.utf8) + Array(change.id.utf8)
            out += Array(#"","product_id":"#.utf8) + Array(String(change.productID).utf8)
            out += Array(#","occurred_at":""#.utf8) + Array(DeviceTime.rfc3339(change.occurredAtMs).utf8)
            switch change.movement {
            case .count(let n):
                out += Array(#"","count":"#.utf8) + Array(String(n).utf8)
            case .adjust(let delta, let reason):
                out += Array(#"","adjust":"#.utf8) + Array(String(delta).utf8)
                out += Array(#","reason":""#.utf8) + Array(reason.utf8) + [UInt8(ascii: "\"")]
            }
            out.append(UInt8(ascii: "}"))
        }
        out += Array("]}".utf8)
        return out
    }
}

/// A sale for `POST /api/v1/points-of-sale/{id}/sales`.
struct TerminalSale: Sendable {
    struct Line: Sendable {
        let productID: Int64
        let quantity: Int64
        let unitPriceVND: Int64
    }

    let key: String
    let saleID: String
    let pointOfSaleID: Int64
    let soldAtMs: Int64
    let lines: [Line]
    let payment: String

    var target: String { "/api/v1/points-of-sale/\(pointOfSaleID)/sales" }
    var totalVND: Int64 { lines.reduce(0) { $0 + $1.quantity * $1.unitPriceVND } }

    var body: [UInt8] {
        let items = lines.map { #"{"product_id":\#($0.productID),"quantity":\#($0.quantity),"unit_price_vnd":\#($0.unitPriceVND)}"# }
        return Array(#"{"sale_id":"\#(saleID)","sold_at":"\#(DeviceTime.rfc3339(soldAtMs))","payment":"\#(payment)","lines":[\#(items.joined(separator: ","))]}"#.utf8)
    }
}

/// A terminal's clock, written as terminals in Quảng Ninh write it: RFC 3339 with +07:00.
enum DeviceTime {
    /// Milliseconds since 1970 now, by the wall clock.
    static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// `2026-11-29T15:04:05.123+07:00`.
    static func rfc3339(_ ms: Int64) -> String {
        let local = ms + 7 * 3_600_000
        let days = Int(local.floorDiv(86_400_000))
        let inDay = Int(local - Int64(days) * 86_400_000)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        let millis = inDay % 1000
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : String(millis)
        let seconds = inDay / 1000
        return "\(CalendarDay(days: days).iso)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)).\(fraction)+07:00"
    }
}

extension Int64 {
    /// Division rounding towards −∞ (device times before 1970 are not expected, but must not misprint).
    fileprivate func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}

/// The level rule (DOMAIN.md "Inventory") restated for the crash check's model, independently of
/// the server's code: the latest count by device time (ties by change id, byte order) plus the
/// adjustments after it; with no count, the sum of all adjustments.
enum LevelRule {
    static func level(of changes: [TerminalChange]) -> Int64 {
        func after(_ a: TerminalChange, _ b: TerminalChange) -> Bool {
            a.occurredAtMs != b.occurredAtMs ? a.occurredAtMs > b.occurredAtMs : b.id.utf8.lexicographicallyPrecedes(a.id.utf8)
        }
        var anchor: TerminalChange?
        for change in changes {
            if case .count = change.movement, anchor.map({ after(change, $0) }) ?? true { anchor = change }
        }
        var level: Int64 = 0
        if let anchor, case .count(let n) = anchor.movement { level = n }
        for change in changes {
            if case .adjust(let delta, _) = change.movement, anchor.map({ after(change, $0) }) ?? true { level += delta }
        }
        return level
    }
}
