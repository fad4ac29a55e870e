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

    @Test func theLockGoesWithItsObject() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("ocop.sqlite")
        do { _ = try ServingLock(databasePath: path) }
        _ = try ServingLock(databasePath: path)
    }
}
