import Foundation
@testable import OCOP
import SQLite
import Testing

/// Migration 0024 records which tokens' secrets the server made. For tokens stored before it, a
/// token counts as made only when it cannot be the `OCOP_ADMIN_TOKEN` bootstrap: another name and
/// a hint of the made shape. Erring the other way would serve a possibly weak chosen secret to an
/// address that is guessing.
@Suite struct TokenSecretOriginMigrationTests {
    @Test func onlyTokensThatCannotBeTheBootstrapCountAsMade() throws {
        let database = try MigrationFixture.database(through: "0023_listings_relistable", before: "0024_token_secret_origin")
        defer { database.close() }
        let rows: [(id: Int64, name: String, hint: String, secret: String)] = [
            (1, "bootstrap admin (OCOP_ADMIN_TOKEN)", "ocop_AAAA…", "ocop_chosen-by-the-operator-0123456789"),
            (2, "bootstrap admin (OCOP_ADMIN_TOKEN)", "chan…", "change-me-to-a-long-random-secret"),
            (3, "Cán bộ văn phòng OCOP", "ocop_BBBB…", "made-by-the-server-officer"),
            (4, "Quầy Bãi Cháy", "ocop_CCCC…", "made-by-the-server-terminal"),
        ]
        try database.write { db in
            for row in rows {
                try db.run("""
                    INSERT INTO tokens (id, name, role, secret_hash, hint, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, '2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z')
                    """, [.integer(row.id), .text(row.name), .text(row.id < 3 ? "admin" : "officer"),
                          .blob(SHA256.hash(row.secret)), .text(row.hint)])
            }
        }
        try database.migrate(Schema.migrator)

        for row in rows {
            let principal = try #require(try database.read { try TokenStore.authenticate($0, secret: row.secret) })
            #expect(principal.tokenID == row.id)
            #expect(principal.hasGeneratedSecret == (row.id >= 3), "token \(row.id)")
        }
        // A row written without saying counts as chosen, and the column holds nothing but 0 and 1.
        try database.write { db in
            try db.run("""
                INSERT INTO tokens (name, role, secret_hash, hint, created_at, updated_at)
                VALUES ('x', 'officer', ?, 'ocop_DDDD…', 't', 't')
                """, [.blob(SHA256.hash("unsaid"))])
            #expect(throws: SQLiteError.self) {
                try db.run("UPDATE tokens SET secret_generated = 2 WHERE id = 1")
            }
        }
        #expect(try database.read { try TokenStore.authenticate($0, secret: "unsaid") }?.hasGeneratedSecret == false)
    }
}
