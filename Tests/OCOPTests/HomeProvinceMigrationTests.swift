import Foundation
@testable import OCOP
import SQLite
import Testing

/// Migration 0029: booths of outside exhibitors from "Tỉnh Quảng Ninh", stored as not local
/// under the old rule, become local, and so do their sales entries, which the fairs report sums.
@Suite struct HomeProvinceMigrationTests {
    typealias F = FairFixtures

    @Test func boothsFromTheProvinceNamedInFullBecomeLocalWithTheirSales() throws {
        let database = try MigrationFixture.database(through: "0028_producer_search_merged_in_steps",
                                                     before: "0029_home_province_named_in_full")
        defer { database.close() }
        let fair = try database.write { try F.fair($0) }
        let stamp = "2024-04-26T01:00:00Z"
        try database.write { db in
            for (id, province) in [(1, "Tỉnh Quảng Ninh"), (2, "Thái Nguyên"), (3, "Quảng Ninh")] {
                try db.run("""
                    INSERT INTO fair_booths (id, fair_id, exhibitor_name, province, is_local, created_at, updated_at)
                    VALUES (?, ?, 'HTX', ?, ?, ?, ?)
                    """, [.integer(Int64(id)), .integer(fair.id), .text(province), .integer(id == 3 ? 1 : 0), .text(stamp), .text(stamp)])
                try db.run("""
                    INSERT INTO fair_sales (fair_id, booth_id, day, revenue_vnd, is_local, created_at, updated_at)
                    VALUES (?, ?, '2024-04-26', 1000000, ?, ?, ?)
                    """, [.integer(fair.id), .integer(Int64(id)), .integer(id == 3 ? 1 : 0), .text(stamp), .text(stamp)])
            }
        }
        try database.migrate(Schema.migrator)

        let booths = try database.read { db in
            try db.all("SELECT id, is_local, version, updated_at FROM fair_booths ORDER BY id") {
                (id: $0.int64(0), local: $0.int64(1), version: $0.int64(2), updatedAt: $0.string(3))
            }
        }
        #expect(booths.map(\.local) == [1, 0, 1])
        #expect(booths.map(\.version) == [2, 1, 1], "only the booth whose representation changed gets a new version")
        #expect(booths[0].updatedAt != stamp && booths[1].updatedAt == stamp)
        let sales = try database.read { try $0.all("SELECT booth_id, is_local FROM fair_sales ORDER BY booth_id") { $0.int64(1) } }
        #expect(sales == [1, 0, 1])
        #expect(try database.read { try BoothStore.get($0, fairID: fair.id, id: 1) }?.isLocal == true)
    }
}
