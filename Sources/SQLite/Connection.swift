import CSQLite

/// One connection. Not Sendable: it is used only inside Database.read/write closures or on the thread that made it.
public final class Connection {
    /// The sqlite3 handle; nil once closed.
    private(set) var handle: OpaquePointer?
    /// Prepared statements by SQL text, prepared once with SQLITE_PREPARE_PERSISTENT.
    private var cache: [StatementKey: Statement] = [:]
    /// Bound on the cache so SQL built at run time (IN lists of varying length) cannot grow it forever.
    static let cacheLimit = 512
    /// Work queued by `beforeCommit` for the open transaction, in registration order (see Connection+BeforeCommit).
    var commitActions: [(key: String, action: (Connection) throws -> Void)] = []
    /// How long this connection waits on another's lock before SQLITE_BUSY.
    let busyTimeoutMs: Int32

    /// Opens `path` (":memory:" for a private in-memory database), through the VFS named
    /// `vfs` (nil: SQLite's default).
    public init(path: String, readOnly: Bool = false, busyTimeoutMs: Int32 = 5000, vfs: String? = nil) throws {
        _ = SQLiteLibrary.configured
        self.busyTimeoutMs = busyTimeoutMs
        // NOMUTEX: each connection is used by one thread at a time (the pool's
        // checkout or the writer thread), so SQLite's per-connection mutex is pure cost.
        // EXRESCODE: every call returns extended codes (2067, not 19), which errors carry.
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, vfs)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError(db: db, rc: rc, sql: nil)
            // sqlite3_open_v2 allocates a handle even on failure; it must still be closed.
            sqlite3_close_v2(db)
            throw SQLiteError(extendedCode: error.extendedCode, message: "\(error.message) (\(path))")
        }
        handle = db
        // Waits this long on a lock held by another connection before SQLITE_BUSY.
        sqlite3_busy_timeout(db, busyTimeoutMs)
        // Foreign keys are off by default in SQLite for backward compatibility (foreignkeys.html §2).
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit { close() }

    /// Finalizes cached statements and closes the handle; later calls throw SQLITE_MISUSE.
    func close() {
        for statement in cache.values { statement.finalize() }
        cache.removeAll()
        // close_v2 defers the real close if a statement is somehow still alive, instead of failing.
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// The path SQLite opened the main database at, with symbolic links resolved: the base of
    /// the names it gives the WAL and its index (`-wal`, `-shm`). Nil in memory or once closed.
    var mainFilename: String? {
        guard let handle, let name = sqlite3_db_filename(handle, "main"), name.pointee != 0 else { return nil }
        return String(cString: name)
    }

    /// The open handle, or a misuse error after `close()`.
    func db() throws -> OpaquePointer {
        guard let handle else { throw SQLiteError.misuse("connection is closed") }
        return handle
    }

    /// Runs one or more statements with no parameters (schema scripts, PRAGMAs).
    public func execute(_ sql: String) throws {
        let db = try db()
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &errmsg)
        defer { sqlite3_free(errmsg) }
        guard rc == SQLITE_OK else {
            let message = errmsg.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(db), message: message, sql: sql)
        }
    }

    /// Runs one statement to completion, discarding any rows (uses the statement cache).
    public func run(_ sql: String, _ params: [SQLiteValue] = []) throws {
        try withStatement(sql, params) { statement, db in
            while true {
                let rc = sqlite3_step(statement.handle)
                if rc == SQLITE_DONE { return }
                if rc != SQLITE_ROW { throw SQLiteError(db: db, rc: rc, sql: sql) }
            }
        }
    }

    /// Calls `each` for every result row; the row is valid only during the call.
    public func query(_ sql: String, _ params: [SQLiteValue] = [], _ each: (Row) throws -> Void) throws {
        try withStatement(sql, params) { statement, db in
            let row = Row(handle: statement.handle)
            while true {
                let rc = sqlite3_step(statement.handle)
                if rc == SQLITE_ROW {
                    try each(row)
                } else if rc == SQLITE_DONE {
                    return
                } else {
                    throw SQLiteError(db: db, rc: rc, sql: sql)
                }
            }
        }
    }

    /// Maps every result row. Inlinable so that the caller's module specialises it: a generic
    /// `all` appended each row through run-time metadata lookups (45,000 instructions for a page
    /// of 50 producers), where a specialised one appends in place.
    @inlinable
    public func all<T>(_ sql: String, _ params: [SQLiteValue] = [], _ map: (Row) throws -> T) throws -> [T] {
        var result: [T] = []
        try query(sql, params) { result.append(try map($0)) }
        return result
    }

    /// Maps the first result row, or nil when there is none; stops stepping after it.
    public func first<T>(_ sql: String, _ params: [SQLiteValue] = [], _ map: (Row) throws -> T) throws -> T? {
        try withStatement(sql, params) { statement, db in
            let rc = sqlite3_step(statement.handle)
            if rc == SQLITE_ROW { return try map(Row(handle: statement.handle)) }
            if rc == SQLITE_DONE { return nil }
            throw SQLiteError(db: db, rc: rc, sql: sql)
        }
    }

    /// The first column of the first row as an integer; nil when there is no row or it is NULL.
    public func scalarInt(_ sql: String, _ params: [SQLiteValue] = []) throws -> Int64? {
        try first(sql, params) { $0.optionalInt64(0) } ?? nil
    }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    public var changes: Int {
        handle.map { Int(sqlite3_changes64($0)) } ?? 0
    }

    /// True when no transaction is open (SQLite's autocommit mode).
    var isAutocommit: Bool {
        handle.map { sqlite3_get_autocommit($0) != 0 } ?? true
    }

    /// Statements currently prepared on this connection (cached or in flight); for leak tests.
    var preparedStatementCount: Int {
        guard let handle else { return 0 }
        var count = 0
        var statement = sqlite3_next_stmt(handle, nil)
        while let s = statement {
            count += 1
            statement = sqlite3_next_stmt(handle, s)
        }
        return count
    }

    /// Hands `body` a bound statement from the cache (or a fresh one), and always
    /// resets and clears it afterwards, even when `body` throws.
    private func withStatement<R>(
        _ sql: String, _ params: [SQLiteValue], _ body: (Statement, OpaquePointer) throws -> R
    ) throws -> R {
        let db = try db()
        let statement = try checkout(sql, db: db)
        statement.inUse = true
        defer {
            statement.reset()
            statement.inUse = false
            if !statement.isCached { statement.finalize() }
        }
        try statement.bind(params, db: db)
        return try body(statement, db)
    }

    /// The cached statement for `sql` when idle, else a newly prepared one
    /// (cached if the cache has room and holds nothing for this text).
    private func checkout(_ sql: String, db: OpaquePointer) throws -> Statement {
        let key = StatementKey(sql)
        let existing = cache[key]
        if let existing, !existing.inUse { return existing }
        let shouldCache = existing == nil && cache.count < Self.cacheLimit
        let statement = try prepare(sql, db: db, persistent: shouldCache)
        if shouldCache { cache[key] = statement }
        return statement
    }

    private func prepare(_ sql: String, db: OpaquePointer, persistent: Bool) throws -> Statement {
        var handle: OpaquePointer?
        // PERSISTENT tells SQLite the statement is long-lived, so it allocates
        // from the heap rather than the lookaside pool meant for short ones.
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let (rc, trailing) = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(db, text, -1, flags, &handle, &tail)
            // `tail` points into this temporary C string: inspect it before it goes away.
            return (rc, tail.map(Self.hasMoreSQL) ?? false)
        }
        guard rc == SQLITE_OK else { throw SQLiteError(db: db, rc: rc, sql: sql) }
        guard let handle else {
            throw SQLiteError.misuse("no statement in SQL (empty or only comments)", sql: sql)
        }
        if trailing {
            sqlite3_finalize(handle)
            throw SQLiteError.misuse("run/query take one statement; use execute for scripts", sql: sql)
        }
        return Statement(handle: handle, sql: sql, isCached: persistent)
    }

    /// True when text other than whitespace and semicolons follows the first statement.
    private static func hasMoreSQL(_ tail: UnsafePointer<CChar>) -> Bool {
        var p = tail
        while p.pointee != 0 {
            switch UInt8(bitPattern: p.pointee) {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ";"):
                p += 1
            default:
                return true
            }
        }
        return false
    }
}
