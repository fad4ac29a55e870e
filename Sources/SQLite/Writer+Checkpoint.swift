import CSQLite

/// When the WAL gets checkpointed (see `Checkpointer`), in WAL frames (pages).
struct CheckpointPolicy {
    /// Past this many frames a background pass is requested.
    let threshold: Int
    /// At most this many uncopied frames left by a pass: the writer copies them itself.
    let tail: Int
    /// At this many frames the writer restarts the WAL whatever the background thread did,
    /// copying the rest itself.
    let hardLimit: Int
    /// The size a WAL file is cut back to after a restart when it grew past it: twice the hard
    /// limit (the 32-byte header and each frame's 24-byte header included), so that in steady
    /// use the file is only ever reused, never cut.
    func walSizeLimitBytes(pageSize: Int64) -> Int64 {
        32 + Int64(2 * hardLimit) * (pageSize + 24)
    }

    /// How long the writer holds new reads back waiting for the pool's reads in flight to end
    /// before it restarts the WAL after a background pass: a page or a row takes a millisecond
    /// or less (a CPU-starved host stretches that).
    var readerWait: Duration = .milliseconds(50)
    /// The same at the hard limit, where the WAL must restart: enough for slow searches that
    /// follow each other without a gap (a name-sorted `q` takes hundreds of milliseconds), not
    /// for an export or a backup, which are never waited for.
    var hardLimitReaderWait: Duration = .seconds(1)
    /// How long SQLite's busy handler waits on readers of another process (an admin's `sqlite3`).
    var otherProcessWaitMs: Int32 = 50
    /// After giving up, the writer does not try again before this much time has passed.
    var retryAfter: Duration = .milliseconds(250)
    /// With no write for this long, the writer has the WAL checkpointed and restarted whatever
    /// its length (`maintainWAL(idle:)`).
    var idleAfter: Duration = .milliseconds(200)
    /// How long that idle restart holds new reads back for the reads in flight: briefly, as
    /// nothing presses then (a long export makes it try again later, not stall every read).
    var idleReaderWait: Duration = .milliseconds(5)
}

/// One of the writer's two ways to restart the WAL (after a background pass, at the hard
/// limit): how long it holds reads back, and, once readers outlasted that, when it may try
/// again. Kept apart, so a failed restart after a pass does not put off the hard limit's.
struct WALRestart {
    let readerWait: Duration
    var notBefore: ContinuousClock.Instant?

    var isDue: Bool { notBefore.map { ContinuousClock.now >= $0 } ?? true }
}

/// WAL upkeep on the writer thread: record the WAL's length after each commit,
/// hand the bulk of the copying to the `Checkpointer`, copy the tail inline and start the
/// WAL again from its beginning.
extension Writer {
    /// Replaces SQLite's auto-checkpoint (which is itself a WAL hook, c3ref/wal_hook.html)
    /// with one that only records how long the WAL is; called once, from `init`.
    func installWALHook() {
        guard let db = connection.handle else { return }
        // Unretained: the writer owns the connection, and the hook runs only inside
        // COMMIT on the writer thread, while the writer exists.
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(db, { context, _, _, frames in
            guard let context else { return SQLITE_OK }
            let writer = Unmanaged<Writer>.fromOpaque(context).takeUnretainedValue()
            let frames = Int(frames)
            // The count falls only when the WAL was restarted from its beginning.
            if frames < writer.walFrames { writer.walGeneration += 1 }
            writer.walFrames = frames
            return SQLITE_OK
        }, context)
    }

    /// Between batches: ask for a background pass, or, once one has left only a short tail,
    /// copy the rest here and restart the WAL. At the hard limit the writer restarts it
    /// whatever the background did, after waiting for a pass in progress to end.
    ///
    /// `idle`: no write came for `idleAfter`. Then the whole WAL is copied and restarted
    /// whatever its length, with no tail left for the writer to copy (so no flush holds anyone
    /// up): the WAL a burst of writes left behind is emptied before the next burst, instead of
    /// that burst finding it past the threshold, or near the hard limit, where the writer
    /// copies what is left itself while every write waits (a 240 ms stall in the benchmark,
    /// whose POSTs follow a phase of reads). The run loop asks again after each `idleAfter`
    /// without writes until the WAL has restarted.
    func maintainWAL(idle: Bool = false) {
        guard let checkpointer, walFrames > 0, idle || walFrames >= checkpointPolicy.threshold else { return }
        // Not while a failed attempt's retry instant is ahead: waiting for the pass each batch
        // would tie the writer to the background copy while a backup holds the WAL.
        if walFrames >= checkpointPolicy.hardLimit, restartAtHardLimit.isDue {
            checkpointer.waitUntilIdle()
            if restartWAL(&restartAtHardLimit) { return }
        }
        let (report, running) = checkpointer.status
        // A pass in progress holds the checkpoint lock: a checkpoint here would get BUSY at once.
        guard !running else { return }
        if let report, report.generation == walGeneration {
            let uncopied = walFrames - report.copiedFrames
            if idle {
                if uncopied <= 0, restartWAL(&restartWhenIdle) { return }
            } else if uncopied <= checkpointPolicy.tail, restartWAL(&restartAfterPass) {
                return
            }
            // Nothing a pass could copy: the restart waits for its retry instant.
            if uncopied <= 0 { return }
        }
        checkpointer.request(generation: walGeneration)
    }

    /// Copies the frames not yet copied and starts the WAL again from its beginning
    /// (c3ref/wal_checkpoint_v2.html, RESTART). Returns whether the WAL restarted.
    ///
    /// Never TRUNCATE, not even at the hard limit: truncating a WAL of 32,000 pages took 100 ms
    /// on the writer thread (ext4 freeing its blocks), which every write waited through, and
    /// the next pass allocated them again. The file is reused from its start instead; a WAL
    /// that outgrew twice the hard limit while readers held it (`Database`'s
    /// `journal_size_limit`) is cut back by SQLite at the first commit after the restart.
    ///
    /// Why not PASSIVE alone: SQLite reuses the WAL from its start only at an instant when no
    /// reader is using it. Reads that overlap without a gap (a busy read pool) never leave
    /// such an instant, and under steady reads and writes the WAL grew without bound,
    /// gigabytes in minutes ("checkpoint starvation", wal.html). Polling for a gap does not
    /// work either: a read that starts while another holds a WAL read lock shares that lock.
    ///
    /// So the tail is copied first (PASSIVE, with reads going on), and then new reads of the
    /// pool are held back for the instant of the RESTART, once the reads in flight are done;
    /// with nothing left to copy it only resets the WAL's header, well under a millisecond.
    /// When a read outlasts the attempt's `readerWait` (a big export), reads go on, the copied
    /// frames stay copied, and that attempt is not made again before `retryAfter`.
    private func restartWAL(_ attempt: inout WALRestart) -> Bool {
        guard let db = connection.handle, attempt.isDue else { return false }
        var log: Int32 = 0
        var copied: Int32 = 0
        _ = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
        let restart = {
            // The connection's own busy timeout (seconds, meant for other processes' locks)
            // would hold every read and write behind a reader of another process; this wait is short.
            sqlite3_busy_timeout(db, self.checkpointPolicy.otherProcessWaitMs)
            defer { sqlite3_busy_timeout(db, self.connection.busyTimeoutMs) }
            return sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_RESTART, &log, &copied) == SQLITE_OK
        }
        let restarted = readers.map { $0.withoutReads(timeout: attempt.readerWait, restart) ?? false } ?? restart()
        guard restarted else {
            attempt.notBefore = .now + checkpointPolicy.retryAfter
            return false
        }
        // The next commit writes from the WAL's first frame: a new generation, whatever its size.
        walFrames = 0
        walGeneration += 1
        walRestarts.add(1, ordering: .relaxed)
        return true
    }
}
