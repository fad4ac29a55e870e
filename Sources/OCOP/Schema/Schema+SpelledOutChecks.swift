import SQLite

extension Schema {
    /// Migration 0025_checks_spelled_out: every CHECK that lists three or more allowed values
    /// (`kind IN ('enterprise', 'cooperative', 'cooperative_group', 'household')`) becomes the
    /// same test spelled as equalities (`(kind = 'enterprise' OR kind = 'cooperative' OR …)`).
    ///
    /// Why: SQLite runs such a list by building a temporary b-tree of its values every time an
    /// INSERT or UPDATE of the table runs (a list of one or two it compares directly). Under
    /// callgrind that was some 22,000 of the 424,000 instructions a `POST /api/v1/producers`
    /// costs the server, on the one writer thread every write waits for; a loop of 200,000
    /// inserts into a table with such a CHECK took 1.37 s, and 0.43 s with the equalities.
    ///
    /// Only each table's text in `sqlite_schema` changes: every stored row passes both forms,
    /// so nothing stored is touched or rebuilt. That is the procedure lang_altertable.html §7
    /// gives for changes to constraints that leave the stored content as it is: edit the text
    /// with `writable_schema`, and raise `schema_version` in the same transaction so that every
    /// connection reads the schema again.
    static func spellOutCheckLists(_ db: Connection) throws {
        let tables = try db.all("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL") {
            (name: $0.string(0), sql: $0.string(1))
        }
        let changed = tables.compactMap { table -> (name: String, sql: String)? in
            let spelled = CheckLists.spelledOut(table.sql)
            return spelled == table.sql ? nil : (table.name, spelled)
        }
        guard !changed.isEmpty else { return }
        let version = try db.scalarInt("PRAGMA schema_version") ?? 0
        try db.execute("PRAGMA writable_schema = ON")
        do {
            for table in changed {
                try db.run("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?",
                           [.text(table.sql), .text(table.name)])
            }
            try db.execute("PRAGMA schema_version = \(version + 1)")
            try db.execute("PRAGMA writable_schema = OFF")
        } catch {
            try? db.execute("PRAGMA writable_schema = OFF")
            throw error
        }
    }
}

/// Finds the lists of allowed values in a table's SQL (`name IN ('a', 'b', 'c')`) and spells
/// each of three or more values out as equalities joined by OR (see `spellOutCheckLists`).
enum CheckLists {
    /// A list is rewritten when it has at least this many values: SQLite compares a list of one
    /// or two directly, with no temporary b-tree.
    static let shortestRewritten = 3

    /// `sql` with every such list spelled out; the same text when it has none.
    static func spelledOut(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        var copiedUpTo = 0
        var i = 0
        while i < bytes.count {
            guard let list = inList(bytes, at: i), list.values.count >= shortestRewritten else {
                i += 1
                continue
            }
            out += bytes[copiedUpTo..<i]
            let column = Array(bytes[list.column])
            out.append(UInt8(ascii: "("))
            for (n, value) in list.values.enumerated() {
                if n > 0 { out += Array(" OR ".utf8) }
                out += column + Array(" = ".utf8) + bytes[value]
            }
            out.append(UInt8(ascii: ")"))
            copiedUpTo = list.end
            i = list.end
        }
        guard copiedUpTo > 0 else { return sql }
        out += bytes[copiedUpTo...]
        return String(decoding: out, as: UTF8.self)
    }

    /// `column IN (value, …)` starting at `start`: the column name's bytes, each value's bytes
    /// (a single-quoted text with no quote inside, or an integer) and where the list ends. Nil
    /// for anything else, such as `NOT IN`, a subquery or an expression in the list.
    private static func inList(_ b: [UInt8], at start: Int) -> (column: Range<Int>, values: [Range<Int>], end: Int)? {
        guard isWordByte(b[start]), start == 0 || !isWordByte(b[start - 1]) else { return nil }
        var i = start
        while i < b.count, isWordByte(b[i]) { i += 1 }
        let column = start..<i
        guard String(decoding: b[column], as: UTF8.self).uppercased() != "NOT" else { return nil }
        let afterColumn = i
        i = skipSpace(b, i)
        guard i > afterColumn, i + 2 < b.count, b[i] == UInt8(ascii: "I"), b[i + 1] == UInt8(ascii: "N"),
              !isWordByte(b[i + 2]) else { return nil }
        i = skipSpace(b, i + 2)
        guard i < b.count, b[i] == UInt8(ascii: "(") else { return nil }
        i += 1
        var values: [Range<Int>] = []
        while true {
            i = skipSpace(b, i)
            guard i < b.count else { return nil }
            let valueStart = i
            if b[i] == UInt8(ascii: "'") {
                i += 1
                while i < b.count, b[i] != UInt8(ascii: "'") { i += 1 }
                // A quote doubled inside the text: not a list this rewrites.
                guard i < b.count, i + 1 >= b.count || b[i + 1] != UInt8(ascii: "'") else { return nil }
                i += 1
            } else {
                if b[i] == UInt8(ascii: "-") { i += 1 }
                let digits = i
                while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
                guard i > digits else { return nil }
            }
            values.append(valueStart..<i)
            i = skipSpace(b, i)
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: ",") {
                i += 1
            } else if b[i] == UInt8(ascii: ")") {
                return (column, values, i + 1)
            } else {
                return nil
            }
        }
    }

    private static func isWordByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
    }

    private static func skipSpace(_ b: [UInt8], _ from: Int) -> Int {
        var i = from
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        return i
    }
}
