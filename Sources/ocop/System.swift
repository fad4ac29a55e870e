import CLinux
import Glibc

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

    /// The whole content of a regular file, or nil when it cannot be opened or read.
    static func contents(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
            } else if n == 0 {
                return bytes
            } else if errno != EINTR {
                return nil
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

    /// Whether anything exists at `path`.
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Writes `text` and a newline to standard error in one write(2).
    static func printError(_ text: String) {
        let line = Array((text + "\n").utf8)
        line.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let n = write(2, base + offset, raw.count - offset)
                if n > 0 { offset += n } else if errno != EINTR { return }
            }
        }
    }
}
