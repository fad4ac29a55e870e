/// Whether a listing is up, and whether it takes non-cash payment: the two facts of a listing
/// that coverage reports count, so the two that keep a dated history.
public struct ListingState: Sendable, Equatable {
    public var status: ListingStatus
    public var acceptsNonCash: Bool

    public init(status: ListingStatus, acceptsNonCash: Bool) {
        self.status = status
        self.acceptsNonCash = acceptsNonCash
    }
}

/// A listing's state from one day on (until the next entry's day).
public struct ListingHistoryEntry: Sendable, Equatable {
    public let validFrom: CivilDate
    public let state: ListingState

    public init(validFrom: CivilDate, state: ListingState) {
        self.validFrom = validFrom
        self.state = state
    }
}

/// What a listing's state was on every day since it was listed, so that a report as of a past
/// day counts what was true then ("last year's figure stays what it was").
///
/// Invariants, kept by every mutation: never empty; days strictly increasing; the first day is
/// the listing's `listed_on`; no entry repeats the state of the one before it.
public struct ListingHistory: Sendable, Equatable {
    public private(set) var entries: [ListingHistoryEntry]

    /// A history that starts on `listedOn` in `state`.
    public init(listedOn: CivilDate, state: ListingState) {
        entries = [ListingHistoryEntry(validFrom: listedOn, state: state)]
    }

    /// Rebuilds a stored history; nil when the rows break the invariants (corrupt data).
    public init?(entries: [ListingHistoryEntry]) {
        guard let first = entries.first else { return nil }
        var previous = first
        for entry in entries.dropFirst() {
            guard previous.validFrom < entry.validFrom, previous.state != entry.state else { return nil }
            previous = entry
        }
        self.entries = entries
    }

    /// The day the listing went up.
    public var listedOn: CivilDate { entries[0].validFrom }

    /// The day of the first recorded change after the listing went up, if any: `listed_on` may be
    /// corrected up to the day before it, since a later start would erase that change.
    public var firstChangeDay: CivilDate? { entries.count > 1 ? entries[1].validFrom : nil }

    /// The latest state: what the listing is now.
    public var current: ListingState { entries[entries.count - 1].state }

    /// The state on `day`, or nil before the listing existed.
    public func state(on day: CivilDate) -> ListingState? {
        entries.last { $0.validFrom <= day }?.state
    }

    /// Records that the listing is in `state` from `day` on. A change takes effect on the day it
    /// is made (`day` is today); a day before the listing existed means its first day. Entries
    /// from `day` on are superseded, and a change back to the state before `day` leaves no trace.
    public mutating func record(_ state: ListingState, from day: CivilDate) {
        let effective = max(day, listedOn)
        let kept = entries.filter { $0.validFrom < effective }
        if let before = kept.last, before.state == state {
            entries = kept
        } else {
            entries = kept + [ListingHistoryEntry(validFrom: effective, state: state)]
        }
    }

    /// Moves the first day to `listedOn`. Earlier: the first state simply starts sooner. Later:
    /// the state on the new day becomes the first, and what came before it is dropped.
    public mutating func relist(on listedOn: CivilDate) {
        guard listedOn != self.listedOn else { return }
        guard let start = state(on: listedOn) else {
            entries[0] = ListingHistoryEntry(validFrom: listedOn, state: entries[0].state)
            return
        }
        entries = [ListingHistoryEntry(validFrom: listedOn, state: start)] + entries.filter { $0.validFrom > listedOn }
    }
}
