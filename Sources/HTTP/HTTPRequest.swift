/// A complete request: head and de-framed body (chunked bodies are already decoded).
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request-target exactly as sent (RFC 9112 §3.2), e.g. `/api/v1/producers?kind=household`.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The path part of the target, still percent-encoded. For an absolute-form target
    /// (`http://host/path`, which a server MUST accept, RFC 9112 §3.2.2) the scheme and
    /// authority are dropped; `OPTIONS *` has the path `*`.
    ///
    /// Searched as UTF-8 bytes (every request computes it): a search by `Character` walks
    /// grapheme clusters, several times the cost. An ASCII byte's index is a valid String index.
    public var path: Substring {
        var rest = target[..<(queryMark ?? target.endIndex)]
        if rest.utf8.first != UInt8(ascii: "/"), let colon = rest.utf8.firstIndex(of: UInt8(ascii: ":")),
           rest.utf8[colon...].starts(with: "://".utf8) {
            let afterAuthority = rest[rest.utf8.index(colon, offsetBy: 3)...]
            guard let slash = afterAuthority.utf8.firstIndex(of: UInt8(ascii: "/")) else { return "/" }
            rest = afterAuthority[slash...]
        }
        return rest
    }

    /// The query part of the target without the `?`, if any.
    public var query: Substring? {
        guard let q = queryMark else { return nil }
        return target[target.utf8.index(after: q)...]
    }

    /// Where the target's `?` is, found in its contiguous UTF-8 (a native string's, as the
    /// parser makes them): `UTF8View.firstIndex(of:)` steps an index a byte at a time, some
    /// 670 instructions for a short target, and `path` and `query` both look.
    private var queryMark: String.Index? {
        let utf8 = target.utf8
        let offset = utf8.withContiguousStorageIfAvailable { $0.firstIndex(of: UInt8(ascii: "?")) }
        guard let offset else { return utf8.firstIndex(of: UInt8(ascii: "?")) }
        return offset.map { utf8.index(utf8.startIndex, offsetBy: $0) }
    }

    /// Whether the connection may be reused after this request (RFC 9112 §9.3):
    /// 1.1 persists unless `Connection: close`; 1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        let tokens = headers.tokens("Connection")
        switch version {
        case .http1_1: return !tokens.contains("close")
        case .http1_0: return tokens.contains("keep-alive") && !tokens.contains("close")
        }
    }
}
