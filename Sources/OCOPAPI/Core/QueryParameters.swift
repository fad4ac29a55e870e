import HTTP
import OCOP

/// Query parameters of one request, decoded (`+` is a space, RFC 3986 escapes),
/// with the API rule that unknown or repeated parameters are an error.
public struct QueryParameters: Sendable {
    private var pairs: [(name: String, value: String)] = []

    public init(_ query: Substring?) throws(Problem) {
        guard let query, !query.isEmpty else { return }
        for part in query.splitASCII(UInt8(ascii: "&")) {
            let pieces = part.splitASCII(UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decodeToString(pieces[0], plusAsSpace: true),
                  let value = PercentDecoding.decodeToString(pieces.count > 1 ? pieces[1] : "", plusAsSpace: true) else {
                throw Problem.malformed("the query string has a malformed percent-escape or decodes to bytes that are not UTF-8")
            }
            pairs.append((name, value))
        }
    }

    public var names: [String] { pairs.map(\.name) }

    /// Every parameter in request order, repeats included.
    public var all: [(name: String, value: String)] { pairs }

    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Throws 422 for any parameter not in `allowed`, and for one given twice.
    public func check(allowed: Set<String>) throws(Problem) {
        var errors: [FieldError] = []
        var seen = Set<String>()
        for (name, _) in pairs {
            if !allowed.contains(name) {
                let known = allowed.isEmpty ? "this address takes none" : "known: " + allowed.sorted().joined(separator: ", ")
                errors.append(FieldError(name, "is not a known query parameter here; \(known)"))
            } else if !seen.insert(name).inserted {
                errors.append(FieldError(name, "is given more than once"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
    }

    /// The query string with `name` replaced (for `Link: rel="next"`), re-encoded.
    public func replacing(_ name: String, with value: String) -> String {
        var out = pairs.filter { $0.name != name }
        out.append((name, value))
        return out.map { "\(QueryParameters.encode($0.name))=\(QueryParameters.encode($0.value))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        let hex = Array("0123456789ABCDEF".utf8)
        for b in text.utf8 {
            switch b {
            case 65...90, 97...122, 48...57, 45, 46, 95, 126: out.append(b)
            default: out += [37, hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Typed readers, each adding a field error on a malformed value.

    public func int(_ name: String, in range: ClosedRange<Int64>, errors: inout [FieldError]) -> Int64? {
        guard let text = self[name] else { return nil }
        // Spelled as the number is written back (no `+`, no leading zeros), like ids in paths.
        guard let value = Int64(text), String(value) == text, range.contains(value) else {
            errors.append(FieldError(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)"))
            return nil
        }
        return value
    }

    public func oneOf<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type, errors: inout [FieldError]) -> E?
    where E.RawValue == String {
        guard let text = self[name] else { return nil }
        guard let value = E(rawValue: text) else {
            errors.append(FieldError(name, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        return value
    }

    public func text(_ name: String, maxLength: Int = 200, errors: inout [FieldError]) -> String? {
        guard let text = self[name] else { return nil }
        // Only spaces are as empty as nothing: `q=%20%20` searched for nothing and found it.
        guard !text.unicodeScalars.allSatisfy(\.properties.isWhitespace), !text.hasMoreCharacters(than: maxLength) else {
            errors.append(FieldError(name, "must be 1 to \(maxLength) characters, not only spaces"))
            return nil
        }
        return TextNormalization.nfc(text)
    }

    public func pageSize(errors: inout [FieldError]) -> PageSize {
        guard let value = int("limit", in: 1...Int64(PageSize.maximum), errors: &errors) else { return .default }
        return PageSize(Int(value)) ?? .default
    }

    public func cursor(errors: inout [FieldError]) -> Cursor? {
        guard let text = self["cursor"] else { return nil }
        guard let cursor = Cursor(encoded: text) else {
            errors.append(FieldError.badCursor)
            return nil
        }
        return cursor
    }
}
