import SQLite

extension Schema {
    /// Issue #3, quality monitoring and raw materials: folded-text search over growing areas
    /// and packing facilities (so "van don" finds "Vân Đồn" as it does for producers), and
    /// an index for the office's inspection list, which is filtered and ordered by date.
    static func createQualityExtra(_ db: Connection) throws {
        try db.execute("""
        CREATE VIRTUAL TABLE raw_material_areas_search USING fts5(folded, tokenize = 'unicode61 remove_diacritics 0');
        CREATE VIRTUAL TABLE packing_facilities_search USING fts5(folded, tokenize = 'unicode61 remove_diacritics 0');
        CREATE INDEX inspections_by_date ON inspections(inspected_on, id);
        CREATE INDEX packing_facilities_by_producer ON packing_facilities(producer_id, id);
        """)
        // Rows written between 0003 and this migration are indexed too; folding is Swift code,
        // so the backfill cannot be a plain INSERT … SELECT.
        let areas = try db.all("SELECT id, code, name, commune, district FROM raw_material_areas") { row in
            (row.int64(0), [row.optionalString(1), row.optionalString(2), row.optionalString(3), row.optionalString(4)])
        }
        for (id, parts) in areas {
            try db.run("INSERT INTO raw_material_areas_search (rowid, folded) VALUES (?, ?)",
                       [.integer(id), .text(TextFolding.fold(parts.compactMap { $0 }.joined(separator: " ")))])
        }
        let facilities = try db.all("SELECT id, code, name, commune, district, address FROM packing_facilities") { row in
            (row.int64(0), [row.optionalString(1), row.optionalString(2), row.optionalString(3), row.optionalString(4),
                            row.optionalString(5)])
        }
        for (id, parts) in facilities {
            try db.run("INSERT INTO packing_facilities_search (rowid, folded) VALUES (?, ?)",
                       [.integer(id), .text(TextFolding.fold(parts.compactMap { $0 }.joined(separator: " ")))])
        }
    }
}
