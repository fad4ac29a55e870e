import CSQLite
import Glibc
import Synchronization

/// The pool: one serialised writer connection on its own thread doing GROUP COMMIT, plus reader connections (WAL lets them read while the writer writes).
public final class Database: Sendable {
    private let writer: Writer
    private let readers: ReaderPool
    private let checkpointer: Checkpointer?
    /// Held for the whole of `close()`, so a second caller waits for the first to finish.
    private let isClosed = Mutex(false)
    /// A descriptor of the database file, which follows it through a rename
    /// (`databaseFileMovedTo`); -1 in memory. Closed only after every connection: closing a
    /// descriptor of a file drops the process's POSIX locks on it, SQLite's included.
    private let fileDescriptor: Int32
    private let path: String
    /// What `close()` found to tell an operator: the database file had moved (`closingReport`).
    private let closingReport = Mutex<String?>(nil)

    /// Opens (creating the file and its directory if missing) a WAL database.
    /// ":memory:" gives a private in-memory database with no readers: reads go to the writer.
    public init(path: String, configuration: DatabaseConfiguration = .init()) throws {
        let inMemory = path == ":memory:"
        if !inMemory {
            try FileSystem.createParentDirectory(of: path)
            try Self.refuseSecondNames(path)
        }
        self.path = path
        // Only the writer commits, so only its synchronous setting matters. FULL is kept by
        // flushing the WAL on the syncer's thread after each commit (`WALSyncer`), not inside it.
        let flushesWAL = !inMemory && configuration.synchronous == .full
        if flushesWAL, WALGatheringVFS.registration != SQLITE_OK {
            throw SQLiteError(extendedCode: WALGatheringVFS.registration, message: "could not register the WAL-gathering VFS")
        }
        let writerConnection = try Connection(path: path, busyTimeoutMs: configuration.busyTimeoutMs,
                                              vfs: flushesWAL ? WALGatheringVFS.name : nil)
        // SQLite resolves a symbolic link to the database and names the WAL and its index after
        // the file itself, so whatever this pool does to those files by name (flush, watch, read)
        // goes by that name. By the link's name the syncer found no WAL and flushed nothing.
        let filesPath = writerConnection.mainFilename ?? path
        let syncer = flushesWAL ? WALSyncer(databasePath: filesPath) : nil
        // SQLite opens a file it may not write read-only without a word (c3ref/open.html); every
        // write would then fail. A pool whose writer cannot write is refused here instead.
        if !inMemory, let handle = writerConnection.handle, sqlite3_db_readonly(handle, "main") == 1 {
            writerConnection.close()
            throw SQLiteError(extendedCode: SQLITE_READONLY,
                              message: "\(path) can only be read by this user; ocop needs to write it, even to read it (a WAL "
                                + "database keeps its readers' index beside it): give this user write access, or copy the file")
        }
        do {
            try Self.tune(writerConnection, configuration, cacheKiB: configuration.cacheSizeKiB)
        } catch let error as SQLiteError where error.code == SQLITE_NOTADB {
            // The first read of the file: say what it is, not which PRAGMA met it.
            writerConnection.close()
            throw SQLiteError(extendedCode: SQLITE_NOTADB, message: "\(path) is not an SQLite database "
                + "(another kind of file, or a database whose first page is damaged)")
        }
        if !inMemory {
            // journal_mode answers with the mode now in force; it can silently stay
            // "delete" (e.g. on a filesystem without shared memory), so check it took.
            let mode = try writerConnection.first("PRAGMA journal_mode = WAL") { $0.string(0) }
            guard mode?.lowercased() == "wal" else {
                throw SQLiteError(extendedCode: SQLITE_ERROR,
                                  message: "journal_mode=WAL was not applied (got \(mode ?? "nothing")) for \(path)")
            }
        }
        try writerConnection.execute("PRAGMA synchronous = \(configuration.synchronous.rawValue.uppercased())")
        if syncer != nil {
            // With the syncer, the writer's connection is on the gathering VFS, where a commit's
            // sync (SQLITE_SYNC_NORMAL) only writes its frames out and the syncer flushes them;
            // this makes every other sync of the WAL arrive as SQLITE_SYNC_FULL, and real.
            try writerConnection.execute("PRAGMA checkpoint_fullfsync = ON")
        }
        var readerConnections: [Connection] = []
        let readerCount = inMemory ? 0 : max(0, configuration.readers)
        for _ in 0..<readerCount {
            // Read-only: a write through `read` fails instead of bypassing the writer.
            let reader = try Connection(path: path, readOnly: true, busyTimeoutMs: configuration.busyTimeoutMs)
            try Self.tune(reader, configuration, cacheKiB: configuration.readerCacheSizeKiB)
            readerConnections.append(reader)
        }
        var checkpointer: Checkpointer?
        let pages = configuration.checkpointPages
        if !inMemory && pages > 0 {
            let connection = try Connection(path: path, busyTimeoutMs: configuration.busyTimeoutMs)
            try Checkpointer.prepare(connection)
            checkpointer = Checkpointer(connection: connection, databasePath: filesPath)
        } else if !inMemory {
            // No checkpoint while open (see `checkpointPages`), not even SQLite's own after a
            // commit past 1000 pages: one more connection checkpointing beside another process's
            // writer.
            try writerConnection.execute("PRAGMA wal_autocheckpoint = 0")
        }
        self.checkpointer = checkpointer
        // The tail the writer copies itself stays short whatever the threshold: it copies it
        // and flushes its pages while every write waits (shorter ones only made the
        // checkpointer chase the WAL's end in more passes).
        let policy = CheckpointPolicy(threshold: pages, tail: min(500, max(64, pages / 4)), hardLimit: pages * 2)
        if checkpointer != nil {
            // The WAL file is reused from its start, never truncated on the writer thread (see
            // `Writer.restartWAL`); one that outgrew twice the hard limit, while readers kept it
            // from restarting, is cut back to that at the first commit after its restart.
            let pageSize = try writerConnection.scalarInt("PRAGMA page_size") ?? 4096
            try writerConnection.execute("PRAGMA journal_size_limit = \(policy.walSizeLimitBytes(pageSize: pageSize))")
        }
        let readers = ReaderPool(readerConnections)
        self.readers = readers
        writer = Writer(connection: writerConnection, maxBatch: configuration.maxBatch,
                        checkpointer: checkpointer, policy: policy, readers: readers, syncer: syncer,
                        files: inMemory ? nil : DatabaseFiles(databasePath: filesPath))
        fileDescriptor = inMemory ? -1 : open(path, O_RDONLY | O_CLOEXEC)
        try checkpointer?.start()
        do {
            try syncer?.start()
            try writer.start()
        } catch {
            syncer?.stop()
            checkpointer?.stop()
            checkpointer?.releaseFile()
            throw error
        }
    }

    deinit { close() }

    private static func tune(_ connection: Connection, _ configuration: DatabaseConfiguration, cacheKiB: Int) throws {
        // A negative cache_size is in KiB rather than pages (pragma.html#pragma_cache_size).
        try connection.execute("PRAGMA cache_size = -\(max(0, cacheKiB))")
        try connection.execute("PRAGMA mmap_size = \(max(0, configuration.mmapSizeBytes))")
        // Savepoint (statement) journals and sorter spills stay in memory: by default a
        // sub-journal past 64 KiB spills to a temp file, and the writer's per-job SAVEPOINT
        // then costs a pwrite per page touched (tempfiles.html §2.5, pragma.html#pragma_temp_store).
        try connection.execute("PRAGMA temp_store = MEMORY")
    }

    /// Runs `body` on a reader connection (blocks the caller until one is free), inside one
    /// read transaction: every statement of the body sees the same snapshot, so a report's
    /// totals and breakdowns, or a ledger and the levels derived from it, always agree.
    /// Do not nest reads: with every reader checked out, an inner read waits forever.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        guard readers.total > 0 else {
            // No readers (":memory:" or readers = 0): the writer connection serves reads.
            if writer.isCurrentThread { return try body(writer.connection) }
            return try exclusive(body)
        }
        return try noticingDamage {
            try readers.withReader { connection in
                // Deferred: the snapshot is taken by the first read. Checking the reader back in
                // ends the transaction (`ReaderPool.checkIn`).
                try connection.run("BEGIN")
                return try body(connection)
            }
        }
    }

    /// Runs `body` on the writer inside a transaction shared with other concurrent writers
    /// (a job that throws is rolled back alone and its error rethrown to its caller; the others
    /// commit). Blocks the caller until the shared COMMIT is done (durable), then returns the
    /// result. If COMMIT fails, every job of that batch gets the error.
    ///
    /// The body may run more than once: when another job of its batch fails, the batch is
    /// rolled back and run again (`Writer.runGroup`). Only the last run's writes and result
    /// count, so a body must act only through `Connection` (and values it returns), never on
    /// state outside the database that a rolled-back run would leave changed.
    /// The body must not COMMIT or ROLLBACK itself (use `savepoint` for nested undo).
    ///
    /// With a `deadline`, a job that has not started by then is not started at all: the call throws
    /// `WriteNotStarted` and nothing of it is written. A job that started runs to its end.
    public func write<T>(deadline: ContinuousClock.Instant? = nil, _ body: (Connection) throws -> T) throws -> T {
        try submit(.batched, deadline: deadline, body)
    }

    /// `write` without blocking the caller: queues `body` for the writer and returns at once;
    /// `completion` runs on `queue` with the body's result (or the error that undid it) once
    /// the shared COMMIT is done and durable, exactly once. Everything `write` says of the body
    /// holds here too: it may run more than once, and must act only through the connection.
    ///
    /// Why: a caller blocked in `write` is a thread asleep for the whole group commit, woken
    /// alone when it is done. The completions of one batch reach `queue` together instead.
    public func submitWrite<T>(deadline: ContinuousClock.Instant? = nil, on queue: any WriteCompletionQueue,
                               _ body: @escaping (Connection) throws -> T,
                               completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
        let slot = ResultSlot<T>()
        let finished: @Sendable ((any Error)?) -> Void = { [self] failure in
            let result = failure.map { .failure($0) }
                ?? slot.result ?? .failure(SQLiteError.misuse("write job finished without running"))
            if case .failure(let error) = result { noteDamage(error) }
            completion(result)
        }
        let job = WriteJob(mode: .batched, deadline: deadline, caller: .callback(queue, finished)) { connection in
            slot.keep { try body(connection) }
        }
        if let deadline, ContinuousClock.now > deadline {
            return queue.enqueue { completion(.failure(WriteNotStarted(reason: .deadlinePassed))) }
        }
        do {
            try writer.submit(job)
        } catch {
            queue.enqueue { completion(.failure(error)) }
        }
    }

    /// Every read and write goes through here on its way out with an error: one that found the
    /// database file damaged (SQLITE_CORRUPT or SQLITE_NOTADB) refuses writes from then on, as
    /// when its files are gone, so that nothing more is written into a broken b-tree, and
    /// readiness says so (`storageProblem`). A black-box probe zeroed a few pages of a served
    /// file: reads of them failed, yet `/readyz` answered ready and 6,162 writes went into it.
    /// Any other error is not damage and passes untouched.
    private func noteDamage(_ error: any Error) {
        guard let error = error as? SQLiteError, error.code == SQLITE_CORRUPT || error.code == SQLITE_NOTADB else { return }
        writer.refuseAll(SQLiteError(extendedCode: error.extendedCode, message:
            "the database file is damaged (\(error.message)); writes are refused until it is repaired or restored "
                + "(`ocop verify` lists the damage)"))
    }

    private func noticingDamage<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            noteDamage(error)
            throw error
        }
    }

    /// Why writes are refused because the storage is gone (its files deleted or replaced
    /// while serving) or damaged, or nil. Readiness reports it.
    public var storageProblem: String? { writer.storageProblem }

    /// Starts no write from `instant` on (each then throws `WriteNotStarted`, a queued one when
    /// its turn comes, a later one at once); the one running at that instant commits. A shutdown
    /// sets its drain deadline here before draining.
    public func refuseWrites(from instant: ContinuousClock.Instant) {
        writer.refuseWrites(from: instant)
    }

    /// Runs `body` on the writer connection OUTSIDE any transaction (for migrations, VACUUM, PRAGMAs); still serialised with writes.
    public func exclusive<T>(_ body: (Connection) throws -> T) throws -> T {
        try submit(.exclusive, body)
    }

    /// Applies pending migrations (serialised on the writer), then brings every reader's copy
    /// of the schema up to date.
    ///
    /// Why: the readers were opened, and read the schema, before the migrations ran. A statement
    /// naming a table the stale copy lacks fails to prepare with "no such table", and SQLite
    /// re-reads the schema then only if it can open a read transaction at that instant; once,
    /// under a loaded test run, it could not, and the first read after start-up failed. Stepping a
    /// statement re-reads a changed schema under the busy timeout instead.
    public func migrate(_ migrator: Migrator) throws {
        try exclusive { try migrator.migrate($0) }
        try readers.withEveryConnection { _ = try $0.scalarInt("SELECT count(*) FROM sqlite_schema") }
    }

    /// Refuses a database file with more than one name (hard links). SQLite names the WAL and its
    /// shared-memory index after the name a database is opened by, resolving a symbolic link but
    /// not a hard one, so a file opened through two names gets two WALs and is corrupted
    /// (howtocorrupt.html §2.5); the serving lock, named after the path, does not meet the other
    /// name either. A black-box probe served one file under two names and got "database disk
    /// image is malformed" within seconds.
    private static func refuseSecondNames(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink > 1 else { return }
        throw SQLiteError(extendedCode: SQLITE_CANTOPEN, message: """
            \(path) has \(info.st_nlink) names (hard links): SQLite keeps a WAL beside each name a database \
            is opened by, so a file served under two names would be corrupted. Remove the other names \
            (find / -samefile \(path)), or copy the file
            """)
    }

    /// Online backup to a new file (sqlite3_backup_* from a reader), safe while serving.
    /// Written beside `path` first and renamed, so `path` never holds half a backup.
    public func backup(to path: String) throws {
        try Self.copy(to: path) { target in try read { source in try source.backup(into: target) } }
    }

    /// Writes a copy at `path` through `fill`, which backs a source up into the new connection
    /// it is given: beside `path` first, renamed once whole and synced.
    private static func copy(to path: String, _ fill: (Connection) throws -> Void) throws {
        try FileSystem.createParentDirectory(of: path)
        let partial = path + ".partial"
        FileSystem.remove(partial)
        do {
            do {
                let target = try Connection(path: partial)
                defer { target.close() }
                try fill(target)
            }
            try FileSystem.rename(partial, to: path)
            // The backup's own commit synced its content; the rename is an entry of the
            // directory, which a power cut could still undo after the command said "backed up".
            try FileSystem.syncDirectory(FileSystem.parentDirectory(of: path))
        } catch {
            // A backup that failed (a full disk) leaves nothing behind to keep the disk full.
            for leftover in [partial, partial + "-journal", partial + "-wal", partial + "-shm"] { FileSystem.remove(leftover) }
            throw error
        }
    }

    /// Changes whenever a write commits through this pool (see `Writer.generation`): equal values
    /// read before two read transactions mean both saw the same data. Writes made by another
    /// process on the same file are not counted.
    public var writeGeneration: Int { writer.generation.load(ordering: .acquiring) }

    /// Current pool counters.
    public var stats: DatabaseStats {
        DatabaseStats(
            readersTotal: readers.total,
            readersInUse: readers.inUse,
            writesQueued: writer.queuedCount,
            commits: writer.commits.load(ordering: .relaxed),
            walFlushes: writer.syncer?.flushes.load(ordering: .relaxed) ?? 0,
            databaseFlushes: checkpointer?.databaseFlushes.load(ordering: .relaxed) ?? 0,
            walRestarts: writer.walRestarts.load(ordering: .relaxed),
            checkpointPassesSkipped: checkpointer?.skippedPasses.load(ordering: .relaxed) ?? 0,
            writeJobs: writer.jobsRun.load(ordering: .relaxed),
            isolatedBatches: writer.isolatedBatches.load(ordering: .relaxed))
    }

    /// Finishes queued writes, waits for reads in flight, and closes every connection.
    /// Later reads and writes throw SQLITE_MISUSE. Safe to call more than once.
    public func close() {
        isClosed.withLock { closed in
            guard !closed else { return }
            closed = true
            precondition(!writer.isCurrentThread, "Database.close() called from inside a write body")
            writer.stop()
            checkpointer?.stop()
            readers.close()
            // SQLite skips the checkpoint it makes at close when the database file was moved or
            // replaced (SQLITE_READONLY_DBMOVED): the commits since the last one stayed only in
            // the WAL at the old name, which the next start beside a new file deleted, or replayed
            // into a backup restored under that name, corrupting it. So copy them into the file
            // open here, wherever it is now, and empty the WAL (TRUNCATE) so nothing of it is
            // left for the file now at the name.
            if let movedTo = movedTo() {
                // (busy, WAL frames, frames copied): busy means another process still reads an
                // older snapshot, and the WAL could not be emptied.
                let busy = try? writer.connection.first("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int(0) }
                let report: String
                if heldFileHasNoName {
                    report = saveHeldFile()
                } else if busy == 0 {
                    report = "every write it acknowledged is in the file it had open, now \(movedTo)"
                } else {
                    report = "its WAL could not be emptied (another process was reading it): its writes are in "
                        + "\(path)-wal and \(movedTo); remove \(path)-wal before serving the file now at \(path)"
                }
                closingReport.withLock { $0 = "\(path) was moved or replaced while the server had it open; " + report }
            }
            // Last: the final connection to close checkpoints the WAL into the main file. Not
            // before that, with PASSIVE: while another process (a server, a tool) has the file
            // open, its writer may start the WAL again at any commit, and a checkpoint racing
            // that is SQLite's WAL-reset bug (`Checkpointer`); the WAL stays for whoever closes last.
            writer.connection.close()
            checkpointer?.releaseFile()
            if fileDescriptor >= 0 { Glibc.close(fileDescriptor) }
        }
    }

    /// Where the database file went when it is no longer at the path it was opened at (moved, or
    /// another file put in its place): followed through the rename by a descriptor held from
    /// the start (`/proc/self/fd`), " (deleted)" once removed. Nil while it is where it was, in
    /// memory, and after `close`.
    public var databaseFileMovedTo: String? {
        isClosed.withLock { closed in closed ? nil : movedTo() }
    }

    /// After `close()`: what an operator must hear about the files (the database file was moved
    /// or replaced while serving, and where its writes are), or nil.
    public var closeReport: String? { closingReport.withLock { $0 } }

    /// Whether the file open here was unlinked: deleted, or another file moved over its name (a
    /// backup restored with `mv`). Its pages then live only as long as this process holds them.
    private var heldFileHasNoName: Bool {
        var held = stat()
        return fileDescriptor >= 0 && fstat(fileDescriptor, &held) == 0 && held.st_nlink == 0
    }

    /// Copies the unlinked file open here, with every commit, to a new name beside `path`
    /// (`<path>.saved-<unix time>`), read through the writer's connection, which still has it
    /// open. Without this the writes it acknowledged went with the process: no link can be made
    /// again to an inode whose last one is gone (linkat(2) refuses it), but its content can still
    /// be read. The last part of the close report: where the writes are, or why they are lost.
    private func saveHeldFile() -> String {
        let stem = "\(path).saved-\(time(nil))"
        var saved = stem
        var taken = stat()
        var suffix = 1
        while stat(saved, &taken) == 0 {
            suffix += 1
            saved = "\(stem)-\(suffix)"
        }
        do {
            try Self.copy(to: saved) { target in try writer.connection.backup(into: target) }
            return "the file it had open had no name left, so every write it acknowledged was saved to \(saved)"
        } catch {
            return "the file it had open had no name left, and saving it to \(saved) failed (\(error)): "
                + "the writes since the file was removed are lost"
        }
    }

    private func movedTo() -> String? {
        guard fileDescriptor >= 0 else { return nil }
        var held = stat(), named = stat()
        guard fstat(fileDescriptor, &held) == 0 else { return nil }
        if stat(path, &named) == 0, named.st_dev == held.st_dev, named.st_ino == held.st_ino { return nil }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/fd/\(fileDescriptor)", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Hands `body` to the writer thread and blocks until its outcome is known.
    private func submit<T>(_ mode: WriteJob.Mode, deadline: ContinuousClock.Instant? = nil,
                           _ body: (Connection) throws -> T) throws -> T {
        guard !writer.isCurrentThread else {
            throw SQLiteError.misuse(
                "Database.write/exclusive called from inside a write body would wait for itself forever; use the Connection you were given")
        }
        if let deadline, ContinuousClock.now > deadline { throw WriteNotStarted(reason: .deadlinePassed) }
        // The body crosses to the writer thread but never outlives this call:
        // the job drops it before waking us (withoutActuallyEscaping checks that).
        return try noticingDamage { try withoutActuallyEscaping(body) { body in
            let slot = ResultSlot<T>()
            let job = WriteJob(mode: mode, deadline: deadline) { connection in slot.keep { try body(connection) } }
            try writer.submit(job)
            job.wait()
            if let failure = job.failure { throw failure }
            guard let result = slot.result else {
                throw SQLiteError.misuse("write job finished without running")
            }
            return try result.get()
        } }
    }
}
