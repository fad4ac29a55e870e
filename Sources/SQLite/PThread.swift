import CLinux
import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// The database's own threads (writer, checkpointer, WAL syncer): real pthreads, never the
/// Swift cooperative pool, because they block in fsync and on their queues.
enum PThread {
    /// Starts a joinable thread running `body`. `name` (at most 15 bytes are kept) is what
    /// `top -H`, `perf` and `/proc/…/task/*/comm` show for it: without one, the writer's CPU
    /// cannot be told from the process's other unnamed threads. `role` says what failed.
    static func spawn(_ role: String, name: String, _ body: @escaping @Sendable () -> Void) throws -> pthread_t {
        final class Box: @unchecked Sendable {  // handed over once, to the new thread only
            let name: String
            let body: @Sendable () -> Void
            init(_ name: String, _ body: @escaping @Sendable () -> Void) { self.name = name; self.body = body }
        }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Box(name, body)).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            clinux_set_thread_name(box.name)
            box.body()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            throw SQLiteError(extendedCode: SQLITE_ERROR,
                              message: "cannot start the \(role) thread: " + String(cString: strerror(rc)))
        }
        return thread
    }
}

/// The state of a database thread that serves its queue until closed: what `stop` needs.
protocol ServedUntilClosed {
    var closed: Bool { get set }
    var thread: pthread_t? { get set }
}

extension Monitor where State: ServedUntilClosed {
    /// Remembers the started thread, so `closeAndJoin` can wait for it.
    func started(_ thread: pthread_t) {
        withLock { $0.thread = thread }
    }

    /// Refuses new work, wakes the thread (it finishes what it holds, then sees `closed`) and
    /// joins it. Safe to call twice: the second call finds no thread to join.
    func closeAndJoin() {
        let thread: pthread_t? = withLock { state in
            state.closed = true
            defer { state.thread = nil }
            return state.thread
        }
        signal()
        if let thread { pthread_join(thread, nil) }
    }
}
