import SQLite

extension Schema {
    /// Migration 0013_ledger_in_arrival_order (issue #4: ≥ 1,000 batches/s): the inventory
    /// ledger stored in the order changes arrive, so a batch's inserts share pages.
    ///
    /// 0008 keyed `inventory_changes` (WITHOUT ROWID) by the client's random UUID text: every
    /// change landed at a random place in a b-tree of ~130-byte rows, so each insert dirtied
    /// (and split, and wrote to the WAL, and read back when evicted) a page of its own. Now:
    ///
    /// - rows are appended at the right edge of a rowid table (`id`, never shown to clients);
    /// - `change_uuid` is the UUID's 16 bytes (RFC 9562 §4) under a UNIQUE index — still the
    ///   exactly-once check, but ~24-byte entries, seven times denser than the old rows. Byte
    ///   order of the blob equals the order of the lower-case text, so `LedgerKey` ties still
    ///   break the same way;
    /// - `change_id` stays readable as text: a VIRTUAL generated column (computed on read,
    ///   costs writes nothing) for tests, `ocop verify` and operators' SQL;
    /// - `inventory_changes_by_product` (point of sale, product, kind, time, id, quantity)
    ///   becomes `inventory_changes_by_time` (point of sale, time, product, kind, quantity):
    ///   a batch's changes, made around the same time at one point of sale, land on one page
    ///   at the right edge of that point's range instead of one page per product (~13 of a
    ///   20-change batch's ~35 dirty pages, each written to the WAL at commit). The price is
    ///   paid by the recount sum (`InventoryStore.sumAfter`), rarely needed: it scans the
    ///   point's entries of every product after the count's time instead of the product's
    ///   only — a count made now scans almost nothing, one stamped days ago scans that
    ///   point's days of changes, still index-only. The 36-byte `change_id` is gone from it
    ///   (the rowid is implicit): the sum reads the id from the table only for adjustments in
    ///   the count's own millisecond. It leads with `point_of_sale_id`, so the RESTRICT check
    ///   of a point-of-sale delete stays an index probe.
    ///
    /// Existing rows are copied in `recorded_at` order (SQLite 3.40 has no `unhex`, so the
    /// text→bytes conversion is done here in Swift); a malformed stored id aborts the migration
    /// rather than losing a change.
    static func ledgerInArrivalOrder(_ db: Connection) throws {
        try db.execute("""
        DROP INDEX inventory_changes_by_product;
        ALTER TABLE inventory_changes RENAME TO inventory_changes_0008;
        CREATE TABLE inventory_changes (
            id INTEGER PRIMARY KEY,
            change_uuid BLOB NOT NULL CHECK (typeof(change_uuid) = 'blob' AND length(change_uuid) = 16),
            point_of_sale_id INTEGER NOT NULL REFERENCES points_of_sale(id) ON DELETE RESTRICT,
            product_id INTEGER NOT NULL,
            occurred_at TEXT NOT NULL,
            occurred_at_ms INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('count', 'adjust')),
            quantity INTEGER NOT NULL,
            reason TEXT CHECK (reason IN ('received', 'sold', 'returned', 'damaged', 'expired', 'transfer_in', 'transfer_out')),
            sale_id INTEGER REFERENCES sales(id) ON DELETE RESTRICT,
            recorded_at TEXT NOT NULL,
            token_id INTEGER,
            change_id TEXT GENERATED ALWAYS AS (lower(
                substr(hex(change_uuid), 1, 8) || '-' || substr(hex(change_uuid), 9, 4) || '-' ||
                substr(hex(change_uuid), 13, 4) || '-' || substr(hex(change_uuid), 17, 4) || '-' ||
                substr(hex(change_uuid), 21, 12))) VIRTUAL,
            CHECK ((kind = 'count') = (reason IS NULL)),
            CHECK (kind = 'adjust' OR quantity >= 0),
            CHECK (kind = 'count' OR quantity <> 0)
        );
        """)
        try db.query("""
            SELECT change_id, point_of_sale_id, product_id, occurred_at, occurred_at_ms, kind, quantity, reason,
                   sale_id, recorded_at, token_id
            FROM inventory_changes_0008 ORDER BY recorded_at, change_id
            """) { row in
            guard let id = ClientUUID(row.string(0)) else {
                throw LedgerMigrationError(changeID: row.string(0))
            }
            try db.run("""
                INSERT INTO inventory_changes (change_uuid, point_of_sale_id, product_id, occurred_at, occurred_at_ms, kind,
                                               quantity, reason, sale_id, recorded_at, token_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.blob(id.bytes)] + (1...10).map { row.value($0) })
        }
        try db.execute("""
        DROP TABLE inventory_changes_0008;
        CREATE UNIQUE INDEX inventory_changes_by_change ON inventory_changes(change_uuid);
        CREATE INDEX inventory_changes_by_time
            ON inventory_changes(point_of_sale_id, occurred_at_ms, product_id, kind, quantity);
        """)
    }
}

/// 0013 met a stored `change_id` that is not a UUID, so it cannot become 16 bytes: the
/// migration stops (and rolls back) instead of dropping the change.
struct LedgerMigrationError: Error, CustomStringConvertible {
    let changeID: String
    var description: String { "0013_ledger_in_arrival_order: inventory_changes holds a change_id that is not a UUID: \(changeID)" }
}
