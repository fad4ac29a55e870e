import HTTP
import Testing

@Suite struct RouterTests {
    func router() -> Router<String> {
        var router = Router<String>()
        router.add(.get, "/api/v1/producers", "list")
        router.add(.post, "/api/v1/producers", "create")
        router.add(.get, "/api/v1/producers/{id}", "get")
        router.add(.delete, "/api/v1/producers/{id}", "delete")
        router.add(.get, "/api/v1/producers/import", "literal-wins")
        router.add(.get, "/api/v1/points-of-sale/{id}/inventory", "inventory")
        router.add(.get, "/", "root")
        return router
    }

    func handler(_ match: RouteMatch<String>) -> String? {
        if case .found(let h, _, _) = match { return h }
        return nil
    }

    @Test func matchesLiteralsAndParameters() {
        let r = router()
        #expect(handler(r.match(.get, path: "/api/v1/producers")) == "list")
        #expect(handler(r.match(.post, path: "/api/v1/producers")) == "create")
        guard case .found(let h, let params, let pattern) = r.match(.get, path: "/api/v1/producers/42") else {
            Issue.record("no match"); return
        }
        #expect(h == "get")
        #expect(params["id"] == "42")
        #expect(pattern == "/api/v1/producers/{id}")
        #expect(handler(r.match(.get, path: "/api/v1/producers/import")) == "literal-wins")
        guard case .found(_, let nested, _) = r.match(.get, path: "/api/v1/points-of-sale/7/inventory") else {
            Issue.record("no nested match"); return
        }
        #expect(nested["id"] == "7")
        #expect(handler(r.match(.get, path: "/")) == "root")
        // A literal is compared decoded: an escaped letter is the letter (RFC 3986 §6.2.2.2).
        #expect(handler(r.match(.get, path: "/api/v1/%70roducers")) == "list")
        #expect(handler(r.match(.get, path: "/api/v1/producers/%69mport")) == "literal-wins")
        #expect(handler(r.match(.get, path: "/api/v1/producers/%2F")) == "get")
    }

    /// A literal branch that only prefixes longer routes gives way to a parameter that matches.
    @Test func aPrefixOfALongerRouteBacktracks() {
        var r = Router<String>()
        r.add(.get, "/a/{x}", "param")
        r.add(.get, "/a/b/c", "long")
        #expect(handler(r.match(.get, path: "/a/b")) == "param")
        #expect(handler(r.match(.get, path: "/a/b/c")) == "long")
    }

    @Test func headFallsBackToGet() {
        #expect(handler(router().match(.head, path: "/api/v1/producers/1")) == "get")
    }

    @Test func wrongMethodListsAllowed() {
        guard case .methodNotAllowed(let allowed, let pattern) = router().match(.put, path: "/api/v1/producers/1") else {
            Issue.record("expected 405"); return
        }
        #expect(allowed.map(\.rawValue) == ["GET", "HEAD", "DELETE", "OPTIONS"])
        #expect(pattern == "/api/v1/producers/{id}")
    }

    @Test func unknownPathsAndMalformedEscapes() {
        let r = router()
        for path in ["/api/v1", "/api/v1/producers/1/extra", "/api/v1/producers/", "api/v1/producers", "/api/v1/%zz", "//api/v1/producers"] {
            if case .notFound = r.match(.get, path: Substring(path)) { continue }
            Issue.record("\(path) should not match")
        }
    }

    /// A `{name...}` catch-all takes what no literal or parameter route does, as sent.
    @Test func catchAllTakesTheRestAsSent() {
        var r = Router<String>()
        r.add(.get, "/01/{gtin}", "key")
        r.add(.get, "/01/{gtin}/10/{lot}", "lot")
        r.add(.get, "/01/{gtin}/{rest...}", "other")
        r.add(.post, "/01/{gtin}/{rest...}", "other-post")
        #expect(handler(r.match(.get, path: "/01/123")) == "key")
        guard case .found(let h, let params, let pattern) = r.match(.get, path: "/01/123/10/A%2FB") else {
            Issue.record("no lot match"); return
        }
        #expect(h == "lot" && params["lot"] == "A/B" && pattern == "/01/{gtin}/10/{lot}")
        for (path, rest) in [("/01/123/21/x/10/y", "21/x/10/y"), ("/01/123/10", "10"), ("/01/123/10/", "10/"),
                             ("/01/123/", ""), ("/01/123/10/%zz", "10/%zz"), ("/01/123/10/a/b", "10/a/b"),
                             ("/01/123//x", "/x")] {
            guard case .found(let h, let params, _) = r.match(.get, path: Substring(path)) else {
                Issue.record("\(path) not caught"); continue
            }
            #expect(h == "other", "\(path)")
            #expect(params["gtin"] == "123")
            #expect(params["rest"] == rest, "\(path)")
        }
        #expect(handler(r.match(.head, path: "/01/123/x")) == "other")
        #expect(handler(r.match(.post, path: "/01/123/x")) == "other-post")
        guard case .methodNotAllowed(let allowed, let pattern) = r.match(.delete, path: "/01/123/x") else {
            Issue.record("expected 405"); return
        }
        #expect(allowed.map(\.rawValue) == ["GET", "HEAD", "POST", "OPTIONS"])
        #expect(pattern == "/01/{gtin}/{rest...}")
        // Before the catch-all's parent: nothing to catch.
        for path in ["/01", "/01/", "/01/%zz/x", "/02/123/x"] {
            if case .notFound = r.match(.get, path: Substring(path)) { continue }
            Issue.record("\(path) should not match")
        }
    }

    @Test func parametersArePercentDecoded() {
        guard case .found(_, let params, _) = router().match(.get, path: "/api/v1/producers/V%C3%A2n%20%C4%90%E1%BB%93n") else {
            Issue.record("no match"); return
        }
        #expect(params["id"] == "Vân Đồn")
    }

    @Test func percentDecoding() {
        #expect(PercentDecoding.decodeToString("a%20b") == "a b")
        #expect(PercentDecoding.decodeToString("a+b", plusAsSpace: true) == "a b")
        #expect(PercentDecoding.decodeToString("a+b") == "a+b")
        #expect(PercentDecoding.decodeToString("%E1%BB") == nil)   // truncated UTF-8
        #expect(PercentDecoding.decodeToString("%4") == nil)
        #expect(PercentDecoding.decodeToString("%g0") == nil)
    }
}

@Suite struct RequestAndHeadersTests {
    @Test func pathAndQueryOfEveryTargetForm() {
        #expect(HTTPRequest(method: .get, target: "/a/b?x=1").path == "/a/b")
        #expect(HTTPRequest(method: .get, target: "/a/b?x=1").query == "x=1")
        #expect(HTTPRequest(method: .get, target: "/a").query == nil)
        #expect(HTTPRequest(method: .get, target: "http://host:8080/a/b?x=1").path == "/a/b")
        #expect(HTTPRequest(method: .get, target: "https://host").path == "/")
        #expect(HTTPRequest(method: .options, target: "*").path == "*")
        #expect(HTTPRequest(method: .get, target: "/a?").query == "")
        #expect(HTTPRequest(method: .get, target: "/a?").path == "/a")
        #expect(HTTPRequest(method: .get, target: "?q").path == "")
        #expect(HTTPRequest(method: .get, target: "/a?b?c").query == "b?c")
        // Multi-byte text before the mark (a target is ASCII on the wire, a String need not be).
        #expect(HTTPRequest(method: .get, target: "/v\u{E2}n-\u{111}\u{1ED3}n?q=1").path == "/v\u{E2}n-\u{111}\u{1ED3}n")
        #expect(HTTPRequest(method: .get, target: "/v\u{E2}n-\u{111}\u{1ED3}n?q=1").query == "q=1")
        // A bridged or otherwise non-contiguous target takes the byte-by-byte search.
        let substringTarget = String("xx/a/b?y=2".dropFirst(2))
        #expect(HTTPRequest(method: .get, target: substringTarget).query == "y=2")
    }

    @Test func keepAliveRules() {
        #expect(HTTPRequest(method: .get, target: "/").keepAlive)
        #expect(!HTTPRequest(method: .get, target: "/", headers: ["Connection": "close"]).keepAlive)
        #expect(!HTTPRequest(method: .get, target: "/", version: .http1_0).keepAlive)
        #expect(HTTPRequest(method: .get, target: "/", version: .http1_0, headers: ["Connection": "Keep-Alive"]).keepAlive)
    }

    @Test func headersAreOrderedAndCaseInsensitive() {
        var headers: HTTPHeaders = ["Vary": "Origin"]
        headers.add("vary", "Accept")
        headers.add("Transfer-Encoding", "gzip, Chunked")
        #expect(headers["VARY"] == "Origin, Accept", "repeated lines read as one list (RFC 9110 §5.3)")
        #expect(headers.values("Vary") == ["Origin", "Accept"])
        #expect(headers.tokens("transfer-encoding") == ["gzip", "chunked"])
        headers.set("Vary", "*")
        #expect(headers.values("vary") == ["*"])
        headers.remove("VARY")
        #expect(!headers.contains("Vary"))
        #expect(headers.count == 1)
    }

    @Test func aListMemberJoinsTheLineAlreadyThere() {
        var headers: HTTPHeaders = ["Content-Type": "text/csv"]
        headers.addToList("Vary", "Accept")
        headers.addToList("vary", "Origin")
        headers.addToList("Vary", "origin")
        #expect(headers.values("Vary") == ["Accept, Origin"], "one line, each member once")
        #expect(headers.count == 2)
    }

    @Test func statusReasons() {
        #expect(HTTPStatus(code: 422).reason == "Unprocessable Content")
        #expect(HTTPStatus(code: 799).reason == "Unknown")
        #expect(!HTTPStatus.noContent.allowsBody)
        #expect(!HTTPStatus.notModified.allowsBody)
        #expect(HTTPStatus.ok.allowsBody)
    }
}

/// The router against a plain reference (split the path, decode each segment, try literal, then
/// parameter, then catch-all, backtracking), on many random paths over an alphabet chosen to
/// hit the edges: empty segments, escapes good and bad, escaped slashes, prefixes of routes.
@Suite struct RouterReferenceTests {
    static let patterns: [(HTTPMethod, String)] = [
        (.get, "/"), (.get, "/a"), (.post, "/a"), (.get, "/a/{x}"), (.get, "/a/b/c"), (.delete, "/a/{x}"),
        (.get, "/a/{x}/b"), (.get, "/b/{y}/{z}"), (.get, "/b/c"), (.get, "/b/{y}/{rest...}"),
        (.get, "/%/x"), (.put, "/c/{x}/{rest...}"), (.get, "/c/a"),
    ]

    /// What the router should answer, computed the slow, obvious way: the matched pattern and
    /// its parameters, "405" when only the method is wrong, or nil.
    static func reference(_ method: HTTPMethod, _ path: String) -> (String, [String: String])? {
        guard path.first == "/" else { return nil }
        var raw = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if raw == [""] { raw = [] }
        func matches(_ pattern: String) -> [String: String]? {
            var parts = pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts == [""] { parts = [] }
            var values: [String: String] = [:]
            for (index, part) in parts.enumerated() {
                if part.hasSuffix("...}") {
                    guard index < raw.count else { return nil }
                    values[String(part.dropFirst().dropLast(4))] = raw[index...].joined(separator: "/")
                    return values
                }
                guard index < raw.count, let decoded = PercentDecoding.decodeToString(raw[index]) else { return nil }
                if part.hasPrefix("{") {
                    guard !decoded.isEmpty else { return nil }
                    values[String(part.dropFirst().dropLast())] = decoded
                } else if part != decoded {
                    return nil
                }
            }
            return parts.count == raw.count ? values : nil
        }
        // Rank: at the first segment where two candidates differ, literal beats parameter beats catch-all.
        func rank(_ pattern: String) -> [Int] {
            pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                $0.hasSuffix("...}") ? 2 : $0.hasPrefix("{") ? 1 : 0
            }
        }
        let candidates = Set(patterns.map(\.1)).compactMap { pattern in matches(pattern).map { (pattern, $0) } }
        guard let best = candidates.min(by: { rank($0.0).lexicographicallyPrecedes(rank($1.0)) }) else { return nil }
        let methods = patterns.filter { $0.1 == best.0 }.map(\.0)
        if methods.contains(method) || (method == .head && methods.contains(.get)) { return best }
        return ("405", [:])
    }

    @Test func agreesWithTheReferenceOnRandomPaths() {
        var router = Router<String>()
        for (method, pattern) in Self.patterns { router.add(method, pattern, pattern) }
        let pieces = ["/", "/", "/", "a", "b", "c", "x", "%", "%2F", "%61", "%zz", "%C3%A2", "{"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let path = (0..<Int.random(in: 1...7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let method = [HTTPMethod.get, .head, .post, .delete, .put].randomElement(using: &generator)!
            let expected = Self.reference(method, path)
            switch router.match(method, path: Substring(path)) {
            case .found(let handler, let parameters, let pattern):
                #expect(expected?.0 == pattern && handler == pattern, "\(method) \(path)")
                for (name, value) in expected?.1 ?? [:] { #expect(parameters[name] == value, "\(method) \(path) \(name)") }
            case .methodNotAllowed:
                #expect(expected?.0 == "405", "\(method) \(path)")
            case .notFound:
                #expect(expected == nil, "\(method) \(path)")
            }
        }
    }
}
