import CLinux
import Glibc

/// A joinable, named POSIX thread. The event loops, the handler pools and the database's
/// writer, syncer and checkpointer own their threads so that blocking calls (epoll_wait,
/// SQLite, fsync) never run on Swift's cooperative pool, whose few threads would starve.
public final class OSThread: Sendable {
    /// `pthread_create` refused: its error number (EAGAIN when out of threads or memory).
    public struct StartFailure: Error, Sendable, CustomStringConvertible {
        public let errno: Int32
        public var description: String { "cannot start a thread: " + String(cString: strerror(errno)) }
    }

    private let handle: pthread_t

    private init(handle: pthread_t) { self.handle = handle }

    /// Starts `body` on a new thread named `name`: what `top -H`, `perf` and
    /// `/proc/…/task/*/comm` show for it (Linux keeps 15 bytes).
    public static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(StartFailure) -> OSThread {
        let box = Unmanaged.passRetained(Box(name: name, body: body))
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            // The box was retained for us above; take ownership back here.
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            clinux_set_thread_name(box.name)
            box.body()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw StartFailure(errno: rc)
        }
        return OSThread(handle: handle)
    }

    /// Waits for the thread to finish. Call once.
    public func join() {
        _ = pthread_join(handle, nil)
    }

    /// Lets the thread end without a `join` (one that may still be blocked at exit). Call once,
    /// instead of `join`.
    public func detach() {
        _ = pthread_detach(handle)
    }

    /// The calling thread's id, comparable with `pthread_equal`.
    public static var currentID: UInt { UInt(pthread_self()) }

    private final class Box: Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
