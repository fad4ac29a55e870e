import JSON

/// A new producer ready to insert: validated, with everything derived from its fields
/// (collation key, folded search text, audit record) computed up front.
///
/// Why: inserts run on the single writer thread, one after another; every microsecond
/// spent there is spent while every other write waits. Building the draft on the
/// request's own thread, before `Database.write`, keeps that pure computation off it.
public struct ProducerDraft: Sendable {
    public let fields: ProducerFields
    /// `VietnameseCollation.sortKey(name)`, the `name_key` column.
    let nameKey: [UInt8]
    /// `fields.searchText`, for the search index.
    let searchText: String
    /// The audit entry's `changes` (the whole item), serialised.
    let auditChanges: String

    /// Validates `fields` (throws `DomainError.invalid` listing every broken rule) and derives the rest.
    public init(_ fields: ProducerFields) throws {
        let errors = fields.validate()
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        self.fields = fields
        nameKey = VietnameseCollation.sortKey(fields.name)
        searchText = fields.searchText
        auditChanges = fields.serializedJSON
    }
}
