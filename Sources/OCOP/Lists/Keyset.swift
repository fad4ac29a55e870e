import SQLite

/// Keyset paging over `(date column, id)` or `id` alone, shared by the certification and fair lists.
/// Page N costs what page 1 costs (API.md "Lists"); the cursor remembers its sort.
struct Keyset {
    /// The API's sort value, e.g. "-expires_on"; a cursor made for another sort is refused.
    let sort: String
    /// The text column sorted on before `id`; nil to sort by id alone. Values are `YYYY-MM-DD`.
    let column: String?
    let descending: Bool

    var orderBy: String {
        let direction = descending ? " DESC" : ""
        guard let column else { return "id\(direction)" }
        return "\(column)\(direction), id\(direction)"
    }

    /// Adds the condition "after the cursor's row" for `cursor`.
    func restrict(after cursor: Cursor?, _ conditions: inout [String], _ params: inout [SQLiteValue]) throws(DomainError) {
        guard let cursor else { return }
        guard cursor.sort == sort else {
            throw DomainError.invalid("cursor", "belongs to a list sorted differently; start again without it")
        }
        let op = descending ? "<" : ">"
        if let column {
            guard cursor.values.count == 2, CivilDate(cursor.values[0]) != nil, let id = Int64(cursor.values[1]) else {
                throw Self.badCursor
            }
            conditions.append("(\(column), id) \(op) (?, ?)")
            params += [.text(cursor.values[0]), .integer(id)]
        } else {
            guard cursor.values.count == 1, let id = Int64(cursor.values[0]) else { throw Self.badCursor }
            conditions.append("id \(op) ?")
            params.append(.integer(id))
        }
    }

    /// Trims the extra row fetched beyond `limit` and returns the cursor for the next page, if any.
    func page<T>(_ items: inout [T], limit: PageSize, key: (T) -> (date: CivilDate?, id: Int64)) -> String? {
        guard items.count > limit.value else { return nil }
        items.removeLast(items.count - limit.value)
        guard let last = items.last else { return nil }
        let (date, id) = key(last)
        let values = column == nil ? [String(id)] : [date?.description ?? "", String(id)]
        return Cursor(sort: sort, values: values).encoded
    }

    static var badCursor: DomainError { .invalid("cursor", "is not a cursor this list gave out") }
}

extension Array where Element == String {
    /// `WHERE a AND b`, or nothing.
    var whereClause: String { isEmpty ? "" : "WHERE " + joined(separator: " AND ") }
}
