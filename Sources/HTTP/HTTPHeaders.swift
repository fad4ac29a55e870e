/// Header fields as an ordered list (RFC 9110 §5.3: order of same-named fields
/// matters, and duplicates must stay visible so framing checks can see them).
/// Lookup is case-insensitive on the name.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    public init() { fields = [] }

    public init(_ fields: [Element]) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }

    /// The named field's value: its lines joined with ", " in order (RFC 9110 §5.3), so two
    /// `If-None-Match` or `Accept` lines mean what one line listing both means. A field that
    /// allows one value (Authorization, Content-Type) sent twice joins into a value that no
    /// check accepts, rather than the first line silently winning.
    public subscript(name: String) -> String? {
        var combined: String?
        for field in fields where field.name.equalsIgnoringASCIICase(name) {
            combined = combined.map { $0 + ", " + field.value } ?? field.value
        }
        return combined
    }

    /// Every value of the named field, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { $0.name.equalsIgnoringASCIICase(name) ? $0.value : nil }
    }

    public func contains(_ name: String) -> Bool { fields.contains { $0.name.equalsIgnoringASCIICase(name) } }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field of this name with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// Comma-separated list members of every field of this name, trimmed and
    /// lower-cased (for tokens such as `Connection` or `Transfer-Encoding`).
    public func tokens(_ name: String) -> [String] {
        values(name).flatMap { value in
            value.split(separator: ",").map {
                $0.trimmingASCIIWhitespace().lowercasedASCII()
            }
        }.filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    /// ASCII case-insensitive comparison: header names are ASCII tokens, and
    /// Foundation's locale-aware comparison is both slower and wrong for them.
    public func equalsIgnoringASCIICase<S: StringProtocol>(_ other: S) -> Bool {
        let a = self.utf8, b = other.utf8
        guard a.count == b.count else { return false }
        var i = a.startIndex, j = b.startIndex
        while i != a.endIndex {
            var x = a[i], y = b[j]
            if x >= 65 && x <= 90 { x += 32 }
            if y >= 65 && y <= 90 { y += 32 }
            if x != y { return false }
            i = a.index(after: i)
            j = b.index(after: j)
        }
        return true
    }

    /// Lower-cases ASCII letters only.
    public func lowercasedASCII() -> String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// Trims spaces and horizontal tabs (HTTP's OWS, RFC 9110 §5.6.3).
    public func trimmingASCIIWhitespace() -> String {
        let bytes = Array(utf8)
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
