import HTTP
import OCOPAPI
import Testing

/// `ResponseCache` on its own: generations, statuses, and the byte budget.
@Suite struct ResponseCacheTests {
    func key(_ target: String, token: Int64? = nil, day: String = "2026-11-29", csv: Bool = false) -> ResponseCache.Key {
        ResponseCache.Key(target: target, csv: csv, tokenID: token, day: day)
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
        // Costing more than an eighth of the budget: never kept.
        cache.store(page(101), for: key("/big"), generation: 1)
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

    @Test func zeroCapacityIsOff() {
        let cache = ResponseCache(capacityBytes: 0)
        cache.store(page(1), for: key("/a"), generation: 1)
        #expect(!cache.isEnabled)
        #expect(cache.response(for: key("/a"), generation: 1) == nil)
        #expect(cache.misses == 0)
    }
}
