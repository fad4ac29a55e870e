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

    /// A fresh database with table `t`, whose writer a job holds (running `holding` in it) until
    /// `release` is signalled; `held` is left once that job has returned.
    private struct HeldWriter {
        let dir: TempDir
        let db: Database
        let queue = RecordingQueue()
        let release = DispatchSemaphore(value: 0)
        let held = DispatchGroup()

        init(_ schema: String, holding: @escaping @Sendable (Connection) throws -> Void = { _ in }) throws {
            dir = try TempDir()
            db = try makeDatabase(dir)
            try db.exclusive { try $0.execute(schema) }
            holdWriter(db, release: release, done: held, then: holding)
        }

        /// Lets the holder go once `count` jobs queue behind it (after `meanwhile`).
        func releaseWhenQueued(_ count: Int, meanwhile: () -> Void = {}) {
            #expect(eventually { db.stats.writesQueued == count })
            meanwhile()
            release.signal()
        }

        func close() {
            db.close()
            dir.remove()
        }
    }

    @Test func aBatchOfSubmittedWritesIsAnsweredOnItsQueueInOnePieceOnceCommitted() throws {
        let f = try HeldWriter("CREATE TABLE t (x UNIQUE)")
        defer { f.close() }
        let outcomes = submitInserts(f.db, f.queue, count: 20, whileQueued: { f.releaseWhenQueued(20) })
        f.held.wait()
        // The twenty queued behind the holder made one batch: one COMMIT, one flush, one hand-off.
        #expect(f.queue.handed.load(ordering: .relaxed) == 1)
        #expect(f.db.stats.commits == 2)
        let rowids = try outcomes.values.map { try $0.get() }
        #expect(Set(rowids).count == 20)
        #expect(try f.db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 20)
    }

    /// A body that throws is undone alone: its completion gets its error, the rest of its batch commits.
    @Test func aFailingBodyGetsItsOwnErrorAndTheOthersCommit() throws {
        let f = try HeldWriter("CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (5)")
        defer { f.close() }
        let outcomes = submitInserts(f.db, f.queue, count: 10, value: { .integer(Int64($0 + 1)) },
                                     whileQueued: { f.releaseWhenQueued(10) })
        f.held.wait()
        for (i, outcome) in outcomes {
            if i + 1 == 5 {
                #expect(throws: SQLiteError.self) { try outcome.get() }
            } else {
                #expect(throws: Never.self) { try outcome.get() }
            }
        }
        #expect(try f.db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 10)
    }

    /// Past its deadline before its turn, or already at the call: not written, and said so.
    @Test func aSubmittedWriteNotStartedByItsDeadlineIsNotWritten() throws {
        let f = try HeldWriter("CREATE TABLE t (x)")
        defer { f.close() }
        let late = submitInserts(f.db, f.queue, count: 3, deadline: .now + .milliseconds(300),
                                 whileQueued: { f.releaseWhenQueued(3) { usleep(500_000) } })
        f.held.wait()
        let already = submitInserts(f.db, f.queue, count: 1, deadline: .now - .milliseconds(1))
        for outcome in Array(late.values) + Array(already.values) {
            #expect(throws: WriteNotStarted(reason: .deadlinePassed)) { try outcome.get() }
        }
        #expect(try f.db.read { try $0.scalarInt("SELECT count(*) FROM t") } == 0)
    }

    /// A shutdown: queued submissions are refused unwritten, later ones at once, and a closed
    /// database answers too, never leaving a completion unrun.
    @Test func refusedAndClosedDatabasesStillAnswerEveryCompletion() throws {
        let f = try HeldWriter("CREATE TABLE t (x)") { try $0.run("INSERT INTO t VALUES ('running')") }
        defer { f.dir.remove() }
        let refused = submitInserts(f.db, f.queue, count: 4,
                                    whileQueued: { f.releaseWhenQueued(4) { f.db.refuseWrites(from: .now) } })
        f.held.wait()
        for outcome in refused.values {
            #expect(throws: WriteNotStarted(reason: .refused)) { try outcome.get() }
        }
        #expect(try f.db.read { try $0.all("SELECT x FROM t") { $0.string(0) } } == ["running"])
        f.db.close()
        let closed = submitInserts(f.db, f.queue, count: 1)
        #expect(throws: SQLiteError.self) { try closed[0]?.get() }
    }
}
