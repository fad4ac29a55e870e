/// Why stock moved, for an adjustment. Each reason has one direction, so a delta whose sign
/// disagrees with its reason ("received −5") is a typing or device error, rejected as invalid.
public enum AdjustReason: String, CaseIterable, Sendable {
    case received
    case sold
    case returned
    case damaged
    case expired
    case transferIn = "transfer_in"
    case transferOut = "transfer_out"

    /// Stock comes in (`true`: delta > 0) or goes out (`false`: delta < 0).
    public var isInbound: Bool {
        switch self {
        case .received, .returned, .transferIn: true
        case .sold, .damaged, .expired, .transferOut: false
        }
    }
}

/// What a change says about stock: an absolute physical count or a signed delta.
public enum StockMovement: Sendable, Equatable {
    /// "There are N": N ≥ 0.
    case count(Int64)
    /// "N more" or "N fewer", with why: N ≠ 0 and its sign agrees with the reason.
    case adjust(Int64, AdjustReason)
}

/// Where a change sits in a product's history: device time first, then the change id, so
/// every replica orders the same changes the same way whatever order they arrived in.
public struct LedgerKey: Sendable, Hashable, Comparable {
    public let occurredAtMs: Int64
    public let changeID: String

    public init(occurredAtMs: Int64, changeID: String) {
        self.occurredAtMs = occurredAtMs
        self.changeID = changeID
    }

    public static func < (lhs: LedgerKey, rhs: LedgerKey) -> Bool {
        if lhs.occurredAtMs != rhs.occurredAtMs { return lhs.occurredAtMs < rhs.occurredAtMs }
        // Byte order, as SQLite's BINARY collation compares the same text in the ledger index.
        return lhs.changeID.utf8.lexicographicallyPrecedes(rhs.changeID.utf8)
    }
}

/// One stock change of one product at one point of sale, as a device recorded it.
public struct InventoryChange: Sendable, Equatable {
    /// Made by the device; the idempotency key of the change.
    public let changeID: ClientUUID
    public let productID: Int64
    /// When it happened, by the device's clock (with the offset it wrote).
    public let occurredAt: Timestamp
    public let movement: StockMovement

    /// Largest count or |adjust|: far beyond any shelf, small enough that sums never overflow.
    public static let maximumQuantity: Int64 = 1_000_000_000
    /// How far ahead of the server's clock a device time may be: a terminal whose clock runs
    /// years fast would otherwise write a count that outranks every real one until that date.
    public static let maximumClockSkewMs: Int64 = 24 * 3600 * 1000
    /// The earliest device time taken, 2000-01-01T00:00:00Z: before the OCOP programme (2018) by
    /// years, and after what a terminal whose clock was reset reads (1970, or year 1). Such a
    /// time filed the sale or count under a day no report would ever look at.
    public static let earliestMs: Int64 = 946_684_800_000

    /// The field error for a device time outside [earliest, now + a day], or nil.
    static func clockError(_ at: Timestamp, now: Timestamp) -> String? {
        if at.millisecondsSinceEpoch > now.millisecondsSinceEpoch + maximumClockSkewMs {
            return "is more than 24 hours after the server's clock (\(now)); check the device clock"
        }
        if at.millisecondsSinceEpoch < earliestMs {
            return "is before 2000-01-01; check the device clock"
        }
        return nil
    }

    public init(changeID: ClientUUID, productID: Int64, occurredAt: Timestamp, movement: StockMovement) {
        self.changeID = changeID
        self.productID = productID
        self.occurredAt = occurredAt
        self.movement = movement
    }

    /// Its place in the product's history.
    public var key: LedgerKey { LedgerKey(occurredAtMs: occurredAt.millisecondsSinceEpoch, changeID: changeID.text) }

    /// Same change: same product, same instant and same movement (the offset a device wrote is presentation).
    public func sameContent(as other: InventoryChange) -> Bool {
        productID == other.productID && occurredAt == other.occurredAt && movement == other.movement
    }

    /// Rules beyond types, as `prefix.field` errors (`changes[3].adjust`). `now` is the server's clock.
    /// The prefix is built only when there is an error: batches of 1,000 are checked on the writer.
    public func validate(prefix makePrefix: @autoclosure () -> String, now: Timestamp) -> [FieldError] {
        var errors: [FieldError] = []
        var prefix: String { makePrefix() }
        if productID < 1 { errors.append(FieldError(prefix + ".product_id", "must be a positive id")) }
        if let clock = Self.clockError(occurredAt, now: now) { errors.append(FieldError(prefix + ".occurred_at", clock)) }
        switch movement {
        case .count(let n):
            if n < 0 || n > Self.maximumQuantity {
                errors.append(FieldError(prefix + ".count", "must be an integer from 0 to \(Self.maximumQuantity)"))
            }
        case .adjust(let delta, let reason):
            if delta == 0 || delta > Self.maximumQuantity || delta < -Self.maximumQuantity {
                errors.append(FieldError(prefix + ".adjust", "must be a non-zero integer from -\(Self.maximumQuantity) to \(Self.maximumQuantity)"))
            } else if reason.isInbound != (delta > 0) {
                errors.append(FieldError(prefix + ".adjust", reason.isInbound
                    ? "must be positive for reason \(reason.rawValue) (stock comes in)"
                    : "must be negative for reason \(reason.rawValue) (stock goes out)"))
            }
        }
        return errors
    }
}
