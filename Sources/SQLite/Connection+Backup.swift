import CSQLite

extension Connection {
    /// Copies this whole database into `destination` with the online backup API.
    func backup(into destination: Connection) throws {
        let source = try db()
        let target = try destination.db()
        guard let backup = sqlite3_backup_init(target, "main", source, "main") else {
            throw SQLiteError(db: target, rc: sqlite3_extended_errcode(target), sql: nil)
        }
        // -1 copies every page in one step under one read transaction, so the
        // copy is a consistent snapshot even while the writer keeps committing
        // (a step-by-step backup would restart on every write from another connection).
        let step = sqlite3_backup_step(backup, -1)
        let finish = sqlite3_backup_finish(backup)
        guard step == SQLITE_DONE else { throw SQLiteError(db: target, rc: step, sql: nil) }
        guard finish == SQLITE_OK else { throw SQLiteError(db: target, rc: finish, sql: nil) }
    }

    /// Makes every COMMIT on this connection fail (SQLITE_CONSTRAINT_COMMITHOOK), or stops doing so.
    /// Exists so tests can exercise the writer's commit-failure path for real.
    func setCommitVetoForTesting(_ veto: Bool) throws {
        let db = try db()
        // A commit hook returning non-zero turns the COMMIT into a ROLLBACK (capi3ref commit_hook).
        if veto {
            sqlite3_commit_hook(db, { _ in 1 }, nil)
        } else {
            sqlite3_commit_hook(db, nil, nil)
        }
    }
}
