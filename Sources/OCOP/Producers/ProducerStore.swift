import JSON
import SQLite

/// Reads and writes producers. Every write also writes its audit entry, in
/// the caller's transaction (`Database.write`).
public enum ProducerStore {
    static let columns = """
        id, name, kind, tax_code, commune, district, address, phone, email, representative, \
        created_at, updated_at, version, name_key
        """

    public static func get(_ db: Connection, id: Int64) throws -> Producer? {
        try db.first("SELECT \(columns) FROM producers WHERE id = ?", [.integer(id)], decode)
    }

    public static func count(_ db: Connection) throws -> Int64 {
        try db.scalarInt("SELECT count(*) FROM producers") ?? 0
    }

    public static func list(_ db: Connection, _ query: ProducerQuery) throws -> Page<Producer> {
        var conditions: [String] = []
        var params: [SQLiteValue] = []
        if let kind = query.kind { conditions.append("kind = ?"); params.append(.text(kind.rawValue)) }
        if let district = query.district { conditions.append("district = ?"); params.append(.text(district)) }
        if let commune = query.commune { conditions.append("commune = ?"); params.append(.text(commune)) }
        if let text = query.text {
            guard let match = FullTextQuery.match(text) else { return Page(items: [], nextCursor: nil) }
            conditions.append("id IN (SELECT rowid FROM producers_search WHERE producers_search MATCH ?)")
            params.append(.text(match))
        }
        let order: String
        switch query.sort {
        case .id: order = "id"
        case .idDescending: order = "id DESC"
        case .name: order = "name_key, id"
        case .nameDescending: order = "name_key DESC, id DESC"
        }
        if let cursor = query.cursor {
            guard cursor.sort == query.sort.rawValue else {
                throw DomainError.invalid("cursor", "belongs to a list sorted differently; start again without it")
            }
            switch query.sort {
            case .id, .idDescending:
                guard cursor.values.count == 1, let last = Int64(cursor.values[0]) else { throw badCursor }
                conditions.append(query.sort == .id ? "id > ?" : "id < ?")
                params.append(.integer(last))
            case .name, .nameDescending:
                guard cursor.values.count == 2, let key = Hex.decode(cursor.values[0]),
                      let last = Int64(cursor.values[1]) else { throw badCursor }
                conditions.append(query.sort == .name ? "(name_key, id) > (?, ?)" : "(name_key, id) < (?, ?)")
                params += [.blob(key), .integer(last)]
            }
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        params.append(.integer(Int64(query.limit.value + 1)))
        var keys: [[UInt8]] = []
        var items = try db.all("SELECT \(columns) FROM producers \(whereClause) ORDER BY \(order) LIMIT ?", params) { row in
            keys.append(row.blob(13))
            return try decode(row)
        }
        var next: String?
        if items.count > query.limit.value {
            items.removeLast()
            if let last = items.last {
                switch query.sort {
                case .id, .idDescending:
                    next = Cursor(sort: query.sort.rawValue, values: [String(last.id)]).encoded
                case .name, .nameDescending:
                    next = Cursor(sort: query.sort.rawValue, values: [Hex.encode(keys[items.count - 1]), String(last.id)]).encoded
                }
            }
        }
        return Page(items: items, nextCursor: next)
    }

    public static func create(_ db: Connection, _ fields: ProducerFields, actor: Actor, now: Timestamp) throws -> Producer {
        try check(fields)
        do {
            try db.run("""
                INSERT INTO producers (name, name_key, kind, tax_code, commune, district, address, phone, email,
                                       representative, created_at, updated_at, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, bindings(fields) + [.text(now.description), .text(now.description)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateTaxCode(fields)
        }
        let id = db.lastInsertRowID
        try db.run("INSERT INTO producers_search (rowid, folded) VALUES (?, ?)", [.integer(id), .text(fields.searchText)])
        let producer = Producer(id: id, fields: fields, createdAt: now, updatedAt: now, version: 1)
        try AuditLog.record(db, actor: actor, entity: "producer", entityID: String(id), action: "create",
                            changes: fields.jsonObject, at: now)
        return producer
    }

    /// Replaces every writable field. `ifVersion` is the client's `If-Match` (nil: unconditional).
    public static func replace(_ db: Connection, id: Int64, with fields: ProducerFields, ifVersion: Int64?,
                               actor: Actor, now: Timestamp) throws -> Producer {
        guard var producer = try get(db, id: id) else { throw DomainError.notFound(entity: "producer", id: String(id)) }
        if let ifVersion, ifVersion != producer.version { throw DomainError.staleVersion(current: producer.version) }
        try check(fields)
        let changes = AuditLog.diff(producer.fields.jsonObject, fields.jsonObject)
        guard changes.count > 0 else { return producer }   // nothing changed: no new version, no audit noise
        do {
            try db.run("""
                UPDATE producers SET name = ?, name_key = ?, kind = ?, tax_code = ?, commune = ?, district = ?,
                       address = ?, phone = ?, email = ?, representative = ?, updated_at = ?, version = version + 1
                WHERE id = ?
                """, bindings(fields) + [.text(now.description), .integer(id)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw duplicateTaxCode(fields)
        }
        try db.run("DELETE FROM producers_search WHERE rowid = ?", [.integer(id)])
        try db.run("INSERT INTO producers_search (rowid, folded) VALUES (?, ?)", [.integer(id), .text(fields.searchText)])
        // Product search text includes the producer's name: a rename would leave it stale.
        if fields.name != producer.fields.name { try ProductStore.refreshSearch(db, producerID: id) }
        producer.fields = fields
        producer.updatedAt = now
        producer.version += 1
        try AuditLog.record(db, actor: actor, entity: "producer", entityID: String(id), action: "update",
                            changes: changes, at: now)
        return producer
    }

    /// Deletes a producer that nothing references; one that still owns products is a conflict.
    public static func delete(_ db: Connection, id: Int64, ifVersion: Int64?, actor: Actor, now: Timestamp) throws {
        guard let producer = try get(db, id: id) else { throw DomainError.notFound(entity: "producer", id: String(id)) }
        if let ifVersion, ifVersion != producer.version { throw DomainError.staleVersion(current: producer.version) }
        do {
            try db.run("DELETE FROM producers WHERE id = ?", [.integer(id)])
        } catch let error as SQLiteError where error.isForeignKeyViolation {
            // Tables that reference producers (products, raw-material areas, booths…) do so with
            // ON DELETE RESTRICT, so the rule "a producer that still owns products stays" is structural.
            throw DomainError.conflict("producer \(id) still owns products or other records; remove or reassign them first")
        }
        try db.run("DELETE FROM producers_search WHERE rowid = ?", [.integer(id)])
        try AuditLog.record(db, actor: actor, entity: "producer", entityID: String(id), action: "delete",
                            changes: producer.fields.jsonObject, at: now)
    }

    private static func check(_ fields: ProducerFields) throws {
        let errors = fields.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func duplicateTaxCode(_ fields: ProducerFields) -> DomainError {
        .conflict("a producer with tax_code \(fields.taxCode ?? "") already exists")
    }

    private static var badCursor: DomainError { .invalid("cursor", "is not a cursor this list gave out") }

    private static func bindings(_ f: ProducerFields) -> [SQLiteValue] {
        [.text(f.name), .blob(VietnameseCollation.sortKey(f.name)), .text(f.kind.rawValue), SQLiteValue(f.taxCode),
         SQLiteValue(f.commune), SQLiteValue(f.district), SQLiteValue(f.address), SQLiteValue(f.phone),
         SQLiteValue(f.email), SQLiteValue(f.representative)]
    }

    static func decode(_ row: Row) throws -> Producer {
        guard let kind = ProducerKind(rawValue: row.string(2)),
              let created = Timestamp(rfc3339: row.string(10)),
              let updated = Timestamp(rfc3339: row.string(11)) else {
            throw DomainError.conflict("producer \(row.int64(0)) has corrupt stored fields")
        }
        let fields = ProducerFields(
            name: row.string(1), kind: kind, taxCode: row.optionalString(3), commune: row.optionalString(4),
            district: row.optionalString(5), address: row.optionalString(6), phone: row.optionalString(7),
            email: row.optionalString(8), representative: row.optionalString(9))
        return Producer(id: row.int64(0), fields: fields, createdAt: created, updatedAt: updated, version: row.int64(12))
    }
}
