import HTTP
import OCOP

/// Who may call a route.
public enum Access: Sendable {
    /// Anonymous callers too (public catalogue, traceability, health).
    case anyone
    /// Any valid token of these roles.
    case roles(Set<Role>)

    public static let officers = Access.roles([.admin, .officer])
    public static let admins = Access.roles([.admin])
}

/// What the OpenAPI document says about a route.
public struct RouteDoc: Sendable {
    public var summary: String
    public var tag: String
    /// Name of the request body schema in `components.schemas`, if the route takes a body.
    public var requestSchema: String?
    /// Name of the response schema; lists wrap it in `{items, next_cursor}`.
    public var responseSchema: String?
    public var isList = false
    public var successStatus = 200
    public var queryParameters: [String] = []
    /// The values a query parameter takes on this route when they depend on the resource
    /// (`kind`, `status`, `sort`, `table`…); other parameters' schemas follow from their names.
    public var queryValues: [String: [String]] = [:]
    /// Whether the response can also be `text/csv`.
    public var csv = false
    /// Answers besides the success status and problems (a resolver's linkset beside its redirect).
    public var otherResponses: [DocResponse] = []
    /// The body's media type when it is not JSON (a CSV import); its schema is then a string.
    public var requestMediaType: String?
    /// The success body's media type when it has no schema of ours (the metrics text, this document).
    public var responseMediaType: String?
    /// A write refused with 428 without `If-Match` (compare-and-set), rather than merely guarded by it.
    public var ifMatchRequired = false
    /// A POST acting on an existing item (a review, a revocation) that `If-Match` and
    /// `If-None-Match` guard with the item's version, as they guard every PUT, PATCH and DELETE.
    public var versionGuarded = false
    /// A catch-all that only answers what the documented routes beside it refuse (a 400 for a
    /// malformed path). Left out of the document: its template would repeat a documented one's,
    /// which OpenAPI forbids, and it adds no operation a client would call.
    public var isFallback = false

    public init(_ summary: String, tag: String, request: String? = nil, response: String? = nil,
                isList: Bool = false, status: Int = 200, query: [String] = [], values: [String: [String]] = [:],
                csv: Bool = false, also otherResponses: [DocResponse] = [], requestMediaType: String? = nil,
                ifMatchRequired: Bool = false, versionGuarded: Bool = false, fallback: Bool = false,
                responseMediaType: String? = nil) {
        self.summary = summary
        self.tag = tag
        self.requestSchema = request
        self.responseSchema = response
        self.isList = isList
        self.successStatus = status
        self.queryParameters = query
        self.queryValues = values
        self.csv = csv
        self.otherResponses = otherResponses
        self.requestMediaType = requestMediaType
        self.ifMatchRequired = ifMatchRequired
        self.versionGuarded = versionGuarded
        self.isFallback = fallback
        self.responseMediaType = responseMediaType
    }
}

extension RouteDoc {
    /// The raw values of `type`, for `values:`.
    public static func cases<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> [String] where E.RawValue == String {
        type.allCases.map(\.rawValue)
    }
}

/// One more response a route documents: its status, when it is given, and its body.
public struct DocResponse: Sendable {
    public var status: Int
    public var description: String
    public var mediaType: String
    /// Name of the body schema in `components.schemas`.
    public var schema: String

    public init(_ status: Int, _ description: String, mediaType: String = "application/json", schema: String) {
        self.status = status
        self.description = description
        self.mediaType = mediaType
        self.schema = schema
    }
}

/// One endpoint: method, path pattern, access rule and handler.
///
/// A class: the router hands the matched route to the responder, which captures it in the
/// closures a request travels through; as a struct with its document inline each of those
/// copies retained and released a score of fields.
public final class Route: Sendable {
    public typealias Handler = @Sendable (RequestContext) throws -> HTTPResponse
    /// Prepares a write whose answer is what its transaction returns (`WritePlan`). It must
    /// not block (no database read, no waiting): the responder may run it on an event loop.
    public typealias WriteHandler = @Sendable (RequestContext) throws -> WritePlan

    /// What the route does with a request.
    public enum Action: Sendable {
        /// The handler answers, holding its thread until it does.
        case respond(Handler)
        /// The handler prepares a write and lets its thread go; the write's completion answers.
        case write(WriteHandler)
    }

    public let method: HTTPMethod
    public let pattern: String
    public let access: Access
    /// Runs on the event loop instead of the blocking pool: only for handlers
    /// that never touch the database or do more than trivial work (health checks).
    public let runsInline: Bool
    /// Its `200` answers may be reused until the next write (`ResponseCache`): only for reads
    /// whose representation depends on nothing but the data, the target, the caller and the day.
    public let cacheable: Bool
    public let doc: RouteDoc
    public let action: Action

    /// Whether the route reads a request body: one its document describes. Any other route
    /// ignores a body, so a large one is refused before it is read (`APIResponder.admitBody`).
    public var takesContent: Bool { doc.requestSchema != nil || doc.requestMediaType != nil }

    /// Refuses (415) a body of a media type the route does not read: its declared one (the CSV
    /// import's `text/csv`), else JSON, and on PATCH a JSON merge patch too. The responder asks
    /// before the handler runs, and before a client awaiting `100 Continue` sends the body.
    func checkMediaType(of request: HTTPRequest) throws(Problem) {
        guard takesContent else { return }
        let header = request.headers["Content-Type"]
        if let declared = doc.requestMediaType {
            try RequestContext.requireMediaType([declared], header)
        } else {
            try RequestContext.checkContentType(header, allowMergePatch: method == .patch)
        }
    }

    public convenience init(_ method: HTTPMethod, _ pattern: String, access: Access, inline: Bool = false,
                cacheable: Bool = false, doc: RouteDoc, handler: @escaping Handler) {
        self.init(method, pattern, access: access, inline: inline, cacheable: cacheable && method == .get,
                  doc: doc, action: .respond(handler))
    }

    /// A route whose every answer is the outcome of one write, prepared by `write`: it takes no
    /// handler thread while its group commit runs.
    public convenience init(_ method: HTTPMethod, _ pattern: String, access: Access, doc: RouteDoc,
                write: @escaping WriteHandler) {
        self.init(method, pattern, access: access, inline: false, cacheable: false, doc: doc, action: .write(write))
    }

    private init(_ method: HTTPMethod, _ pattern: String, access: Access, inline: Bool, cacheable: Bool,
                 doc: RouteDoc, action: Action) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.runsInline = inline
        self.cacheable = cacheable
        self.doc = doc
        self.action = action
    }
}

/// A group of routes one service contributes, mounted by the application.
public protocol RouteCollection: Sendable {
    func routes() -> [Route]
}
