import HTTP
import OCOP
import Synchronization

/// Rendered `200` responses of catalogue reads, reused until anything is written.
///
/// Why: a page of the product catalogue costs a search, fifty rows, their certificates and
/// their areas, and rendering tens of kilobytes of JSON — about half a millisecond of CPU —
/// while the dashboards and shoppers' phones ask for the same few pages over and over, and
/// the catalogue changes a few times a day. An entry is only ever served while the
/// database's write generation still equals the one read before the page was built (see
/// `Database.writeGeneration`), so a reader never sees a page older than the last write
/// this server committed. Only routes that opt in (`Route.cacheable`) use it, and the key
/// holds everything else a representation depends on: the exact target, CSV or JSON, the
/// caller, and the province's calendar day (statuses are computed for "today").
///
/// Bounded by what its entries cost (`cost`: the body, plus the key and headers every entry
/// holds besides); when a new entry does not fit, entries of older generations go first, then
/// everything (a write makes them all useless anyway).
public final class ResponseCache: Sendable {
    /// Everything a cacheable representation depends on besides the data.
    public struct Key: Hashable, Sendable {
        let target: String
        let csv: Bool
        /// The token (or nil for anonymous callers): the cheap way to never show one caller another's view.
        let tokenID: Int64?
        /// The province's calendar day: kept as a date, so the event loop's lookup formats nothing.
        let day: CivilDate

        public init(target: String, csv: Bool, tokenID: Int64?, day: CivilDate) {
            self.target = target
            self.csv = csv
            self.tokenID = tokenID
            self.day = day
        }
    }

    private struct Entry {
        let generation: Int
        let response: HTTPResponse
        let cost: Int
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    /// Most bytes held, as `cost` counts them; 0 turns the cache off.
    public let capacityBytes: Int
    private let hitCount = Atomic<Int>(0)
    private let missCount = Atomic<Int>(0)

    /// A cache holding at most `capacityBytes` of response bodies (0: off).
    public init(capacityBytes: Int) {
        self.capacityBytes = max(0, capacityBytes)
    }

    public var isEnabled: Bool { capacityBytes > 0 }
    /// Lookups answered from the cache, and ones that were not.
    public var hits: Int { hitCount.load(ordering: .relaxed) }
    public var misses: Int { missCount.load(ordering: .relaxed) }

    /// The response stored under `key` for exactly `generation`, if any. `countsMiss` false: a
    /// look whose miss is looked up again, and counted, by the handler (`APIResponder`).
    public func response(for key: Key, generation: Int, countsMiss: Bool = true) -> HTTPResponse? {
        guard isEnabled else { return nil }
        let found = state.withLock { state -> HTTPResponse? in
            guard let entry = state.entries[key] else { return nil }
            guard entry.generation == generation else {
                // Older than the caller's generation: stale for good (generations only move
                // forward). Newer: the caller read its generation before a write landed; the
                // entry stays for those who come after.
                if entry.generation < generation {
                    state.entries[key] = nil
                    state.bytes -= entry.cost
                }
                return nil
            }
            return entry.response
        }
        if found == nil {
            if countsMiss { missCount.add(1, ordering: .relaxed) }
        } else {
            hitCount.add(1, ordering: .relaxed)
        }
        return found
    }

    /// What an entry holds in memory, as the budget counts it: the body, the key's text and the
    /// headers, each as the heap block it takes, and the table's slot. Counting bodies alone
    /// let pages with nearly empty bodies (a search matching nothing, one distinct `?q=` after
    /// another) pile up far past the budget in the rest of what they hold; counting bytes
    /// without their blocks' headers still left real memory at 2.5 times the budget for such
    /// pages (audit 19).
    public static func cost(of response: HTTPResponse, for key: Key) -> Int {
        var bytes = heapBytes(response.body.count) + stringBytes(key.target)
        for (name, value) in response.headers {
            bytes += headerSlot + stringBytes(name) + stringBytes(value)
        }
        return bytes + entryOverhead
    }

    /// The block an array of `count` bytes takes: Swift's 32-byte object header and malloc's 16,
    /// rounded up to 16; an empty array takes none.
    static func heapBytes(_ count: Int) -> Int {
        count == 0 ? 0 : (count + 32 + 16 + 15) & ~15
    }

    /// A String of up to 15 UTF-8 bytes lives inside its 16 bytes; a longer one takes a block.
    static func stringBytes(_ string: String) -> Int {
        let count = string.utf8.count
        return count <= 15 ? 0 : heapBytes(count)
    }

    /// A header's (name, value) pair in the headers' array: two Strings of 16 bytes.
    static let headerSlot = 32

    /// The table's slot (key and entry, at the dictionary's load factor), the headers array's
    /// block and the entry's own bookkeeping, rounded up.
    public static let entryOverhead = 256

    /// Keeps a `200` response built from data read after `generation` was taken.
    public func store(_ response: HTTPResponse, for key: Key, generation: Int) {
        guard isEnabled, response.status == .ok else { return }
        let size = Self.cost(of: response, for: key)
        // One page may not take more than an eighth of the cache.
        guard size <= capacityBytes / 8 else { return }
        let response = Self.compacted(response)
        state.withLock { state in
            if let old = state.entries[key] {
                guard old.generation < generation else { return }
                state.bytes -= old.cost
                state.entries[key] = nil
            }
            if state.bytes + size > capacityBytes {
                state.entries = state.entries.filter { $0.value.generation >= generation }
                state.bytes = state.entries.values.reduce(0) { $0 + $1.cost }
            }
            if state.bytes + size > capacityBytes {
                state.entries.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            state.entries[key] = Entry(generation: generation, response: response, cost: size)
            state.bytes += size
        }
    }

    /// `response` with a body that holds no more than its bytes. A JSON writer reserves ahead
    /// (an empty page holds 256 bytes for its 31, an overview of 2.3 KB holds 4 KiB), which the sent
    /// response gives back at once but a kept one would hold for as long as it is kept.
    static func compacted(_ response: HTTPResponse) -> HTTPResponse {
        guard response.body.capacity > response.body.count + 16 else { return response }
        var kept = response
        kept.body = response.body.withUnsafeBufferPointer { [UInt8]($0) }
        return kept
    }

    /// Entries and bytes held now (as `cost` counts them).
    public var usage: (entries: Int, bytes: Int) {
        state.withLock { ($0.entries.count, $0.bytes) }
    }
}
