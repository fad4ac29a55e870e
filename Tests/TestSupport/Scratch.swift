import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the tests of one test process keep their files: under one directory, removed when the
/// process exits.
///
/// Why: each test made its own directory in the system's temp directory and left it there, a
/// migrated database and its WAL each, about 350 MB per `swift test`; on a developer's machine
/// the runs piled up until the disk was full (63 GB here, when a soak run started answering 507).
/// A process killed before it exits leaves its directory behind; the next test process removes
/// every such directory whose process is gone.
public enum Scratch {
    private static let prefix = "ocop-tests-"

    /// This process's directory, made on first use.
    public static let root: String = {
        let temp = NSTemporaryDirectory()
        removeOrphans(in: temp)
        let root = temp + prefix + String(getpid())
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
        return root
    }()

    /// A fresh path under `root`, `<name>-<uuid>`; nothing is made there.
    public static func path(_ name: String) -> String {
        root + "/" + name + "-" + UUID().uuidString
    }

    /// Removes the directories of test processes that no longer run.
    private static func removeOrphans(in temp: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temp)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: temp + name)
            }
        }
    }
}
