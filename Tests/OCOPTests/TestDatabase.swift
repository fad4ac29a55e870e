import Foundation
import OCOP
import SQLite
import TestSupport

/// A migrated database in a fresh temp file (WAL needs a real file, not :memory:).
func makeDatabase() throws -> Database {
    let path = Scratch.path("ocop-unit") + "/ocop.sqlite"
    let database = try Database(path: path)
    try database.migrate(Schema.migrator)
    return database
}

func makeFields(_ name: String = "Hợp tác xã Miến dong Bình Liêu", kind: ProducerKind = .cooperative,
                taxCode: String? = nil, district: String? = "Bình Liêu") -> ProducerFields {
    ProducerFields(name: name, kind: kind, taxCode: taxCode, commune: "Đồng Văn", district: district)
}

let testNow = Timestamp(millisecondsSinceEpoch: 1_733_990_400_000)   // 2024-12-12T08:00:00Z
