import SQLite

/// Keyset paging shared by the coded-site registries: `id` is the rowid and `code` is
/// UNIQUE, so one value is enough to say where a page ended.
extension CodeSort {
    /// The ORDER BY clause for this sort (unqualified column names).
    var orderBy: String {
        switch self {
        case .id: "id"
        case .idDescending: "id DESC"
        case .code: "code"
        case .codeDescending: "code DESC"
        }
    }

    /// Adds the "after the cursor" condition; a cursor from another sort or not ours is a 422.
    func addKeyset(_ cursor: Cursor?, to conditions: inout [String], _ params: inout [SQLiteValue]) throws {
        guard let cursor else { return }
        guard cursor.sort == rawValue else {
            throw DomainError.invalid("cursor", "belongs to a list sorted differently; start again without it")
        }
        guard cursor.values.count == 1 else { throw DomainError.badCursor }
        switch self {
        case .id, .idDescending:
            guard let last = Int64(cursor.values[0]) else { throw DomainError.badCursor }
            conditions.append(self == .id ? "id > ?" : "id < ?")
            params.append(.integer(last))
        case .code, .codeDescending:
            conditions.append(self == .code ? "code > ?" : "code < ?")
            params.append(.text(cursor.values[0]))
        }
    }

    /// The cursor that continues after a row with this `id` and `code`.
    func cursor(id: Int64, code: String) -> String {
        switch self {
        case .id, .idDescending: Cursor(sort: rawValue, values: [String(id)]).encoded
        case .code, .codeDescending: Cursor(sort: rawValue, values: [code]).encoded
        }
    }

}
