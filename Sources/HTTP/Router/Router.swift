/// Routes requests by method and path pattern (`/api/v1/producers/{id}`).
/// Routes are registered while building, then the router is used read-only:
/// it is a value type, so a copy handed to the server can never change.
///
/// A last segment `{name...}` is a catch-all: it takes the rest of the path (one or more
/// segments, empty ones too) when no literal or `{name}` route matches, for handlers whose
/// own grammar decides what a path means and what is malformed (the GS1 Digital Link resolver
/// answers 400, not 404, to `/01/{gtin}/21/x/10/y`).
public struct Router<Handler: Sendable>: Sendable {
    private var root = RouteNode<Handler>()
    /// Every registered (method, pattern), in registration order (for OpenAPI and tests).
    public private(set) var routes: [(method: HTTPMethod, pattern: String)] = []

    public init() {}

    /// Registers `handler` for `method` on `pattern`. Segments in braces are parameters.
    /// Registering the same method and pattern twice is a programming error.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: Handler) {
        let segments = RouteNode<Handler>.segments(of: pattern)
        precondition(root.lookupPattern(segments)?.handlers[method] == nil,
                     "route \(method) \(pattern) registered twice")
        root.insert(segments[...], method: method, pattern: pattern, handler: handler)
        routes.append((method, pattern))
    }

    /// Finds the handler for a request path (percent-encoded, without query).
    /// `HEAD` falls back to `GET` (RFC 9110 §9.3.2).
    public func match(_ method: HTTPMethod, path: Substring) -> RouteMatch<Handler> {
        guard path.first == "/" else { return .notFound }
        var parameters = RouteParameters()
        // A segment with a malformed escape matches no literal and no `{name}`; only a catch-all,
        // which gets the text as sent, can take it.
        var segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            PathSegment(raw: $0, decoded: PercentDecoding.decode($0))
        }
        // A trailing slash names a different resource; "/" itself has no segments.
        if segments.count == 1 && segments[0].raw.isEmpty { segments = [] }
        guard let node = root.find(segments[...], parameters: &parameters) else { return .notFound }
        if let entry = node.handlers[method] {
            return .found(entry.handler, parameters, pattern: entry.pattern)
        }
        if method == .head, let entry = node.handlers[.get] {
            return .found(entry.handler, parameters, pattern: entry.pattern)
        }
        guard !node.handlers.isEmpty else { return .notFound }
        return .methodNotAllowed(allowed: node.allowedMethods)
    }
}

/// The outcome of routing a request.
public enum RouteMatch<Handler: Sendable>: Sendable {
    case found(Handler, RouteParameters, pattern: String)
    /// The path exists but not with this method; `allowed` feeds the `Allow` header.
    case methodNotAllowed(allowed: [HTTPMethod])
    case notFound
}

/// Path parameters captured by `{name}` segments, percent-decoded; a `{name...}` catch-all
/// holds the rest of the path as sent (still percent-encoded, slashes included), because
/// only its handler knows whether `%2F` and `/` mean the same there.
public struct RouteParameters: Sendable {
    private var values: [(name: String, value: String)] = []

    public init() {}

    public subscript(name: String) -> String? {
        values.first { $0.name == name }?.value
    }

    mutating func append(_ name: String, _ value: Substring) {
        values.append((name, String(value)))
    }

    mutating func removeLast() { values.removeLast() }
}

/// One segment of a request path: as sent, and percent-decoded (nil when malformed).
struct PathSegment {
    let raw: Substring
    let decoded: Substring?
}

/// One node of the routing trie: literal children first, then one parameter child, then one catch-all.
struct RouteNode<Handler: Sendable>: Sendable {
    struct Entry: Sendable {
        let handler: Handler
        let pattern: String
    }

    var literals: [String: RouteNode] = [:]
    var parameterName: String?
    var parameterChild: [RouteNode] = []   // zero or one; an array because structs cannot nest themselves
    var catchAllName: String?
    var catchAllChild: [RouteNode] = []    // zero or one, a leaf
    var handlers: [HTTPMethod: Entry] = [:]

    /// `{name...}`: the name, else nil.
    static func catchAllName(_ segment: Substring) -> String? {
        guard segment.hasPrefix("{") && segment.hasSuffix("...}") else { return nil }
        return String(segment.dropFirst().dropLast(4))
    }

    static func segments(of pattern: String) -> [Substring] {
        precondition(pattern.first == "/", "route pattern must start with /: \(pattern)")
        let parts = pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        return parts == [""] ? [] : parts
    }

    var allowedMethods: [HTTPMethod] {
        var methods = Array(handlers.keys)
        if handlers[.get] != nil && handlers[.head] == nil { methods.append(.head) }
        methods.append(.options)
        let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        return methods.sorted { (order.firstIndex(of: $0.rawValue) ?? 99) < (order.firstIndex(of: $1.rawValue) ?? 99) }
    }

    mutating func insert(_ segments: ArraySlice<Substring>, method: HTTPMethod, pattern: String, handler: Handler) {
        guard let first = segments.first else {
            handlers[method] = Entry(handler: handler, pattern: pattern)
            return
        }
        let rest = segments.dropFirst()
        if let name = Self.catchAllName(first) {
            precondition(rest.isEmpty, "a catch-all {name...} must be the last segment: \(pattern)")
            precondition(catchAllName == nil || catchAllName == name, "conflicting catch-all names at \(pattern)")
            catchAllName = name
            if catchAllChild.isEmpty { catchAllChild.append(RouteNode()) }
            catchAllChild[0].handlers[method] = Entry(handler: handler, pattern: pattern)
        } else if first.hasPrefix("{") && first.hasSuffix("}") {
            let name = String(first.dropFirst().dropLast())
            precondition(parameterName == nil || parameterName == name,
                         "conflicting parameter names at \(pattern)")
            parameterName = name
            if parameterChild.isEmpty { parameterChild.append(RouteNode()) }
            parameterChild[0].insert(rest, method: method, pattern: pattern, handler: handler)
        } else {
            literals[String(first), default: RouteNode()].insert(rest, method: method, pattern: pattern, handler: handler)
        }
    }

    func lookupPattern(_ segments: [Substring]) -> RouteNode? {
        var node = self
        for segment in segments {
            if Self.catchAllName(segment) != nil {
                guard let child = node.catchAllChild.first else { return nil }
                node = child
            } else if segment.hasPrefix("{") {
                guard let child = node.parameterChild.first else { return nil }
                node = child
            } else {
                guard let child = node.literals[String(segment)] else { return nil }
                node = child
            }
        }
        return node
    }

    /// Literal segments win over parameters, parameters over a catch-all; backtracks if a branch
    /// dead-ends, including at a node that is only a prefix of longer routes (`/01/{gtin}/10`).
    func find(_ segments: ArraySlice<PathSegment>, parameters: inout RouteParameters) -> RouteNode? {
        guard let first = segments.first else { return handlers.isEmpty ? nil : self }
        let rest = segments.dropFirst()
        if let decoded = first.decoded {
            if let child = literals[String(decoded)], let found = child.find(rest, parameters: &parameters) {
                return found
            }
            if let name = parameterName, let child = parameterChild.first, !decoded.isEmpty {
                parameters.append(name, decoded)
                if let found = child.find(rest, parameters: &parameters) { return found }
                parameters.removeLast()
            }
        }
        if let name = catchAllName, let child = catchAllChild.first, let last = segments.last {
            // The segments are slices of one path: the rest is the text from the first to the last.
            let base = first.raw.base
            parameters.append(name, base[first.raw.startIndex..<last.raw.endIndex])
            return child
        }
        return nil
    }
}
