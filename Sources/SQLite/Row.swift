import CSQLite

/// A cursor position inside `query`; valid only during the callback.
///
/// Each accessor decodes the column by asking SQLite for exactly the type it
/// returns; `value(_:)` looks at the stored type first.
public struct Row {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }

    /// Number of result columns.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The column as stored, by its storage class.
    public func value(_ i: Int) -> SQLiteValue {
        switch sqlite3_column_type(handle, Int32(i)) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, Int32(i)))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, Int32(i)))
        case SQLITE_TEXT: return .text(string(i))
        case SQLITE_BLOB: return .blob(blob(i))
        default: return .null
        }
    }

    /// True when the column is NULL.
    public func isNull(_ i: Int) -> Bool { sqlite3_column_type(handle, Int32(i)) == SQLITE_NULL }

    /// The column as an integer (NULL → 0).
    public func int64(_ i: Int) -> Int64 { sqlite3_column_int64(handle, Int32(i)) }

    /// The column as an `Int` (NULL → 0).
    public func int(_ i: Int) -> Int { Int(truncatingIfNeeded: sqlite3_column_int64(handle, Int32(i))) }

    /// The column as an integer, or nil when NULL.
    public func optionalInt64(_ i: Int) -> Int64? { isNull(i) ? nil : int64(i) }

    /// The column as text (NULL → "").
    public func string(_ i: Int) -> String {
        var text = ""
        withText(i) { text = String(decoding: $0, as: UTF8.self) }
        return text
    }

    /// Lends the column's text as UTF-8 bytes, valid only inside `body` (NULL lends none): for
    /// text read into something other than a `String`, such as a timestamp, which then costs no
    /// string of its own. Not generic, so callers in other modules run this code as it is.
    public func withText(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        withOptionalText(i) { body($0 ?? UnsafeBufferPointer(start: nil, count: 0)) }
    }

    /// Lends the column's text as UTF-8 bytes, or nil when the column is NULL, valid only inside
    /// `body`. One call where `isNull` then `withText` make SQLite look the column up three times:
    /// a list page asks this of some 400 columns.
    public func withOptionalText(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        // Ask for the text before its length: sqlite3_column_bytes after
        // sqlite3_column_text gives the byte count of that UTF-8 form (capi3ref column_blob).
        guard let text = sqlite3_column_text(handle, Int32(i)) else {
            // NULL, or SQLite out of memory converting the value: only the type tells which,
            // and an empty text is never a nil pointer.
            body(isNull(i) ? nil : UnsafeBufferPointer(start: nil, count: 0))
            return
        }
        body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, Int32(i)))))
    }

    /// The column as text, or nil when NULL.
    public func optionalString(_ i: Int) -> String? {
        var text: String?
        withOptionalText(i) { bytes in text = bytes.map { String(decoding: $0, as: UTF8.self) } }
        return text
    }

    /// The column as a real (NULL → 0).
    public func double(_ i: Int) -> Double { sqlite3_column_double(handle, Int32(i)) }

    /// The column as a boolean: any non-zero integer is true (NULL → false).
    public func bool(_ i: Int) -> Bool { sqlite3_column_int64(handle, Int32(i)) != 0 }

    /// The column as bytes (NULL → []).
    public func blob(_ i: Int) -> [UInt8] {
        // A zero-length blob comes back as a nil pointer: same as empty.
        guard let bytes = sqlite3_column_blob(handle, Int32(i)) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, Int32(i)))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column's name (its AS alias when given).
    public func columnName(_ i: Int) -> String {
        sqlite3_column_name(handle, Int32(i)).map { String(cString: $0) } ?? ""
    }
}
