import CSQLite

extension Connection {
    /// Runs `body` in a transaction: BEGIN IMMEDIATE … COMMIT, or ROLLBACK when it throws.
    ///
    /// Inside an already open transaction (a `Database.write` body) it nests as a
    /// savepoint instead, so code written against a bare connection composes.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        guard isAutocommit else { return try savepoint("transaction", body) }
        // IMMEDIATE takes the write lock now: a deferred BEGIN that later upgrades
        // can fail with SQLITE_BUSY mid-transaction without waiting (lang_transaction.html).
        try run("BEGIN IMMEDIATE")
        discardCommitActions()
        let result: T
        do {
            result = try body()
            try runCommitActions()
            try run("COMMIT")
        } catch {
            rollbackIfOpen()
            throw error
        }
        return result
    }

    /// Runs `body` inside SAVEPOINT `name`: released on success, rolled back to and released on throw.
    public func savepoint<T>(_ name: String, _ body: () throws -> T) throws -> T {
        let quoted = Self.quoteIdentifier(name)
        try run("SAVEPOINT " + quoted)
        do {
            let result = try body()
            try run("RELEASE " + quoted)
            return result
        } catch {
            // ROLLBACK TO undoes the changes but leaves the savepoint on the
            // stack (lang_savepoint.html); RELEASE pops it. If SQLite already
            // rolled the whole transaction back (IOERR, FULL) there is nothing to undo.
            if !isAutocommit {
                try? run("ROLLBACK TO " + quoted)
                try? run("RELEASE " + quoted)
            }
            throw error
        }
    }

    /// Rolls back the open transaction, if any; a failure here cannot be reported
    /// better than the error that led to it.
    func rollbackIfOpen() {
        if !isAutocommit { try? run("ROLLBACK") }
        // What was queued for the commit belonged to the transaction just undone.
        discardCommitActions()
    }

    /// `name` as a double-quoted SQL identifier (embedded quotes doubled).
    static func quoteIdentifier(_ name: String) -> String {
        var out = "\""
        for ch in name {
            if ch == "\"" { out.append("\"") }
            out.append(ch)
        }
        out.append("\"")
        return out
    }
}
