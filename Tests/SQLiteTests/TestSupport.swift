import Foundation
import Synchronization
@testable import SQLite
import TestSupport

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TempDir {
    let path: String

    init() throws {
        path = Scratch.path("sqlite-tests")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` on `count` real threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        let thread = Thread {
            body(i)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

/// A thread-safe list the threads of a test append to.
/// On the pthread-based `Monitor` rather than `Mutex`, whose futex ThreadSanitizer cannot see.
final class Collected<T: Sendable>: Sendable {
    private let items = Monitor<[T]>([])
    func append(_ item: T) { items.withLock { $0.append(item) } }
    var all: [T] { items.withLock { $0 } }
}

/// Opens a pool on a fresh file in `dir`.
func makeDatabase(_ dir: TempDir, _ name: String = "test.db",
                  configure: (inout DatabaseConfiguration) -> Void = { _ in }) throws -> Database {
    var configuration = DatabaseConfiguration()
    configure(&configuration)
    return try Database(path: dir.file(name), configuration: configuration)
}

/// A value shared between test threads.
final class TestBox<T: Sendable>: Sendable {
    private let value: Mutex<T>
    init(_ value: T) { self.value = Mutex(value) }
    func set(_ v: T) { value.withLock { $0 = v } }
    func get() -> T { value.withLock { $0 } }
    func update(_ f: (inout T) -> Void) { value.withLock { f(&$0) } }
}

/// Polls `condition` for up to five seconds.
func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<5000 {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

/// Runs a write job that holds the writer until `release` is signalled (then runs `then`
/// inside it); returns once the job holds it. `done` is left when the job has returned.
func holdWriter(_ db: Database, release: DispatchSemaphore, done: DispatchGroup,
                then: @escaping @Sendable (Connection) throws -> Void = { _ in }) {
    let inside = DispatchSemaphore(value: 0)
    done.enter()
    Thread {
        try? db.write { connection in
            inside.signal()
            release.wait()
            try then(connection)
        }
        done.leave()
    }.start()
    inside.wait()
}
