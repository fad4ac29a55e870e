import Foundation
import JSON
import OCOP
@testable import OCOPAPI
import Testing

@Suite struct TokenCacheTests {
    let principal = Principal(tokenID: 7, role: .officer, pointOfSaleID: nil)
    let hash: [UInt8] = Array(repeating: 0xAB, count: 32)

    @Test func storedPrincipalsAreServedUntilInvalidated() {
        let cache = TokenCache()
        #expect(cache.principal(forSecretHash: hash) == nil)
        cache.store(principal, forSecretHash: hash, epoch: cache.epoch)
        #expect(cache.principal(forSecretHash: hash) == principal)
        cache.invalidateAll()
        #expect(cache.principal(forSecretHash: hash) == nil)
    }

    /// A lookup that began before a revocation committed must not be cached after it.
    @Test func aLookupThatRacedAnInvalidationIsNotStored() {
        let cache = TokenCache()
        let epoch = cache.epoch        // lookup starts, reads the token as valid…
        cache.invalidateAll()          // …while a revocation commits
        cache.store(principal, forSecretHash: hash, epoch: epoch)
        #expect(cache.principal(forSecretHash: hash) == nil)
    }

    /// Entries are found by the first 8 bytes of the hash but must match it whole.
    @Test func aHashSharingTheFirstBytesIsNotTakenForAnother() {
        let cache = TokenCache()
        cache.store(principal, forSecretHash: hash, epoch: cache.epoch)
        var other = hash
        other[31] = 0xCD
        #expect(cache.principal(forSecretHash: other) == nil)
        #expect(cache.principal(forSecretHash: hash) == principal)
    }

    @Test func entriesExpire() throws {
        let cache = TokenCache(lifetime: .milliseconds(30))
        cache.store(principal, forSecretHash: hash, epoch: cache.epoch)
        #expect(cache.principal(forSecretHash: hash) == principal)
        usleep(60_000)
        #expect(cache.principal(forSecretHash: hash) == nil)
    }

    @Test func capacityIsBounded() {
        let cache = TokenCache(capacity: 4)
        for i in 0..<10 { cache.store(principal, forSecretHash: [UInt8(i)], epoch: cache.epoch) }
        #expect((0..<10).filter { cache.principal(forSecretHash: [UInt8($0)]) != nil }.count <= 4)
        #expect(cache.principal(forSecretHash: [9]) == principal)
    }
}

@Suite struct AccessLogTests {
    private func temporaryFile() -> (path: String, fd: Int32) {
        let path = NSTemporaryDirectory() + "ocop-access-" + UUID().uuidString + ".log"
        return (path, open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644))
    }

    private func lines(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    }

    private func record(_ log: AccessLog, _ n: Int, thread: Int) {
        log.record(requestID: "r\(thread)-\(n)", method: "GET", target: "/api/v1/producers/\(n)?q=\"x\"",
                   route: "/api/v1/producers/{id}", status: 200, milliseconds: 0.25, bytes: 512,
                   remote: "127.0.0.1:5000", tokenID: nil, at: "2024-12-12T08:00:00Z")
    }

    /// Many threads, small flush threshold: every line arrives whole, once, and none is lost at close.
    @Test func everyLineIsWrittenWholeByClose() throws {
        let (path, fd) = temporaryFile()
        defer { close(fd); unlink(path) }
        let log = AccessLog(enabled: true, fd: fd, flushInterval: .seconds(30), flushBytes: 1000)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for n in 0..<500 { record(log, n, thread: thread) }
        }
        log.close()
        let written = try lines(path)
        #expect(written.last == "")   // ends with a newline: no cut line
        let ids = try written.dropLast().map { line -> String in
            let value = try JSONValue.parse(Array(line.utf8))
            return value["request_id"]?.stringValue ?? ""
        }
        #expect(ids.count == 8 * 500)
        #expect(Set(ids).count == 8 * 500)
        // Lines recorded after close are written at once.
        record(log, 1, thread: 99)
        #expect(try lines(path).dropLast().count == 8 * 500 + 1)
    }

    @Test func aRefusalIsALineWithItsStatusAndReason() throws {
        let (path, fd) = temporaryFile()
        defer { close(fd); unlink(path) }
        let log = AccessLog(enabled: true, fd: fd, flushInterval: .seconds(30))
        log.recordRejection(status: 408, reason: "request head not received in time", at: "2024-12-12T08:00:00Z")
        log.close()
        let line = try JSONValue.parse(Array(try #require(try lines(path).first).utf8))
        #expect(line["event"]?.stringValue == "rejected")
        #expect(line["status"]?.int64Value == 408)
        #expect(line["reason"]?.stringValue == "request head not received in time")
    }

    @Test func linesAreFlushedWithinTheIntervalWithoutClose() throws {
        let (path, fd) = temporaryFile()
        defer { close(fd); unlink(path) }
        let log = AccessLog(enabled: true, fd: fd, flushInterval: .milliseconds(20))
        defer { log.close() }
        record(log, 1, thread: 0)
        var seen = 0
        for _ in 0..<100 where seen == 0 {
            usleep(10_000)
            seen = try lines(path).dropLast().count
        }
        #expect(seen == 1)
    }
}
