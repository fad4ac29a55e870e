import HTTP
import SQLite

/// The threads handlers run on: a small pool for requests that only read, a large one
/// for requests that write.
///
/// Why two: a read keeps its thread busy on the CPU for tens of microseconds, so about
/// two threads per core serve reads best; with dozens, every request woke a different
/// sleeping thread and the cores spent their time switching between them (measured:
/// GET by id took twice the CPU with 64 threads as with 4). A write handler that waits
/// (`RequestContext.write`) mostly sleeps while its group commit is fsynced, and a batch can
/// only hold as many of those as there are threads waiting in it, so they need many threads.
/// Write routes (`Route.Action.write`) wait on none: they only use a thread to prepare, and
/// to finish a batch's answers together (`writeCompletions`).
public struct HandlerPools: Sendable {
    public let reads: BlockingPool
    public let writes: BlockingPool
    /// Where the answers of writes submitted without waiting are finished (`Route.Action.write`).
    public let writeCompletions: any WriteCompletionQueue

    /// Starts both pools: `readThreads` named `ocop-read-N`, `writeThreads` named `ocop-write-N`.
    public init(readThreads: Int, writeThreads: Int) throws {
        reads = try BlockingPool(threads: readThreads, name: "ocop-read")
        do {
            writes = try BlockingPool(threads: writeThreads, name: "ocop-write")
        } catch {
            reads.shutdown()
            throw error
        }
        writeCompletions = PoolCompletions(pool: writes)
    }

    /// GET and HEAD (safe methods, RFC 9110 §9.2.1) only read; everything else may write.
    public func pool(for method: HTTPMethod) -> BlockingPool {
        method == .get || method == .head ? reads : writes
    }

    /// Jobs waiting for a thread in either pool.
    public var queued: Int { reads.queued + writes.queued }

    /// Finishes queued work and joins every thread.
    public func shutdown() {
        reads.shutdown()
        writes.shutdown()
    }
}

/// A pool's threads as the queue write completions run on.
private final class PoolCompletions: WriteCompletionQueue {
    let pool: BlockingPool
    init(pool: BlockingPool) { self.pool = pool }
    func enqueue(_ work: @escaping @Sendable () -> Void) { pool.submit(work) }
}
