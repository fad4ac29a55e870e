import JSON
import OCOP

/// Reads fields of a JSON request object, collecting every problem at once,
/// and rejects fields it was not asked about (API rule: unknown fields are 422).
public struct BodyReader {
    public let object: JSONObject
    public private(set) var errors: [FieldError] = []
    /// Sized for a whole resource's fields up front: grown one insert at a time, it was rehashed
    /// four times per body (a sixth of reading a producer).
    private var consumed = Set<String>(minimumCapacity: 32)

    public init(_ object: JSONObject) { self.object = object }

    /// A field with an error is a field we know: it is not reported again as unknown.
    public mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError(field, message))
        consumed.insert(field)
    }

    /// Adds rule errors (a domain `validate()`) for fields that have no error yet: a field already
    /// refused for its type or form is not judged again on the placeholder it was read as.
    /// Only for rules that each concern one field; a rule across fields could blame a good field
    /// for a placeholder in another.
    public mutating func failRules(_ ruleErrors: [FieldError]) {
        let failed = Set(errors.map(\.field))
        for error in ruleErrors where !failed.contains(error.field) { fail(error.field, error.message) }
    }

    /// `failRules`, except that the rules on an array in `arrays` wait while any of its elements
    /// was refused for its type: refused elements are left out of the value, so those rules
    /// would name shifted indexes.
    public mutating func failRules(_ ruleErrors: [FieldError], arrays: [String]) {
        let refused = arrays.filter { array in errors.contains { $0.field.hasPrefix(array) } }
        failRules(ruleErrors.filter { rule in !refused.contains { rule.field.hasPrefix($0) } })
    }

    /// A required string; NFC-normalised (API: text is stored as NFC). A blank one is refused
    /// here, beside any other field's mistake, rather than by a resource's rules, which some
    /// resources run only once every field is well-typed: `{"name":"","held_on":"2024-02-30"}`
    /// named only `held_on`, and the client fixing it met a second 422.
    public mutating func requiredString(_ key: String, maxLength: Int = 500) -> String? {
        consumed.insert(key)
        guard let value = object[key], !value.isNull else {
            fail(key, "is required")
            return nil
        }
        guard let text = string(key, value, maxLength: maxLength) else { return nil }
        guard !text.isBlank else {
            fail(key, "must not be empty")
            return nil
        }
        return text
    }

    /// An optional string: absent or null → nil.
    public mutating func optionalString(_ key: String, maxLength: Int = 500) -> String? {
        consumed.insert(key)
        guard let value = object[key], !value.isNull else { return nil }
        return string(key, value, maxLength: maxLength)
    }

    private mutating func string(_ key: String, _ value: JSONValue, maxLength: Int) -> String? {
        guard let text = value.stringValue else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        guard !text.hasMoreCharacters(than: maxLength) else {
            fail(key, "must be at most \(maxLength) characters")
            return nil
        }
        guard !TextNormalization.containsControlCharacters(text) else {
            fail(key, TextNormalization.controlCharactersMessage)
            return nil
        }
        return TextNormalization.nfc(text)
    }


    public mutating func requiredEnum<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E?
    where E.RawValue == String {
        consumed.insert(key)
        guard let value = object[key], !value.isNull else {
            fail(key, "is required; one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        guard let text = value.stringValue, let result = E(rawValue: text) else {
            fail(key, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return result
    }

    public mutating func optionalInt(_ key: String, in range: ClosedRange<Int64>) -> Int64? {
        consumed.insert(key)
        guard let value = object[key], !value.isNull else { return nil }
        guard let int = value.int64Value, range.contains(int) else {
            fail(key, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return int
    }

    /// An optional array of integer ids taken out of the object before reading it, at `key`:
    /// absent or null is empty; each element that is not an integer is a field error of its own.
    public mutating func ids(_ value: JSONValue?, at key: String) -> [Int64] {
        guard let value, !value.isNull else { return [] }
        guard let array = value.arrayValue else {
            fail(key, "must be an array of ids, not \(value.typeName)")
            return []
        }
        var ids: [Int64] = []
        for (i, element) in array.enumerated() {
            if let id = element.int64Value { ids.append(id) } else { fail("\(key)[\(i)]", "must be an integer id") }
        }
        return ids
    }

    /// Marks read-only fields as known: they may be sent back (GET, edit, PUT) but only unchanged.
    public mutating func readOnly(_ current: JSONObject) {
        for (key, value) in current {
            consumed.insert(key)
            if let sent = object[key], sent != value {
                fail(key, "is read-only")
            }
        }
    }

    /// Throws a 422 listing unknown fields and every field error.
    public func finish() throws(Problem) {
        var all = errors
        for key in object.keys where !consumed.contains(key) {
            all.append(FieldError(key, "is not a known field"))
        }
        if !all.isEmpty { throw Problem.validation(all) }
    }
}
