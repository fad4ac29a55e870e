import Foundation
import Testing
@testable import SQLite

@Suite struct DurabilityTests {
    private func seeded(_ dir: TempDir, rows: Int) throws -> Database {
        let db = try makeDatabase(dir, "live.db")
        try db.exclusive { try $0.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT NOT NULL)") }
        for i in 0..<rows {
            try db.write { try $0.run("INSERT INTO item (label) VALUES (?)", [.text("Sản phẩm \(i)")]) }
        }
        return db
    }

    private func rowCount(_ path: String) throws -> Int64? {
        let conn = try Connection(path: path, readOnly: true)
        return try conn.scalarInt("SELECT count(*) FROM item")
    }

    @Test func freshConnectionSeesCommittedWrites() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try seeded(dir, rows: 25)
        defer { db.close() }
        #expect(try rowCount(dir.file("live.db")) == 25)
    }

    /// What is on disk the moment `write` returns (db file + WAL, no checkpoint,
    /// no clean close) is all a restart after a crash would have.
    @Test func committedWritesSurviveInTheWALWithoutClose() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try seeded(dir, rows: 30)
        defer { db.close() }
        let wal = dir.file("live.db-wal")
        let walSize = (try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walSize > 0)
        let crash = dir.file("crash")
        try FileManager.default.createDirectory(atPath: crash, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir.file("live.db"), toPath: crash + "/live.db")
        try FileManager.default.copyItem(atPath: wal, toPath: crash + "/live.db-wal")
        // No -shm copied: SQLite rebuilds the index from the WAL, as after a reboot.
        let conn = try Connection(path: crash + "/live.db")
        #expect(try conn.scalarInt("SELECT count(*) FROM item") == 30)
        #expect(try conn.first("SELECT label FROM item ORDER BY id DESC") { $0.string(0) } == "Sản phẩm 29")
    }

    @Test func dataIsThereAfterClose() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try seeded(dir, rows: 10)
        db.close()
        // The last connection to close checkpointed the WAL into the main file.
        #expect(!FileManager.default.fileExists(atPath: dir.file("live.db-wal")))
        #expect(try rowCount(dir.file("live.db")) == 10)
        let reopened = try makeDatabase(dir, "live.db")
        defer { reopened.close() }
        #expect(try reopened.read { try $0.scalarInt("SELECT count(*) FROM item") } == 10)
    }

    @Test func backupWhileServingProducesAWorkingCopy() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try seeded(dir, rows: 50)
        defer { db.close() }
        let writers = Thread {
            for i in 0..<50 { try? db.write { try $0.run("INSERT INTO item (label) VALUES (?)", [.text("later \(i)")]) } }
        }
        writers.start()
        let target = dir.file("backups/2025/ocop.db")
        try db.backup(to: target)
        // Only the finished file: no partial copy, journal or WAL beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("backups/2025")) == ["ocop.db"])
        let copied = try #require(try rowCount(target))
        #expect(copied >= 50 && copied <= 100)
        let conn = try Connection(path: target)
        #expect(try conn.first("PRAGMA integrity_check") { $0.string(0) } == "ok")
        #expect(try conn.first("SELECT label FROM item WHERE id = 1") { $0.string(0) } == "Sản phẩm 0")
        // A second backup replaces the first.
        try db.backup(to: target)
        #expect(try rowCount(target) ?? 0 >= copied)
    }

    /// A backup that fails leaves no partial copy behind (on a full disk it kept the disk full,
    /// and the retry failed the same way). Here the last step fails: the name is a directory.
    @Test func aFailedBackupLeavesNothingBehind() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = try seeded(dir, rows: 20)
        defer { db.close() }
        try FileManager.default.createDirectory(atPath: dir.file("out/taken.db"), withIntermediateDirectories: true)
        #expect(throws: SQLiteError.self) { try db.backup(to: dir.file("out/taken.db")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("out")) == ["taken.db"])
    }
}
