import JSON
import SQLite

/// Records sales and moves their stock in the same transaction, exactly once per `sale_id`.
public enum SaleStore {
    static let columns = "id, sale_id, point_of_sale_id, sold_at, sold_at_ms, sold_on, payment, units, total_vnd, created_at, version"

    /// Records a sale at a point of sale: the sale, its lines, one `sold` adjustment per line
    /// (`SaleInput.stockChanges`) and the audit entry. A sale whose `sale_id` is already recorded
    /// with the same content is returned as it was (`replayed`); with other content it is a
    /// conflict. Stock left below zero throws `InventoryError.belowZero`.
    public static func record(_ db: Connection, pointOfSaleID: Int64, _ input: SaleInput, actor: Actor,
                              now: Timestamp) throws -> (sale: Sale, replayed: Bool) {
        guard try PointOfSaleStore.exists(db, id: pointOfSaleID) else {
            throw DomainError.notFound(entity: "point_of_sale", id: String(pointOfSaleID))
        }
        if let earlier = try get(db, saleID: input.saleID) {
            guard earlier.pointOfSaleID == pointOfSaleID, earlier.input.sameContent(as: input) else {
                throw DomainError.conflict("sale \(input.saleID) was already recorded with different content; a new sale needs a new sale_id")
            }
            return (earlier, true)
        }
        var errors = input.validate(now: now)
        var known: [Int64: Bool] = [:]
        for (i, line) in input.lines.enumerated() where line.productID > 0 {
            if known[line.productID] == nil { known[line.productID] = try InventoryStore.productLabel(db, id: line.productID) != nil }
            if known[line.productID] == false {
                errors.append(FieldError("lines[\(i)].product_id", "names no product (\(line.productID))"))
            }
        }
        guard errors.isEmpty, let totals = input.totals else { throw DomainError.invalid(errors) }
        let soldOn = CivilDate.today(at: input.soldAt)
        try db.run("""
            INSERT INTO sales (sale_id, point_of_sale_id, sold_at, sold_at_ms, sold_on, payment, units, total_vnd, token_id,
                               created_at, updated_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            """, [.text(input.saleID.text), .integer(pointOfSaleID),
                  .text(input.soldAt.rfc3339(utcOffsetSeconds: input.soldAt.utcOffsetSeconds ?? 0)),
                  .integer(input.soldAt.millisecondsSinceEpoch), .text(soldOn.description), .text(input.payment.rawValue),
                  .integer(totals.units), .integer(totals.totalVND), SQLiteValue(actor.tokenID),
                  .text(now.description), .text(now.description)])
        let id = db.lastInsertRowID
        for (i, line) in input.lines.enumerated() {
            try db.run("""
                INSERT INTO sale_lines (sale_id, line, product_id, quantity, unit_price_vnd, amount_vnd) VALUES (?, ?, ?, ?, ?, ?)
                """, [.integer(id), .integer(Int64(i + 1)), .integer(line.productID), .integer(line.quantity),
                      .integer(line.unitPriceVND), .integer(line.amountVND ?? 0)])
        }
        _ = try InventoryStore.apply(db, pointOfSaleID: pointOfSaleID, changes: input.stockChanges, origin: .sale(id),
                                     fieldPrefix: "lines", actor: actor, now: now)
        try AuditLog.record(db, actor: actor, entity: .sale, entityID: id, action: "create", changes: JSONObject([
            ("sale_id", .string(input.saleID.text)), ("point_of_sale_id", .number(JSONNumber(pointOfSaleID))),
            ("sold_at", .string(input.soldAt.description)), ("payment", .string(input.payment.rawValue)),
            ("units", .number(JSONNumber(totals.units))), ("total_vnd", .number(JSONNumber(totals.totalVND))),
        ]), at: now)
        let sale = Sale(id: id, pointOfSaleID: pointOfSaleID, input: input, soldOn: soldOn, units: totals.units,
                        totalVND: totals.totalVND, createdAt: now, version: 1)
        return (sale, false)
    }

    /// One sale by its device id; nil when none.
    public static func get(_ db: Connection, saleID: ClientUUID) throws -> Sale? {
        try get(db, where: "sale_id = ?", .text(saleID.text))
    }

    /// One sale by the id the server gave it; nil when none.
    public static func get(_ db: Connection, id: Int64) throws -> Sale? {
        try get(db, where: "id = ?", .integer(id))
    }

    private static func get(_ db: Connection, where condition: String, _ key: SQLiteValue) throws -> Sale? {
        guard let header = try db.first("SELECT \(columns) FROM sales WHERE \(condition)", [key], decodeHeader) else {
            return nil
        }
        return try withLines(db, header)
    }

    /// A page of a point of sale's sales, newest first (keyset on sold_at, id).
    public static func list(_ db: Connection, _ query: SaleQuery) throws -> Page<Sale> {
        var conditions = ["point_of_sale_id = ?"]
        var params: [SQLiteValue] = [.integer(query.pointOfSaleID)]
        // Calendar days in Asia/Ho_Chi_Minh become instants, so the range walks the index.
        if let from = query.from { conditions.append("sold_at_ms >= ?"); params.append(.integer(startOfDay(from))) }
        if let to = query.to { conditions.append("sold_at_ms < ?"); params.append(.integer(startOfDay(to.adding(days: 1)))) }
        if let payment = query.payment { conditions.append("payment = ?"); params.append(.text(payment.rawValue)) }
        if let cursor = query.cursor {
            guard cursor.sort == "-sold_at", cursor.values.count == 2, let ms = Int64(cursor.values[0]),
                  let id = Int64(cursor.values[1]) else {
                throw DomainError.badCursor
            }
            conditions.append("(sold_at_ms, id) < (?, ?)")
            params += [.integer(ms), .integer(id)]
        }
        params.append(.integer(query.limit.rowsToFetch))
        let headers = try db.all("""
            SELECT \(columns) FROM sales WHERE \(conditions.joined(separator: " AND "))
            ORDER BY sold_at_ms DESC, id DESC LIMIT ?
            """, params, decodeHeader)
        let page = Page(fetched: headers, limit: query.limit) {
            Cursor(sort: "-sold_at", values: [String($0.soldAt.millisecondsSinceEpoch), String($0.id)]).encoded
        }
        return Page(items: try page.items.map { try withLines(db, $0) }, nextCursor: page.nextCursor)
    }

    /// Milliseconds at 00:00 of `day` in Asia/Ho_Chi_Minh (UTC+7, no DST).
    static func startOfDay(_ day: CivilDate) -> Int64 {
        (Int64(day.daysSinceEpoch) * 86_400 - 7 * 3600) * 1000
    }

    /// A sale row before its lines are read.
    struct Header {
        let id: Int64
        let saleID: ClientUUID
        let pointOfSaleID: Int64
        let soldAt: Timestamp
        let soldOn: CivilDate
        let payment: PaymentMethod
        let units: Int64
        let totalVND: Int64
        let createdAt: Timestamp
        let version: Int64
    }

    static func decodeHeader(_ row: Row) throws -> Header {
        guard let saleID = ClientUUID(row.string(1)), let soldAt = row.timestamp(3),
              let soldOn = CivilDate(row.string(5)), let payment = PaymentMethod(rawValue: row.string(6)),
              let created = row.timestamp(9) else {
            throw DomainError.conflict("sale \(row.int64(0)) has corrupt stored fields")
        }
        return Header(id: row.int64(0), saleID: saleID, pointOfSaleID: row.int64(2), soldAt: soldAt, soldOn: soldOn,
                      payment: payment, units: row.int64(7), totalVND: row.int64(8), createdAt: created, version: row.int64(10))
    }

    static func withLines(_ db: Connection, _ header: Header) throws -> Sale {
        let lines = try db.all("""
            SELECT product_id, quantity, unit_price_vnd FROM sale_lines WHERE sale_id = ? ORDER BY line
            """, [.integer(header.id)]) { SaleLine(productID: $0.int64(0), quantity: $0.int64(1), unitPriceVND: $0.int64(2)) }
        let input = SaleInput(saleID: header.saleID, soldAt: header.soldAt, lines: lines, payment: header.payment)
        return Sale(id: header.id, pointOfSaleID: header.pointOfSaleID, input: input, soldOn: header.soldOn,
                    units: header.units, totalVND: header.totalVND, createdAt: header.createdAt, version: header.version)
    }
}
