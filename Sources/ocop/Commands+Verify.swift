import OCOP
import SQLite

extension Commands {
    /// `ocop verify --db PATH`: checks a database file an operator (or the crash check) holds —
    /// SQLite's own `quick_check`, then every materialized inventory level recomputed from the
    /// ledger by the level rule (`InventoryStore.verifyLevels`), then the idempotency index
    /// against the stored responses (`IdempotencyStore.verifyIndex`). Reads only; safe beside a running
    /// server (WAL readers see one consistent snapshot). Exit 0 when all agree, 1 otherwise.
    static func verify(_ args: CommandLineArguments, environment: [String: String]) throws -> Int32 {
        let config = try configuration(args, environment: environment, allowed: ["db", "database", "config"])
        // Opening a path that does not exist would create an empty database and "verify" it.
        guard System.exists(config.database) else {
            throw Refusal(message: "no database at \(config.database)")
        }
        let database = try openBesideServer(config.database)
        defer { database.close() }
        let check = try database.read { db in try db.all("PRAGMA quick_check") { $0.string(0) } }
        var failed = check != ["ok"]
        print("sqlite quick_check: " + (failed ? "\(check.count) problem(s)" : "ok"))
        for line in check.prefix(20) where failed { print("  \(line)") }
        // The ledger and index checks read this binary's schema: on a file another version made
        // they would fail on a missing column, or pass without saying what was not checked.
        let (pending, unknown) = try database.read { (try Schema.migrator.pending($0), try Schema.migrator.unknown($0)) }
        if !unknown.isEmpty {
            print("schema: \(MigrationError.unknownMigrations(unknown)); verify it with the newer ocop; "
                + "inventory and idempotency not checked")
            return 1
        }
        if !pending.isEmpty {
            print("schema: \(pending.count) migration(s) of this binary not applied yet (\(pending.joined(separator: ", "))); "
                + "`ocop migrate` or `ocop serve` applies them; inventory and idempotency not checked")
            return 1
        }
        print("schema: \(Schema.migrator.names.count) migrations, all of this binary's")
        let (mismatches, levels, changes, keys) = try database.read { db in
            (try InventoryStore.verifyLevels(db),
             try db.scalarInt("SELECT count(*) FROM inventory_levels") ?? 0,
             try db.scalarInt("SELECT count(*) FROM inventory_changes") ?? 0,
             try IdempotencyStore.verifyIndex(db))
        }
        if mismatches.isEmpty {
            print("inventory: \(levels) levels agree with the ledger of \(changes) changes")
        } else {
            failed = true
            print("inventory: \(mismatches.count) of \(levels) levels disagree with the ledger of \(changes) changes")
            for m in mismatches.prefix(50) {
                print("  point of sale \(m.pointOfSaleID), product \(m.productID): stored \(m.stored.map(String.init) ?? "none"), ledger says \(m.computed)")
            }
        }
        if let keys, keys.isConsistent {
            print("idempotency: \(keys.rows) stored responses, \(keys.rows - keys.tail) merged into the index and found by it")
        } else if let keys {
            failed = true
            print("idempotency: of \(keys.rows) stored responses \(keys.unindexed) merged but not indexed, "
                + "\(keys.misHashed) with a wrong hash; \(keys.stray) index entries without their row")
        } else {
            print("idempotency: no index to check (a database from before migration 0021)")
        }
        return failed ? 1 : 0
    }
}
