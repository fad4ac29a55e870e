import SQLite

/// Ids are never given twice (API.md: ETags, `If-Match` and audit entries name an item by its
/// id). SQLite gives a new row `max(id) + 1`, so deleting the newest row handed its id to the
/// next one: an ETag kept for the deleted producer validated against the new one, and the
/// audit log told two producers' stories under one id.
///
/// `AUTOINCREMENT` would need every table rebuilt, which SQLite cannot do to a table other
/// tables reference while foreign keys are enforced (and migrations run inside a transaction,
/// where they cannot be turned off). So the same rule is kept by hand: a trigger records the
/// highest id deleted from each table in `retired_ids`, and an insert takes one past it while
/// it is at or above the table's current highest (`RetiredIDs.nextID`); otherwise SQLite picks.
enum RetiredIDs {
    /// The tables whose rows the API deleted when migration 0014 shipped, with the audit log's
    /// name for their entity (tables made deletable later get their trigger from their own migration).
    static let tables: [(table: String, entity: AuditEntity)] = [
        ("producers", .producer), ("products", .product), ("points_of_sale", .pointOfSale),
        ("packing_facilities", .packingFacility), ("platforms", .platform), ("fairs", .fair),
        ("fair_booths", .fairBooth), ("fair_sales", .fairSale), ("raw_material_areas", .rawMaterialArea),
        ("inspections", .inspection),
    ]

    /// The trigger that records the highest id deleted from `table`.
    static func trigger(on table: String) -> String {
        """
        CREATE TRIGGER \(table)_retire_id AFTER DELETE ON \(table) BEGIN
            INSERT INTO retired_ids (table_name, last_id) VALUES ('\(table)', OLD.id)
            ON CONFLICT (table_name) DO UPDATE SET last_id = max(last_id, excluded.last_id);
        END;
        """
    }

    /// An SQL expression for a new row's `id` in `table`: NULL (SQLite's own choice) unless the
    /// highest id ever deleted there is at or above the highest id it holds now.
    static func nextID(_ table: String) -> String {
        "(SELECT last_id + 1 FROM retired_ids WHERE table_name = '\(table)' "
            + "AND last_id >= (SELECT coalesce(max(id), 0) FROM \(table)))"
    }
}

extension Schema {
    /// Migration 0014_ids_never_reused: `retired_ids` and one trigger per table. Ids deleted
    /// before this migration are known only from the audit log, which records every create and
    /// delete: the highest id it names per entity seeds the table.
    static func retireDeletedIDs(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE retired_ids (
            table_name TEXT PRIMARY KEY,
            last_id INTEGER NOT NULL
        ) WITHOUT ROWID;
        """)
        for (table, entity) in RetiredIDs.tables {
            try db.execute(RetiredIDs.trigger(on: table))
            try db.run("""
                INSERT INTO retired_ids (table_name, last_id)
                SELECT ?, max(CAST(entity_id AS INTEGER)) FROM audit_log WHERE entity = ? AND action = 'delete'
                HAVING max(CAST(entity_id AS INTEGER)) IS NOT NULL
                """, [.text(table), .text(entity.rawValue)])
        }
    }
}

extension Schema {
    /// Migration 0018: evaluation results recorded by mistake can be deleted (before their
    /// decision), so their ids are retired like every deletable item's.
    static func retireDeletedResultIDs(_ db: Connection) throws {
        try db.execute(RetiredIDs.trigger(on: "evaluation_results"))
    }
}
