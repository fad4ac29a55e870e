import Foundation
@testable import OCOPAPI
import Synchronization
import Testing

/// The background jobs' runner (search indexing, idempotency merge, calendar sweep, maintenance).
@Suite struct PeriodicTaskTests {
    /// Counts runs and remembers when the first began.
    final class Runs: Sendable {
        let count = Atomic<Int>(0)
        let first = Mutex<ContinuousClock.Instant?>(nil)
        func record() {
            first.withLock { if $0 == nil { $0 = .now } }
            count.add(1, ordering: .relaxed)
        }
    }

    @Test func firstRunsAnIntervalAfterStartThenEveryInterval() throws {
        let runs = Runs()
        let task = PeriodicTask(name: "test-periodic", every: .milliseconds(200)) { runs.record() }
        let started = ContinuousClock.now
        try task.start()
        try task.start()   // a second start changes nothing
        Thread.sleep(forTimeInterval: 0.15)
        let early = runs.count.load(ordering: .relaxed)
        #expect(early == 0, "nothing before its interval has passed")
        Thread.sleep(forTimeInterval: 0.95)
        task.stop()
        let count = runs.count.load(ordering: .relaxed)
        // About five runs in the 1.1 s; a loaded machine may manage fewer.
        #expect((2...6).contains(count), "\(count)")
        let delay = try #require(runs.first.withLock { $0 }) - started
        #expect(delay >= .milliseconds(190) && delay < .milliseconds(600), "\(delay)")
    }

    /// A long interval's first run still comes a second after start (the hourly purge runs at
    /// start-up, not an hour later).
    @Test func aLongIntervalFirstRunsASecondAfterStart() throws {
        let runs = Runs()
        let task = PeriodicTask(name: "test-periodic", every: .seconds(3600)) { runs.record() }
        let started = ContinuousClock.now
        try task.start()
        Thread.sleep(forTimeInterval: 0.7)
        #expect(runs.count.load(ordering: .relaxed) == 0, "nothing before a second has passed")
        Thread.sleep(forTimeInterval: 0.7)
        task.stop()
        #expect(runs.count.load(ordering: .relaxed) == 1)
        let delay = try #require(runs.first.withLock { $0 }) - started
        #expect(delay >= .milliseconds(990) && delay < .milliseconds(1400), "\(delay)")
    }

    /// A task that waits an hour between runs stops at once: a shutdown does not wait it out.
    @Test func stopWakesAWaitingTaskAtOnce() throws {
        let runs = Runs()
        let task = PeriodicTask(name: "test-periodic", every: .seconds(3600)) { runs.record() }
        try task.start()
        Thread.sleep(forTimeInterval: 1.2)   // past its first run, into the hour's wait
        let stopping = ContinuousClock.now
        task.stop()
        let took = ContinuousClock.now - stopping
        #expect(took < .milliseconds(500), "\(took)")
        let count = runs.count.load(ordering: .relaxed)
        #expect(count == 1)
    }

    /// `stop` returns only once a job it caught running has finished, and none starts after it:
    /// the application closes the database right after stopping its tasks.
    @Test func stopWaitsForARunningJobAndNoneStartsAfter() throws {
        final class Job: Sendable {
            let running = Atomic<Bool>(false)
            let finished = Atomic<Int>(0)
            let runs = Runs()
            var isRunning: Bool { running.load(ordering: .sequentiallyConsistent) }
            func run() {
                runs.record()
                running.store(true, ordering: .sequentiallyConsistent)
                Thread.sleep(forTimeInterval: 0.3)
                running.store(false, ordering: .sequentiallyConsistent)
                finished.add(1, ordering: .sequentiallyConsistent)
            }
        }
        let job = Job()
        let task = PeriodicTask(name: "test-periodic", every: .milliseconds(10)) { job.run() }
        try task.start()
        let deadline = ContinuousClock.now + .seconds(5)
        while !job.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let caught = job.isRunning
        #expect(caught, "a job is running")
        task.stop()
        let stillRunning = job.isRunning
        #expect(!stillRunning, "stop returned while the job still ran")
        let after = job.runs.count.load(ordering: .relaxed)
        let finished = job.finished.load(ordering: .sequentiallyConsistent)
        #expect(finished == after)
        Thread.sleep(forTimeInterval: 0.2)
        let later = job.runs.count.load(ordering: .relaxed)
        #expect(later == after, "no run after stop")
        task.stop()   // again: nothing to wait for
    }
}
