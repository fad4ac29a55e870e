import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Makes one server process the only one serving a database file.
///
/// Two servers on one file would each keep caches (rendered pages, tokens) that never
/// see the other's writes, and each believe it is the only writer. Command-line tools
/// (`ocop token create`, `backup`, `verify`) may still open the file while it is served:
/// they do not take this lock.
///
/// An flock(2) on `<database>.serve-lock`, not on the database itself: SQLite holds
/// POSIX record locks on the database, and closing any other descriptor of that file
/// would drop them (fcntl(2)). The kernel releases an flock when its process dies, so a
/// `kill -9` leaves no stale lock behind; the file stays, holding the last owner's pid.
/// The lock file is named after the database's resolved path, as SQLite names its WAL: a
/// server started through a symbolic link to a served file (or a linked directory) finds the
/// same lock. (Hard links SQLite itself cannot tell apart; its documentation calls them a way
/// to corrupt a database.)
public final class ServingLock: Sendable {
    public struct Held: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The lock file cannot be opened (a read-only directory, a full disk): said as it is, not as
    /// an SQLite error, since SQLite has not been asked anything yet.
    public struct Unavailable: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The lock file's descriptor; -1 once released.
    private let fd: Atomic<Int32>

    /// Takes the lock, or throws `Held` naming the process that holds it.
    public init(databasePath: String) throws {
        try FileSystem.createParentDirectory(of: databasePath)
        let path = FileSystem.resolved(databasePath) + ".serve-lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Unavailable(description: "cannot open the serving lock \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw Held(description: "database \(databasePath) is already being served\(holder.map { " by process \($0)" } ?? "") (\(path) is locked); stop that server first")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = Atomic(fd)
    }

    /// Lets another server take the database (the lock also goes with this object or the process).
    public func release() {
        let fd = fd.exchange(-1, ordering: .acquiringAndReleasing)
        if fd >= 0 { close(fd) }
    }

    deinit { release() }

    private static func readPID(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int(String(decoding: buffer[..<count].filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
    }
}
