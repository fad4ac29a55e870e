import JSON
import SQLite

/// Reads and writes e-commerce listings and their dated history. Every write also writes its
/// audit entry, in the caller's transaction.
public enum ListingStore {
    static let columns = """
        id, product_id, platform_id, url, price_vnd, status, accepts_non_cash, listed_on, created_at, updated_at, version
        """

    /// One listing with its history, or nil.
    public static func get(_ db: Connection, id: Int64) throws -> Listing? {
        guard let row = try db.first("SELECT \(columns) FROM listings WHERE id = ? AND deleted_at IS NULL",
                                     [.integer(id)], decode) else { return nil }
        return try attachHistory(db, [row])[0]
    }

    /// A filtered page in id order, histories attached.
    public static func list(_ db: Connection, _ query: ListingQuery) throws -> Page<Listing> {
        var conditions = ["deleted_at IS NULL"]
        var params: [SQLiteValue] = []
        if let productID = query.productID { conditions.append("product_id = ?"); params.append(.integer(productID)) }
        if let platformID = query.platformID { conditions.append("platform_id = ?"); params.append(.integer(platformID)) }
        if let status = query.status { conditions.append("status = ?"); params.append(.text(status.rawValue)) }
        if let nonCash = query.acceptsNonCash { conditions.append("accepts_non_cash = ?"); params.append(SQLiteValue(nonCash)) }
        if let cursor = query.cursor {
            guard cursor.sort == "id", cursor.values.count == 1, let last = Int64(cursor.values[0]) else {
                throw DomainError.badCursor
            }
            conditions.append("id > ?")
            params.append(.integer(last))
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        params.append(.integer(query.limit.rowsToFetch))
        let rows = try db.all("SELECT \(columns) FROM listings \(whereClause) ORDER BY id LIMIT ?", params, decode)
        let page = Page(fetched: rows, limit: query.limit) { Cursor(sort: "id", values: [String($0.id)]).encoded }
        return Page(items: try attachHistory(db, page.items), nextCursor: page.nextCursor)
    }

    /// Lists a product on a platform; its history starts on `listed_on`. A second live listing of
    /// the same product on the same platform is a conflict (change the existing one instead). A
    /// product whose listing there was deleted may be listed again, from the day that one was
    /// removed on: the two histories then follow each other, and no day counts the product twice.
    public static func create(_ db: Connection, _ fields: ListingFields, today: CivilDate, actor: Actor,
                              now: Timestamp) throws -> Listing {
        try check(db, fields, today: today)
        try checkFollowsDeleted(db, fields)
        do {
            try db.run("""
                INSERT INTO listings (product_id, platform_id, url, price_vnd, status, accepts_non_cash, listed_on,
                                      created_at, updated_at, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, bindings(fields) + [.text(now.description), .text(now.description)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw try duplicate(db, fields)
        }
        let id = db.lastInsertRowID
        let history = ListingHistory(listedOn: fields.listedOn, state: fields.state)
        try writeHistory(db, id: id, fields, history)
        try AuditLog.record(db, actor: actor, entity: .listing, entityID: id, action: "create",
                            changes: jsonObject(fields), at: now)
        return Listing(id: id, fields: fields, history: history, createdAt: now, updatedAt: now, version: 1)
    }

    /// A listing of a product whose listing on the platform was deleted starts on the day that one
    /// was removed, or later: the two histories follow each other, and no day counts it twice.
    private static func checkFollowsDeleted(_ db: Connection, _ fields: ListingFields) throws {
        guard let (previous, removedOn) = try lastDeleted(db, fields), fields.listedOn < removedOn else { return }
        throw DomainError.invalid([FieldError("listed_on", """
            must be \(removedOn) or later: the product's listing \(previous) on this platform was removed \
            that day and its history stays for the reports
            """)])
    }

    /// Replaces the writable fields. A new status or non-cash flag takes effect today (and is kept
    /// in the history); a new `listed_on` moves the history's start, up to the day before its first
    /// recorded change. Product and platform are fixed: a listing of another product is another listing.
    public static func replace(_ db: Connection, id: Int64, with fields: ListingFields, ifVersion: VersionMatch?,
                               today: CivilDate, actor: Actor, now: Timestamp) throws -> Listing {
        guard var listing = try get(db, id: id) else { throw DomainError.notFound(entity: "listing", id: String(id)) }
        try VersionMatch.require(ifVersion, current: listing.version)
        var errors: [FieldError] = []
        if fields.productID != listing.fields.productID {
            errors.append(FieldError("product_id", "cannot change; create a listing for the other product"))
        }
        if fields.platformID != listing.fields.platformID {
            errors.append(FieldError("platform_id", "cannot change; create a listing on the other platform"))
        }
        // listed_on is a correctable fact, but a status or non-cash change recorded after it is
        // history: a start moved past it would silently erase it from the reports' past.
        if let change = listing.history.firstChangeDay, fields.listedOn >= change {
            errors.append(FieldError("listed_on", """
                must be before \(change): the listing's status or non-cash payment changed that day, and a later \
                start would erase that recorded change from its history
                """))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        try check(db, fields, today: today, stored: listing.fields)
        // Moved earlier, a relisting's start would run back over the days its deleted predecessor
        // was listed, and the reports would count the product twice on each of them.
        if fields.listedOn != listing.fields.listedOn { try checkFollowsDeleted(db, fields) }
        let changes = AuditLog.diff(jsonObject(listing.fields), jsonObject(fields))
        guard changes.count > 0 else { return listing }   // nothing changed: no new version, no audit noise
        var history = listing.history
        history.relist(on: fields.listedOn)
        if fields.state != history.current { history.record(fields.state, from: today) }
        try db.run("""
            UPDATE listings SET product_id = ?, platform_id = ?, url = ?, price_vnd = ?, status = ?, accepts_non_cash = ?,
                   listed_on = ?, updated_at = ?, version = version + 1
            WHERE id = ?
            """, bindings(fields) + [.text(now.description), .integer(id)])
        if history != listing.history { try writeHistory(db, id: id, fields, history) }
        listing.fields = fields
        listing.history = history
        listing.updatedAt = now
        listing.version += 1
        try AuditLog.record(db, actor: actor, entity: .listing, entityID: id, action: "update",
                            changes: changes, at: now)
        return listing
    }

    /// Deletes a listing for the API (it is gone: 404, out of every list) but archives it for the
    /// reports (API.md "DELETE removes or archives where history must stay"): it is `removed`
    /// from `today` in its history and the row stays, so a report as of an earlier day says what
    /// it said ("last year's figure stays what it was", issue 5). Erasing it rewrote that past.
    public static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, today: CivilDate,
                              actor: Actor, now: Timestamp) throws {
        guard let listing = try get(db, id: id) else { throw DomainError.notFound(entity: "listing", id: String(id)) }
        try VersionMatch.require(ifVersion, current: listing.version)
        if listing.fields.status != .removed {
            var fields = listing.fields
            fields.status = .removed
            _ = try replace(db, id: id, with: fields, ifVersion: nil, today: today, actor: actor, now: now)
        }
        try db.run("UPDATE listings SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                   [.text(now.description), .text(now.description), .integer(id)])
        try AuditLog.record(db, actor: actor, entity: .listing, entityID: id, action: "delete",
                            changes: jsonObject(listing.fields), at: now)
    }

    /// The fields under their API names; what the audit log records.
    public static func jsonObject(_ f: ListingFields) -> JSONObject {
        JSONObject([
            ("product_id", .number(JSONNumber(f.productID))),
            ("platform_id", .number(JSONNumber(f.platformID))),
            ("url", f.url.map(JSONValue.string) ?? .null),
            ("price_vnd", f.priceVND.map { .number(JSONNumber($0)) } ?? .null),
            ("status", .string(f.status.rawValue)),
            ("accepts_non_cash", .bool(f.acceptsNonCash)),
            ("listed_on", .string(f.listedOn.description)),
        ])
    }

    // MARK: Helpers

    /// Validation plus references: the product and the platform exist.
    private static func check(_ db: Connection, _ fields: ListingFields, today: CivilDate, stored: ListingFields? = nil) throws {
        var errors = fields.validate(today: today, stored: stored)
        if fields.productID > 0, try db.scalarInt("SELECT count(*) FROM products WHERE id = ?", [.integer(fields.productID)]) == 0 {
            errors.append(FieldError("product_id", "names no product (\(fields.productID))"))
        }
        if fields.platformID > 0,
           try db.scalarInt("SELECT count(*) FROM platforms WHERE id = ?", [.integer(fields.platformID)]) == 0 {
            errors.append(FieldError("platform_id", "names no platform (\(fields.platformID)); see GET /api/v1/platforms"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
    }

    private static func duplicate(_ db: Connection, _ fields: ListingFields) throws -> DomainError {
        let otherID = try db.scalarInt("""
            SELECT id FROM listings WHERE product_id = ? AND platform_id = ? AND deleted_at IS NULL
            """, [.integer(fields.productID), .integer(fields.platformID)])
        return .conflict("""
            product \(fields.productID) is already listed on platform \(fields.platformID) (listing \
            \(otherID.map(String.init) ?? "?")); one live listing per product and platform: change that one
            """)
    }

    /// The product's latest deleted listing on the platform and the day its history says it was
    /// removed from (the last entry of a deleted listing is its removal), or nil.
    private static func lastDeleted(_ db: Connection, _ fields: ListingFields) throws -> (Int64, CivilDate)? {
        try db.first("""
            SELECT l.id, max(h.valid_from) FROM listings l JOIN listing_history h ON h.listing_id = l.id
            WHERE l.product_id = ? AND l.platform_id = ? AND l.deleted_at IS NOT NULL
            GROUP BY l.id ORDER BY 2 DESC, 1 DESC LIMIT 1
            """, [.integer(fields.productID), .integer(fields.platformID)]) { row -> (Int64, CivilDate)? in
            CivilDate(row.string(1)).map { (row.int64(0), $0) }
        } ?? nil
    }

    /// The exclusive end of the current row: after any day a report is asked about.
    static let openEnd = "9999-12-31"

    /// Rewrites a listing's history rows (a handful), each with the day the next one starts.
    private static func writeHistory(_ db: Connection, id: Int64, _ fields: ListingFields, _ history: ListingHistory) throws {
        try db.run("DELETE FROM listing_history WHERE listing_id = ?", [.integer(id)])
        let entries = history.entries
        for (index, entry) in entries.enumerated() {
            let until = index + 1 < entries.count ? entries[index + 1].validFrom.description : openEnd
            try db.run("""
                INSERT INTO listing_history (listing_id, valid_from, valid_until, product_id, platform_id, status, accepts_non_cash)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.integer(id), .text(entry.validFrom.description), .text(until), .integer(fields.productID),
                      .integer(fields.platformID), .text(entry.state.status.rawValue), SQLiteValue(entry.state.acceptsNonCash)])
        }
    }

    /// A stored row before its history is read.
    struct Stored {
        let id: Int64
        let fields: ListingFields
        let createdAt: Timestamp
        let updatedAt: Timestamp
        let version: Int64
    }

    /// Reads the histories of a page of listings in one query.
    private static func attachHistory(_ db: Connection, _ rows: [Stored]) throws -> [Listing] {
        guard !rows.isEmpty else { return [] }
        let ids = SQLiteValue.text("[" + rows.map { String($0.id) }.joined(separator: ",") + "]")
        var entries: [Int64: [ListingHistoryEntry]] = [:]
        try db.query("""
            SELECT listing_id, valid_from, status, accepts_non_cash FROM listing_history
            WHERE listing_id IN (SELECT value FROM json_each(?)) ORDER BY listing_id, valid_from
            """, [ids]) { row in
            guard let day = CivilDate(row.string(1)), let status = ListingStatus(rawValue: row.string(2)) else {
                throw DomainError.conflict("listing \(row.int64(0)) has a corrupt history entry")
            }
            entries[row.int64(0), default: []].append(
                ListingHistoryEntry(validFrom: day, state: ListingState(status: status, acceptsNonCash: row.bool(3))))
        }
        return try rows.map { row in
            guard let history = ListingHistory(entries: entries[row.id] ?? []) else {
                throw DomainError.conflict("listing \(row.id) has a corrupt history")
            }
            return Listing(id: row.id, fields: row.fields, history: history, createdAt: row.createdAt,
                           updatedAt: row.updatedAt, version: row.version)
        }
    }

    private static func bindings(_ f: ListingFields) -> [SQLiteValue] {
        [.integer(f.productID), .integer(f.platformID), SQLiteValue(f.url), SQLiteValue(f.priceVND), .text(f.status.rawValue),
         SQLiteValue(f.acceptsNonCash), .text(f.listedOn.description)]
    }

    static func decode(_ row: Row) throws -> Stored {
        guard let status = ListingStatus(rawValue: row.string(5)), let listedOn = CivilDate(row.string(7)),
              let created = row.timestamp(8), let updated = row.timestamp(9) else {
            throw DomainError.conflict("listing \(row.int64(0)) has corrupt stored fields")
        }
        let fields = ListingFields(productID: row.int64(1), platformID: row.int64(2), url: row.optionalString(3),
                                   priceVND: row.optionalInt64(4), status: status, acceptsNonCash: row.bool(6),
                                   listedOn: listedOn)
        return Stored(id: row.int64(0), fields: fields, createdAt: created, updatedAt: updated, version: row.int64(10))
    }
}
