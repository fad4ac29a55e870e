import CSQLite
import Threads

/// The database's own threads (writer, checkpointer, WAL syncer): real pthreads, never the
/// Swift cooperative pool, because they block in fsync and on their queues.
enum PThread {
    /// Starts a thread named `name` (what `top -H` and `perf` show: without one, the writer's
    /// CPU cannot be told from the process's other threads) running `body`; `role` says in the
    /// error which thread could not start.
    static func spawn(_ role: String, name: String, _ body: @escaping @Sendable () -> Void) throws -> OSThread {
        do {
            return try OSThread.spawn(name: name, body)
        } catch {
            throw SQLiteError(extendedCode: SQLITE_ERROR, message: "cannot start the \(role) thread: \(error)")
        }
    }
}

/// The state of a database thread that serves its queue until closed: what `stop` needs.
protocol ServedUntilClosed {
    var closed: Bool { get set }
    var thread: OSThread? { get set }
}

extension Monitor where State: ServedUntilClosed {
    /// Remembers the started thread, so `closeAndJoin` can wait for it.
    func started(_ thread: OSThread) {
        withLock { $0.thread = thread }
    }

    /// Refuses new work, wakes the thread (it finishes what it holds, then sees `closed`) and
    /// joins it. Safe to call twice: the second call finds no thread to join.
    func closeAndJoin() {
        let thread: OSThread? = withLock { state in
            state.closed = true
            defer { state.thread = nil }
            return state.thread
        }
        signal()
        thread?.join()
    }
}
