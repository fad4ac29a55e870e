/// How hard SQLite syncs to disk at commit (https://sqlite.org/pragma.html#pragma_synchronous).
public enum Synchronous: String, Sendable, CaseIterable {
    /// No fsync: fastest, a power loss may lose or corrupt recent commits.
    case off
    /// In WAL mode, fsync only at checkpoints: consistent, but recent commits may roll back on power loss.
    case normal
    /// fsync the WAL at every commit: a commit that returned survives power loss.
    case full
}

/// Tuning for `Database`.
public struct DatabaseConfiguration: Sendable {
    /// How `synchronous` is spelled inside the configuration.
    public typealias Synchronous = SQLite.Synchronous

    /// Reader connections (0 sends reads to the writer, serialised with writes).
    public var readers: Int = 4
    /// How long a connection waits on another's lock before SQLITE_BUSY.
    public var busyTimeoutMs: Int32 = 5000
    /// `.full` by default: a commit answered 2xx must survive power loss too;
    /// group commit amortises the fsync over every job in the batch, and the flush runs
    /// beside the next batch rather than inside COMMIT (`WALSyncer`).
    public var synchronous: Synchronous = .full
    /// Page cache of the writer connection. Its hit rate decides how many index pages
    /// each insert must read back from the OS (random keys touch pages all over).
    public var cacheSizeKiB: Int = 8192
    /// Page cache of each reader connection. Kept small: SQLite empties a reader's cache
    /// whenever another connection committed since its last read (WAL mode re-reads
    /// instead of revalidating), so under writes a large one is refilled, not reused,
    /// while it counts fully towards the process's memory when reads run alone.
    /// Misses are served from the OS page cache.
    public var readerCacheSizeKiB: Int = 2048
    /// Memory-mapped I/O size per connection (0 = off).
    public var mmapSizeBytes: Int = 0
    /// Most write jobs per group commit.
    public var maxBatch: Int = 256
    /// WAL pages (frames) past which a background thread checkpoints them into the
    /// database file, off the writer's path (`Checkpointer`). 0: nothing checkpoints while
    /// the database is open here, and the last connection of all to close copies the WAL
    /// (SQLite's checkpoint at close, made under an exclusive lock): for the command-line
    /// tools, which may run beside a server that checkpoints the same file, where a checkpoint
    /// of theirs could race the server's writer (SQLite's WAL-reset bug, `WALResetBug`).
    /// Bigger means fewer, larger checkpoints
    /// (a page rewritten often is copied once per checkpoint) and a bigger `-wal` file.
    ///
    /// 16,000 (a 63 MiB WAL) rather than 2,000: the leaves of indexes keyed at random (a
    /// name's sort key) are rewritten all over the file, and the disk flushes such pages
    /// one by one (about 30 µs each on the 2-core VM), in the same queue as the WAL's flushes
    /// that every answer waits for. Over a longer stretch a leaf is rewritten several times
    /// and copied once. Measured with 100,000 producers stored, POST at 64 / 256 connections:
    /// 11,800–12,300 / 14,000–14,900 inserts/s with 2,000 pages, 13,100–13,200 /
    /// 15,700–16,300 with 16,000 (alternating runs; a WAL flush took 2.0–2.2 ms at 64
    /// connections, then 1.7–1.8); 32,000 gained no more.
    public var checkpointPages: Int = 16_000

    /// The defaults above.
    public init() {}
}

/// A snapshot of the pool's counters.
public struct DatabaseStats: Sendable, Equatable {
    /// Reader connections in the pool.
    public var readersTotal: Int
    /// Readers checked out right now.
    public var readersInUse: Int
    /// Write jobs waiting for the writer.
    public var writesQueued: Int
    /// Group COMMITs that succeeded.
    public var commits: Int
    /// WAL flushes made after commits (`synchronous = full`; one may cover several commits).
    public var walFlushes: Int
    /// Flushes of the database file by the background checkpointer, after its passes.
    public var databaseFlushes: Int
    /// Times the writer started the WAL again from its beginning.
    public var walRestarts: Int
    /// Background checkpoint passes not made because every frame of the WAL was already copied
    /// (the guard against SQLite's WAL-reset bug, `Checkpointer`).
    public var checkpointPassesSkipped: Int
    /// `write` jobs the writer has run (`exclusive` ones not counted).
    public var writeJobs: Int
    /// Batches whose jobs ran one SAVEPOINT each, because one of theirs (or of the batch
    /// before) failed; the others ran without.
    public var isolatedBatches: Int

    /// Makes a snapshot.
    public init(readersTotal: Int, readersInUse: Int, writesQueued: Int, commits: Int, walFlushes: Int = 0,
                databaseFlushes: Int = 0, walRestarts: Int = 0, checkpointPassesSkipped: Int = 0,
                writeJobs: Int, isolatedBatches: Int = 0) {
        self.readersTotal = readersTotal
        self.readersInUse = readersInUse
        self.writesQueued = writesQueued
        self.commits = commits
        self.walFlushes = walFlushes
        self.databaseFlushes = databaseFlushes
        self.walRestarts = walRestarts
        self.checkpointPassesSkipped = checkpointPassesSkipped
        self.writeJobs = writeJobs
        self.isolatedBatches = isolatedBatches
    }
}
