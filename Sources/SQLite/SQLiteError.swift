import CSQLite

/// An error reported by SQLite (or by this wrapper, with SQLite's code for the same kind of fault).
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The primary result code (https://sqlite.org/rescode.html), e.g. 19 for SQLITE_CONSTRAINT.
    public let code: Int32
    /// The extended result code, e.g. 2067 for SQLITE_CONSTRAINT_UNIQUE.
    public let extendedCode: Int32
    /// SQLite's message (sqlite3_errmsg) or the wrapper's explanation.
    public let message: String
    /// The statement that failed, for logs only: never send it to clients.
    public let sql: String?

    /// Makes an error from an extended (or primary) result code.
    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        // The low 8 bits of an extended code are its primary code (rescode.html §2).
        self.code = extendedCode & 0xFF
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// The error SQLite recorded on `db` for the call that just returned `rc`.
    init(db: OpaquePointer?, rc: Int32, sql: String?) {
        // With extended result codes enabled `rc` is already extended; keep the
        // richer of the two in case a caller passes a primary code.
        var ext = rc
        if let db, rc & 0xFF == rc {
            let recorded = sqlite3_extended_errcode(db)
            if recorded & 0xFF == rc { ext = recorded }
        }
        let msg = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(rc))
        self.init(extendedCode: ext, message: msg, sql: sql)
    }

    /// A misuse of the wrapper itself (wrong parameter count, nested write, closed database).
    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(extendedCode: SQLITE_MISUSE, message: message, sql: sql)
    }

    /// A UNIQUE or PRIMARY KEY constraint failed (a duplicate).
    public var isUniqueViolation: Bool {
        extendedCode == Self.constraintUnique || extendedCode == Self.constraintPrimaryKey
    }

    /// A FOREIGN KEY constraint failed (immediate, or deferred at commit).
    /// SQLite reports an `ON DELETE RESTRICT` violation as SQLITE_CONSTRAINT_TRIGGER (the action runs
    /// as an internal trigger), with the same message as other foreign-key failures.
    /// SQLITE_CONSTRAINT_TRIGGER: the C macro is an expression Swift cannot import.
    static let constraintTrigger: Int32 = SQLITE_CONSTRAINT | (7 << 8)

    public var isForeignKeyViolation: Bool {
        extendedCode == Self.constraintForeignKey
            || (extendedCode == Self.constraintTrigger && message.hasPrefix("FOREIGN KEY constraint failed"))
    }

    /// Any constraint failed (UNIQUE, NOT NULL, CHECK, FOREIGN KEY, …).
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    /// The database was locked by another connection past the busy timeout.
    public var isBusy: Bool { code == SQLITE_BUSY }

    /// The disk (or the file size limit) is full: nothing more can be written until room is made.
    public var isStorageFull: Bool { code == SQLITE_FULL }

    /// The storage under the database failed or cannot be written: read-only file or
    /// filesystem, I/O error, a file that cannot be opened or is damaged. An operator's
    /// problem, not a bug in the request or in the server.
    public var isStorageFailure: Bool {
        [SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_PERM, SQLITE_NOLFS]
            .contains(code)
    }

    /// One line for logs: codes, message, then the statement.
    public var description: String {
        var s = "SQLite error \(extendedCode)"
        if extendedCode != code { s += " (primary \(code))" }
        s += ": " + message
        if let sql { s += " — in: " + sql }
        return s
    }

    // Extended codes spelled out: the C macros are shift expressions Swift may not import.
    static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)  // 787
    static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)  // 1555
    static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)      // 2067
    static let constraintCommitHook: Int32 = SQLITE_CONSTRAINT | (2 << 8)  // 531
    static let abortRollback: Int32 = SQLITE_ABORT | (2 << 8)              // 516
}
