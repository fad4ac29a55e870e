/// A JSON object whose members keep the order they were written or added in.
///
/// Keys are compared by their exact UTF-8 bytes (RFC 8259 §8.3: code unit by code unit), so an NFC and an
/// NFD spelling of the same Vietnamese word are different keys, just as they are different bytes on the wire.
/// The subscript setter keeps keys unique; assigning `members` directly makes uniqueness the caller's job.
public struct JSONObject: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// The members in order.
    public var members: [(key: String, value: JSONValue)]

    /// Creates an object from members in the given order.
    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    /// Creates an object from a literal, keeping the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.members = elements.map { (key: $0.0, value: $0.1) }
    }

    /// The value for `key`; setting replaces it in place or appends it, and setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = index(of: key) else { return nil }
            return members[i].value
        }
        set {
            let i = index(of: key)
            switch (i, newValue) {
            case let (i?, value?): members[i].value = value
            case let (i?, nil): members.remove(at: i)
            case let (nil, value?): members.append((key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// Sets each member of `other`, in its order, to what `combine` makes of the value here
    /// (nil when absent) and the value there; nil from `combine` removes the member. The same
    /// as the subscript setter called member by member, but in time linear in both sizes once
    /// they are large: a request body's object may hold a hundred thousand members, and one
    /// scan per member made merging it quadratic (tens of seconds for a 1 MB PATCH).
    public mutating func update(with other: JSONObject, _ combine: (_ here: JSONValue?, _ there: JSONValue) -> JSONValue?) {
        guard other.count * members.count > 256 || other.count > 64 else {
            for (key, value) in other { self[key] = combine(self[key], value) }
            return
        }
        var index: [UTF8Key: Int] = [:]
        index.reserveCapacity(members.count + other.count)
        for (i, member) in members.enumerated() { index[UTF8Key(string: member.key)] = i }
        var removed: [Bool] = Array(repeating: false, count: members.count)
        for (key, value) in other {
            let name = UTF8Key(string: key)
            if let i = index[name] {
                if let combined = combine(members[i].value, value) {
                    members[i].value = combined
                } else {
                    removed[i] = true
                    index[name] = nil
                }
            } else if let combined = combine(nil, value) {
                index[name] = members.count
                members.append((key: key, value: combined))
                removed.append(false)
            }
        }
        if removed.contains(true) {
            members = zip(members, removed).compactMap { $1 ? nil : $0 }
        }
    }

    /// The number of members.
    public var count: Int { members.count }

    /// Iterates the members in order.
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    /// Members equal pairwise, in order, with keys compared byte for byte.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (l, r) in zip(lhs.members, rhs.members) {
            guard utf8Equal(l.key, r.key), l.value == r.value else { return false }
        }
        return true
    }

    /// Linear search: API objects have a dozen members, where a scan beats hashing.
    private func index(of key: String) -> Int? {
        members.firstIndex { utf8Equal($0.key, key) }
    }
}

/// True when both strings hold the same UTF-8 bytes.
///
/// `String.==` compares by canonical equivalence (NFC "ồ" equals NFD "ồ"); JSON compares code points
/// (RFC 8259 §8.3), and byte-exact preservation of Vietnamese text needs the latter.
@inline(__always)
func utf8Equal(_ a: String, _ b: String) -> Bool {
    let au = a.utf8
    let bu = b.utf8
    guard au.count == bu.count else { return false }
    if let same = au.withContiguousStorageIfAvailable({ pa in
        bu.withContiguousStorageIfAvailable { pb in pa.elementsEqual(pb) }
    }), let same {
        return same
    }
    return au.elementsEqual(bu)
}

/// A string hashed and compared by its UTF-8 bytes, for duplicate-key detection in large objects.
struct UTF8Key: Hashable {
    let string: String

    static func == (lhs: UTF8Key, rhs: UTF8Key) -> Bool { utf8Equal(lhs.string, rhs.string) }

    func hash(into hasher: inout Hasher) {
        // Hasher is seeded per process, so a client cannot pick keys that all collide.
        if string.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            // Same bytes fed the same way, so equal keys hash alike whatever their storage.
            Array(string.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
        hasher.combine(string.utf8.count)
    }
}
