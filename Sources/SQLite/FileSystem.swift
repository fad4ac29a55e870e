import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// The few file operations the pool needs, on POSIX calls (no Foundation).
enum FileSystem {
    /// Creates the directory that will hold `path`, and its parents, when missing. Each one
    /// created is made to survive a power loss (its parent synced): the WAL syncer syncs the
    /// directory the database lives in before the first write is answered, but an entry for
    /// that directory, new in its own parent, would otherwise be left to the kernel's timing.
    static func createParentDirectory(of path: String) throws {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        var current = path.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            current += component
            // EEXIST is the normal case; anything else (EACCES, ENOTDIR) is real.
            if mkdir(current, 0o755) == 0 {
                try syncDirectory(parentDirectory(of: current))
            } else if errno != EEXIST {
                throw error("cannot create directory \(current)")
            }
            current += "/"
        }
    }

    /// Atomically replaces `to` with `from` (rename(2)).
    static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw error("cannot rename \(from) to \(to)") }
    }

    /// Removes `path` if present.
    static func remove(_ path: String) {
        unlink(path)
    }

    /// The directory holding `path` ("." for a bare file name).
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// `path` with every symbolic link resolved (realpath(3)), so two spellings of one file (a
    /// link to it, a linked directory) give one name; a file not created yet is resolved through
    /// its directory. `path` itself when even the directory cannot be resolved.
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        guard let directory = realpath(parentDirectory(of: path), nil) else { return path }
        defer { free(directory) }
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        let base = String(cString: directory)
        return (base == "/" ? "" : base) + "/" + name
    }

    /// fsync of a directory, so the names created in it survive a power loss (fsync(2)).
    static func syncDirectory(_ directory: String) throws(SQLiteError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw error("cannot open directory \(directory)") }
        defer { close(fd) }
        while fsync(fd) != 0 {
            // Some filesystems cannot fsync a directory at all (EINVAL): nothing more to do there.
            if errno == EINVAL { return }
            guard errno == EINTR else { throw error("cannot sync directory \(directory)") }
        }
    }

    private static func error(_ what: String) -> SQLiteError {
        SQLiteError(extendedCode: SQLITE_CANTOPEN, message: what + ": " + String(cString: strerror(errno)))
    }
}
