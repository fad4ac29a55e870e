import Foundation
import Glibc
@testable import SQLite
import Testing

@Suite struct ServingLockTests {
    @Test func oneHolderAtATimeAndTheRefusalNamesIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("nested/ocop.sqlite")   // the directory is made, as the database's would be
        let first = try ServingLock(databasePath: path)
        #expect(throws: ServingLock.Held(description: """
            database \(path) is already being served by process \(getpid()) (\(path).serve-lock is locked); stop that server first
            """)) { _ = try ServingLock(databasePath: path) }
        first.release()
        first.release()   // twice is harmless
        let second = try ServingLock(databasePath: path)
        _ = second
    }

    /// A lock file that cannot be opened is said as a file problem (root passes a read-only
    /// directory, so a directory in the lock file's place stands in for one).
    @Test func aLockFileThatCannotBeOpenedIsSaidPlainly() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("ocop.sqlite")
        #expect(mkdir(path + ".serve-lock", 0o755) == 0)
        #expect(throws: ServingLock.Unavailable(description: """
            cannot open the serving lock \(path).serve-lock: Is a directory
            """)) { _ = try ServingLock(databasePath: path) }
    }

    /// A second server started through a symbolic link to the served file, or through a linked
    /// directory, is the same file for SQLite (one WAL): it must meet the same lock.
    @Test func aLinkToTheServedFileMeetsTheSameLock() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("data/ocop.sqlite")
        let held = try ServingLock(databasePath: path)
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let fileLink = dir.file("link.sqlite")
        let directoryLink = dir.file("datalink")
        #expect(symlink(path, fileLink) == 0)
        #expect(symlink(dir.file("data"), directoryLink) == 0)
        for other in [fileLink, directoryLink + "/ocop.sqlite", dir.file("data/../data/ocop.sqlite")] {
            #expect(throws: ServingLock.Held.self, "\(other)") { _ = try ServingLock(databasePath: other) }
        }
        held.release()
        _ = try ServingLock(databasePath: fileLink)
    }

    @Test func theLockGoesWithItsObject() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("ocop.sqlite")
        do { _ = try ServingLock(databasePath: path) }
        _ = try ServingLock(databasePath: path)
    }
}
