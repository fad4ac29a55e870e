#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files a WAL database lives in, watched for being removed or replaced while the
/// server has them open.
///
/// SQLite keeps writing into files it holds open even after they were unlinked: a cleanup
/// script that deletes `*-wal` makes every later commit go to a file no one can reach, so
/// an acknowledged write is lost at the next crash, and a deleted `-shm` splits the
/// processes sharing the database into ones that no longer see each other's locks. The
/// writer checks before each COMMIT and stops writing when one has gone.
///
/// Identity is (device, inode): SQLite holds each file open, so a deleted file's inode is not
/// handed to a new one while the comparison matters. Only the writer thread uses it.
final class DatabaseFiles {
    private struct Identity: Equatable {
        let device: UInt64
        let inode: UInt64
    }

    private let paths: [String]
    /// The identity each path had when first seen; nil until it existed.
    private var seen: [Identity?]

    init(databasePath: String) {
        paths = [databasePath, databasePath + "-wal", databasePath + "-shm"]
        seen = Array(repeating: nil, count: paths.count)
        _ = problem()
    }

    /// What is wrong, or nil while every file seen so far is still the same file.
    /// A file not created yet (the WAL before the first write) is remembered once it appears.
    func problem() -> String? {
        for index in paths.indices {
            var info = stat()
            guard stat(paths[index], &info) == 0 else {
                if seen[index] != nil, errno == ENOENT { return "\(paths[index]) was deleted while the server had it open" }
                continue
            }
            let identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            guard let known = seen[index] else {
                seen[index] = identity
                continue
            }
            if known != identity { return "\(paths[index]) was replaced by another file while the server had it open" }
        }
        return nil
    }
}
