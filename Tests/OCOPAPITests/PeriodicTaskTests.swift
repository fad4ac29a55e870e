import Foundation
@testable import OCOPAPI
import Synchronization
import Testing

/// The background jobs' runner (search indexing, idempotency merge, certificate sweep, maintenance).
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

    @Test func firstRunsASecondAfterStartThenEveryInterval() throws {
        let runs = Runs()
        let task = PeriodicTask(name: "test-periodic", every: .milliseconds(50)) { runs.record() }
        let started = ContinuousClock.now
        try task.start()
        try task.start()   // a second start changes nothing
        Thread.sleep(forTimeInterval: 0.7)
        let early = runs.count.load(ordering: .relaxed)
        #expect(early == 0, "nothing before a second has passed")
        Thread.sleep(forTimeInterval: 0.8)
        task.stop()
        let count = runs.count.load(ordering: .relaxed)
        // About ten runs in the half second after the first; a loaded machine may manage fewer.
        #expect((3...12).contains(count), "\(count)")
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
