#if canImport(Glibc)
import Glibc
#endif

/// One run's outcome.
struct Measurement {
    let inserts: Int
    let commits: Int
    let wallSeconds: Double
    let cpuSeconds: Double

    func line(label: String) -> String {
        let perSecond = Double(inserts) / wallSeconds
        let cpuMicros = cpuSeconds * 1e6 / Double(inserts)
        let batch = Double(inserts) / Double(max(1, commits))
        return "\(label + String(repeating: " ", count: max(1, 20 - label.count)))"
            + "\(Int(perSecond.rounded())) inserts/s, \(format(cpuMicros)) µs CPU per insert, "
            + "\(format(batch)) inserts per commit"
    }

    private func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// Wall and process CPU clocks, read together.
struct Clocks {
    let wall: Double
    let cpu: Double

    static func now() -> Clocks {
        Clocks(wall: read(CLOCK_MONOTONIC), cpu: read(CLOCK_PROCESS_CPUTIME_ID))
    }

    private static func read(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Where the runs' database files go. Only what the runs made is removed afterwards: the
/// databases with their WAL and shared-memory files, and the directory if it was made here.
final class ScratchDirectory {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let path: String
    private let madeHere: Bool
    private var databases: [String] = []

    init(_ path: String) throws {
        if mkdir(path, 0o700) == 0 {
            madeHere = true
        } else if errno == EEXIST {
            madeHere = false
        } else {
            throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
    }

    /// A path for a new database named `name`; fails if one is there already.
    func database(_ name: String) throws -> String {
        let file = path + "/" + name
        guard access(file, F_OK) != 0 else { throw Failure(description: "\(file) exists already; choose another --dir") }
        databases.append(file)
        return file
    }

    func remove() {
        for file in databases {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(file + suffix) }
        }
        if madeHere { rmdir(path) }
    }
}
