import HTTP

/// `If-Match` and `If-None-Match` on a resource that has no entity tag: a list, a report, a health
/// check, and the collection a POST creates in. RFC 9110 §13.1.1–13.1.2 still give them a meaning
/// there: no tag can match, but `*` matches the representation that exists. So a named `If-Match`
/// is false (412, and a POST creates nothing), and `If-None-Match: *` is false (304 for a read,
/// 412 for a POST). `If-Match: *` and an `If-None-Match` naming tags hold.
///
/// Items carry their own tags (`W/"<version>"`) and evaluate both fields against them
/// (`Responses.item`, the stores' `VersionMatch`); nothing here applies to them.
enum UntaggedPreconditions {
    /// For a GET or HEAD answered 2xx without an `ETag`: the 412 or 304 its preconditions call
    /// for, or the response as it is when they hold. Safe methods are evaluated after the
    /// handler, which changed nothing, because only then is it known that there is no tag.
    static func heeded(by response: HTTPResponse, for request: HTTPRequest) -> HTTPResponse {
        // Most reads send neither field: look at the request before the response's fields.
        guard request.method == .get || request.method == .head,
              request.headers.contains("If-Match") || request.headers.contains("If-None-Match"),
              (200..<300).contains(response.status.code), !response.headers.contains("ETag") else { return response }
        if namesATag(request.headers["If-Match"]) {
            return Problem.preconditionFailed("If-Match names a version, and this resource has none: only If-Match: * can hold here").response
        }
        if isStar(request.headers["If-None-Match"]) {
            var notModified = HTTPResponse(status: .notModified)
            // What a 200 would have said to caches (RFC 9110 §15.4.5); the rest is representation data.
            for name in ["Cache-Control", "Expires", "Vary"] {
                if let value = response.headers[name] { notModified.headers.set(name, value) }
            }
            return notModified
        }
        return response
    }

    /// For a POST to a collection (not one acting on a tagged item): the 412 its preconditions
    /// call for, thrown before the body is read or anything is written.
    static func requireHeld(byCreate request: HTTPRequest) throws(Problem) {
        if namesATag(request.headers["If-Match"]) {
            throw Problem.preconditionFailed("If-Match names a version, and a collection has none: only If-Match: * can hold on a POST that creates")
        }
        if isStar(request.headers["If-None-Match"]) {
            throw Problem.preconditionFailed("If-None-Match: * asks that nothing exist here, and the collection does")
        }
    }

    /// A field that is sent and is not `*` (nor a list holding it).
    private static func namesATag(_ field: String?) -> Bool {
        guard let field else { return false }
        return !isStar(field)
    }

    /// Read as items' preconditions read it (`ETag.tags`): a list holding `*` is `*`.
    private static func isStar(_ field: String?) -> Bool {
        field.flatMap(ETag.tags) == .any
    }
}
