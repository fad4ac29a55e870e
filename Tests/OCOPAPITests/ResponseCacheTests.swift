import HTTP
import OCOP
import OCOPAPI
import Testing

/// `ResponseCache` on its own: generations, statuses, and the byte budget.
@Suite struct ResponseCacheTests {
    func key(_ target: String, token: Int64? = nil, day: String = "2026-11-29", csv: Bool = false) -> ResponseCache.Key {
        ResponseCache.Key(target: target, csv: csv, tokenID: token, day: CivilDate(day) ?? CivilDate(daysSinceEpoch: 0))
    }

    func page(_ size: Int, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, body: Array(repeating: UInt8(ascii: "x"), count: size))
    }

    @Test func servesOnlyTheGenerationItWasBuiltFrom() {
        let cache = ResponseCache(capacityBytes: 1 << 20)
        cache.store(page(10), for: key("/a"), generation: 7)
        #expect(cache.response(for: key("/a"), generation: 7)?.body.count == 10)
        #expect(cache.response(for: key("/a"), generation: 8) == nil)
        // Once seen stale, the entry is gone for good.
        #expect(cache.response(for: key("/a"), generation: 7) == nil)
        #expect(cache.usage.entries == 0)
        #expect(cache.usage.bytes == 0)
        #expect(cache.hits == 1)
        #expect(cache.misses == 2)
    }

    @Test func aLookupWithAnOlderGenerationLeavesANewerEntry() {
        let cache = ResponseCache(capacityBytes: 1 << 20)
        cache.store(page(10), for: key("/a"), generation: 8)
        #expect(cache.response(for: key("/a"), generation: 7) == nil)
        #expect(cache.response(for: key("/a"), generation: 8) != nil)
    }

    @Test func everyPartOfTheKeyCounts() {
        let cache = ResponseCache(capacityBytes: 1 << 20)
        cache.store(page(1), for: key("/a"), generation: 1)
        #expect(cache.response(for: key("/b"), generation: 1) == nil)
        #expect(cache.response(for: key("/a", token: 3), generation: 1) == nil)
        #expect(cache.response(for: key("/a", day: "2026-11-30"), generation: 1) == nil)
        #expect(cache.response(for: key("/a", csv: true), generation: 1) == nil)
        #expect(cache.response(for: key("/a"), generation: 1) != nil)
    }

    @Test func keepsOnlyOKAnswers() {
        let cache = ResponseCache(capacityBytes: 1 << 20)
        cache.store(page(10, status: .notFound), for: key("/a"), generation: 1)
        cache.store(page(10, status: .notModified), for: key("/b"), generation: 1)
        #expect(cache.usage.entries == 0)
    }

    @Test func anOlderPageNeverReplacesANewerOne() {
        let cache = ResponseCache(capacityBytes: 1 << 20)
        cache.store(page(20), for: key("/a"), generation: 5)
        cache.store(page(10), for: key("/a"), generation: 4)
        #expect(cache.response(for: key("/a"), generation: 5)?.body.count == 20)
    }

    @Test func staysWithinItsBudget() {
        // Keys of one length, so every page of 100 bytes costs the same.
        let unit = ResponseCache.cost(of: page(100), for: key("/p00"))
        let cache = ResponseCache(capacityBytes: 8 * unit)
        // Costing more than an eighth of the budget (a block of 16 bytes more): never kept.
        cache.store(page(116), for: key("/big"), generation: 1)
        #expect(cache.usage.entries == 0)
        for n in 10..<30 { cache.store(page(100), for: key("/p\(n)"), generation: 1) }
        #expect(cache.usage.bytes <= 8 * unit)
        // The newest entry is always there after a store.
        #expect(cache.response(for: key("/p29"), generation: 1) != nil)
        // Entries of an older generation are dropped first.
        let mixed = ResponseCache(capacityBytes: 8 * unit)
        for n in 10..<14 { mixed.store(page(100), for: key("/o\(n)"), generation: 1) }
        for n in 10..<14 { mixed.store(page(100), for: key("/n\(n)"), generation: 2) }
        mixed.store(page(100), for: key("/n99"), generation: 2)
        #expect(mixed.usage.entries == 5)
        #expect(mixed.response(for: key("/n10"), generation: 2) != nil)
    }

    /// Pages with empty bodies still cost their key, headers and slot: one distinct search after
    /// another that matches nothing cannot hold more than the budget in them.
    @Test func emptyPagesCountAgainstTheBudgetToo() {
        let cache = ResponseCache(capacityBytes: 64 << 10)
        var empty = page(0)
        empty.headers.set("Content-Type", "application/json")
        empty.headers.set("ETag", "W/\"12345\"")
        for n in 0..<10_000 { cache.store(empty, for: key("/api/v1/producers?q=nothing\(n)"), generation: 1) }
        #expect(cache.usage.bytes <= 64 << 10)
        #expect(cache.usage.entries < (64 << 10) / ResponseCache.entryOverhead)
        #expect(cache.usage.entries > 0)
        #expect(cache.response(for: key("/api/v1/producers?q=nothing9999"), generation: 1) != nil)
    }

    /// A JSON writer reserves ahead; what the cache keeps must hold only the bytes, or a page of
    /// 31 bytes would hold 4 KiB for as long as it stays (audit 19 measured 2.5 times the budget).
    @Test func aKeptPageHoldsOnlyItsBytes() {
        let cache = ResponseCache(capacityBytes: 1 << 20)
        var reserved: [UInt8] = []
        reserved.reserveCapacity(4096)
        reserved.append(contentsOf: Array(#"{"items":[],"next_cursor":null}"#.utf8))
        #expect(reserved.capacity >= 4096)
        let sent = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: reserved)
        cache.store(sent, for: key("/api/v1/producers?district=nowhere"), generation: 1)
        let kept = cache.response(for: key("/api/v1/producers?district=nowhere"), generation: 1)
        #expect(kept?.body == reserved)
        #expect((kept?.body.capacity ?? .max) < 64)
        #expect(kept?.headers["Content-Type"] == "application/json")
    }

    /// Each piece is counted as the heap block it takes: bytes plus the object's and malloc's
    /// headers, so a 31-byte body and a 40-byte target count at least 79 and 88.
    @Test func anEntryCostsItsBlocksNotJustItsBytes() {
        let body = Array(repeating: UInt8(ascii: "x"), count: 31)
        let target = String(repeating: "t", count: 40)
        let cost = ResponseCache.cost(of: HTTPResponse(status: .ok, body: body), for: key(target))
        #expect(cost >= 31 + 48 + 40 + 48 + ResponseCache.entryOverhead)
        // A short target lives inside its String, the day inside the key; an empty body takes no block.
        let bare = ResponseCache.cost(of: HTTPResponse(status: .ok), for: key("/short"))
        #expect(bare == ResponseCache.entryOverhead)
    }

    @Test func zeroCapacityIsOff() {
        let cache = ResponseCache(capacityBytes: 0)
        cache.store(page(1), for: key("/a"), generation: 1)
        #expect(!cache.isEnabled)
        #expect(cache.response(for: key("/a"), generation: 1) == nil)
        #expect(cache.misses == 0)
    }
}
