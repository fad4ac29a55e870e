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
        arena = UnsafeMutableRawPointer.allocate(byteCount: arenaCapacity, alignment: 8)
    }

    /// The bytes of the text and blob values bound now, which SQLite reads where they are
    /// (SQLITE_STATIC) until `reset` clears the bindings: one copy into a buffer kept with the
    /// statement, where SQLITE_TRANSIENT made SQLite allocate, copy and later free each value.
    /// An insert of a producer binds some thirty values on the writer thread; their copies and
    /// frees were about 4 % of a POST's instructions.
    private var arena: UnsafeMutableRawPointer
    private var arenaCapacity = 256

    deinit {
        arena.deallocate()
    }

    /// Binds `params` to ?1…?n; a count mismatch is a caller bug reported as SQLITE_RANGE.
    func bind(_ params: [SQLiteValue], db: OpaquePointer) throws {
        guard params.count == parameterCount else {
            throw SQLiteError(
                extendedCode: SQLITE_RANGE,
                message: "statement takes \(parameterCount) parameters, got \(params.count)",
                sql: sql)
        }
        var cursor = reserveArena(for: params)
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
            case .text(var v):
                // By explicit byte length, so every UTF-8 byte (even NUL) round-trips. An empty
                // text still points into the arena: a nil pointer would bind NULL, not ''.
                let count = v.withUTF8 { utf8 in
                    if let base = utf8.baseAddress { cursor.copyMemory(from: base, byteCount: utf8.count) }
                    return utf8.count
                }
                rc = sqlite3_bind_text64(handle, index, cursor.assumingMemoryBound(to: CChar.self),
                                         sqlite3_uint64(count), nil, UInt8(SQLITE_UTF8))
                cursor += count
            case .blob(let v):
                rc = v.withUnsafeBytes { raw in
                    // A nil pointer would bind NULL; an empty blob must stay an empty blob.
                    guard let base = raw.baseAddress, !raw.isEmpty else {
                        return sqlite3_bind_zeroblob(handle, index, 0)
                    }
                    cursor.copyMemory(from: base, byteCount: raw.count)
                    return sqlite3_bind_blob64(handle, index, cursor, sqlite3_uint64(raw.count), nil)
                }
                cursor += v.count
            }
            guard rc == SQLITE_OK else { throw SQLiteError(db: db, rc: rc, sql: sql) }
        }
    }

    /// Room in the arena for every text and blob of `params` (and one byte more, so that even
    /// an empty text has an address); where the first goes. Any binding into an arena it
    /// replaces is cleared first (`reset` clears them after every use already).
    private func reserveArena(for params: [SQLiteValue]) -> UnsafeMutableRawPointer {
        var needed = 1
        for value in params {
            switch value {
            case .text(let v): needed += v.utf8.count
            case .blob(let v): needed += v.count
            case .null, .integer, .real: break
            }
        }
        if needed > arenaCapacity {
            sqlite3_clear_bindings(handle)
            arena.deallocate()
            arenaCapacity = max(needed, arenaCapacity * 2)
            arena = UnsafeMutableRawPointer.allocate(byteCount: arenaCapacity, alignment: 8)
        }
        return arena
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
