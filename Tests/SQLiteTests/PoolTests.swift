import Foundation
import Testing
@testable import SQLite

/// Pool mechanics: reader checkout, the write queue, batch size.
@Suite struct PoolTests {
    /// Polls `condition` for up to five seconds.
    private func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<5000 {
            if condition() { return true }
            usleep(1000)
        }
        return condition()
    }

    @Test func maxBatchOneMeansOneCommitPerJob() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir) { $0.maxBatch = 1; $0.synchronous = .normal }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        onThreads(20) { i in
            do { try db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) } } catch {
                Issue.record("\(error)")
            }
        }
        #expect(db.stats.commits == 20)
        #expect(db.stats.writeJobs == 20)
    }

    @Test func writesQueueBehindARunningJob() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        done.enter()
        Thread {
            try? db.write { _ in
                inside.signal()
                release.wait()
            }
            done.leave()
        }.start()
        inside.wait()
        for i in 0..<5 {
            done.enter()
            Thread {
                try? db.write { try $0.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) }
                done.leave()
            }.start()
        }
        #expect(eventually { db.stats.writesQueued == 5 })
        release.signal()
        done.wait()
        #expect(db.stats.writesQueued == 0)
        #expect(db.stats.commits == 2)  // the holder's batch, then the five together
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 5)
    }

    @Test func readsWaitForAFreeReader() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir) { $0.readers = 1 }
        defer { db.close() }
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let secondDone = DispatchSemaphore(value: 0)
        Thread {
            try? db.read { _ in
                inside.signal()
                release.wait()
            }
        }.start()
        inside.wait()
        #expect(db.stats.readersInUse == 1)
        Thread {
            _ = try? db.read { try $0.scalarInt("SELECT 1") }
            secondDone.signal()
        }.start()
        // The only reader is taken: the second read must still be waiting.
        #expect(secondDone.wait(timeout: .now() + .milliseconds(200)) == .timedOut)
        release.signal()
        #expect(secondDone.wait(timeout: .now() + .seconds(5)) == .success)
        #expect(eventually { db.stats.readersInUse == 0 })
    }

    /// A report's statements must agree with each other even while writes commit between them
    /// (`ocop verify` read a ledger and its levels a commit apart, and reported corruption).
    @Test func everyStatementOfAReadSeesOneSnapshot() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir) { $0.readers = 1; $0.synchronous = .normal }
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        try db.write { try $0.run("INSERT INTO t VALUES (1)") }
        let (before, after) = try db.read { connection in
            let before = try connection.scalarInt("SELECT count(*) FROM t")
            try db.write { try $0.run("INSERT INTO t VALUES (2)") }   // committed in between
            let after = try connection.scalarInt("SELECT count(*) FROM t")
            return (before, after)
        }
        #expect(before == 1)
        #expect(after == 1)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 2)
        #expect(try db.read { $0.isAutocommit == false })
        #expect(eventually { db.stats.readersInUse == 0 })
    }

    @Test func closeWaitsForReadsInFlight() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        let inside = DispatchSemaphore(value: 0)
        let readResult = Collected<Int64?>()
        Thread {
            try? db.read { conn in
                inside.signal()
                usleep(200_000)
                // Recorded inside the body: it happens before the reader is checked back in.
                readResult.append(try conn.scalarInt("SELECT 42"))
            }
        }.start()
        inside.wait()
        db.close()
        // close() returned only after the read finished on a live connection.
        #expect(readResult.all == [42])
    }
}
