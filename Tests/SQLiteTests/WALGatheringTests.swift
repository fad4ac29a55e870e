import CSQLite
import Foundation
import Testing
@testable import SQLite

/// The writer's WAL frames are gathered and written out at the commit's sync
/// (`WALGatheringVFS`): what a commit wrote must be in the file, and readable by other
/// connections, the moment it is answered, however it was written.
@Suite struct WALGatheringTests {
    private func vfsName(_ connection: Connection) throws -> String? {
        var vfs: UnsafeMutablePointer<sqlite3_vfs>?
        guard sqlite3_file_control(try connection.db(), "main", SQLITE_FCNTL_VFS_POINTER, &vfs) == SQLITE_OK,
              let name = vfs?.pointee.zName else { return nil }
        return String(cString: name)
    }

    /// A copy of the database and its WAL taken now, opened as a restart after `kill -9` would.
    private func crashCopy(_ dir: TempDir, _ name: String) throws -> Connection {
        let crash = dir.file("crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: crash, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir.file(name), toPath: crash + "/" + name)
        try FileManager.default.copyItem(atPath: dir.file(name + "-wal"), toPath: crash + "/" + name + "-wal")
        return try Connection(path: crash + "/" + name)
    }

    private func bytes(_ seed: Int, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
    }

    private func blob(_ seed: Int, _ count: Int) -> SQLiteValue { .blob(bytes(seed, count)) }

    /// A database named `name` with one table, `item (id, data BLOB)`, to fill with pages.
    private func itemDatabase(_ dir: TempDir, _ name: String, cacheKiB: Int? = nil) throws -> Database {
        let db = try makeDatabase(dir, name) { configuration in
            if let cacheKiB { configuration.cacheSizeKiB = cacheKiB }
        }
        try db.exclusive { try $0.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        return db
    }

    @Test func onlyTheDurableWritersConnectionGathers() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let full = try makeDatabase(dir, "full.db")
        defer { full.close() }
        #expect(try full.exclusive { try vfsName($0) } == WALGatheringVFS.name)
        // Without a commit sync nothing would write the frames out before readers may see them.
        let normal = try makeDatabase(dir, "normal.db") { $0.synchronous = .normal }
        defer { normal.close() }
        #expect(try normal.exclusive { try vfsName($0) } != WALGatheringVFS.name)
    }

    /// One commit of ~2 MiB of frames: many times the buffer, so it is written out in pieces.
    @Test func aCommitLargerThanTheBufferIsWhole() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try itemDatabase(dir, "big.db")
        defer { db.close() }
        try db.write { connection in
            for i in 0..<500 { try connection.run("INSERT INTO item (id, data) VALUES (?, ?)", [.integer(Int64(i)), blob(i, 4000)]) }
        }
        let walSize = (try FileManager.default.attributesOfItem(atPath: dir.file("big.db-wal"))[.size] as? Int) ?? 0
        #expect(walSize > 8 * GatheringFile.capacity)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM item") } == 500)
        let copy = try crashCopy(dir, "big.db")
        #expect(try copy.first("PRAGMA integrity_check") { $0.string(0) } == "ok")
        #expect(try copy.first("SELECT data FROM item WHERE id = 377") { $0.blob(0) } == bytes(377, 4000))
    }

    /// A transaction that dirties more pages than the writer's cache holds makes SQLite write
    /// frames before the commit, overwrite some of them, and read them back: the gathered bytes
    /// must be in the file before each of those.
    @Test func aTransactionSpillingTheCacheIsWhole() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try itemDatabase(dir, "spill.db", cacheKiB: 64)
        defer { db.close() }
        try db.write { connection in
            for i in 0..<300 { try connection.run("INSERT INTO item (id, data) VALUES (?, ?)", [.integer(Int64(i)), blob(i, 3000)]) }
            // Rewrites pages written (spilled) earlier in the same transaction, and reads them back.
            try connection.run("UPDATE item SET data = zeroblob(2500) WHERE id % 3 = 0")
            #expect(try connection.scalarInt("SELECT sum(length(data)) FROM item") == 100 * 2500 + 200 * 3000)
        }
        let copy = try crashCopy(dir, "spill.db")
        #expect(try copy.first("PRAGMA integrity_check") { $0.string(0) } == "ok")
        #expect(try copy.scalarInt("SELECT sum(length(data)) FROM item") == 100 * 2500 + 200 * 3000)
        #expect(try copy.first("SELECT data FROM item WHERE id = 299") { $0.blob(0) } == bytes(299, 3000))
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM item WHERE length(data) = 2500") } == 100)
    }

    /// Jobs of one batch that fail roll back to their savepoint, and the next job writes over
    /// the WAL where the failed one had: the file must end up as if the failure never wrote.
    @Test func rolledBackJobsBetweenGatheredWritesLeaveNoTrace() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try itemDatabase(dir, "undo.db", cacheKiB: 64)
        defer { db.close() }
        let outcomes = Collected<Bool>()
        onThreads(16) { thread in
            for round in 0..<8 {
                let id = Int64(thread * 100 + round)
                do {
                    try db.write { connection in
                        try connection.run("INSERT INTO item (id, data) VALUES (?, ?)", [.integer(id), self.blob(Int(id), 6000)])
                        if round % 3 == 0 { throw SQLiteError.misuse("refused on purpose") }
                    }
                    outcomes.append(true)
                } catch {
                    outcomes.append(false)
                }
            }
        }
        let kept = Int64(outcomes.all.filter { $0 }.count)
        #expect(kept == 16 * 5)
        #expect(try db.read { try $0.scalarInt("SELECT count(*) FROM item WHERE id % 100 IN (0, 3, 6)") } == 0)
        let copy = try crashCopy(dir, "undo.db")
        #expect(try copy.first("PRAGMA integrity_check") { $0.string(0) } == "ok")
        #expect(try copy.scalarInt("SELECT count(*) FROM item") == kept)
    }
}
