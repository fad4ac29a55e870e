import Dispatch
import Glibc
import Testing
@testable import HTTP
import Threads

@Suite struct ServerBlockingPoolTests {
    @Test func runsWorkOnItsOwnThreadsAndFinishesQueuedWorkOnShutdown() throws {
        let pool = try BlockingPool(threads: 2, name: "test-pool")
        let done = TestBox(0)
        let onLoopThread = TestBox(false)
        let caller = OSThread.currentID
        for _ in 0..<100 {
            pool.submit {
                sleepFor(.milliseconds(1))
                if OSThread.currentID == caller { onLoopThread.set(true) }
                done.update { $0 += 1 }
            }
        }
        #expect(pool.queued > 0)
        pool.shutdown()
        #expect(done.get() == 100)
        #expect(pool.queued == 0)
        #expect(onLoopThread.get() == false)
        pool.shutdown()  // idempotent
    }

    @Test func workSubmittedAfterShutdownStillRuns() throws {
        let pool = try BlockingPool(threads: 1, name: "late")
        pool.shutdown()
        let ran = TestBox(false)
        pool.submit { ran.set(true) }
        #expect(ran.get())
    }

    @Test func twoThreadsRunJobsInParallel() throws {
        let pool = try BlockingPool(threads: 2, name: "par")
        let start = ContinuousClock.now
        for _ in 0..<2 { pool.submit { sleepFor(.milliseconds(300)) } }
        pool.shutdown()
        #expect(ContinuousClock.now - start < .milliseconds(550))
    }
}
