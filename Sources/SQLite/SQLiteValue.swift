/// A value stored in or bound to SQLite, one case per storage class (https://sqlite.org/datatype3.html).
public enum SQLiteValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLiteValue {
    /// Text, or NULL when `v` is nil.
    @inlinable public init(_ v: String?) { self = v.map { .text($0) } ?? .null }
    /// An integer, or NULL when `v` is nil.
    @inlinable public init(_ v: Int64?) { self = v.map { .integer($0) } ?? .null }
    /// An integer, or NULL when `v` is nil.
    @inlinable public init(_ v: Int?) { self = v.map { .integer(Int64($0)) } ?? .null }
    /// A real, or NULL when `v` is nil.
    @inlinable public init(_ v: Double?) { self = v.map { .real($0) } ?? .null }
    /// SQLite has no boolean type: stored as integer 0 or 1.
    @inlinable public init(_ v: Bool) { self = .integer(v ? 1 : 0) }
    /// A blob, or NULL when `v` is nil.
    @inlinable public init(_ v: [UInt8]?) { self = v.map { .blob($0) } ?? .null }

    /// True for `.null`.
    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension SQLiteValue: ExpressibleByIntegerLiteral {
    /// An integer literal binds as `.integer`.
    @inlinable public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension SQLiteValue: ExpressibleByFloatLiteral {
    /// A float literal binds as `.real`.
    @inlinable public init(floatLiteral value: Double) { self = .real(value) }
}

extension SQLiteValue: ExpressibleByBooleanLiteral {
    /// A boolean literal binds as integer 0 or 1.
    @inlinable public init(booleanLiteral value: Bool) { self = .integer(value ? 1 : 0) }
}

extension SQLiteValue: ExpressibleByStringLiteral {
    /// A string literal binds as `.text`.
    @inlinable public init(stringLiteral value: String) { self = .text(value) }
}

extension SQLiteValue: ExpressibleByNilLiteral {
    /// `nil` binds as NULL.
    @inlinable public init(nilLiteral: ()) { self = .null }
}

extension SQLiteValue: CustomStringConvertible {
    /// A short rendering for logs (blobs show their size only).
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return "'" + v + "'"
        case .blob(let v): return "<blob \(v.count) bytes>"
        }
    }
}
