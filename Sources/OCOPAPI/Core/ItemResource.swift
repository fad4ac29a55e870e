import HTTP
import JSON
import OCOP
import SQLite

/// A registry resource whose single items are read, created, replaced, merge-patched and
/// deleted the same way everywhere (API.md "Writes"): the five handlers are written once here,
/// over the resource's store and representation, instead of once per resource.
///
/// The write handlers read the current item in the writing transaction, check `If-Match` before
/// looking at the body (RFC 9110 §13.2.2), and merge a patch into the item's current
/// representation (RFC 7396), so no concurrent change is lost between the read and the write.
protocol ItemResource {
    /// Where the items are kept.
    associatedtype Store: ItemStore

    /// The entity's name in problems and the audit log (`packing_facility`).
    static var entity: String { get }
    /// The collection's path; an item lives at `collectionPath/{id}`.
    static var collectionPath: String { get }

    /// A request body as fields, with every broken rule as a field error; `current` for
    /// replacements; `today` (Asia/Ho_Chi_Minh) for rules about dates.
    static func fields(from object: JSONObject, current: Store.Item?, today: CivilDate) throws -> Store.Fields
    /// The fields a client may write, as the item has them now (the base a patch merges into).
    static func writable(_ item: Store.Item) -> JSONObject
    /// The server's fields, which a client may echo back unchanged.
    static func readOnly(_ item: Store.Item, today: CivilDate) -> JSONObject
    static func write(_ item: Store.Item, today: CivilDate, to writer: inout JSONWriter)
    /// Whether what the representation derives from `today` (a status, a validity) differs from
    /// what it was when the item's version was written; then a conditional GET is never a 304.
    static func derivedStateChanged(_ item: Store.Item, today: CivilDate) -> Bool
}

extension ItemResource {
    /// Most items show nothing derived from the calendar.
    static func derivedStateChanged(_ item: Store.Item, today: CivilDate) -> Bool { false }
}

/// An item resource whose representation does not depend on the day: its own functions
/// without `today` serve the requirements.
protocol UndatedItemResource: ItemResource {
    static func fields(from object: JSONObject, current: Store.Item?) throws -> Store.Fields
    static func readOnly(_ item: Store.Item) -> JSONObject
    static func write(_ item: Store.Item, to writer: inout JSONWriter)
}

extension UndatedItemResource {
    static func fields(from object: JSONObject, current: Store.Item?, today: CivilDate) throws -> Store.Fields {
        try fields(from: object, current: current)
    }
    static func readOnly(_ item: Store.Item, today: CivilDate) -> JSONObject { readOnly(item) }
    static func write(_ item: Store.Item, today: CivilDate, to writer: inout JSONWriter) { write(item, to: &writer) }
}

/// An item with a server-assigned id, the fields a client writes, and a version that grows by
/// one on every change.
protocol StoredItem: Sendable {
    associatedtype Fields
    var id: Int64 { get }
    var version: Int64 { get }
    var fields: Fields { get set }
}

/// A domain store's single-item operations, each writing its audit entry in the caller's transaction.
protocol ItemStore {
    associatedtype Item: StoredItem where Item.Fields == Fields
    associatedtype Fields: Sendable
    static func get(_ db: Connection, id: Int64) throws -> Item?
    static func create(_ db: Connection, _ fields: Fields, actor: Actor, now: Timestamp) throws -> Item
    static func replace(_ db: Connection, id: Int64, with fields: Fields, ifVersion: VersionMatch?,
                        actor: Actor, now: Timestamp) throws -> Item
    static func delete(_ db: Connection, id: Int64, ifVersion: VersionMatch?, actor: Actor, now: Timestamp) throws
}

extension ItemResource {
    static func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let item = try context.database.read({ try Store.get($0, id: id) }) else {
            throw DomainError.notFound(entity: entity, id: String(id))
        }
        return respond(context, item)
    }

    static func create(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let actor = context.actor, now = context.now
        let fields = try fields(from: context.jsonObject(), current: nil, today: CivilDate.today(at: now))
        return WritePlan { db in
            let item = try Store.create(db, fields, actor: actor, now: now)
            return respond(context, item, status: .created, location: "\(collectionPath)/\(item.id)")
        }
    }

    static func replace(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let current = try existing(db, id: id)
            try VersionMatch.require(ifVersion, current: current.version)
            let fields = try fields(from: body, current: current, today: CivilDate.today(at: now))
            return respond(context, try Store.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now))
        }
    }

    static func patch(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let current = try existing(db, id: id)
            try VersionMatch.require(ifVersion, current: current.version)
            let today = CivilDate.today(at: now)
            let before = readOnly(current, today: today)
            let merged = MergePatch.apply(patch, to: writable(current), readOnly: before)
            let fields = try fields(from: merged, current: current, today: today)
            var after = current
            after.fields = fields
            try MergePatch.refuseContradictions(patch, before: before, after: readOnly(after, today: today))
            return respond(context, try Store.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now))
        }
    }

    static func delete(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            try Store.delete(db, id: id, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    static func respond(_ context: RequestContext, _ item: Store.Item, status: HTTPStatus = .ok,
                        location: String? = nil) -> HTTPResponse {
        let today = CivilDate.today(at: context.now)
        return Responses.item(context, status: status, version: item.version, location: location,
                              versionValidates: !derivedStateChanged(item, today: today)) { writer in
            write(item, today: today, to: &writer)
        }
    }

    private static func existing(_ db: Connection, id: Int64) throws -> Store.Item {
        guard let item = try Store.get(db, id: id) else { throw DomainError.notFound(entity: entity, id: String(id)) }
        return item
    }
}
