import SQLite

extension Row {
    /// The column's RFC 3339 text as an instant, parsed from SQLite's bytes; nil when the column
    /// holds no such text (NULL included). Every stored item has two of these, and a list page
    /// read them through a `String` each, made only to be parsed.
    func timestamp(_ i: Int) -> Timestamp? {
        var instant: Timestamp?
        withText(i) { instant = Timestamp.parseRFC3339($0) }
        return instant
    }
}
