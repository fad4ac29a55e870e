import HTTP
import JSON
import OCOP
import SQLite

/// Everything a handler needs about one request: the request, its route
/// parameters, who is calling, and the services it may use.
public struct RequestContext: Sendable {
    public let request: HTTPRequest
    public let parameters: RouteParameters
    public let principal: Principal?
    public let requestID: String
    public let services: Services
    /// `Accept: text/csv` or a `.csv` suffix on the path.
    public let wantsCSV: Bool
    /// The route's path with its `.csv` suffix removed (for `Link` headers).
    public let path: String
    /// A write not started by then is not started at all (503, nothing written): the handler
    /// timeout, counted from when the request arrived. The engine waits for a request that may
    /// write, so this is what bounds it.
    public let writeDeadline: ContinuousClock.Instant

    public var database: Database { services.database }
    public var actor: Actor { Actor(tokenID: principal?.tokenID, requestID: requestID) }
    public var now: Timestamp { services.clock() }

    /// The decoded query string.
    public func query() throws(Problem) -> QueryParameters { try QueryParameters(request.query) }

    /// A path parameter that must be a positive integer id in its canonical form; anything else
    /// names no resource (404).
    public func id(_ name: String = "id") throws(Problem) -> Int64 {
        // Only the id's own spelling names it: `01` or `+1` would be a second address for item 1.
        guard let text = parameters[name], let id = Int64(text), id > 0, String(id) == text else {
            throw Problem.notFound("\(parameters[name] ?? "") is not an id of this collection")
        }
        return id
    }

    /// The request body as a JSON object, after the syntax check (400). Its `Content-Type` was
    /// checked before the handler ran (`Route.checkMediaType`: every route that takes a body).
    public func jsonObject() throws(Problem) -> JSONObject {
        guard !request.body.isEmpty else { throw Problem.malformed("the request body is empty; a JSON object is required") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(request.body)
        } catch {
            throw Problem.malformed("the body is not valid JSON: \(error.message)")
        }
        guard case .object(let object) = value else {
            throw Problem.validation([FieldError("", "the body must be a JSON object, not \(value.typeName)")])
        }
        if let (path, count) = Self.objectOverMemberLimit(in: value) {
            throw Problem.validation([FieldError(path, "has \(count) members; an object in a request body may have at most \(Self.maxObjectMembers)")])
        }
        return object
    }

    /// What a PATCH takes; `Accept-Patch` says it (RFC 5789 §3.1).
    static let patchFormats = ["application/json", "application/merge-patch+json"]
    static let acceptedPatchFormats = patchFormats.joined(separator: ", ")

    /// Refuses (415) a body that is not JSON (or, where `allowMergePatch`, a merge patch), or
    /// whose charset is not UTF-8 (for `Route.checkMediaType`).
    static func checkContentType(_ header: String?, allowMergePatch: Bool) throws(Problem) {
        // The two forms nearly every client sends (the bare type, and API.md's own) pass without
        // being read by the grammar (it cost a tenth of a POST's body parse).
        if header == "application/json" || header == "application/json; charset=utf-8" { return }
        let accepted = allowMergePatch ? patchFormats : ["application/json"]
        // A PATCH's 415 names the patch formats it takes (RFC 5789 §2.2), whichever part was wrong.
        let acceptPatch: HTTPHeaders = allowMergePatch ? ["Accept-Patch": Self.acceptedPatchFormats] : [:]
        try requireMediaType(accepted, header, headers: acceptPatch)
    }

    /// No representation of ours has a tenth of this many fields. Bounding it here, before any
    /// handler, bounds the work a body can make where it is costly: a PUT or PATCH is read
    /// against the current item on the database's single writer, where every other write waits,
    /// and a 1 MB patch of 90,000 unknown members kept it 50 ms (17 s before the merge was linear).
    static let maxObjectMembers = 256

    /// The first object (depth first) with more than `maxObjectMembers` members: its path, as
    /// field errors name it (`""` for the body, `lines[2]`, `certificate.scores`), and its size.
    /// The path is built only for the one found, on the way back out: every body is walked, and
    /// an inventory batch holds a thousand objects.
    static func objectOverMemberLimit(in value: JSONValue) -> (String, Int)? {
        var path: [PathStep] = []
        guard let count = oversizedObject(in: value, path: &path) else { return nil }
        var name = ""
        for step in path.reversed() {
            switch step {
            case .member(let key): name += name.isEmpty ? key : "." + key
            case .index(let i): name += "[\(i)]"
            }
        }
        return (name, count)
    }

    private enum PathStep {
        case member(String)
        case index(Int)
    }

    /// The oversized object's member count; `path` gets its steps, innermost first.
    private static func oversizedObject(in value: JSONValue, path: inout [PathStep]) -> Int? {
        switch value {
        case .object(let object):
            if object.count > maxObjectMembers { return object.count }
            for (key, member) in object {
                if let found = oversizedObject(in: member, path: &path) {
                    path.append(.member(key))
                    return found
                }
            }
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let found = oversizedObject(in: item, path: &path) {
                    path.append(.index(i))
                    return found
                }
            }
        default:
            break
        }
        return nil
    }

    /// What `If-Match` and `If-None-Match` ask of the item's version: `nil` when neither is
    /// sent; `*` or every version the tags name (`W/"3"`, `"3"`; any one is enough, RFC 9110
    /// §13.1). An `If-Match` naming no version of ours (empty, `"abc"`) can match nothing: 412,
    /// but only once the item is known to exist, as for a stale tag — a missing item is a 404
    /// whatever the preconditions (RFC 9110 §13.2.1). Tags of ours
    /// are all the versions an item ever has, so an `If-None-Match` naming none of them
    /// excludes nothing.
    ///
    /// Callers check it against the stored version before reading the body, because
    /// preconditions are evaluated before the request content (RFC 9110 §13.2.2): a stale
    /// `If-Match` is a 412 even when the body is invalid too.
    public func versionPrecondition() -> VersionMatch? {
        var match = VersionMatch()
        if let header = request.headers["If-Match"] {
            match.ifMatch = ETag.tags(header) ?? .oneOf([])
        }
        if let header = request.headers["If-None-Match"] {
            match.ifNoneMatch = ETag.tags(header) ?? .oneOf([])
        }
        return match.ifMatch == nil && match.ifNoneMatch == nil ? nil : match
    }

    /// Validates a body before the write transaction, for handlers whose store looks at the item
    /// only inside it, yet answers in the order the item handlers keep (RFC 9110 §13.2.2): an item
    /// that does not exist is a 404, then a failed precondition a 412, and only then is the body's
    /// 422 given. So when `validate` refuses the body, `currentVersion` reads the item's version
    /// (throwing its 404 when there is none) and the precondition is evaluated against it.
    /// Only a refused body pays for the read.
    func validated<T>(_ validate: () throws -> T, ifVersion: VersionMatch?,
                      currentVersion: (Connection) throws -> Int64) throws -> T {
        let refusal: Problem
        do {
            return try validate()
        } catch let problem as Problem {
            guard problem.status == .unprocessableContent else { throw problem }
            refusal = problem
        }
        let version = try database.read(currentVersion)
        do {
            try VersionMatch.require(ifVersion, current: version)
        } catch {
            throw Problem.from(error)
        }
        throw refusal
    }
}


/// Weak entity tags carrying the item version (API.md: `W/"<version>"`).
public enum ETag {
    public static func of(version: Int64) -> String { "W/\"\(version)\"" }

    public static func version<S: StringProtocol>(_ tag: S) -> Int64? {
        var text = Substring(tag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        guard text.count >= 3, text.first == "\"", text.last == "\"" else { return nil }
        // Tags are opaque strings compared character by character (RFC 9110 §8.8.3.2): only
        // the spelling the server issues names a version, so `"01"` or `"+1"` match nothing.
        let digits = text.dropFirst().dropLast()
        guard let version = Int64(digits), String(version) == digits else { return nil }
        return version
    }

    /// `*`, or the versions a list of entity tags (an `If-Match` or `If-None-Match` field) names;
    /// nil when it names none of ours.
    public static func tags(_ header: String) -> VersionMatch.Tags? {
        let tags = header.splitASCII(UInt8(ascii: ",")).map { $0.trimmingASCIIWhitespace() }
        if tags.contains("*") { return .any }
        let versions = tags.compactMap { ETag.version($0) }
        return versions.isEmpty ? nil : .oneOf(versions)
    }

    /// Whether an `If-Match` or `If-None-Match` field lists the current tag (weak comparison,
    /// RFC 9110 §13.1.2; API.md's tags are all weak) or `*`.
    public static func matches(field header: String, version: Int64) -> Bool {
        tags(header)?.matches(version) ?? false
    }
}
