import HTTP
import JSON
import OCOP

/// The answers for a request no route serves as asked (404, 405 with `Allow`, 501, a `.csv`
/// with no CSV form) and for one refused before routing (unsafe text, content where none is
/// taken). `respond` and `admitBody` share them, so a request gets the same refusal whether or
/// not its body has arrived.
extension APIResponder {
    /// 400 for a header value or request-target with a run of combining marks too long to compare
    /// or normalise cheaply (`StreamSafeText`): `Accept`, `If-None-Match` or `Authorization` made of
    /// 28 KB of them cost 90–280 ms of CPU each, on the event loop for a cached page. Nil for any
    /// ordinary request, which this costs a scan of its bytes for one at U+0300 or above.
    static func unsafeTextRefusal(_ request: HTTPRequest) -> HTTPResponse? {
        if !StreamSafeText.check(request.target) {
            return Problem.malformed("the request-target " + StreamSafeText.refusal).response
        }
        for field in request.headers where !StreamSafeText.check(field.value) {
            return Problem.malformed("the \(field.name) header " + StreamSafeText.refusal).response
        }
        return nil
    }

    /// 501 for a method no route implements (RFC 9110 §9.1: method names are case-sensitive tokens).
    static func notImplemented(_ request: HTTPRequest) -> HTTPResponse {
        Problem(.notImplemented, type: "not-implemented", title: "Method not implemented",
                detail: "\(shown(request.method.rawValue)) is not a method this server implements").response
    }

    /// 413 for a large body sent where the route takes none (RFC 9110 §9.3.1: content in a GET
    /// has no defined meaning and may be refused).
    static func takesNoContent(_ request: HTTPRequest) -> HTTPResponse {
        Problem.transport(.contentTooLarge, "\(request.method.rawValue) \(request.path) takes no request content; send it without a body").response
    }

    /// The answer when no route serves the request as asked — 404; 405 with `Allow`; `.csv` on a
    /// route with no CSV form — or nil when one does. Both `respond` and `admitBody` ask
    /// it, so a request gets the same refusal whether or not its body had arrived. OPTIONS of a
    /// path that exists is no refusal: `respond` answers it with the path's methods.
    func unserved(_ request: HTTPRequest, path: String, csvSuffix: Bool,
                          _ match: RouteMatch<Route>) -> (HTTPResponse, String)? {
        switch match {
        case .notFound:
            return (Problem.notFound("no resource at \(path)").response, "unmatched")
        case .methodNotAllowed(let allowed, let pattern):
            // `.csv` of a path whose GET has no CSV form is no address at all, whatever the
            // method: OPTIONS must not offer a GET that is a 404, nor a POST-only route a 405.
            if csvSuffix && !hasCSVForm(path) { return (Problem.notFound("no CSV form of \(path)").response, pattern) }
            guard request.method != .options else { return nil }
            return (Self.methodNotAllowed(request, allowed: Self.allowed(allowed, csvSuffix: csvSuffix)), pattern)
        case .found(let route, _, let pattern):
            guard csvSuffix && !route.doc.csv else { return nil }
            return csvFormRefusal(request, path: path, pattern: pattern)
        }
    }

    /// The methods a path takes; a `.csv` address is a read-only view of its list.
    static func allowed(_ methods: [HTTPMethod], csvSuffix: Bool) -> [HTTPMethod] {
        csvSuffix ? methods.filter { $0 == .get || $0 == .head || $0 == .options } : methods
    }

    /// `.csv` on a route with no CSV form: another method of a list that has one (POST on
    /// `/producers.csv`) finds an address that exists and is read-only, so 405 as for PUT or
    /// DELETE there; anything else has no CSV form at all.
    private func csvFormRefusal(_ request: HTTPRequest, path: String, pattern: String) -> (HTTPResponse, String) {
        if case .found(let list, _, let listPattern) = router.match(.get, path: Substring(path)), list.doc.csv {
            return (Self.methodNotAllowed(request, allowed: [.get, .head, .options]), listPattern)
        }
        return (Problem.notFound("no CSV form of \(path)").response, pattern)
    }

    /// Whether a GET of `path` (without `.csv`) has a CSV form.
    private func hasCSVForm(_ path: String) -> Bool {
        if case .found(let route, _, _) = router.match(.get, path: Substring(path)) { return route.doc.csv }
        return false
    }

    /// 405 with `Allow`. HEAD announces the Content-Length GET's answer would have (RFC 9110
    /// §8.6), so its problem is GET's: the detail names the method.
    static func methodNotAllowed(_ request: HTTPRequest, allowed: [HTTPMethod]) -> HTTPResponse {
        let named = request.method == .head ? HTTPMethod.get : request.method
        return Problem.methodNotAllowed(named, allowed: allowed).response
    }
}
