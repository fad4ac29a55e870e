#if canImport(Glibc)
import Glibc
#endif

/// What the shared WAL index says of the WAL at one instant: how many frames it holds
/// (`mxFrame`) and how many of them a checkpoint has copied into the database file
/// (`nBackfill`).
struct WALIndexState: Equatable {
    let frames: UInt32
    let copied: UInt32

    /// Every frame is in the database file: the next write may start the WAL again from its
    /// beginning, without any checkpoint (wal.c, `walRestartLog`).
    var isFullyCopied: Bool { copied >= frames }
}

/// Reads the WAL index, the `-shm` file SQLite maps beside a database in WAL mode, in the
/// layout walformat.html §2 documents (unchanged since 3.7.0, which its version field
/// says): two copies of a 48-byte header with `mxFrame` at offset 16, then the checkpoint
/// information with `nBackfill` at offset 96, all in the machine's byte order. A read gives
/// nil rather than a guess: the file missing, a layout of another version, or the two
/// header copies differing (a writer between its two stores; SQLite's own readers retry
/// then too, wal.c `walIndexTryHdr`).
///
/// Not `Sendable`: one thread owns a reader (the `Checkpointer`'s).
final class WALIndexFile {
    private let path: String
    private var descriptor: Int32 = -1

    /// The index beside the database file at `databasePath`; opened at the first read.
    init(databasePath: String) {
        path = databasePath + "-shm"
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// The `iVersion` of the layout read here (`WALINDEX_MAX_VERSION` in wal.c).
    static let layoutVersion: UInt32 = 3_007_000
    /// Two header copies and the checkpoint information.
    static let bytesRead = 136

    func read() -> WALIndexState? {
        if descriptor < 0 {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
        }
        var bytes = [UInt8](repeating: 0, count: Self.bytesRead)
        for _ in 0..<3 {
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, Self.bytesRead, 0) }
            guard count == Self.bytesRead else { return nil }
            if let state = Self.parse(bytes) { return state }
        }
        return nil
    }

    /// The state in the first `bytesRead` bytes of an index, or nil when they are not one
    /// this layout describes, or not one consistent header.
    static func parse(_ bytes: [UInt8]) -> WALIndexState? {
        guard bytes.count >= bytesRead else { return nil }
        func word(_ offset: Int) -> UInt32 {
            bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
        }
        // isInit, at offset 12: the header was written at least once.
        guard word(0) == layoutVersion, bytes[12] == 1, bytes[0..<48].elementsEqual(bytes[48..<96]) else { return nil }
        return WALIndexState(frames: word(16), copied: word(96))
    }
}

/// SQLite's WAL-reset bug (wal.html, "The WAL-Reset Bug"): in every release from 3.7.0 to
/// 3.51.2, a checkpoint that starts just as another connection's write restarts the WAL from
/// its beginning may miss the restart, record frames of the new WAL as already copied, and
/// so let a later checkpoint skip them: committed writes lost, the database corrupt. Fixed
/// in 3.51.3, and in the backports 3.50.7 and 3.44.6; Debian 12 ships 3.40.1.
enum WALResetBug {
    /// Whether SQLite of `version` (as `sqlite3_libversion_number` gives it) has the fix.
    static func isFixed(inVersion version: Int32) -> Bool {
        version >= 3_051_003 || (3_050_007..<3_051_000).contains(version) || (3_044_006..<3_045_000).contains(version)
    }
}
