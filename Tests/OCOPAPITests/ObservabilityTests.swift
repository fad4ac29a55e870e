import Foundation
import JSON
import OCOP
@testable import OCOPAPI
import Testing
import TestSupport

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
        let path = Scratch.path("ocop-access") + ".log"
        return (path, open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644))
    }

    private func lines(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    }

    private func record(_ log: AccessLog, _ n: Int, thread: Int) {
        log.record(requestID: "r\(thread)-\(n)", method: "GET", target: "/api/v1/producers/\(n)?q=\"x\"",
                   route: "/api/v1/producers/{id}", status: 200, milliseconds: 0.25, bytes: 512,
                   remote: "127.0.0.1:5000", tokenID: nil, at: Timestamp(millisecondsSinceEpoch: 1_733_990_400_000))
    }

    /// Many threads, small flush threshold: every line arrives whole, once, and none is lost at close.
    @Test func everyLineIsWrittenWholeByClose() throws {
        let (path, fd) = temporaryFile()
        defer { close(fd); unlink(path) }
        let log = try AccessLog(enabled: true, fd: fd, flushInterval: .seconds(30), flushBytes: 1000)
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
        // Nothing records after close (the server has stopped); a line that did would be dropped.
        record(log, 1, thread: 99)
        usleep(50_000)
        #expect(try lines(path).dropLast().count == 8 * 500)
        #expect(log.droppedLines == 1)
    }

    @Test func aRefusalIsALineWithItsStatusAndReason() throws {
        let (path, fd) = temporaryFile()
        defer { close(fd); unlink(path) }
        let log = try AccessLog(enabled: true, fd: fd, flushInterval: .seconds(30))
        log.recordRejection(status: 408, reason: "request head not received in time", requestID: "ab12-7",
                            at: Timestamp(millisecondsSinceEpoch: 1_733_990_400_000))
        log.close()
        let line = try JSONValue.parse(Array(try #require(try lines(path).first).utf8))
        #expect(line["event"]?.stringValue == "rejected")
        #expect(line["status"]?.int64Value == 408)
        #expect(line["request_id"]?.stringValue == "ab12-7")
        #expect(line["reason"]?.stringValue == "request head not received in time")
    }

    @Test func linesAreFlushedWithinTheIntervalWithoutClose() throws {
        let (path, fd) = temporaryFile()
        defer { close(fd); unlink(path) }
        let log = try AccessLog(enabled: true, fd: fd, flushInterval: .milliseconds(20))
        defer { log.close() }
        record(log, 1, thread: 0)
        var seen = 0
        for _ in 0..<100 where seen == 0 {
            usleep(10_000)
            seen = try lines(path).dropLast().count
        }
        #expect(seen == 1)
    }

    /// A pipe whose reader stopped: recording never waits for it. Lines past the limit are
    /// dropped and counted, and once the reader drains the pipe every line that arrives is
    /// whole, and a notice accounts for every dropped one.
    @Test func anUnreadPipeCostsLinesNotRequests() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let (reader, writer) = (ends[0], ends[1])
        defer { close(reader) }
        let log: AccessLog
        do {
            log = try AccessLog(enabled: true, fd: writer, flushInterval: .milliseconds(5), flushBytes: 4096,
                                limit: 32 << 10, clock: { "2024-12-12T08:00:00Z" })
        } catch {
            close(writer)
            throw error
        }
        // Far more than the pipe (64 KiB) and the limit hold. Were a recorder to wait for the
        // reader, this would never finish: it runs beside the test, which gives it 30 s.
        let recorded = Recorded()
        Thread.detachNewThread {
            for n in 0..<20_000 { record(log, n, thread: 0) }
            recorded.finish()
        }
        #expect(recorded.wait(seconds: 30))
        #expect(log.droppedLines > 0)

        let drained = Drained(fd: reader)
        record(log, 20_000, thread: 0)   // after the reader is back: kept
        log.close()
        // Only once its thread is done may the descriptor go (its number could be another's next).
        #expect(stopsWithin(seconds: 30) { log.hasStopped })
        close(writer)
        let text = drained.wait()
        var requests = 0
        var noticed = 0
        for line in text.split(separator: "\n") {
            let value = try JSONValue.parse(Array(line.utf8))
            if value["event"]?.stringValue == "log_lines_dropped" {
                noticed += Int(try #require(value["count"]?.int64Value))
            } else {
                #expect(value["route"]?.stringValue == "/api/v1/producers/{id}")
                requests += 1
            }
        }
        #expect(requests + noticed == 20_001)
        #expect(noticed == log.droppedLines)
        #expect(text.hasSuffix("\n"))
    }

    /// An output that refuses every write (/dev/full: a full disk) loses the lines, and says how
    /// many in `droppedLines` (the metric), since it cannot say so in the log.
    @Test func linesAnOutputRefusesAreCounted() throws {
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let log = try AccessLog(enabled: true, fd: fd, flushInterval: .milliseconds(5))
        for n in 0..<100 { record(log, n, thread: 0) }
        log.close()
        #expect(stopsWithin(seconds: 30) { log.hasStopped })
        #expect(log.droppedLines == 100)
    }

    /// An output that never moves holds up a shutdown by `patience` at most.
    @Test func closeGivesUpOnAnOutputThatNeverMoves() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let output = try LogOutput(fd: ends[1], name: "test-log", flushInterval: .milliseconds(5),
                                   flushBytes: 1024) { Array("dropped \($0)".utf8) }
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)
        for _ in 0..<1000 { output.append(line) }   // 1 MB into a 64 KiB pipe nobody reads
        let closed = Recorded()
        Thread.detachNewThread {
            output.close(patience: .milliseconds(100))
            closed.finish()
        }
        #expect(closed.wait(seconds: 30))
        // Its thread still waits to write; let it finish before the pipe goes, so it never
        // writes to a closed pipe (SIGPIPE) or to a descriptor reused by another test.
        _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: 65536)
        #expect(stopsWithin(seconds: 30) {
            while read(ends[0], &buffer, buffer.count) > 0 {}
            return output.hasStopped
        })
        close(ends[1])
        close(ends[0])
    }

    /// A job failing 40 times a second (the search indexer on a full disk) logs when it starts
    /// failing and when it works again, not at every run.
    @Test func aFailingJobIsLoggedWhenItFailsAndWhenItRecovers() throws {
        let (errorPath, errorFD) = temporaryFile()
        defer { close(errorFD); unlink(errorPath) }
        let log = try AccessLog(enabled: false, fd: errorFD, errorFD: errorFD, flushInterval: .seconds(30))
        let job = JobFailureLog(job: "search indexing", log: log)
        struct DiskFull: Error {}
        for _ in 0..<40 { job.run { throw DiskFull() } }
        job.run {}
        job.run {}
        job.run { throw DiskFull() }
        log.close()
        let written = try lines(errorPath).dropLast()
        #expect(written.count == 3)
        #expect(written.first?.hasPrefix("search indexing failed (logged once until it works again): ") == true)
        #expect(written.dropFirst().first == "search indexing works again, after 40 failed run(s)")
        #expect(written.last?.contains("DiskFull") == true)
    }

    @Test func errorsGoToTheirOwnOutputAtOnce() throws {
        let (path, fd) = temporaryFile()
        let (errorPath, errorFD) = temporaryFile()
        defer { close(fd); unlink(path); close(errorFD); unlink(errorPath) }
        let log = try AccessLog(enabled: false, fd: fd, errorFD: errorFD, flushInterval: .seconds(30))
        defer { log.close() }
        log.error("request r1 GET /x failed: boom")
        var seen: [Substring] = []
        for _ in 0..<200 where seen.isEmpty {
            usleep(10_000)
            seen = try lines(errorPath).dropLast()
        }
        #expect(seen == ["request r1 GET /x failed: boom"])
        #expect(try lines(path) == [""])   // the access log is off
    }
}

/// Polls `condition` every millisecond until it holds or `seconds` pass.
private func stopsWithin(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

/// A one-shot signal a test waits for with a timeout (a thread that might never finish).
private final class Recorded: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    func finish() { done.signal() }
    func wait(seconds: Int) -> Bool { done.wait(timeout: .now() + .seconds(seconds)) == .success }
}

/// Everything read from `fd` to its end, on a thread of its own.
private final class Drained: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var bytes: [UInt8] = []

    init(fd: Int32) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            done.signal()
        }
    }

    func wait() -> String {
        done.wait()
        return String(decoding: bytes, as: UTF8.self)
    }
}
