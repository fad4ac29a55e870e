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
    ///
    /// By index: `for field in fields` copied each field, retaining its name and value, to
    /// compare the name alone.
    public subscript(name: String) -> String? {
        var combined: String?
        for i in fields.indices where fields[i].name.equalsIgnoringASCIICase(name) {
            let value = fields[i].value
            combined = combined.map { $0 + ", " + value } ?? value
        }
        return combined
    }

    /// Every value of the named field, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { $0.name.equalsIgnoringASCIICase(name) ? $0.value : nil }
    }

    public func contains(_ name: String) -> Bool {
        for i in fields.indices where fields[i].name.equalsIgnoringASCIICase(name) { return true }
        return false
    }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(_ name: String, _ value: String) {
        // A response gathers its fields one by one (type, tag, request id, CORS): room for a
        // few at the first append saves growing the list from one to two to four.
        if fields.count == fields.capacity { fields.reserveCapacity(Swift.max(6, fields.count * 2)) }
        fields.append((name: name, value: value))
    }

    /// Adds `member` to the list field `name` (`Vary`) on the line already there, if any, and not
    /// again when it is listed. Two lines mean what one listing both means (RFC 9110 §5.3), but a
    /// client or cache that keeps fields in a map keeps only one of them.
    public mutating func addToList(_ name: String, _ member: String) {
        guard let i = fields.firstIndex(where: { $0.name.equalsIgnoringASCIICase(name) }) else {
            return add(name, member)
        }
        if tokens(name).contains(member.lowercasedASCII()) { return }
        fields[i].value += ", " + member
    }

    /// Replaces every field of this name with one.
    public mutating func set(_ name: String, _ value: String) {
        // Usually the name is new: looking first spares `removeAll` its copy-on-write check
        // and pass over the list.
        if contains(name) { remove(name) }
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// Comma-separated list members of every field of this name, trimmed and
    /// lower-cased (for tokens such as `Connection` or `Transfer-Encoding`).
    public func tokens(_ name: String) -> [String] {
        values(name).flatMap { value in
            value.splitASCII(UInt8(ascii: ",")).map {
                $0.trimmingASCIIWhitespace().lowercasedASCII()
            }
        }.filter { !$0.isEmpty }
    }
}

// Inlinable so that callers in other modules get code specialised for String and Substring:
// unspecialised, every byte of a header went through protocol witnesses (a `lowercasedASCII()`
// of "application/json" cost 5,600 instructions).
extension StringProtocol {
    /// ASCII case-insensitive comparison: header names are ASCII tokens, and
    /// Foundation's locale-aware comparison is both slower and wrong for them.
    @inlinable
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

    /// ASCII lower-casing (header tokens are case-insensitive ASCII).
    @inlinable
    public func lowercasedASCII() -> String {
        // Most values arrive lower-case already ("application/json"): no byte copy for those.
        guard utf8.contains(where: { $0 >= 65 && $0 <= 90 }) else { return String(self) }
        return String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// Trims spaces and horizontal tabs (HTTP's OWS, RFC 9110 §5.6.3).
    @inlinable
    public func trimmingASCIIWhitespace() -> String {
        // Forward only (StringProtocol's UTF8View is a plain Collection): `end` follows the
        // last byte that is not OWS.
        let bytes = utf8
        var start = bytes.startIndex
        while start != bytes.endIndex, bytes[start] == 32 || bytes[start] == 9 { start = bytes.index(after: start) }
        var end = start, i = start
        while i != bytes.endIndex {
            let byte = bytes[i]
            i = bytes.index(after: i)
            if byte != 32 && byte != 9 { end = i }
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

extension Substring {
    /// The pieces between occurrences of the ASCII byte `separator`, as `split` gives them.
    /// HTTP's delimiters (`,` `;` `=` `&` and the space after an auth scheme) are bytes;
    /// splitting by `Character` ran grapheme breaking over the whole field (7,000 instructions
    /// for one `Content-Type`), and a delimiter followed by a combining mark was not one.
    @inlinable
    public func splitASCII(_ separator: UInt8, maxSplits: Int = .max,
                           omittingEmptySubsequences: Bool = true) -> [Substring] {
        utf8.split(separator: separator, maxSplits: maxSplits, omittingEmptySubsequences: omittingEmptySubsequences)
            .map { Substring($0) }
    }
}

extension String {
    /// `Substring.splitASCII` over the whole string.
    @inlinable
    public func splitASCII(_ separator: UInt8, maxSplits: Int = .max,
                           omittingEmptySubsequences: Bool = true) -> [Substring] {
        self[...].splitASCII(separator, maxSplits: maxSplits, omittingEmptySubsequences: omittingEmptySubsequences)
    }
}
