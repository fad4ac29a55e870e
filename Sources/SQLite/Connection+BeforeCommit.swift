extension Connection {
    /// Queues `action` to run once on this connection just before the open transaction
    /// commits, after every write of it (and, under group commit, after every job of the
    /// batch, outside their savepoints); with no transaction open it runs at once.
    /// Registering the same `key` again in one transaction is a no-op, so a write may call
    /// this every time. Honoured by `Database.write` and `Connection.transaction`, not by a
    /// hand-written `COMMIT`. An error from the action fails the commit (every job of the batch).
    ///
    /// Why: some work is far cheaper once per transaction than once per write. FTS5 flushes
    /// its pending index to a new segment at every SAVEPOINT it takes part in, so indexing a
    /// row inside each group-commit job wrote a segment (and triggered merges) per job;
    /// queueing the rows in a plain table and indexing them here wrote one per batch. (The
    /// producers' search has since gone further, to one segment per bulk flush outside the
    /// writes: `ProducerStore.indexPendingSearch`; no store uses this hook today.)
    /// The action still runs when the write that queued it was rolled back to its savepoint,
    /// so it must act only on what the transaction holds (e.g. drain a queue table).
    public func beforeCommit(_ key: String, _ action: @escaping (Connection) throws -> Void) throws {
        if isAutocommit {
            try action(self)
            return
        }
        guard !commitActions.contains(where: { $0.key == key }) else { return }
        commitActions.append((key, action))
    }

    /// Runs and clears the queued actions (the writer and `transaction` call it right before COMMIT).
    func runCommitActions() throws {
        // Actions may queue others (or re-register themselves): run until none are left.
        while !commitActions.isEmpty {
            let actions = commitActions
            commitActions = []
            for (_, action) in actions { try action(self) }
        }
    }

    /// Forgets the queued actions (their transaction was rolled back or is starting afresh).
    func discardCommitActions() {
        if !commitActions.isEmpty { commitActions.removeAll() }
    }
}
