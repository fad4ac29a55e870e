import Testing
@testable import SQLite

@Suite struct TransactionTests {
    struct Boom: Error {}
    let db: Connection

    init() throws {
        db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (x INTEGER)")
    }

    private func values() throws -> [Int64] { try db.all("SELECT x FROM t ORDER BY x") { $0.int64(0) } }

    @Test func transactionCommitsAndReturns() throws {
        let n = try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            return 7
        }
        #expect(n == 7)
        #expect(try values() == [1])
        #expect(db.isAutocommit)
    }

    @Test func transactionRollsBackOnThrow() throws {
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try values() == [])
        #expect(db.isAutocommit)
    }

    @Test func savepointRollsBackOnlyItself() throws {
        try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            #expect(throws: Boom.self) {
                try db.savepoint("inner \"quoted\"") {
                    try db.run("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            try db.savepoint("kept") { try db.run("INSERT INTO t VALUES (3)") }
        }
        #expect(try values() == [1, 3])
    }

    @Test func nestedTransactionBecomesASavepoint() throws {
        try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            #expect(throws: Boom.self) {
                try db.transaction {
                    try db.run("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            try db.transaction { try db.run("INSERT INTO t VALUES (3)") }
            #expect(!db.isAutocommit)
        }
        #expect(try values() == [1, 3])
    }

    @Test func savepointOutsideTransactionCommitsOnRelease() throws {
        try db.savepoint("solo") { try db.run("INSERT INTO t VALUES (5)") }
        #expect(db.isAutocommit)
        #expect(try values() == [5])
    }
}
