/// The stock of one product at one point of sale, and the count it is anchored on.
public struct StockState: Sendable, Equatable {
    public var level: Int64
    /// The latest physical count in the ledger; nil when the product was never counted there
    /// (then the level is the sum of every adjustment, starting from zero).
    public var lastCount: LedgerKey?

    public init(level: Int64, lastCount: LedgerKey?) {
        self.level = level
        self.lastCount = lastCount
    }

    /// Nothing recorded yet.
    public static let empty = StockState(level: 0, lastCount: nil)

    /// Whether an adjustment at `key` counts towards the level (it happened after the anchor).
    func counts(_ key: LedgerKey) -> Bool {
        guard let lastCount else { return true }
        return key > lastCount
    }
}

/// The level rule (DOMAIN.md "Inventory"): current level = the latest physical count by
/// `occurred_at` (ties broken by `change_id`) + the adjustments that occurred after it.
/// Adjustments before the latest count are history: the count already saw their effect.
/// Because the rule is a function of the SET of changes, late and out-of-order arrivals
/// give the same level as in-order ones.
public enum InventoryLevelRule {
    /// The level of a complete set of one product's changes: the definition itself.
    public static func state(of changes: [InventoryChange]) -> StockState {
        var anchor: (key: LedgerKey, count: Int64)?
        for change in changes {
            if case .count(let n) = change.movement, anchor.map({ change.key > $0.key }) ?? true {
                anchor = (change.key, n)
            }
        }
        var state = StockState(level: anchor?.count ?? 0, lastCount: anchor?.key)
        for change in changes {
            if case .adjust(let delta, _) = change.movement, state.counts(change.key) {
                state.level = add(state.level, delta)
            }
        }
        return state
    }

    /// How newly arrived changes move a known state.
    public enum Update: Sendable, Equatable {
        /// The new state, folded from the old one without reading the ledger.
        case state(StockState)
        /// A new count outranks the anchor: the level is that count plus the ledger's
        /// adjustments after it (`recounted`), which only the ledger knows.
        case recount(from: LedgerKey, count: Int64)
    }

    /// Folds `arrivals` (changes not yet in `state`) into `state` (the state of the ledger
    /// before them). Adjustments after the anchor add; those before it are history; a count
    /// newer than the anchor moves the anchor. Equal to `state(of: old + arrivals)`.
    public static func update(_ state: StockState, with arrivals: [InventoryChange]) -> Update {
        var newest: (key: LedgerKey, count: Int64)?
        for change in arrivals {
            guard case .count(let n) = change.movement else { continue }
            let anchor = newest?.key ?? state.lastCount
            if anchor.map({ change.key > $0 }) ?? true { newest = (change.key, n) }
        }
        if let newest { return .recount(from: newest.key, count: newest.count) }
        var next = state
        for change in arrivals {
            if case .adjust(let delta, _) = change.movement, state.counts(change.key) {
                next.level = add(next.level, delta)
            }
        }
        return .state(next)
    }

    /// The state anchored on a count, given the sum of the adjustments after it.
    public static func recounted(from key: LedgerKey, count: Int64, adjustmentsAfter: Int64) -> StockState {
        StockState(level: add(count, adjustmentsAfter), lastCount: key)
    }

    /// Saturating: reaching ±9.2e18 needs billions of maximal changes, but a level must never trap.
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}
