import SQLite

extension Schema {
    /// Migration 0029_home_province_named_in_full: an outside exhibitor from "Tỉnh Quảng Ninh"
    /// (the province as official documents write it) now counts as local (`Province.isHome`).
    /// Locality is stored with each booth and repeated on its sales entries (0011), so booths
    /// written before are recomputed here, and their entries with them. A booth that changes
    /// shows a new `is_local`: its version grows, so no client keeps the old one behind an ETag.
    static func recomputeLocalBooths(_ db: Connection) throws {
        let outside = try db.all("SELECT id, province FROM fair_booths WHERE producer_id IS NULL AND is_local = 0", []) {
            (id: $0.int64(0), province: $0.string(1))
        }
        let now = Timestamp.now().description
        for booth in outside where Province.isHome(booth.province) {
            try db.run("UPDATE fair_booths SET is_local = 1, version = version + 1, updated_at = ? WHERE id = ?",
                       [.text(now), .integer(booth.id)])
            try db.run("UPDATE fair_sales SET is_local = 1 WHERE booth_id = ?", [.integer(booth.id)])
        }
    }
}
