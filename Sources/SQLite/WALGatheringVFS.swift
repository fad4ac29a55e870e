import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// The writer connection's VFS: the default one, except that a WAL file gathers each
/// commit's frames in memory and hands them to the kernel in one `pwrite`.
///
/// SQLite writes a WAL frame as two calls, its 24-byte header and then its page
/// (wal.c, `walWriteOneFrame`), so a commit of 50 pages made 100 `pwrite`s, and since a
/// 4,120-byte frame straddles two pages of the OS's cache, each frame cost the kernel
/// three page lookups and dirty-markings instead of one. That was a quarter of the writer
/// thread's time, on the one thread every write passes through.
///
/// Where the gathered bytes go out is what keeps this safe: before anything else touches
/// the file (a read, a size, a truncation, a close) and, above all, at the commit's `xSync`,
/// which SQLite calls after the last frame and *before* it publishes the commit in the
/// shared WAL index, the point from which other connections may read those frames. So
/// nothing another connection can see is ever still in this buffer. That needs SQLite to
/// call `xSync` at commit, which it does only with `synchronous = FULL`: `Database` opens a
/// connection on this VFS only in that mode. The commit's sync only writes the gathered
/// frames out: making them durable is the `WALSyncer`'s job, after COMMIT, before any caller
/// is answered, as before. Every other sync of the WAL (the header's after a restart, and
/// before a checkpoint copies frames into the database) is real; the connection sets
/// `checkpoint_fullfsync`, so those arrive as `SQLITE_SYNC_FULL` and commits as
/// `SQLITE_SYNC_NORMAL`.
///
/// A failed write of gathered frames is returned from the call that wrote them out, which
/// always belongs to the same transaction (at the latest its commit's `xSync`); SQLite then
/// rolls the transaction back, as for any failed write.
///
/// Every other file (the database, its journal) is the default VFS's own file, opened in
/// place: no call of theirs passes through here.
enum WALGatheringVFS {
    static let name = "ocop-wal-gather"

    /// `SQLITE_OK` once the VFS is registered (once per process: SQLite keeps the pointer).
    static let registration: Int32 = register()

    private static func register() -> Int32 {
        // sqlite3_vfs_find initialises SQLite, after which its process-wide settings are fixed.
        _ = SQLiteLibrary.configured
        if sqlite3_vfs_find(name) != nil { return SQLITE_OK }
        guard let base = sqlite3_vfs_find(nil), let zName = strdup(name) else { return SQLITE_ERROR }
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        // Everything but xOpen is the default VFS's: none of its other functions reads the
        // fields changed here (pAppData is only read by its xOpen, which gets `base` itself).
        vfs.initialize(to: base.pointee)
        vfs.pointee.zName = UnsafePointer(zName)
        vfs.pointee.pNext = nil
        vfs.pointee.pAppData = UnsafeMutableRawPointer(base)
        vfs.pointee.szOsFile = Int32(GatheringFile.innerOffset) + base.pointee.szOsFile
        vfs.pointee.xOpen = { vfs, path, file, flags, outFlags in
            guard let vfs, let file,
                  let base = vfs.pointee.pAppData?.assumingMemoryBound(to: sqlite3_vfs.self),
                  let open = base.pointee.xOpen else { return SQLITE_MISUSE }
            guard flags & SQLITE_OPEN_WAL != 0 else { return open(base, path, file, flags, outFlags) }
            return GatheringFile.open(file, path: path, flags: flags, outFlags: outFlags, base: base, open: open)
        }
        return sqlite3_vfs_register(vfs, 0)
    }
}

/// A WAL file of the gathering VFS. In the `sqlite3_file` SQLite allocates: the method table,
/// a retained reference to this object, then the default VFS's file it wraps.
///
/// Not Sendable: SQLite calls a file's methods from the thread using its connection only.
final class GatheringFile {
    /// Where the wrapped file starts in SQLite's allocation (after pMethods and our reference).
    static let innerOffset = 2 * MemoryLayout<UnsafeRawPointer>.stride
    /// Most bytes gathered before they are written out anyway (about 30 frames of 4 KiB pages).
    /// The default VFS writes at most 128 KiB per call (os_unix.c masks the length with
    /// 0x1ffff), so a bigger write would be cut short.
    static let capacity = 124 << 10

    private var buffer: UnsafeMutableRawPointer?
    /// File offset of `buffer`'s first byte, and how many bytes it holds.
    private var start: Int64 = 0
    private var count = 0

    deinit { buffer?.deallocate() }

    static func open(_ file: UnsafeMutablePointer<sqlite3_file>, path: sqlite3_filename?, flags: Int32,
                     outFlags: UnsafeMutablePointer<Int32>?, base: UnsafeMutablePointer<sqlite3_vfs>,
                     open: (UnsafeMutablePointer<sqlite3_vfs>?, sqlite3_filename?, UnsafeMutablePointer<sqlite3_file>?,
                            Int32, UnsafeMutablePointer<Int32>?) -> Int32) -> Int32 {
        file.pointee.pMethods = nil
        let inner = innerFile(file)
        inner.pointee.pMethods = nil
        let rc = open(base, path, inner, flags, outFlags)
        guard rc == SQLITE_OK else {
            // A file whose pMethods was set must be closed even though opening failed (c3ref/io_methods.html).
            if let close = inner.pointee.pMethods?.pointee.xClose { _ = close(inner) }
            return rc
        }
        UnsafeMutableRawPointer(file).storeBytes(of: Unmanaged.passRetained(GatheringFile()).toOpaque(),
                                                 toByteOffset: MemoryLayout<UnsafeRawPointer>.stride,
                                                 as: UnsafeMutableRawPointer.self)
        file.pointee.pMethods = UnsafePointer(methods)
        return SQLITE_OK
    }

    private static func innerFile(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + innerOffset).assumingMemoryBound(to: sqlite3_file.self)
    }

    private static func gathering(_ file: UnsafeMutablePointer<sqlite3_file>) -> Unmanaged<GatheringFile> {
        Unmanaged.fromOpaque(UnsafeMutableRawPointer(file).load(fromByteOffset: MemoryLayout<UnsafeRawPointer>.stride,
                                                                as: UnsafeMutableRawPointer.self))
    }

    /// Runs `body` with the wrapped file and its methods, after writing out what is gathered
    /// (unless `flushing` is false); the flush's error, if any, is returned instead.
    private static func forward(_ file: UnsafeMutablePointer<sqlite3_file>?, flushing: Bool = true,
                                _ body: (UnsafeMutablePointer<sqlite3_file>, UnsafePointer<sqlite3_io_methods>) -> Int32) -> Int32 {
        guard let file else { return SQLITE_MISUSE }
        let inner = innerFile(file)
        guard let methods = inner.pointee.pMethods else { return SQLITE_MISUSE }
        if flushing {
            let rc = gathering(file).takeUnretainedValue().writeOut(inner, methods)
            guard rc == SQLITE_OK else { return rc }
        }
        return body(inner, methods)
    }

    /// Writes the gathered bytes with one call and empties the buffer, whatever the outcome:
    /// after a failed write SQLite abandons the transaction those frames belonged to.
    private func writeOut(_ inner: UnsafeMutablePointer<sqlite3_file>, _ methods: UnsafePointer<sqlite3_io_methods>) -> Int32 {
        guard count > 0, let buffer else { return SQLITE_OK }
        defer { count = 0 }
        return methods.pointee.xWrite?(inner, buffer, Int32(count), start) ?? SQLITE_IOERR
    }

    /// Appends to the gathered bytes when `offset` continues them; otherwise writes those out
    /// and starts again from `offset`.
    private func write(_ inner: UnsafeMutablePointer<sqlite3_file>, _ methods: UnsafePointer<sqlite3_io_methods>,
                       _ data: UnsafeRawPointer, _ amount: Int, _ offset: Int64) -> Int32 {
        if count > 0, offset == start + Int64(count), count + amount <= Self.capacity, let buffer {
            (buffer + count).copyMemory(from: data, byteCount: amount)
            count += amount
            return SQLITE_OK
        }
        let rc = writeOut(inner, methods)
        guard rc == SQLITE_OK else { return rc }
        guard amount <= Self.capacity else {
            return methods.pointee.xWrite?(inner, data, Int32(amount), offset) ?? SQLITE_IOERR
        }
        let target = buffer ?? UnsafeMutableRawPointer.allocate(byteCount: Self.capacity, alignment: 16)
        buffer = target
        target.copyMemory(from: data, byteCount: amount)
        start = offset
        count = amount
        return SQLITE_OK
    }

    /// The WAL file's methods: each writes out the gathered bytes first, except those that
    /// neither read nor change the file's content or size.
    // Unsafe: built once, never changed, and read by SQLite for as long as the process lives.
    nonisolated(unsafe) private static let methods: UnsafeMutablePointer<sqlite3_io_methods> = {
        let table = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        table.initialize(to: sqlite3_io_methods())
        // Version 1: SQLite maps shared memory and pages through the database file, never the WAL.
        table.pointee.iVersion = 1
        table.pointee.xClose = { file in
            guard let file else { return SQLITE_MISUSE }
            let rc = forward(file) { inner, methods in methods.pointee.xClose?(inner) ?? SQLITE_OK }
            gathering(file).release()
            file.pointee.pMethods = nil
            return rc
        }
        table.pointee.xRead = { file, data, amount, offset in
            forward(file) { inner, methods in methods.pointee.xRead?(inner, data, amount, offset) ?? SQLITE_IOERR }
        }
        table.pointee.xWrite = { file, data, amount, offset in
            guard let file, let data, amount >= 0 else { return SQLITE_MISUSE }
            return forward(file, flushing: false) { inner, methods in
                gathering(file).takeUnretainedValue().write(inner, methods, data, Int(amount), offset)
            }
        }
        table.pointee.xTruncate = { file, size in
            forward(file) { inner, methods in methods.pointee.xTruncate?(inner, size) ?? SQLITE_IOERR }
        }
        table.pointee.xSync = { file, flags in
            forward(file) { inner, methods in
                // A commit's sync (see the type's comment): written out above; the WALSyncer flushes it.
                if flags & 0x0F == SQLITE_SYNC_NORMAL { return SQLITE_OK }
                return methods.pointee.xSync?(inner, flags) ?? SQLITE_IOERR
            }
        }
        table.pointee.xFileSize = { file, size in
            forward(file) { inner, methods in methods.pointee.xFileSize?(inner, size) ?? SQLITE_IOERR }
        }
        table.pointee.xLock = { file, level in
            forward(file, flushing: false) { inner, methods in methods.pointee.xLock?(inner, level) ?? SQLITE_OK }
        }
        table.pointee.xUnlock = { file, level in
            forward(file, flushing: false) { inner, methods in methods.pointee.xUnlock?(inner, level) ?? SQLITE_OK }
        }
        table.pointee.xCheckReservedLock = { file, result in
            forward(file, flushing: false) { inner, methods in
                methods.pointee.xCheckReservedLock?(inner, result) ?? SQLITE_OK
            }
        }
        table.pointee.xFileControl = { file, op, argument in
            forward(file) { inner, methods in methods.pointee.xFileControl?(inner, op, argument) ?? SQLITE_NOTFOUND }
        }
        table.pointee.xSectorSize = { file in
            forward(file, flushing: false) { inner, methods in methods.pointee.xSectorSize?(inner) ?? 4096 }
        }
        table.pointee.xDeviceCharacteristics = { file in
            forward(file, flushing: false) { inner, methods in methods.pointee.xDeviceCharacteristics?(inner) ?? 0 }
        }
        return table
    }()
}
