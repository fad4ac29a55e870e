import OCOP
import Testing

/// The level rule as a pure function, and its incremental form against the definition.
@Suite struct InventoryLevelRuleTests {
    typealias F = InventoryFixtures

    @Test func lastCountPlusLaterAdjustments() {
        let changes = [
            F.adjust(1, 7, 10, .received, at: 0),     // before the count: history
            F.count(2, 7, 12, at: 5),
            F.adjust(3, 7, -3, .sold, at: 6),
            F.adjust(4, 7, 2, .returned, at: 9),
            F.count(5, 7, 4, at: 1),                  // an older count: history too
        ]
        let state = InventoryLevelRule.state(of: changes)
        #expect(state.level == 11)
        #expect(state.lastCount == changes[1].key)
        // Any order of the same set: the same state.
        #expect(InventoryLevelRule.state(of: changes.reversed()) == state)
    }

    @Test func withoutACountAdjustmentsStartFromZero() {
        let state = InventoryLevelRule.state(of: [F.adjust(1, 7, 5, .received, at: 0), F.adjust(2, 7, -2, .damaged, at: 1)])
        #expect(state == StockState(level: 3, lastCount: nil))
        #expect(InventoryLevelRule.state(of: []) == .empty)
    }

    @Test func sameInstantIsOrderedByChangeID() {
        // Count and sale at the same millisecond: the larger change id is later.
        let countFirst = [F.count(1, 7, 10, at: 3), F.adjust(2, 7, -4, .sold, at: 3)]
        #expect(InventoryLevelRule.state(of: countFirst).level == 6)
        let saleFirst = [F.adjust(1, 7, -4, .sold, at: 3), F.count(2, 7, 10, at: 3)]
        #expect(InventoryLevelRule.state(of: saleFirst).level == 10)
        // Two counts at the same instant: the larger change id wins, whatever the order given.
        let counts = [F.count(9, 7, 1, at: 3), F.count(8, 7, 2, at: 3)]
        #expect(InventoryLevelRule.state(of: counts).level == 1)
        #expect(InventoryLevelRule.state(of: counts.reversed()).level == 1)
        // Milliseconds matter before ids do.
        let a = InventoryChange(changeID: F.id(1), productID: 7, occurredAt: F.at(3, ms: 1), movement: .count(5))
        let b = InventoryChange(changeID: F.id(2), productID: 7, occurredAt: F.at(3), movement: .adjust(3, .received))
        #expect(InventoryLevelRule.state(of: [a, b]).level == 5)
    }

    @Test func updateFoldsWithoutTheLedgerUnlessACountTakesOver() {
        let old = [F.count(1, 7, 10, at: 5), F.adjust(2, 7, -2, .sold, at: 6)]
        let state = InventoryLevelRule.state(of: old)
        #expect(InventoryLevelRule.update(state, with: [F.adjust(3, 7, 4, .received, at: 7), F.adjust(4, 7, -1, .sold, at: 2)])
                == .state(StockState(level: 12, lastCount: old[0].key)))
        #expect(InventoryLevelRule.update(state, with: [F.count(5, 7, 3, at: 4)]) == .state(state))   // an older count
        let newer = F.count(6, 7, 3, at: 5)    // same minute, larger id: newer
        #expect(InventoryLevelRule.update(state, with: [newer, F.count(7, 7, 1, at: 1)]) == .recount(from: newer.key, count: 3))
        #expect(InventoryLevelRule.recounted(from: newer.key, count: 3, adjustmentsAfter: -2) == StockState(level: 1, lastCount: newer.key))
    }

    /// Property: folding arrivals batch by batch (recounting from the ledger when a count takes
    /// over, as the store does) always equals the definition over everything arrived so far.
    @Test(arguments: 0..<40) func incrementalEqualsDefinition(seed: UInt64) {
        var rng = InventoryRandom(seed: 0xC0FFEE &+ seed)
        let all = F.scenario(&rng, products: [7], size: 30).shuffled(using: &rng)
        var ledger: [InventoryChange] = []
        var state = StockState.empty
        var rest = all[...]
        while !rest.isEmpty {
            let batch = Array(rest.prefix(Int.random(in: 1...6, using: &rng)))
            rest = rest.dropFirst(batch.count)
            ledger += batch
            switch InventoryLevelRule.update(state, with: batch) {
            case .state(let next):
                state = next
            case .recount(let key, let count):
                let after = ledger.reduce(Int64(0)) { sum, c in
                    if case .adjust(let d, _) = c.movement, c.key > key { return sum + d }
                    return sum
                }
                state = InventoryLevelRule.recounted(from: key, count: count, adjustmentsAfter: after)
            }
            #expect(state == InventoryLevelRule.state(of: ledger), "seed \(seed)")
        }
    }

    @Test func changeValidation() {
        let now = F.now
        func errors(_ movement: StockMovement, at time: Timestamp = F.at(0)) -> [String] {
            InventoryChange(changeID: F.id(1), productID: 7, occurredAt: time, movement: movement)
                .validate(prefix: "changes[0]", now: now).map(\.field)
        }
        #expect(errors(.count(0)).isEmpty)
        #expect(errors(.count(-1)) == ["changes[0].count"])
        #expect(errors(.count(InventoryChange.maximumQuantity + 1)) == ["changes[0].count"])
        for reason in AdjustReason.allCases {
            #expect(errors(.adjust(reason.isInbound ? 3 : -3, reason)).isEmpty, "\(reason)")
            #expect(errors(.adjust(reason.isInbound ? -3 : 3, reason)) == ["changes[0].adjust"], "\(reason)")
        }
        #expect(Set(AdjustReason.allCases.filter(\.isInbound)) == [.received, .returned, .transferIn])
        #expect(errors(.adjust(0, .received)) == ["changes[0].adjust"])
        // Device clocks may run fast by up to a day; beyond that the change is refused.
        let skew = InventoryChange.maximumClockSkewMs
        #expect(errors(.count(1), at: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + skew)).isEmpty)
        #expect(errors(.count(1), at: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + skew + 1)) == ["changes[0].occurred_at"])
        // A reset clock (1970, year 1) is refused too; 2000-01-01 is the earliest time taken.
        #expect(errors(.count(1), at: Timestamp(millisecondsSinceEpoch: 0)) == ["changes[0].occurred_at"])
        #expect(errors(.count(1), at: Timestamp(millisecondsSinceEpoch: InventoryChange.earliestMs - 1)) == ["changes[0].occurred_at"])
        #expect(errors(.count(1), at: Timestamp(millisecondsSinceEpoch: InventoryChange.earliestMs)).isEmpty)
        let zeroProduct = InventoryChange(changeID: F.id(1), productID: 0, occurredAt: F.at(0), movement: .count(1))
        #expect(zeroProduct.validate(prefix: "x", now: now).map(\.field) == ["x.product_id"])
    }

    @Test func clientUUIDs() {
        let upper = ClientUUID("3F2B6C1E-9A7D-4E2F-8B1A-0C5D7E9F1A2B")
        #expect(upper?.text == "3f2b6c1e-9a7d-4e2f-8b1a-0c5d7e9f1a2b")
        #expect(upper == ClientUUID("3f2b6c1e-9a7d-4e2f-8b1a-0c5d7e9f1a2b"))
        for bad in ["", "3f2b6c1e9a7d4e2f8b1a0c5d7e9f1a2b", "3f2b6c1e-9a7d-4e2f-8b1a-0c5d7e9f1a2g",
                    "3f2b6c1e-9a7d-4e2f-8b1a-0c5d7e9f1a2", "{3f2b6c1e-9a7d-4e2f-8b1a-0c5d7e9f1a2b}", "3f2b6c1e_9a7d-4e2f-8b1a-0c5d7e9f1a2b"] {
            #expect(ClientUUID(bad) == nil, "\(bad)")
        }
        let derived = ClientUUID.derived(from: "sale 1 line 1")
        #expect(derived == ClientUUID.derived(from: "sale 1 line 1"))
        #expect(derived != ClientUUID.derived(from: "sale 1 line 2"))
        #expect(ClientUUID(derived.text) == derived)
        #expect(Array(derived.text)[14] == "8")   // version 8 (RFC 9562 §5.8)
        let random = ClientUUID.random()
        #expect(Array(random.text)[14] == "4")
        #expect(random != ClientUUID.random())
    }
}
