import CLinux
import Glibc

/// A joinable POSIX thread. Event loops and the blocking pool own their
/// threads so that blocking calls (epoll_wait, SQLite) never run on Swift's
/// cooperative pool, whose few threads would starve.
final class OSThread: Sendable {
    private let handle: pthread_t

    private init(handle: pthread_t) { self.handle = handle }

    /// Starts `body` on a new thread named `name` (Linux keeps 15 bytes of it).
    static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(SocketError) -> OSThread {
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
            throw SocketError(call: "pthread_create", errno: rc)
        }
        return OSThread(handle: handle)
    }

    /// Waits for the thread to finish. Call once.
    func join() {
        _ = pthread_join(handle, nil)
    }

    /// The calling thread's id, comparable with `pthread_equal`.
    static var currentID: UInt { UInt(pthread_self()) }

    private final class Box: Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
