/// One of 2ⁿ equal, contiguous parts of the `Int64` key-hash space, lowest first, so that
/// together they cover every hash exactly once.
struct HashSlice: Equatable {
    let lowest: Int64
    let highest: Int64

    /// `count` slices; `count` must be a power of two.
    static func all(_ count: Int) -> [HashSlice] {
        precondition(count > 0 && count & (count - 1) == 0, "slice count must be a power of two")
        let width = UInt64(1) << (64 - count.trailingZeroBitCount)   // 2⁶⁴ / count; a UInt64 for count ≥ 2
        return (0..<count).map { index in
            guard count > 1 else { return HashSlice(lowest: .min, highest: .max) }
            let lowest = Int64.min &+ Int64(bitPattern: UInt64(index) &* width)
            return HashSlice(lowest: lowest, highest: lowest &+ Int64(bitPattern: width &- 1))
        }
    }
}

/// A stored response's row not merged into the index yet: its key hash and row id.
struct TailEntry: Equatable {
    let hash: Int64
    let id: Int64

    /// `entries`, in hash order, cut where `slices` (in order, covering every hash) meet.
    static func split(_ entries: [TailEntry], into slices: [HashSlice]) -> [ArraySlice<TailEntry>] {
        var start = entries.startIndex
        return slices.map { slice in
            let end = entries[start...].firstIndex { $0.hash > slice.highest } ?? entries.endIndex
            defer { start = end }
            return entries[start..<end]
        }
    }
}
