import CSQLite

/// Process-wide SQLite settings. They can only be made before SQLite initialises itself,
/// which the first connection, VFS lookup or VFS registration does: each of those touches
/// `configured` first (a lazily initialised static runs exactly once, thread-safely).
enum SQLiteLibrary {
    /// SQLITE_OK when the settings took.
    static let configured: Int32 = csqlite_disable_memstatus()
}
