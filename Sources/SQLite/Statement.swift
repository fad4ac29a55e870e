import CSQLite

/// A prepared statement owned by one `Connection`; never leaves it.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    /// Kept in the connection's cache (prepared PERSISTENT) rather than finalized after one use.
    let isCached: Bool
    /// True while a caller is stepping it, so a re-entrant use of the same SQL
    /// (a query inside its own row callback) gets a fresh statement instead.
    var inUse = false
    private let parameterCount: Int

    init(handle: OpaquePointer, sql: String, isCached: Bool) {
        self.handle = handle
        self.sql = sql
        self.isCached = isCached
        self.parameterCount = Int(sqlite3_bind_parameter_count(handle))
    }

    /// Binds `params` to ?1…?n; a count mismatch is a caller bug reported as SQLITE_RANGE.
    func bind(_ params: [SQLiteValue], db: OpaquePointer) throws {
        guard params.count == parameterCount else {
            throw SQLiteError(
                extendedCode: SQLITE_RANGE,
                message: "statement takes \(parameterCount) parameters, got \(params.count)",
                sql: sql)
        }
        for (offset, value) in params.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null:
                rc = sqlite3_bind_null(handle, index)
            case .integer(let v):
                rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v):
                rc = sqlite3_bind_double(handle, index, v)
            case .text(let v):
                rc = Self.bindText(handle, index, v)
            case .blob(let v):
                rc = v.withUnsafeBytes { raw in
                    // A nil pointer would bind NULL; an empty blob must stay an empty blob.
                    guard let base = raw.baseAddress, !raw.isEmpty else {
                        return sqlite3_bind_zeroblob(handle, index, 0)
                    }
                    // TRANSIENT: SQLite copies, so the Swift buffer may go away after this call.
                    return sqlite3_bind_blob64(handle, index, base, sqlite3_uint64(raw.count), csqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw SQLiteError(db: db, rc: rc, sql: sql) }
        }
    }

    /// Binds text by explicit byte length so every UTF-8 byte (even NUL) round-trips.
    private static func bindText(_ handle: OpaquePointer, _ index: Int32, _ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { utf8 in
            // An empty buffer may have no address, and a nil pointer binds NULL, not ''.
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                return sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
            }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
                sqlite3_bind_text64(handle, index, chars, sqlite3_uint64(utf8.count),
                                    csqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
    }

    /// Returns the statement to its initial state so the cache can hand it out again,
    /// releasing any read lock an unfinished step held.
    func reset() {
        // sqlite3_reset repeats the last step's error code; that error was already reported.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func finalize() {
        sqlite3_finalize(handle)
    }
}
