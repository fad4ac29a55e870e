import SQLite

extension Schema {
    /// Migration 0022_shorter_name_keys: `VietnameseCollation.sortKey` leaves out each level's
    /// trailing run of its lowest weight, so every stored `name_key` is computed again: keys
    /// of both forms in one index would sort wrongly against each other. A list cursor
    /// handed out before this migration carries an old key; `Keyset` trims it on reading.
    static func shortenNameKeys(_ db: Connection) throws {
        for table in ["producers", "products"] {
            let rows = try db.all("SELECT id, name FROM \(table)") { ($0.int64(0), $0.string(1)) }
            for (id, name) in rows {
                try db.run("UPDATE \(table) SET name_key = ? WHERE id = ?",
                           [.blob(VietnameseCollation.sortKey(name)), .integer(id)])
            }
        }
    }
}
