import Synchronization

/// The key hashes of stored responses not yet merged into `idempotency_index`, in memory,
/// so the writer can tell a new key (nearly every one) without scanning those rows.
///
/// It may hold more than the tail (rows of a transaction that rolled back), never less: a
/// hash it does not hold is not in the tail, and a hash it does hold sends
/// `IdempotencyStore.save` to the full lookup. Emptied up to a merge's last id once that
/// merge committed.
///
/// Loaded from the table by the first save, inside that save's transaction, which may roll
/// back. That read is never short of the committed tail because nothing before it can have
/// taken rows out of the tail: a purge leaves the tail alone, and no merge runs before a load
/// (`needsMerge` is false until then); what that transaction added itself is only extra.
public final class IdempotencyTail: Sendable {
    /// Past this many rows in the tail, `needsMerge`. A merge writes about one index page per
    /// key up to the index's size in pages, so bigger merges cost less per key, while a
    /// reader's replay scans up to this many rows (a few milliseconds).
    public let mergeThreshold: Int
    private let state = Mutex(State())

    private struct State {
        var loaded = false
        /// (row id, key hash) in the order they were added.
        var entries: [(id: Int64, hash: Int64)] = []
        /// How many entries have each hash.
        var counts: [Int64: Int] = [:]

        mutating func add(id: Int64, hash: Int64) {
            entries.append((id, hash))
            counts[hash, default: 0] += 1
        }
    }

    public init(mergeThreshold: Int = 4096) {
        self.mergeThreshold = max(1, mergeThreshold)
    }

    public var isLoaded: Bool { state.withLock { $0.loaded } }

    /// Entries in the tail (with the false ones it may hold).
    public var count: Int { state.withLock { $0.entries.count } }

    public var needsMerge: Bool { count >= mergeThreshold }

    /// Adds the rows read from the database's tail (the first save).
    func load(_ rows: [(id: Int64, hash: Int64)]) {
        state.withLock { state in
            guard !state.loaded else { return }
            state.loaded = true
            for row in rows { state.add(id: row.id, hash: row.hash) }
        }
    }

    func add(id: Int64, hash: Int64) {
        state.withLock { $0.add(id: id, hash: hash) }
    }

    /// Whether `hash` may be in the tail (false: it is not).
    func mayContain(_ hash: Int64) -> Bool {
        state.withLock { $0.counts[hash] != nil }
    }

    /// A merge through `id` committed: those rows are in the index now.
    public func merged(through id: Int64) {
        state.withLock { state in
            var kept: [(id: Int64, hash: Int64)] = []
            for entry in state.entries {
                if entry.id > id {
                    kept.append(entry)
                } else if let count = state.counts[entry.hash] {
                    state.counts[entry.hash] = count > 1 ? count - 1 : nil
                }
            }
            state.entries = kept
        }
    }
}
