import SQLite

/// Keyset paging over `(sort column, id)` or `id` alone, shared by every list sorted that way.
/// Page N costs what page 1 costs (API.md "Lists"); the cursor remembers its sort, so a
/// cursor given out for one order is refused by another.
struct Keyset {
    /// The column sorted on before the id, and how its values travel in a cursor.
    enum Column {
        /// `YYYY-MM-DD` text.
        case date(String)
        /// A binary collation key (`VietnameseCollation.sortKey`), hex in the cursor.
        case sortKey(String)

        var name: String {
            switch self {
            case .date(let name), .sortKey(let name): name
            }
        }
    }

    /// A row's value in the sort column, which the next page starts after.
    enum Value {
        case date(CivilDate)
        case sortKey([UInt8])

        var cursorText: String {
            switch self {
            case .date(let date): date.description
            case .sortKey(let key): Hex.encode(key)
            }
        }
    }

    /// The API's sort value, e.g. "-expires_on".
    let sort: String
    /// nil to sort by id alone.
    let column: Column?
    let descending: Bool
    /// The id column as the query names it (`p.id`, or an FTS rowid the query walks).
    var idColumn = "id"

    var orderBy: String {
        let direction = descending ? " DESC" : ""
        guard let column else { return "\(idColumn)\(direction)" }
        return "\(column.name)\(direction), \(idColumn)\(direction)"
    }

    /// The condition "after the cursor's row", or nil without a cursor.
    func condition(after cursor: Cursor?) throws(DomainError) -> (sql: String, params: [SQLiteValue])? {
        guard let cursor else { return nil }
        guard cursor.sort == sort else {
            throw DomainError.invalid("cursor", "belongs to a list sorted differently; start again without it")
        }
        let op = descending ? "<" : ">"
        guard let column else {
            guard cursor.values.count == 1, let id = Int64(cursor.values[0]) else { throw DomainError.badCursor }
            return ("\(idColumn) \(op) ?", [.integer(id)])
        }
        guard cursor.values.count == 2, let id = Int64(cursor.values[1]) else { throw DomainError.badCursor }
        let value: SQLiteValue
        switch column {
        case .date:
            guard CivilDate(cursor.values[0]) != nil else { throw DomainError.badCursor }
            value = .text(cursor.values[0])
        case .sortKey:
            guard let key = Hex.decode(cursor.values[0]) else { throw DomainError.badCursor }
            // A cursor handed out before migration 0022 holds the key with every weight.
            value = .blob(VietnameseCollation.trimmed(key))
        }
        return ("(\(column.name), \(idColumn)) \(op) (?, ?)", [value, .integer(id)])
    }

    /// Adds the condition "after the cursor's row" for `cursor`.
    func restrict(after cursor: Cursor?, _ conditions: inout [String], _ params: inout [SQLiteValue]) throws(DomainError) {
        guard let (sql, values) = try condition(after: cursor) else { return }
        conditions.append(sql)
        params += values
    }

    /// Trims the extra row fetched beyond `limit` and returns the cursor for the next page, if any.
    func page<T>(_ items: inout [T], limit: PageSize, key: (T) -> (value: Value?, id: Int64)) -> String? {
        guard items.count > limit.value else { return nil }
        items.removeLast(items.count - limit.value)
        guard let last = items.last else { return nil }
        let (value, id) = key(last)
        return cursor(after: value, id: id)
    }

    /// The cursor of the page that starts after the row with this sort value and id.
    func cursor(after value: Value?, id: Int64) -> String {
        let values = column == nil ? [String(id)] : [value?.cursorText ?? "", String(id)]
        return Cursor(sort: sort, values: values).encoded
    }

}

extension Array where Element == String {
    /// `WHERE a AND b`, or nothing.
    var whereClause: String { isEmpty ? "" : "WHERE " + joined(separator: " AND ") }
}
