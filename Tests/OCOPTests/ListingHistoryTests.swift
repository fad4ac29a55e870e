import OCOP
import Testing

/// The dated history of a listing's state: what it says on any day, and how changes and a
/// moved start keep its invariants.
@Suite struct ListingHistoryTests {
    typealias F = FairFixtures
    let active = ListingState(status: .active, acceptsNonCash: false)
    let activeNonCash = ListingState(status: .active, acceptsNonCash: true)
    let paused = ListingState(status: .paused, acceptsNonCash: false)

    @Test func stateOnAnyDay() {
        var history = ListingHistory(listedOn: F.day("2024-01-05"), state: active)
        history.record(paused, from: F.day("2024-03-01"))
        history.record(activeNonCash, from: F.day("2024-05-20"))
        #expect(history.state(on: F.day("2024-01-04")) == nil)
        #expect(history.state(on: F.day("2024-01-05")) == active)
        #expect(history.state(on: F.day("2024-02-29")) == active)
        #expect(history.state(on: F.day("2024-03-01")) == paused)
        #expect(history.state(on: F.day("2024-05-19")) == paused)
        #expect(history.state(on: F.day("2024-05-20")) == activeNonCash)
        #expect(history.current == activeNonCash)
        #expect(history.entries.map(\.validFrom.description) == ["2024-01-05", "2024-03-01", "2024-05-20"])
    }

    @Test func changesTheSameDayReplaceEachOtherAndABackAndForthLeavesNoTrace() {
        var history = ListingHistory(listedOn: F.day("2024-01-05"), state: active)
        history.record(paused, from: F.day("2024-03-01"))
        history.record(activeNonCash, from: F.day("2024-03-01"))
        #expect(history.entries.count == 2)
        #expect(history.state(on: F.day("2024-03-01")) == activeNonCash)
        history.record(active, from: F.day("2024-03-01"))
        #expect(history.entries == [ListingHistoryEntry(validFrom: F.day("2024-01-05"), state: active)])
        // A change on the first day changes the first state.
        history.record(paused, from: F.day("2024-01-05"))
        #expect(history.entries == [ListingHistoryEntry(validFrom: F.day("2024-01-05"), state: paused)])
        // A day before the listing existed means its first day.
        history.record(active, from: F.day("2023-12-01"))
        #expect(history.entries == [ListingHistoryEntry(validFrom: F.day("2024-01-05"), state: active)])
    }

    @Test func movingTheStart() {
        var history = ListingHistory(listedOn: F.day("2024-01-05"), state: active)
        history.record(paused, from: F.day("2024-03-01"))
        history.record(activeNonCash, from: F.day("2024-05-20"))
        var earlier = history
        earlier.relist(on: F.day("2023-11-01"))
        #expect(earlier.listedOn == F.day("2023-11-01"))
        #expect(earlier.state(on: F.day("2023-11-01")) == active)
        #expect(earlier.entries.count == 3)
        var later = history
        later.relist(on: F.day("2024-04-01"))
        #expect(later.entries == [ListingHistoryEntry(validFrom: F.day("2024-04-01"), state: paused),
                                  ListingHistoryEntry(validFrom: F.day("2024-05-20"), state: activeNonCash)])
        var onAChange = history
        onAChange.relist(on: F.day("2024-05-20"))
        #expect(onAChange.entries == [ListingHistoryEntry(validFrom: F.day("2024-05-20"), state: activeNonCash)])
    }

    @Test func storedRowsAreCheckedAgainstTheInvariants() {
        let a = ListingHistoryEntry(validFrom: F.day("2024-01-05"), state: active)
        let b = ListingHistoryEntry(validFrom: F.day("2024-03-01"), state: paused)
        #expect(ListingHistory(entries: [a, b]) != nil)
        #expect(ListingHistory(entries: []) == nil)
        #expect(ListingHistory(entries: [b, a]) == nil)
        #expect(ListingHistory(entries: [a, ListingHistoryEntry(validFrom: F.day("2024-03-01"), state: active)]) == nil)
    }
}
