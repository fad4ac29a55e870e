import CSQLite

/// Group commit: many callers' write jobs share one transaction and one fsync.
/// A job that throws is undone alone (`runGroup`).
extension Writer {
    /// Outcome of one job inside the shared transaction.
    private enum JobOutcome {
        /// Body returned; its changes wait for COMMIT.
        case succeeded
        /// Body threw; its changes were undone and its own error goes back to its caller.
        case threw
        /// Undone, and the caller gets this error instead of its result.
        case rejected(any Error)
        /// The whole transaction is gone (SQLite rolled it back after IOERR/FULL/NOMEM,
        /// or the body ran COMMIT/ROLLBACK itself): jobs before this one lost their changes.
        case transactionLost(bodyThrew: Bool, error: (any Error)?)
    }

    // Prebuilt so the per-job statements cost no string building (they hit the statement cache by text).
    private static let savepoint = "SAVEPOINT group_commit_job"
    private static let release = "RELEASE group_commit_job"
    private static let rollbackTo = "ROLLBACK TO group_commit_job"

    func execute(_ batch: [WriteJob]) {
        if batch.count == 1, batch[0].mode == .exclusive {
            runExclusive(batch[0])
        } else {
            runGroup(batch)
        }
    }

    /// Runs a job outside any transaction (migrations, VACUUM, PRAGMAs).
    private func runExclusive(_ job: WriteJob) {
        let ok = job.perform(on: connection)
        // Whatever the body did (even if it threw or left a transaction) may have changed the data.
        // Moved before anyone is woken, as after a group COMMIT: a caller's next read must not
        // find a response cached from before its write under the generation still current.
        generation.add(1, ordering: .releasing)
        // A transaction left open would make every later BEGIN fail: end it here.
        if !connection.isAutocommit {
            connection.rollbackIfOpen()
            job.finish(ok ? SQLiteError.misuse("exclusive body left a transaction open; it was rolled back") : nil)
            return
        }
        // `beforeCommit` work queued in a transaction the body committed with its own
        // COMMIT: late is better than never (it only drains what was committed).
        do {
            try connection.runCommitActions()
        } catch {
            connection.discardCommitActions()
            job.finish(ok ? error : nil)
            return
        }
        // Even a body that threw may have committed something (a migration's earlier steps).
        complete([job])
    }

    /// BEGIN IMMEDIATE; run the jobs; COMMIT; then wake the callers.
    ///
    /// Optimistic first: the jobs run back to back without a SAVEPOINT each, because nearly
    /// every job succeeds and a savepoint costs each job two more statements and a copy of
    /// every page it touches (its statement journal). When a job fails (its body threw, or
    /// left a deferred reference unresolved) the transaction is rolled back whole and the
    /// batch's unfinished jobs run again, each in its own SAVEPOINT so that the failing one
    /// is undone alone; the jobs before it run twice, their first run undone, so only the
    /// last run of a body counts. After such a batch the next ones take savepoints from the
    /// start until one has no failing job: a stream of refused writes would otherwise pay
    /// for every batch twice.
    private func runGroup(_ batch: [WriteJob]) {
        jobsRun.add(batch.count, ordering: .relaxed)
        if isolatesJobs {
            runIsolated(batch)
        } else if let unfinished = runOptimistic(batch), !unfinished.isEmpty {
            runIsolated(unfinished)
        }
    }

    /// The optimistic pass. Nil when the batch is over (committed, or failed whole); else
    /// the jobs not finished yet, to run again one savepoint each.
    private func runOptimistic(_ batch: [WriteJob]) -> [WriteJob]? {
        guard begin(batch[...]) else { return nil }
        var pending: [WriteJob] = []
        pending.reserveCapacity(batch.count)
        for (position, job) in batch.enumerated() where isStartable(job) {
            let ok = job.perform(on: connection)
            if connection.isAutocommit {
                // As in the isolated pass: not re-run, since a body that ended the transaction
                // with its own COMMIT has made the jobs before it durable already.
                transactionLost(pending: pending, at: job, bodyThrew: !ok, error: nil)
                return Array(batch[(position + 1)...])
            }
            guard ok, !hasUnresolvedForeignKeys() else {
                connection.rollbackIfOpen()
                connection.discardCommitActions()
                isolatesJobs = true
                return pending + batch[position...]
            }
            pending.append(job)
        }
        commit(pending)
        return nil
    }

    /// BEGIN IMMEDIATE; for each job SAVEPOINT, run, RELEASE (or ROLLBACK TO); COMMIT;
    /// then wake the callers. If the transaction is lost part-way, the jobs before
    /// get the error and the rest continue in a new transaction.
    private func runIsolated(_ batch: [WriteJob]) {
        isolatedBatches.add(1, ordering: .relaxed)
        var index = batch.startIndex
        var anyFailed = false
        while index < batch.endIndex {
            guard begin(batch[index...]) else { return }
            var pending: [WriteJob] = []
            var lost = false
            while index < batch.endIndex, !lost {
                let job = batch[index]
                index += 1
                guard isStartable(job) else { continue }
                switch runInSavepoint(job) {
                case .succeeded:
                    pending.append(job)
                case .threw:
                    anyFailed = true
                    job.finish()
                case .rejected(let error):
                    anyFailed = true
                    job.finish(error)
                case .transactionLost(let bodyThrew, let error):
                    anyFailed = true
                    transactionLost(pending: pending, at: job, bodyThrew: bodyThrew, error: error)
                    pending = []
                    lost = true
                }
            }
            if !lost { commit(pending) }
        }
        if !anyFailed { isolatesJobs = false }
    }

    /// BEGIN IMMEDIATE for `jobs`; false when it failed, and each of them has the error.
    private func begin(_ jobs: ArraySlice<WriteJob>) -> Bool {
        do {
            try connection.run("BEGIN IMMEDIATE")
        } catch {
            // Usually SQLITE_BUSY past the timeout (another process holds the write lock):
            // retrying job by job would wait that long for each.
            WriteJob.finish(jobs, error)
            return false
        }
        connection.discardCommitActions()
        return true
    }

    /// The shared transaction ended inside `job`'s body (SQLite rolled it back after
    /// IOERR/FULL/NOMEM, or the body ran COMMIT/ROLLBACK): the jobs before it get the error,
    /// and `job` its own if its body threw.
    private func transactionLost(pending: [WriteJob], at job: WriteJob, bodyThrew: Bool, error: (any Error)?) {
        let lostError = error ?? lostTransactionError()
        connection.rollbackIfOpen()
        WriteJob.finish(pending, lostError)
        job.finish(bodyThrew ? nil : lostError)
    }

    /// What the other jobs of a transaction that ended inside a body get. SQLite rolls a
    /// transaction back by itself only after a full disk, an I/O error, a lock it could not take
    /// or a failed allocation (lang_transaction.html, "Response To Errors Within A Transaction"),
    /// and then the connection's last error is that cause: the other jobs were not committed for
    /// the same reason and get it too (a full disk is a 507 for every write of the batch, not a
    /// 500 for those that happened to share it). Otherwise a body ran COMMIT or ROLLBACK itself,
    /// which is a bug. Read before anything else runs on the connection.
    private func lostTransactionError() -> SQLiteError {
        let code = connection.handle.map { sqlite3_extended_errcode($0) } ?? SQLITE_OK
        if [SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_NOMEM].contains(code & 0xFF) {
            return SQLiteError(extendedCode: code, message: "another write of the same group commit failed ("
                + String(cString: sqlite3_errstr(code)) + "), so their shared transaction was rolled back and "
                + "this write was not committed")
        }
        return SQLiteError(extendedCode: SQLiteError.abortRollback,
                           message: "the shared write transaction ended inside a write body; its changes were not committed")
    }

    /// Whether `job` may start now; if not, it is finished with the reason.
    ///
    /// Its caller may have given up waiting, or the server stopped taking writes: starting it
    /// now would write what nobody is told of. Checked at the last moment before it runs.
    private func isStartable(_ job: WriteJob) -> Bool {
        let now = ContinuousClock.now
        if let deadline = job.deadline, now > deadline {
            job.finish(WriteNotStarted(reason: .deadlinePassed))
            return false
        }
        if let from = refuseFrom, now >= from {
            job.finish(WriteNotStarted(reason: .refused))
            return false
        }
        return true
    }

    private func commit(_ pending: [WriteJob]) {
        // A WAL deleted since the last commit would take this one to a file nobody can reach:
        // undo it instead, tell its callers nothing was written, and write no more.
        if let problem = files?.problem() {
            connection.rollbackIfOpen()
            let error = SQLiteError(extendedCode: SQLITE_IOERR,
                                    message: problem + "; writes are refused until the server is restarted")
            // Refuse first: a caller woken below must already find later writes refused.
            refuseAll(error)
            WriteJob.finish(pending, error)
            return
        }
        do {
            // Once per batch, outside the jobs' savepoints (Connection.beforeCommit).
            try connection.runCommitActions()
            try connection.run("COMMIT")
        } catch {
            // A failed COMMIT may leave the transaction open (SQLITE_BUSY, a
            // deferred constraint: lang_transaction.html); nothing of it may survive.
            connection.rollbackIfOpen()
            WriteJob.finish(pending, error)
            return
        }
        commits.add(1, ordering: .relaxed)
        generation.add(1, ordering: .releasing)
        complete(pending)
    }

    private func runInSavepoint(_ job: WriteJob) -> JobOutcome {
        do {
            try connection.run(Self.savepoint)
        } catch {
            if connection.isAutocommit { return .transactionLost(bodyThrew: false, error: error) }
            return .rejected(error)
        }
        let ok = job.perform(on: connection)
        if connection.isAutocommit { return .transactionLost(bodyThrew: !ok, error: nil) }
        var rejection: (any Error)?
        if ok {
            // Deferred foreign keys are checked only at COMMIT, where one job's
            // dangling reference would fail every job of the batch; catch it now
            // and undo that job alone. The status is non-zero iff any are unresolved.
            if hasUnresolvedForeignKeys() {
                rejection = SQLiteError(
                    extendedCode: SQLiteError.constraintForeignKey,
                    message: "FOREIGN KEY constraint failed (deferred reference left unresolved by this write)")
            } else {
                do {
                    try connection.run(Self.release)
                    return .succeeded
                } catch {
                    rejection = error
                }
            }
        }
        do {
            // ROLLBACK TO leaves the savepoint open (lang_savepoint.html); RELEASE pops it.
            try connection.run(Self.rollbackTo)
            try connection.run(Self.release)
        } catch {
            // The job cannot be undone alone: the earlier jobs' state is unknown too.
            return .transactionLost(bodyThrew: !ok, error: error)
        }
        if let rejection { return .rejected(rejection) }
        return .threw
    }

    private func hasUnresolvedForeignKeys() -> Bool {
        guard let db = connection.handle else { return false }
        var current: Int32 = 0
        var highwater: Int32 = 0
        sqlite3_db_status(db, SQLITE_DBSTATUS_DEFERRED_FKS, &current, &highwater, 0)
        return current != 0
    }
}
