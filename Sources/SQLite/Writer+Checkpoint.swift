import CSQLite

/// When the WAL gets checkpointed (see `Checkpointer`), in WAL frames (pages).
struct CheckpointPolicy {
    /// Past this many frames a background pass is requested.
    let threshold: Int
    /// At most this many uncopied frames left by a pass: the writer copies them itself.
    let tail: Int
    /// At this many frames the writer checkpoints inline whatever the background thread did.
    let hardLimit: Int
}

/// WAL upkeep on the writer thread: record the WAL's length after each commit,
/// hand the bulk of the copying to the `Checkpointer`, copy the tail inline.
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

    /// Between batches: ask for a background pass, or copy the tail (or, if the
    /// background cannot keep up, everything) here so the next batch restarts the WAL.
    func maintainWAL() {
        guard let checkpointer, walFrames >= checkpointPolicy.threshold else { return }
        if walFrames >= checkpointPolicy.hardLimit {
            checkpointInline()
            return
        }
        let (report, running) = checkpointer.status
        if let report, report.generation == walGeneration,
           walFrames - report.copiedFrames <= checkpointPolicy.tail {
            checkpointInline()
        } else if !running {
            checkpointer.request(generation: walGeneration)
        }
    }

    /// A PASSIVE checkpoint on the writer's own connection: it copies only frames not yet
    /// copied, so after a background pass this is the short tail. SQLITE_BUSY (a pass is
    /// still running) just means "next time".
    private func checkpointInline() {
        guard let db = connection.handle else { return }
        var log: Int32 = 0
        var copied: Int32 = 0
        _ = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
    }
}
