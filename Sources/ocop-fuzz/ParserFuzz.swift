import HTTP

/// The property the fuzzer checks on every input: the request parser gives the same
/// answer however the bytes arrive, keeps its invariants, and honours its limits
/// monotonically. Any broken property is thrown; the entry points turn it into a
/// crash (libFuzzer) or a failed replay.
enum ParserFuzz {
    /// Small limits, so that every one of them is reachable by a fuzzer input of a few KiB.
    static let limits = HTTPLimits(maxRequestLineBytes: 1024, maxHeaderBytes: 4096,
                                   maxHeaderCount: 32, maxBodyBytes: 16 * 1024)
    /// Tiny limits for a second round on the same input: they are hit by inputs of tens of
    /// bytes (a chunked body summing past the body limit, a line one byte too long and
    /// torn across reads), where the fuzzer spends most of its time.
    static let tightLimits = HTTPLimits(maxRequestLineBytes: 64, maxHeaderBytes: 256,
                                        maxHeaderCount: 8, maxBodyBytes: 256)
    /// Inputs up to this size are also fed one byte per read (cost grows with the size).
    static let bytewiseMaxLength = 512

    /// Checks every property on `input`, under both sets of limits.
    static func check(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        let loose = try checkFeedings(input, limits: limits)
        let tight = try checkFeedings(input, limits: tightLimits)
        try checkMonotonic(tight: tight, loose: loose)
    }

    /// Feeds `input` whole, split in two, in many short reads and (if short) byte by byte;
    /// every feeding must agree with the whole one, which is returned.
    private static func checkFeedings(_ input: UnsafeRawBufferPointer, limits: HTTPLimits) throws(FuzzFailure) -> FeedTrace {
        let feeder = Feeder(limits: limits)
        let whole = try feeder.feed(input, cuts: [])
        if input.count < 2 { return whole }

        var seed = fnv1a(input)
        // Split in two at a data-derived offset: the classic place for state bugs
        // (a line, a CRLF or a chunk size torn across reads).
        let offset = 1 + Int(seed % UInt64(input.count - 1))
        try expectSame(whole, try feeder.feed(input, cuts: [offset]), "split at \(offset)")

        // Many short reads of data-derived lengths, re-offering the unconsumed bytes after
        // every needMore: exercises resumption in every state.
        var cuts: [Int] = []
        var position = 0
        while true {
            position += 1 + Int(splitMix(&seed) % 24)
            guard position < input.count else { break }
            cuts.append(position)
        }
        var repeating = feeder
        repeating.repeatAfterNeedMore = true
        try expectSame(whole, try repeating.feed(input, cuts: cuts), "in reads ending at \(cuts)")

        if input.count <= bytewiseMaxLength {
            try expectSame(whole, try feeder.feed(input, cuts: Array(1..<input.count)), "byte by byte")
        }
        return whole
    }

    /// Two feedings of the same bytes must report the same requests and the same failure,
    /// end equally idle, and (when nothing failed) leave the same bytes unconsumed.
    private static func expectSame(_ whole: FeedTrace, _ other: FeedTrace, _ how: String) throws(FuzzFailure) {
        guard other.events == whole.events else {
            throw FuzzFailure(description: "fed \(how): \(other.events) but whole: \(whole.events)")
        }
        guard other.idleAtEnd == whole.idleAtEnd else {
            throw FuzzFailure(description: "fed \(how): idle \(other.idleAtEnd) but whole: idle \(whole.idleAtEnd)")
        }
        guard whole.failure != nil || other.unconsumed == whole.unconsumed else {
            throw FuzzFailure(description: "fed \(how): \(other.unconsumed) unconsumed but whole: \(whole.unconsumed)")
        }
    }

    /// Limits only ever add failures: under tighter limits the same input yields a prefix
    /// of the same requests, then either nothing more, or a limit error (`HTTPParseError.isLimit`),
    /// or exactly the error the looser limits give. Anything else means a limit changed
    /// how bytes were read, not just whether they were accepted.
    private static func checkMonotonic(tight: FeedTrace, loose: FeedTrace) throws(FuzzFailure) {
        let requests = tight.failure == nil ? tight.events.count : tight.events.count - 1
        guard loose.events.count >= requests, Array(loose.events.prefix(requests)) == Array(tight.events.prefix(requests)) else {
            throw FuzzFailure(description: "tight limits gave \(tight.events) but loose: \(loose.events)")
        }
        guard let error = tight.failure else {
            guard loose.events == tight.events else {
                throw FuzzFailure(description: "tight limits passed with \(tight.events) but loose gave \(loose.events)")
            }
            return
        }
        if error.isLimit { return }
        guard loose.events.count > requests, loose.events[requests] == .failure(error) else {
            throw FuzzFailure(description: "tight limits failed with \(error) but loose gave \(loose.events)")
        }
    }

    /// FNV-1a over the input: a cheap, stable seed, so a crash replays identically.
    private static func fnv1a(_ input: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in input {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// SplitMix64: a tiny deterministic generator for read lengths.
    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
