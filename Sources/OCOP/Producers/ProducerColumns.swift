import SQLite

/// A stored producer as its row's columns, lent while the row is current: a list page can be
/// written straight from them, with no `Producer` and no `String` per field
/// (`ProducerStore.forEachListed`). An uncached page of 50 spent more on making and freeing
/// those strings than on SQLite and the JSON together.
///
/// Only valid inside the call it is lent to; the columns are `ProducerStore.columns`.
public struct ProducerColumns {
    let row: Row

    /// The text columns, by position in `ProducerStore.columns`.
    public enum Text: Int {
        case name = 1, taxCode = 3, commune, district, address, phone, email, representative
    }

    public var id: Int64 { row.int64(0) }
    public var version: Int64 { row.int64(12) }
    /// The `name_key` sort key, which a name-sorted page's cursor carries.
    var nameKey: [UInt8] { row.blob(13) }

    /// Lends the column's UTF-8 bytes, or nil when it is NULL (an optional field not given), for
    /// as long as `body` runs.
    public func withText(_ column: Text, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        row.withOptionalText(column.rawValue, body)
    }

    public func kind() throws -> ProducerKind {
        var kind: ProducerKind?
        row.withText(2) { kind = ProducerKind(utf8: $0) }
        guard let kind else { throw corrupt }
        return kind
    }

    /// The two instants every producer has.
    public enum Instant: Int {
        case createdAt = 10, updatedAt = 11
    }

    public func instant(_ column: Instant) throws -> Timestamp {
        guard let instant = row.timestamp(column.rawValue) else { throw corrupt }
        return instant
    }

    /// Lends the RFC 3339 text `Timestamp.description` gives for the column's instant: the
    /// stored bytes themselves when they are that text already, as every write stores it, so a
    /// page copies its timestamps instead of formatting each again. Throws when the column
    /// holds no instant, as `instant(_:)` does.
    public func withText(_ column: Instant, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
        var found = false
        row.withText(column.rawValue) { bytes in
            if Timestamp.isCanonicalRFC3339(bytes) {
                found = true
                body(bytes)
            } else if let instant = Timestamp.parseRFC3339(bytes) {
                found = true
                instant.withRFC3339(body)
            }
        }
        guard found else { throw corrupt }
    }

    /// The whole producer, its text made into strings.
    public func producer() throws -> Producer {
        let fields = ProducerFields(
            name: row.string(Text.name.rawValue), kind: try kind(), taxCode: optional(.taxCode),
            commune: optional(.commune), district: optional(.district), address: optional(.address),
            phone: optional(.phone), email: optional(.email), representative: optional(.representative))
        return Producer(id: id, fields: fields, createdAt: try instant(.createdAt), updatedAt: try instant(.updatedAt),
                        version: version)
    }

    private func optional(_ column: Text) -> String? { row.optionalString(column.rawValue) }

    private var corrupt: DomainError { .conflict("producer \(id) has corrupt stored fields") }
}
