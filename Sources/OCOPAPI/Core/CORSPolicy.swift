import HTTP

/// Cross-origin rules for browser dashboards (Fetch standard's CORS protocol).
public struct CORSPolicy: Sendable {
    /// Exact origins (`https://dashboard.ocop.example`) or `*`.
    public let allowedOrigins: Set<String>
    static let allowedHeaders = ["authorization", "content-type", "if-match", "if-none-match", "idempotency-key",
                                 "x-request-id", "accept"]
    /// Beyond the CORS-safelisted ones, what a dashboard's script must read: the challenge that
    /// tells an expired token from a missing one, a 405's methods, a CSV's file name, a 415's formats.
    static let exposedHeaders = "ETag, Location, Link, Retry-After, X-Request-Id, Idempotent-Replayed, WWW-Authenticate, "
        + "Allow, Content-Disposition, Accept-Patch"

    /// Whether any origin is named (not only `*`): then answers differ by `Origin`.
    private let namesOrigins: Bool

    public init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins)
        namesOrigins = allowedOrigins.contains { $0 != "*" }
    }

    /// A preflight is an OPTIONS request naming the method the browser wants to send.
    public static func isPreflight(_ request: HTTPRequest) -> Bool {
        request.method == .options && request.headers.contains("Origin")
            && request.headers.contains("Access-Control-Request-Method")
    }

    /// Adds the CORS response headers to an actual (non-preflight) response.
    ///
    /// Shared caches keep one copy per URL unless told otherwise (Fetch §3.2.5, "CORS protocol
    /// and HTTP caches"): with named origins the answer depends on `Origin`, so every response
    /// says `Vary: Origin`, even one to a request without it, or a cached copy made for a page
    /// load would later be handed to the dashboard without its `Access-Control-Allow-Origin`.
    /// With `*` alone the answer is the same for everyone, so it is sent always, without `Vary`.
    public func decorate(_ response: inout HTTPResponse, origin: String?) {
        if namesOrigins { response.headers.addToList("Vary", "Origin") }
        grant(&response, origin: origin)
    }

    /// The CORS headers proper, for an origin the policy allows; nothing for another.
    private func grant(_ response: inout HTTPResponse, origin: String?) {
        if let origin, allowedOrigins.contains(origin) {
            // An explicit origin may send credentials; `*` never reflects them (Fetch §3.2.5).
            response.headers.set("Access-Control-Allow-Origin", origin)
            response.headers.set("Access-Control-Allow-Credentials", "true")
        } else if allowedOrigins.contains("*") {
            response.headers.set("Access-Control-Allow-Origin", "*")
        } else {
            return
        }
        response.headers.set("Access-Control-Expose-Headers", CORSPolicy.exposedHeaders)
    }

    /// Decorates the answer to `request` as `decorate(_:origin:)` does, unless it is a preflight's:
    /// a preflight's answer carries CORS only as `preflight` grants it, and one refused otherwise
    /// must not pass for a granted one.
    public func decorate(_ response: inout HTTPResponse, answering request: HTTPRequest) {
        guard !Self.isPreflight(request) else {
            // Refused before `preflight` saw it (an unknown path, `OPTIONS *`): no grant, but
            // the answer still depends on `Origin`.
            if namesOrigins { response.headers.addToList("Vary", "Origin") }
            return
        }
        decorate(&response, origin: request.headers["Origin"])
    }

    /// The answer to a preflight for a route that allows `methods`. A disallowed
    /// origin gets a plain 204 with no CORS headers, which the browser treats as a refusal.
    public func preflight(_ request: HTTPRequest, methods: [HTTPMethod]) -> HTTPResponse {
        var response = HTTPResponse(status: .noContent)
        response.headers.set("Allow", methods.map(\.rawValue).joined(separator: ", "))
        // Granted or refused, the answer depends on `Origin` (see `decorate`).
        if namesOrigins { response.headers.addToList("Vary", "Origin") }
        let origin = request.headers["Origin"]
        guard let origin, allowedOrigins.contains(origin) || allowedOrigins.contains("*") else { return response }
        let requested = request.headers["Access-Control-Request-Method"] ?? ""
        guard methods.contains(where: { $0.rawValue == requested }) else { return response }
        let asked = request.headers.tokens("Access-Control-Request-Headers")
        guard asked.allSatisfy({ CORSPolicy.allowedHeaders.contains($0) }) else { return response }
        grant(&response, origin: origin)
        response.headers.set("Access-Control-Allow-Methods", methods.map(\.rawValue).joined(separator: ", "))
        if !asked.isEmpty { response.headers.set("Access-Control-Allow-Headers", asked.joined(separator: ", ")) }
        response.headers.set("Access-Control-Max-Age", "600")
        return response
    }
}
