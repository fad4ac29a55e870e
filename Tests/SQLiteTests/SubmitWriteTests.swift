import Foundation
import Synchronization
import Testing
@testable import SQLite

/// `Database.submitWrite`: a write whose caller does not wait, answered on a queue of the caller's.
@Suite struct SubmitWriteTests {
    /// Counts what it is handed and runs each piece on a thread of its own.
    final class RecordingQueue: WriteCompletionQueue {
        let handed = Atomic<Int>(0)

        func enqueue(_ work: @escaping @Sendable () -> Void) {
            handed.add(1, ordering: .relaxed)
            Thread { work() }.start()
        }
    }

    /// Submits `count` inserts of `value(i)` and returns their outcomes (rowids or errors) by index,
    /// once every completion has run.
    private func submitInserts(_ db: Database, _ queue: RecordingQueue, count: Int,
                               deadline: ContinuousClock.Instant? = nil,
                               value: @escaping @Sendable (Int) -> SQLiteValue = { .integer(Int64($0)) },
                               whileQueued: () -> Void = {}) -> [Int: Result<Int64, any Error>] {
        let outcomes = Collected<(Int, Result<Int64, any Error>)>()
        let seenBeforeAnswer = Collected<Int64>()
        let calls = Collected<Int>()
        let done = DispatchGroup()
        for i in 0..<count {
            done.enter()
            db.submitWrite(deadline: deadline, on: queue, { connection in
                try connection.run("INSERT INTO t VALUES (?)", [value(i)])
                return connection.lastInsertRowID
            }, completion: { outcome in
                // Answered only once committed: another connection already sees the row.
                if case .success(let rowid) = outcome,
                   let seen = try? db.read({ try $0.scalarInt("SELECT count(*) FROM t WHERE rowid = ?", [.integer(rowid)]) }) {
                    seenBeforeAnswer.append(seen)
                }
                calls.append(i)
                outcomes.append((i, outcome))
                done.leave()
            })
        }
        whileQueued()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(calls.all.sorted() == Array(0..<count), "each completion runs exactly once")
        #expect(seenBeforeAnswer.all.allSatisfy { $0 == 1 })
        return Dictionary(uniqueKeysWithValues: outcomes.all)
    }

    @Test func aBatchOfSubmittedWritesIsAnsweredOnItsQueueInOnePieceOnceCommitted() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x UNIQUE)") }
        let queue = RecordingQueue()
        let release = DispatchSemaphore(value: 0)
        let held = DispatchGroup()
        holdWriter(db, release: release, done: held)
        let outcomes = submitInserts(db, queue, count: 20, whileQueued: {
            #expect(eventually { db.stats.writesQueued == 20 })
            release.signal()
        })
        held.wait()
        // The twenty queued behind the holder made one batch: one COMMIT, one flush, one hand-off.
        #expect(queue.handed.load(ordering: .relaxed) == 1)
        #expect(db.stats.commits == 2)
        let rowids = try outcomes.values.map { try $0.get() }
        #expect(Set(rowids).count == 20)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 20)
    }

    /// A body that throws is undone alone: its completion gets its error, the rest of its batch commits.
    @Test func aFailingBodyGetsItsOwnErrorAndTheOthersCommit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x UNIQUE)"); try $0.run("INSERT INTO t VALUES (5)") }
        let queue = RecordingQueue()
        let release = DispatchSemaphore(value: 0)
        let held = DispatchGroup()
        holdWriter(db, release: release, done: held)
        let outcomes = submitInserts(db, queue, count: 10, value: { .integer(Int64($0 + 1)) }, whileQueued: {
            #expect(eventually { db.stats.writesQueued == 10 })
            release.signal()
        })
        held.wait()
        for (i, outcome) in outcomes {
            if i + 1 == 5 {
                #expect(throws: SQLiteError.self) { try outcome.get() }
            } else {
                #expect(throws: Never.self) { try outcome.get() }
            }
        }
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 10)
    }

    /// Past its deadline before its turn, or already at the call: not written, and said so.
    @Test func aSubmittedWriteNotStartedByItsDeadlineIsNotWritten() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        defer { db.close() }
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        let queue = RecordingQueue()
        let release = DispatchSemaphore(value: 0)
        let held = DispatchGroup()
        holdWriter(db, release: release, done: held)
        let late = submitInserts(db, queue, count: 3, deadline: .now + .milliseconds(300), whileQueued: {
            #expect(eventually { db.stats.writesQueued == 3 })
            usleep(500_000)
            release.signal()
        })
        held.wait()
        let already = submitInserts(db, queue, count: 1, deadline: .now - .milliseconds(1))
        for outcome in Array(late.values) + Array(already.values) {
            #expect(throws: WriteNotStarted(reason: .deadlinePassed)) { try outcome.get() }
        }
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 0)
    }

    /// A shutdown: queued submissions are refused unwritten, later ones at once, and a closed
    /// database answers too, never leaving a completion unrun.
    @Test func refusedAndClosedDatabasesStillAnswerEveryCompletion() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try makeDatabase(dir)
        try db.exclusive { try $0.execute("CREATE TABLE t (x)") }
        let queue = RecordingQueue()
        let release = DispatchSemaphore(value: 0)
        let held = DispatchGroup()
        holdWriter(db, release: release, done: held) { try $0.run("INSERT INTO t VALUES ('running')") }
        let refused = submitInserts(db, queue, count: 4, whileQueued: {
            #expect(eventually { db.stats.writesQueued == 4 })
            db.refuseWrites(from: .now)
            release.signal()
        })
        held.wait()
        for outcome in refused.values {
            #expect(throws: WriteNotStarted(reason: .refused)) { try outcome.get() }
        }
        #expect(try db.read { try $0.all("SELECT x FROM t") { $0.string(0) } } == ["running"])
        db.close()
        let closed = submitInserts(db, queue, count: 1)
        #expect(throws: SQLiteError.self) { try closed[0]?.get() }
    }
}
