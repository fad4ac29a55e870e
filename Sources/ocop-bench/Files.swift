#if canImport(Glibc)
import Glibc
#endif

/// The few file operations the bench needs, on plain POSIX calls (the bench links
/// no Foundation at all).
enum Files {
    /// Reads a whole file as UTF-8 text.
    static func readText(_ path: String) throws(BenchError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError("cannot open \(path): \(errnoText())") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]); continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            throw BenchError("cannot read \(path): \(errnoText())")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes text to a file, replacing it.
    static func writeText(_ text: String, to path: String) throws(BenchError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError("cannot create \(path): \(errnoText())") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw BenchError("cannot write \(path): \(errnoText())") }
            offset += n
        }
    }

    /// Writes to a file that must already exist (a /proc control file), without O_CREAT.
    static func writeExisting(_ text: String, to path: String) throws(BenchError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError("cannot open \(path): \(errnoText())") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count else { throw BenchError("cannot write \(path): \(errnoText())") }
    }

    /// Creates a fresh private directory under $TMPDIR (or /tmp).
    static func makeTemporaryDirectory(prefix: String) throws(BenchError) -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let path = mkdtemp(base) else { return nil }
            return String(cString: path)
        }
        guard let made else { throw BenchError("cannot create a temporary directory in \(base): \(errnoText())") }
        return made
    }

    /// Removes a directory and the plain files in it (the server's database, WAL, log).
    static func removeDirectory(_ path: String) {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                unlink("\(path)/\(name)")
            }
            closedir(dir)
        }
        rmdir(path)
    }

    /// Whether a path names an executable file.
    static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

    /// Writes to fd 2 directly (the C `stderr` global is shared mutable state to Swift 6).
    static func writeStandardError(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// Raises the soft limit on open descriptors to the hard limit: hundreds of
    /// connections (ours and, inherited, the server's) outgrow the usual 1024.
    static func raiseDescriptorLimit() {
        var files = rlimit()
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        if getrlimit(resource, &files) == 0 && files.rlim_cur < files.rlim_max {
            files.rlim_cur = files.rlim_max
            _ = setrlimit(resource, &files)
        }
    }

    /// The current errno as text.
    static func errnoText() -> String { String(cString: strerror(errno)) }
}
