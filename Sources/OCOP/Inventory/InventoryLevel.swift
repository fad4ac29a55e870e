/// The current stock of one product at one point of sale, as the API shows it.
public struct InventoryLevel: Sendable, Equatable {
    public let pointOfSaleID: Int64
    public let productID: Int64
    public let productCode: String
    public let productName: String
    public let level: Int64
    /// When the count the level is anchored on happened (device time); nil when never counted.
    public let lastCountAt: Timestamp?
    /// nil (and `version` 0) for a product that has never had stock here: its level is 0.
    public let createdAt: Timestamp?
    public let updatedAt: Timestamp?
    /// Grows by one with every batch, sale or set that adds changes for the product here.
    public let version: Int64
}

/// What became of one change of a batch.
public enum ChangeOutcome: Sendable, Equatable {
    /// Recorded now.
    case applied
    /// Its `change_id` was applied before (or earlier in the same batch) with this content: skipped.
    case duplicate
    /// Its `change_id` was applied before with other content, or at another point of sale:
    /// skipped all the same (the id is what makes a change happen once, issue #4), and reported
    /// apart, as a terminal that sends it reuses ids and its level may be missing a change.
    case duplicateWithOtherContent

    /// Skipped, either way.
    public var isDuplicate: Bool { self != .applied }
}

/// The result of applying a batch: one outcome per change, in the order sent, and the
/// resulting level of every product the batch named.
public struct InventoryBatchResult: Sendable {
    public let outcomes: [ChangeOutcome]
    /// By product id.
    public let levels: [InventoryLevel]

    public var appliedCount: Int { outcomes.count { $0 == .applied } }
    public var duplicateCount: Int { outcomes.count(where: \.isDuplicate) }
}

/// A product that a batch would leave below zero, and the level it would have reached.
public struct StockShortfall: Sendable, Equatable {
    public let productID: Int64
    public let level: Int64

    public init(productID: Int64, level: Int64) {
        self.productID = productID
        self.level = level
    }
}

/// Conflicts of a batch with the ledger; the batch changes nothing (API: 409 naming them).
public enum InventoryError: Error, Sendable, Equatable {
    /// Adjustments after the last count would take these products below zero. A count corrects it.
    case belowZero([StockShortfall])
}

/// Who made a set of changes, for the ledger and the audit log.
public enum ChangeOrigin: Sendable, Equatable {
    /// A batch from a terminal or the office (`POST …/inventory/changes`).
    case batch
    /// The office set a level (`PUT …/inventory/{product_id}`): a count at server time.
    case setLevel
    /// A sale moved stock; the sale's row id.
    case sale(Int64)
}

/// One entry of a point of sale's pull feed: a product's level after a write.
public struct InventoryFeedEntry: Sendable, Equatable {
    /// Strictly increasing across the whole database; the cursor is the last one seen.
    public let seq: Int64
    public let productID: Int64
    public let level: Int64
    /// The level's version after this write (what `If-Match` on PUT needs).
    public let version: Int64
    /// The changes applied by the write that produced this level.
    public let changeIDs: [String]
    /// Server time of the write.
    public let at: Timestamp
}

/// A page of the feed. `lastSeq` is where the next read starts, even when no entry is new.
public struct InventoryFeedPage: Sendable {
    public let entries: [InventoryFeedEntry]
    public let lastSeq: Int64
    /// More entries follow `lastSeq` already: read again at once.
    public let hasMore: Bool
}
