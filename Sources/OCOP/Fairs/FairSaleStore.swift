import JSON
import SQLite

/// Filters and paging for a booth's sales entries (in day order).
public struct FairSaleQuery: Sendable {
    public var fairID: Int64
    public var boothID: Int64
    /// Days from `from` to `to`, both inclusive, either optional.
    public var from: CivilDate?
    public var to: CivilDate?
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init(fairID: Int64, boothID: Int64) {
        self.fairID = fairID
        self.boothID = boothID
    }
}

/// Reads and writes the daily sales entries of fair booths. Officers record them on the
/// booths' behalf (booths hold no tokens). Every write also writes its audit entry.
public enum FairSaleStore {
    static let columns = "id, fair_id, booth_id, day, revenue_vnd, created_at, updated_at, version"

    /// One entry of one booth of one fair, or nil.
    public static func get(_ db: Connection, fairID: Int64, boothID: Int64, id: Int64) throws -> FairSale? {
        guard let sale = try db.first("SELECT \(columns) FROM fair_sales WHERE id = ? AND booth_id = ? AND fair_id = ?",
                                      [.integer(id), .integer(boothID), .integer(fairID)], decode) else { return nil }
        var sales = [sale]
        try attachLines(db, &sales)
        return sales[0]
    }

    /// A booth's entries in day order (keyset paging; a booth has one entry per day).
    public static func list(_ db: Connection, _ query: FairSaleQuery) throws -> Page<FairSale> {
        _ = try requireBooth(db, fairID: query.fairID, boothID: query.boothID)
        var conditions = ["booth_id = ?"]
        var params: [SQLiteValue] = [.integer(query.boothID)]
        if let from = query.from { conditions.append("day >= ?"); params.append(.text(from.description)) }
        if let to = query.to { conditions.append("day <= ?"); params.append(.text(to.description)) }
        if let cursor = query.cursor {
            guard cursor.sort == "day", cursor.values.count == 1, let day = CivilDate(cursor.values[0]) else {
                throw DomainError.badCursor
            }
            conditions.append("day > ?")
            params.append(.text(day.description))
        }
        params.append(.integer(query.limit.rowsToFetch))
        let items = try db.all("""
            SELECT \(columns) FROM fair_sales WHERE \(conditions.joined(separator: " AND ")) ORDER BY day LIMIT ?
            """, params, decode)
        var page = Page(fetched: items, limit: query.limit) { Cursor(sort: "day", values: [$0.fields.day.description]).encoded }
        try attachLines(db, &page.items)
        return page
    }

    /// Records a booth's takings for a day of the fair; a second entry for the same day is a conflict.
    public static func create(_ db: Connection, fairID: Int64, boothID: Int64, _ fields: FairSaleFields, actor: Actor,
                              now: Timestamp) throws -> FairSale {
        let (fair, booth) = try requireBooth(db, fairID: fairID, boothID: boothID)
        try check(fields, fair: fair, booth: booth, today: CivilDate.today(at: now))
        do {
            // The booth's locality and producer are repeated on the entry for the reports (see the schema).
            try db.run("""
                INSERT INTO fair_sales (id, fair_id, booth_id, is_local, producer_id, day, revenue_vnd, created_at, updated_at, version)
                VALUES (\(RetiredIDs.nextID("fair_sales")), ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, [.integer(fairID), .integer(boothID), SQLiteValue(booth.isLocal), SQLiteValue(booth.fields.exhibitor.producerID),
                      .text(fields.day.description), .integer(fields.revenueVND), .text(now.description), .text(now.description)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw try duplicateDay(db, boothID: boothID, day: fields.day)
        }
        let id = db.lastInsertRowID
        try insertLines(db, saleID: id, boothID: boothID, day: fields.day, fields.lines)
        try AuditLog.record(db, actor: actor, entity: .fairSale, entityID: id, action: "create",
                            changes: jsonObject(boothID: boothID, fields), at: now)
        return FairSale(id: id, fairID: fairID, boothID: boothID, fields: fields, createdAt: now, updatedAt: now, version: 1)
    }

    /// Corrects an entry: every writable field, the lines as a whole.
    public static func replace(_ db: Connection, fairID: Int64, boothID: Int64, id: Int64, with fields: FairSaleFields,
                               ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws -> FairSale {
        guard var sale = try get(db, fairID: fairID, boothID: boothID, id: id) else {
            throw DomainError.notFound(entity: "fair_sale", id: String(id))
        }
        try VersionMatch.require(ifVersion, current: sale.version)
        let (fair, booth) = try requireBooth(db, fairID: fairID, boothID: boothID)
        try check(fields, fair: fair, booth: booth, today: CivilDate.today(at: now))
        let changes = AuditLog.diff(jsonObject(boothID: boothID, sale.fields), jsonObject(boothID: boothID, fields))
        guard changes.count > 0 else { return sale }   // nothing changed: no new version, no audit noise
        do {
            try db.run("""
                UPDATE fair_sales SET day = ?, revenue_vnd = ?, updated_at = ?, version = version + 1 WHERE id = ?
                """, [.text(fields.day.description), .integer(fields.revenueVND), .text(now.description), .integer(id)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw try duplicateDay(db, boothID: boothID, day: fields.day)
        }
        if fields.lines != sale.fields.lines {
            try db.run("DELETE FROM fair_sale_units WHERE sale_id = ?", [.integer(id)])
            try insertLines(db, saleID: id, boothID: boothID, day: fields.day, fields.lines)
        }
        sale.fields = fields
        sale.updatedAt = now
        sale.version += 1
        try AuditLog.record(db, actor: actor, entity: .fairSale, entityID: id, action: "update",
                            changes: changes, at: now)
        return sale
    }

    /// Deletes an entry recorded by mistake; the audit log keeps what it said.
    public static func delete(_ db: Connection, fairID: Int64, boothID: Int64, id: Int64, ifVersion: VersionMatch?, actor: Actor,
                              now: Timestamp) throws {
        guard let sale = try get(db, fairID: fairID, boothID: boothID, id: id) else {
            throw DomainError.notFound(entity: "fair_sale", id: String(id))
        }
        try VersionMatch.require(ifVersion, current: sale.version)
        try db.run("DELETE FROM fair_sales WHERE id = ?", [.integer(id)])   // lines cascade
        try AuditLog.record(db, actor: actor, entity: .fairSale, entityID: id, action: "delete",
                            changes: jsonObject(boothID: boothID, sale.fields), at: now)
    }

    /// The fields under their API names, with the booth; what the audit log records.
    static func jsonObject(boothID: Int64, _ fields: FairSaleFields) -> JSONObject {
        JSONObject([
            ("booth_id", .number(JSONNumber(boothID))),
            ("day", .string(fields.day.description)),
            ("revenue_vnd", .number(JSONNumber(fields.revenueVND))),
            ("units", .array(fields.lines.map { line in
                .object(JSONObject([
                    ("product_id", .number(JSONNumber(line.productID))),
                    ("units", .number(JSONNumber(line.units))),
                    ("revenue_vnd", line.revenueVND.map { .number(JSONNumber($0)) } ?? .null),
                ]))
            })),
        ])
    }

    // MARK: Helpers

    /// The fair and the booth, or 404 for whichever is missing (a booth of another fair is missing here).
    private static func requireBooth(_ db: Connection, fairID: Int64, boothID: Int64) throws -> (Fair, Booth) {
        guard let fair = try FairStore.get(db, id: fairID) else { throw DomainError.notFound(entity: "fair", id: String(fairID)) }
        guard let booth = try BoothStore.get(db, fairID: fairID, id: boothID) else {
            throw DomainError.notFound(entity: "fair_booth", id: String(boothID))
        }
        return (fair, booth)
    }

    /// Validation plus the rules that need the fair and booth: the day is one of the fair's days
    /// that has come (takings are counted, not forecast: a day ahead would enter the reports of
    /// a period before anything was sold), and the lines name only products the booth shows.
    private static func check(_ fields: FairSaleFields, fair: Fair, booth: Booth, today: CivilDate) throws {
        var errors = fields.validate()
        if fields.day < fair.fields.startsOn || fields.day > fair.fields.endsOn {
            errors.append(FieldError("day", "must be a day of the fair (\(fair.fields.startsOn) to \(fair.fields.endsOn))"))
        } else if fields.day > today {
            errors.append(FieldError("day", "must not be after today (\(today)): takings are recorded for days that have come"))
        }
        let shown = Set(booth.fields.productIDs)
        for (i, line) in fields.lines.enumerated() where line.productID > 0 && !shown.contains(line.productID) {
            errors.append(FieldError("units[\(i)].product_id",
                                     "product \(line.productID) is not shown at booth \(booth.id); add it to the booth's product_ids first"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func duplicateDay(_ db: Connection, boothID: Int64, day: CivilDate) throws -> DomainError {
        let other = try db.first("SELECT id FROM fair_sales WHERE booth_id = ? AND day = ?",
                                 [.integer(boothID), .text(day.description)]) { $0.int64(0) }
        return .conflict("""
            booth \(boothID) already has the sales entry \(other.map(String.init) ?? "?") for \(day); \
            one entry per booth and day: correct that one instead
            """)
    }

    /// Lines carry their entry's day (a foreign key keeps it equal; see the schema).
    private static func insertLines(_ db: Connection, saleID: Int64, boothID: Int64, day: CivilDate,
                                    _ lines: [FairSaleLine]) throws {
        for (position, line) in lines.enumerated() {
            try db.run("""
                INSERT INTO fair_sale_units (sale_id, day, booth_id, product_id, position, units, revenue_vnd)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.integer(saleID), .text(day.description), .integer(boothID), .integer(line.productID),
                      .integer(Int64(position + 1)), .integer(line.units), SQLiteValue(line.revenueVND)])
        }
    }

    /// Loads the lines of a page of entries in one query.
    private static func attachLines(_ db: Connection, _ sales: inout [FairSale]) throws {
        guard !sales.isEmpty else { return }
        var index: [Int64: Int] = [:]
        for (i, sale) in sales.enumerated() { index[sale.id] = i }
        let ids = SQLiteValue.text("[" + sales.map { String($0.id) }.joined(separator: ",") + "]")
        try db.query("""
            SELECT sale_id, product_id, units, revenue_vnd FROM fair_sale_units
            WHERE sale_id IN (SELECT value FROM json_each(?)) ORDER BY sale_id, position
            """, [ids]) { row in
            if let i = index[row.int64(0)] {
                sales[i].fields.lines.append(FairSaleLine(productID: row.int64(1), units: row.int64(2), revenueVND: row.optionalInt64(3)))
            }
        }
    }

    static func decode(_ row: Row) throws -> FairSale {
        guard let day = CivilDate(row.string(3)),
              let created = row.timestamp(5), let updated = row.timestamp(6) else {
            throw DomainError.conflict("sales entry \(row.int64(0)) has corrupt stored fields")
        }
        return FairSale(id: row.int64(0), fairID: row.int64(1), boothID: row.int64(2),
                        fields: FairSaleFields(day: day, revenueVND: row.int64(4)), createdAt: created, updatedAt: updated,
                        version: row.int64(7))
    }
}
