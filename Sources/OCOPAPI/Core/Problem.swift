import HTTP
import JSON
import SQLite
import OCOP

/// An RFC 9457 problem: the one error shape every 4xx/5xx body takes.
public struct Problem: Error, Sendable {
    public let status: HTTPStatus
    /// Last segment of the problem type URI, e.g. `validation` → `https://ocop.example/problems/validation`.
    public let type: String
    public let title: String
    public let detail: String?
    public let errors: [FieldError]
    /// Headers the status calls for (`Allow`, `WWW-Authenticate`, `Retry-After`).
    public let headers: HTTPHeaders

    public static let typeBase = "https://ocop.example/problems/"

    public init(_ status: HTTPStatus, type: String, title: String, detail: String? = nil,
                errors: [FieldError] = [], headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public var response: HTTPResponse {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("type", Problem.typeBase + type)
        writer.field("title", title)
        writer.field("status", Int64(status.code))
        if let detail { writer.field("detail", detail) }
        if !errors.isEmpty {
            writer.key("errors")
            writer.beginArray()
            for error in errors {
                writer.beginObject()
                writer.field("field", error.field)
                writer.field("message", error.message)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        var headers = self.headers
        headers.set("Content-Type", "application/problem+json")
        return HTTPResponse(status: status, headers: headers, body: writer.bytes)
    }

    // MARK: The problems the API uses, named once.

    public static func malformed(_ detail: String) -> Problem {
        Problem(.badRequest, type: "malformed-request", title: "Malformed request", detail: detail)
    }

    /// At most this many field errors are listed: a request with thousands of bad parameters
    /// would otherwise get an answer many times its own size.
    static let maximumListedErrors = 100

    public static func validation(_ errors: [FieldError]) -> Problem {
        let detail = errors.count == 1 ? "1 field is invalid" : "\(errors.count) fields are invalid"
        return Problem(.unprocessableContent, type: "validation", title: "Invalid request", detail: detail, errors: listed(errors))
    }

    /// At most `maximumListedErrors` of `errors`, and a last entry saying how many more there were.
    private static func listed(_ errors: [FieldError]) -> [FieldError] {
        var listed = Array(errors.prefix(maximumListedErrors))
        if errors.count > listed.count {
            listed.append(FieldError("", "and \(errors.count - listed.count) more errors, not listed"))
        }
        return listed
    }

    /// `challenge`: the `WWW-Authenticate` value, the plain Bearer challenge unless a token was
    /// sent and is not one (`invalidToken`).
    public static func unauthorized(_ detail: String, challenge: String = "Bearer realm=\"ocop\"") -> Problem {
        Problem(.unauthorized, type: "unauthorized", title: "Authentication required", detail: detail,
                headers: ["WWW-Authenticate": challenge])
    }

    /// A bearer token was sent but is not one: the challenge says so (RFC 6750 §3.1), so a
    /// client can tell "log in again" from "this needs a token" without reading the body.
    static func invalidToken(_ detail: String) -> Problem {
        unauthorized(detail, challenge: "Bearer realm=\"ocop\", error=\"invalid_token\"")
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, type: "forbidden", title: "Not allowed", detail: detail)
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, type: "not-found", title: "Not found", detail: detail)
    }

    public static func methodNotAllowed(_ method: HTTPMethod, allowed: [HTTPMethod]) -> Problem {
        Problem(.methodNotAllowed, type: "method-not-allowed", title: "Method not allowed",
                detail: "\(method) is not allowed here; use \(allowed.map(\.rawValue).joined(separator: ", "))",
                headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")])
    }

    /// `errors` names the fields in conflict where a request has many (an import's rows).
    public static func conflict(_ detail: String, errors: [FieldError] = []) -> Problem {
        Problem(.conflict, type: "conflict", title: "Conflict with current state", detail: detail, errors: listed(errors))
    }

    /// A retry with the same Idempotency-Key while the first is still being written: the
    /// answer will be there in a moment, and `Retry-After` tells a client's back-off so.
    public static let idempotencyKeyInFlight = Problem(
        .conflict, type: "conflict", title: "Conflict with current state",
        detail: "a request with this Idempotency-Key is still being processed; retry later", headers: ["Retry-After": "1"])

    public static func preconditionFailed(_ detail: String) -> Problem {
        Problem(.preconditionFailed, type: "precondition-failed", title: "Precondition failed", detail: detail)
    }

    /// `headers` name what would be accepted (`Accept-Patch`, `Accept-Encoding`).
    public static func unsupportedMediaType(_ detail: String, headers: HTTPHeaders = HTTPHeaders()) -> Problem {
        Problem(.unsupportedMediaType, type: "unsupported-media-type", title: "Unsupported media type", detail: detail,
                headers: headers)
    }

    public static func notAcceptable(_ detail: String) -> Problem {
        Problem(.notAcceptable, type: "not-acceptable", title: "Not acceptable", detail: detail)
    }

    /// Another process held the database's lock past the busy timeout.
    public static let databaseBusy = Problem(.serviceUnavailable, type: "unavailable", title: "Database busy",
                                             detail: "The database is busy; retry shortly.", headers: ["Retry-After": "1"])

    /// A write given up before it started: nothing was written, so a retry is safe.
    public static func notStarted(_ error: WriteNotStarted) -> Problem {
        let why = switch error.reason {
        case .deadlinePassed: "The write waited too long behind others and was not started"
        case .refused: "The server is shutting down and started no more writes"
        }
        return Problem(.serviceUnavailable, type: "unavailable", title: "Server busy",
                       detail: why + "; nothing was written, so it is safe to retry.", headers: ["Retry-After": "1"])
    }

    /// A write that committed but could not be made durable: whether it survives is unknown,
    /// so the client is told neither that it was saved nor that nothing was.
    public static let outcomeUnknown = Problem(
        .serviceUnavailable, type: "storage-unavailable", title: "Storage unavailable",
        detail: "The server's disk failed while saving this write, so whether it was saved is unknown; the server takes "
            + "no more writes until its operator restarts it. Retry then with the same Idempotency-Key, or check first.")

    /// The storage refused a write (or a read): 507 when the disk is full, 503 otherwise.
    public static func storage(_ error: SQLiteError) -> Problem {
        if error.isStorageFull {
            return Problem(.insufficientStorage, type: "insufficient-storage", title: "Insufficient storage",
                           detail: "The server's disk is full, so nothing was written; retry once room has been made.")
        }
        return Problem(.serviceUnavailable, type: "storage-unavailable", title: "Storage unavailable",
                       detail: "The server cannot use its database storage, so nothing was written; "
                           + "the failure has been logged for the operator.")
    }

    public static let internalError = Problem(
        .internalServerError, type: "internal", title: "Internal server error",
        detail: "The server failed to handle the request; it has been logged with its request id.")

    /// Maps a domain error to its problem; the only place this mapping exists.
    public static func from(_ error: DomainError) -> Problem {
        switch error {
        case .invalid(let errors): return .validation(errors)
        case .notFound(let entity, let id): return .notFound("\(entity) \(id) does not exist")
        case .conflict(let detail, let errors): return .conflict(detail, errors: errors)
        case .staleVersion(let current, excludedByIfNoneMatch: false):
            return .preconditionFailed("If-Match does not match the current version (W/\"\(current)\"); fetch it again")
        case .staleVersion(let current, excludedByIfNoneMatch: true):
            return .preconditionFailed("If-None-Match names the current version (W/\"\(current)\") or *, so this write does not apply")
        case .forbidden(let detail): return .forbidden(detail)
        }
    }

    /// The problem for a status the transport produced itself (parse errors, timeouts).
    public static func transport(_ status: HTTPStatus, _ reason: String) -> Problem {
        let type: String
        switch status.code {
        case 400: type = "malformed-request"
        case 408: type = "request-timeout"
        case 413: type = "content-too-large"
        case 414: type = "uri-too-long"
        case 417: type = "expectation-failed"
        case 431: type = "header-fields-too-large"
        case 501: type = "not-implemented"
        case 503: type = "unavailable"
        case 505: type = "http-version-not-supported"
        default: type = "http-\(status.code)"
        }
        return Problem(status, type: type, title: status.reason, detail: reason)
    }
}
