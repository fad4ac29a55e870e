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
    /// `root` as the read-only tree `match` walks, and the handlers its nodes point to by index;
    /// rebuilt by every `add` (routes are added once, at start-up; matching runs on every request).
    private var tree = MatchNode()
    private var entries: [RouteNode<Handler>.Entry] = []
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
        entries = []
        tree = MatchNode(root, entries: &entries)
        routes.append((method, pattern))
    }

    /// Finds the handler for a request path (percent-encoded, without query).
    /// `HEAD` falls back to `GET` (RFC 9110 §9.3.2).
    public func match(_ method: HTTPMethod, path: Substring) -> RouteMatch<Handler> {
        guard path.first == "/" else { return .notFound }
        var parameters = RouteParameters()
        let found = path.utf8.withContiguousStorageIfAvailable { bytes in
            tree.find(PathCursor(bytes), parameters: &parameters)
        } ?? {
            var copy = String(path)
            return copy.withUTF8 { tree.find(PathCursor($0), parameters: &parameters) }
        }()
        guard let node = found else { return .notFound }
        if let index = node.handler(for: method) ?? (method == .head ? node.handler(for: .get) : nil) {
            let entry = entries[index]
            return .found(entry.handler, parameters, pattern: entry.pattern)
        }
        guard let any = node.handlers.first else { return .notFound }
        return .methodNotAllowed(allowed: node.allowedMethods, pattern: entries[any.index].pattern)
    }
}

/// The outcome of routing a request.
public enum RouteMatch<Handler: Sendable>: Sendable {
    case found(Handler, RouteParameters, pattern: String)
    /// The path exists but not with this method; `allowed` feeds the `Allow` header, and
    /// `pattern` names the path as its routes do (for metrics, like a found route's).
    case methodNotAllowed(allowed: [HTTPMethod], pattern: String)
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

    mutating func append(_ name: String, _ value: String) {
        values.append((name, value))
    }

    mutating func removeLast() { values.removeLast() }
}

/// One node of the routing trie while routes are added: literal children first, then one
/// parameter child, then one catch-all. `MatchNode` is its read-only form.
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
}

/// The routing trie as `match` walks it: classes, so walking it copies and counts no
/// dictionaries, and literals kept as UTF-8 bytes, compared with the request's bytes in place.
/// A node has few literal children (at most a few dozen), so a scan beats hashing a new String.
///
/// Not generic: a node names its handlers by their index in the router's list. `Router` is
/// generic and used from other modules, where its code runs unspecialised; walking a generic
/// trie there spent most of its time looking up type metadata (perf: over half of `match`).
final class MatchNode: Sendable {
    let literals: [(bytes: [UInt8], node: MatchNode)]
    let parameterName: String?
    let parameterChild: MatchNode?
    let catchAllName: String?
    let catchAllChild: MatchNode?
    /// Each method's handler, as an index into the router's entries.
    let handlers: [(method: HTTPMethod, index: Int)]
    let allowedMethods: [HTTPMethod]

    /// A node with no routes.
    init() {
        literals = []
        parameterName = nil
        parameterChild = nil
        catchAllName = nil
        catchAllChild = nil
        handlers = []
        allowedMethods = []
    }

    /// `node`'s read-only form; its handlers are appended to `entries`.
    init<Handler>(_ node: RouteNode<Handler>, entries: inout [RouteNode<Handler>.Entry]) {
        literals = node.literals.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), MatchNode($0.value, entries: &entries)) }
        parameterName = node.parameterName
        parameterChild = node.parameterChild.first.map { MatchNode($0, entries: &entries) }
        catchAllName = node.catchAllName
        catchAllChild = node.catchAllChild.first.map { MatchNode($0, entries: &entries) }
        var handlers: [(method: HTTPMethod, index: Int)] = []
        for (method, entry) in node.handlers {
            handlers.append((method, entries.count))
            entries.append(entry)
        }
        self.handlers = handlers
        allowedMethods = node.allowedMethods
    }

    /// The index of `method`'s handler here, if any.
    func handler(for method: HTTPMethod) -> Int? {
        for handler in handlers where handler.method == method { return handler.index }
        return nil
    }

    /// Literal segments win over parameters, parameters over a catch-all; backtracks if a branch
    /// dead-ends, including at a node that is only a prefix of longer routes (`/01/{gtin}/10`).
    func find(_ path: PathCursor, parameters: inout RouteParameters) -> MatchNode? {
        guard let (segment, rest) = path.split() else { return handlers.isEmpty ? nil : self }
        // A segment with a malformed escape matches no literal and no `{name}`; only a catch-all,
        // which gets the text as sent, can take it.
        if segment.hasEscapes {
            if let decoded = PercentDecoding.decodeToString(segment.text) {
                var decoded = decoded
                if let found = decoded.withUTF8({ findDecoded($0, rest, &parameters) }) { return found }
            }
        } else if let found = findDecoded(segment.bytes, rest, &parameters) {
            return found
        }
        if let name = catchAllName, let child = catchAllChild {
            parameters.append(name, path.remainder)
            return child
        }
        return nil
    }

    private func findDecoded(_ decoded: UnsafeBufferPointer<UInt8>, _ rest: PathCursor,
                             _ parameters: inout RouteParameters) -> MatchNode? {
        for literal in literals where literal.bytes.count == decoded.count && literal.bytes.elementsEqual(decoded) {
            if let found = literal.node.find(rest, parameters: &parameters) { return found }
        }
        if let name = parameterName, let child = parameterChild, !decoded.isEmpty {
            parameters.append(name, String(decoding: decoded, as: UTF8.self))
            if let found = child.find(rest, parameters: &parameters) { return found }
            parameters.removeLast()
        }
        return nil
    }
}

/// A position in a request path's bytes: the segment starting there (up to the next `/`),
/// and the rest. `/` itself has no segments; a trailing `/` ends in an empty one.
struct PathCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where the current segment starts, or nil past the last one.
    let start: Int?

    /// The cursor at a path's first segment (`bytes` starts with `/`).
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        start = bytes.count > 1 ? 1 : nil
    }

    private init(_ bytes: UnsafeBufferPointer<UInt8>, start: Int?) {
        self.bytes = bytes
        self.start = start
    }

    struct Segment {
        let bytes: UnsafeBufferPointer<UInt8>
        var hasEscapes: Bool { bytes.contains(UInt8(ascii: "%")) }
        var text: Substring { Substring(decoding: bytes, as: UTF8.self) }
    }

    /// The segment here and the cursor after it; nil past the last segment.
    func split() -> (segment: Segment, rest: PathCursor)? {
        guard let start else { return nil }
        let end = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.count
        let rest = PathCursor(bytes, start: end < bytes.count ? end + 1 : nil)
        return (Segment(bytes: UnsafeBufferPointer(rebasing: bytes[start..<end])), rest)
    }

    /// This segment and every one after, as sent (still percent-encoded, slashes included).
    var remainder: String {
        guard let start else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)
    }
}
