import CLinux
import Glibc
import OCOPAPI
import Synchronization

/// The few operating-system services the command line needs, straight from libc:
/// the server links no Foundation (its libraries alone took ~10 MB of resident memory).
enum System {
    /// The process environment as a dictionary (the first of duplicate names wins, as getenv does).
    static var environment: [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                let name = String(text[..<eq])
                if result[name] == nil { result[name] = String(text[text.index(after: eq)...]) }
            }
            cursor += 1
        }
        return result
    }

    /// What reading a small file gave.
    enum SmallFile {
        case contents([UInt8])
        case missing
        /// Could not be opened or read, is not a regular file, or is over the limit: why.
        case refused(String)
    }

    /// The whole content of a regular file of at most `limit` bytes. Opened non-blocking and
    /// checked with fstat before reading, so a FIFO or a device (`/dev/zero`) named by mistake
    /// is refused at once instead of blocking start-up or reading without end.
    static func smallFile(at path: String, limit: Int) -> SmallFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            return errno == ENOENT ? .missing : .refused(String(cString: strerror(errno)).lowercased())
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .refused(String(cString: strerror(errno)).lowercased()) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .refused("not a regular file") }
        guard info.st_size <= limit else { return .refused("larger than \(limit) bytes") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
                // It may have grown since fstat.
                if bytes.count > limit { return .refused("larger than \(limit) bytes") }
            } else if n == 0 {
                return .contents(bytes)
            } else if errno != EINTR {
                return .refused(String(cString: strerror(errno)).lowercased())
            }
        }
    }

    /// One malloc arena per core instead of glibc's eight per core: each of the ~70 handler
    /// threads otherwise grows an arena of its own and keeps what it freed, so bursts of large
    /// requests (CSV imports, pages of 500) left the process at 80–110 MiB resident; with this,
    /// 40 MiB, at the same throughput (measured with ocop-bench, products suite at 100,000).
    /// An operator's own `MALLOC_ARENA_MAX` wins. Call before other threads start.
    static func limitMallocArenas(environment: [String: String]) {
        guard environment["MALLOC_ARENA_MAX"] == nil else { return }
        let cores = max(2, Int32(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        _ = clinux_limit_malloc_arenas(cores)
    }

    /// Hands memory malloc holds free back to the kernel every 5 s while the process is resident
    /// beyond 64 MiB: glibc keeps the pages a burst of large answers freed (a review's four
    /// parallel 99 MB CSV exports left 570 MiB resident for good, where the server idles at
    /// 20–40 MiB). Below that, nothing is done: trimming walks the heaps under their locks.
    /// Returns the running task; stop it when serving ends.
    static func releaseFreeMemoryAfterBursts() throws -> PeriodicTask {
        let release = FreeMemoryRelease()
        let task = PeriodicTask(name: "ocop-memory", every: .seconds(5)) { release.trimIfWorthIt() }
        try task.start()
        return task
    }

    /// Descriptors the server holds besides its connections: the listener, epoll and wake fds of
    /// each loop, the database, its WAL and shared memory for every connection to it, the lock
    /// and log files; generous, since running out refuses a connection.
    static let descriptorsBesidesConnections = 256

    /// Raises the soft limit on open files so `maxConnections` clients fit: many systems start
    /// a process at 1,024, which refused the 1,000th connection of a default 10,000. Up to the
    /// hard limit only (raising that needs privilege). Returns the limits now in force.
    static func makeRoomForConnections(_ maxConnections: Int) -> (soft: Int, hard: Int)? {
        let wanted = rlim_t(maxConnections + descriptorsBesidesConnections)
        var files = rlimit()
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &files) == 0 else { return nil }
        if files.rlim_cur < wanted {
            files.rlim_cur = min(wanted, files.rlim_max)
            _ = setrlimit(resource, &files)
            _ = getrlimit(resource, &files)
        }
        return (Int(clamping: files.rlim_cur), Int(clamping: files.rlim_max))
    }

    /// Once serving: a warning when fewer than `maxConnections` clients fit beside the
    /// descriptors open now (listeners, database, event loops and their wake-ups), keeping 16
    /// for the files a backup or a checkpoint opens for a moment. It used to assume 256 of them
    /// and said "room for about 0" under a limit of 64 that held 30 clients.
    static func connectionRoomWarning(maxConnections: Int, limits: (soft: Int, hard: Int)) -> String? {
        guard let open = openDescriptors() else { return nil }
        let fit = max(0, limits.soft - open - 16)
        guard fit < maxConnections else { return nil }
        return "open-file limit \(limits.soft) (hard \(limits.hard)) leaves room for about \(fit) of max_connections "
            + "\(maxConnections): raise it (ulimit -n, LimitNOFILE=, docker --ulimit nofile=) or lower max_connections"
    }

    /// How many descriptors the process has open (entries of /proc/self/fd, less the one
    /// reading it).
    private static func openDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [UInt8(ascii: ".")] && name != [UInt8(ascii: "."), UInt8(ascii: ".")] { count += 1 }
        }
        return count - 1
    }

    /// Opens /dev/null on whichever of descriptors 0, 1 and 2 the process was started without
    /// (`ocop serve >&-`, a supervisor that closes them). Otherwise the next file or socket
    /// opened takes the number, and the access log writes into it: seen with the serving lock
    /// file, and with a client's connection it would be log lines inside an HTTP response.
    static func openMissingStandardDescriptors() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            // open(2) returns the lowest free number: this one, as the lower ones are open.
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if opened != fd && opened >= 0 { close(opened) }
        }
    }

    /// Whether anything exists at `path`.
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}

/// When to trim: past 64 MiB resident, and once malloc's heaps hold 16 MiB more free than they
/// did after the last trim. Free bytes stay counted after a trim (it hands the pages inside free
/// chunks back, but the chunks stay in their bins), so the mark is what was free then; it
/// follows the free bytes down as memory is used again, so a burst that reuses it and frees it
/// again is trimmed again. It used to wait until the resident size grew 16 MiB past what it
/// was after the last trim, taken at the peak of a burst still in use: 5,000 clients that never
/// read their answers left 208 MiB resident for good once they were gone (60 MiB after a trim).
/// Trimming walks the heaps under their locks, so a server that stays large is not trimmed
/// every 5 s.
final class FreeMemoryRelease: Sendable {
    static let threshold = 64 << 20
    static let growth = 16 << 20
    /// Free heap bytes right after the last trim, lowered as they fall.
    private let freeAfterTrim = Mutex(0)

    func trimIfWorthIt() {
        guard clinux_resident_bytes() > Self.threshold else { return }
        let free = clinux_free_heap_bytes()
        freeAfterTrim.withLock { mark in
            mark = min(mark, free)
            guard free > mark + Self.growth else { return }
            clinux_trim_free_memory()
            mark = clinux_free_heap_bytes()
        }
    }
}
