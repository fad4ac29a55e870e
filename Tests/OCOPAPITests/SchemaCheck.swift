import Foundation
import JSON

/// Checks a JSON value against a schema of our OpenAPI document (JSON Schema 2020-12, the parts the
/// document uses), the way a contract tester checks responses: every mismatch, by JSON pointer.
struct SchemaCheck {
    /// `components.schemas`, for `$ref`.
    let components: JSONObject

    init(document: JSONValue) {
        components = document["components"]?["schemas"]?.objectValue ?? [:]
    }

    /// What in `response`'s body breaks the schema `operation` documents for its status (or its
    /// `default`) and media type; a status or media type the operation does not document is
    /// itself a violation. An answer without a body (204, HEAD) has nothing to break.
    func violations(of response: WireResponse, documentedBy operation: JSONValue) -> [String] {
        guard !response.body.isEmpty else { return [] }
        let documented = operation["responses"]?[String(response.status)] ?? operation["responses"]?["default"]
        let media = response.header("Content-Type")?.split(separator: ";").first.map(String.init) ?? ""
        guard let schema = documented?["content"]?[media]?["schema"] else {
            return ["\(response.status) \(media) is not documented"]
        }
        guard media.hasSuffix("json") else { return [] }   // CSV and text bodies have a string schema
        guard let body = try? response.json else { return ["the \(media) body is not JSON"] }
        return violations(of: body, against: schema)
    }

    /// What in `value` (at `pointer`) breaks `schema`; empty when nothing does.
    func violations(of value: JSONValue, against schema: JSONValue, at pointer: String = "") -> [String] {
        guard let rules = schema.objectValue else { return [] }   // `true`: anything
        if let reference = rules["$ref"]?.stringValue {
            let name = String(reference.split(separator: "/").last ?? "")
            guard let target = components[name] else { return ["\(pointer): unknown $ref \(reference)"] }
            return violations(of: value, against: target, at: pointer)
        }
        var found: [String] = []
        if let types = rules["type"], !matches(value, types) {
            return ["\(pointer): \(describe(value)) is not of type \(types.serializedString())"]
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(value) {
            found.append("\(pointer): \(describe(value)) is not one of \(rules["enum"]!.serializedString())")
        }
        if let constant = rules["const"], constant != value {
            found.append("\(pointer): \(describe(value)) is not \(constant.serializedString())")
        }
        found += stringViolations(value, rules, pointer)
        found += numberViolations(value, rules, pointer)
        found += arrayViolations(value, rules, pointer)
        found += objectViolations(value, rules, pointer)
        found += combinationViolations(value, rules, pointer)
        return found
    }

    private func matches(_ value: JSONValue, _ types: JSONValue) -> Bool {
        let names = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue].compactMap { $0 }
        return names.contains { name in
            switch (name, value) {
            case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
            case ("number", .number): true
            case ("integer", .number(let number)): number.int64 != nil
            default: false
            }
        }
    }

    private func stringViolations(_ value: JSONValue, _ rules: JSONObject, _ pointer: String) -> [String] {
        guard case .string(let text) = value else { return [] }
        var found: [String] = []
        let length = text.unicodeScalars.count   // JSON Schema counts code points
        if let most = rules["maxLength"]?.int64Value, length > most { found.append("\(pointer): longer than \(most)") }
        if let least = rules["minLength"]?.int64Value, length < least { found.append("\(pointer): shorter than \(least)") }
        if let pattern = rules["pattern"]?.stringValue, text.range(of: pattern, options: .regularExpression) == nil {
            found.append("\(pointer): \(describe(value)) does not match \(pattern)")
        }
        switch rules["format"]?.stringValue {
        case "date" where text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil,
             "date-time" where text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#,
                                          options: .regularExpression) == nil,
             "uuid" where UUID(uuidString: text) == nil:
            found.append("\(pointer): \(describe(value)) is not a \(rules["format"]!.stringValue!)")
        default:
            break
        }
        return found
    }

    private func numberViolations(_ value: JSONValue, _ rules: JSONObject, _ pointer: String) -> [String] {
        guard case .number(let number) = value, let double = number.double else { return [] }
        var found: [String] = []
        if let least = rules["minimum"].flatMap(number(of:)), double < least { found.append("\(pointer): \(number.text) < \(least)") }
        if let most = rules["maximum"].flatMap(number(of:)), double > most { found.append("\(pointer): \(number.text) > \(most)") }
        return found
    }

    private func number(of value: JSONValue) -> Double? {
        if case .number(let number) = value { return number.double }
        return nil
    }

    private func arrayViolations(_ value: JSONValue, _ rules: JSONObject, _ pointer: String) -> [String] {
        guard case .array(let elements) = value else { return [] }
        var found: [String] = []
        if let most = rules["maxItems"]?.int64Value, elements.count > most { found.append("\(pointer): more than \(most) items") }
        if let least = rules["minItems"]?.int64Value, elements.count < least { found.append("\(pointer): fewer than \(least) items") }
        if rules["uniqueItems"] == .bool(true) {
            for (index, element) in elements.enumerated() where elements[..<index].contains(element) {
                found.append("\(pointer)/\(index): repeats an earlier item")
            }
        }
        if let items = rules["items"] {
            for (index, element) in elements.enumerated() {
                found += violations(of: element, against: items, at: "\(pointer)/\(index)")
            }
        }
        return found
    }

    private func objectViolations(_ value: JSONValue, _ rules: JSONObject, _ pointer: String) -> [String] {
        guard case .object(let object) = value else { return [] }
        var found: [String] = []
        let properties = rules["properties"]?.objectValue ?? [:]
        for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
            found.append("\(pointer): lacks required \(name)")
        }
        for (name, member) in object.members {
            if let property = properties[name] {
                found += violations(of: member, against: property, at: "\(pointer)/\(name)")
            } else if let extra = rules["additionalProperties"] {
                if extra == .bool(false) {
                    found.append("\(pointer): \(name) is not in the schema")
                } else {
                    found += violations(of: member, against: extra, at: "\(pointer)/\(name)")
                }
            }
        }
        return found
    }

    private func combinationViolations(_ value: JSONValue, _ rules: JSONObject, _ pointer: String) -> [String] {
        var found: [String] = []
        for part in rules["allOf"]?.arrayValue ?? [] {
            found += violations(of: value, against: part, at: pointer)
        }
        if let options = rules["anyOf"]?.arrayValue,
           !options.contains(where: { violations(of: value, against: $0, at: pointer).isEmpty }) {
            found.append("\(pointer): \(describe(value)) matches none of anyOf")
        }
        if let options = rules["oneOf"]?.arrayValue {
            let passing = options.filter { violations(of: value, against: $0, at: pointer).isEmpty }.count
            if passing != 1 { found.append("\(pointer): \(describe(value)) matches \(passing) of oneOf, not one") }
        }
        if let excluded = rules["not"], violations(of: value, against: excluded, at: pointer).isEmpty {
            found.append("\(pointer): \(describe(value)) matches what `not` excludes")
        }
        if let condition = rules["if"] {
            let branch = violations(of: value, against: condition, at: pointer).isEmpty ? rules["then"] : rules["else"]
            if let branch { found += violations(of: value, against: branch, at: pointer) }
        }
        return found
    }

    private func describe(_ value: JSONValue) -> String {
        String(value.serializedString().prefix(80))
    }
}

import Testing

/// The checker itself: it must find what a contract tester would, or the conformance tests
/// that use it could not fail.
@Suite struct SchemaCheckTests {
    private let check: SchemaCheck
    private let item: JSONValue

    init() throws {
        check = SchemaCheck(document: try JSONValue.parse(#"""
            {"components":{"schemas":{"Item":{"type":"object","additionalProperties":false,"required":["id","kind"],
              "properties":{"id":{"type":"integer","minimum":1},"kind":{"type":"string","enum":["a","b"]},
              "note":{"type":["string","null"],"maxLength":3},"on":{"type":"string","format":"date"},
              "tags":{"type":"array","items":{"type":"string","pattern":"^[a-z]+$"},"uniqueItems":true}}}}}}
            """#))
        item = try JSONValue.parse(##"{"$ref":"#/components/schemas/Item"}"##)
    }

    private func problems(_ json: String) throws -> [String] {
        check.violations(of: try JSONValue.parse(json), against: item)
    }

    @Test func aConformingValuePasses() throws {
        #expect(try problems(#"{"id":1,"kind":"a","note":null,"on":"2026-11-30","tags":["x","y"]}"#).isEmpty)
    }

    @Test func eachBrokenRuleIsFound() throws {
        #expect(try problems(#"{"kind":"a"}"#) == [": lacks required id"])
        #expect(try problems(#"{"id":1,"kind":"a","extra":true}"#) == [": extra is not in the schema"])
        #expect(try problems(#"{"id":1.5,"kind":"a"}"#).count == 1)
        #expect(try problems(#"{"id":0,"kind":"a"}"#).count == 1)
        #expect(try problems(#"{"id":1,"kind":"c"}"#).count == 1)
        #expect(try problems(#"{"id":1,"kind":"a","note":"long"}"#) == ["/note: longer than 3"])
        #expect(try problems(#"{"id":1,"kind":"a","on":"30/11/2026"}"#).count == 1)
        #expect(try problems(#"{"id":1,"kind":"a","tags":["x","x","Y"]}"#).count == 2)
        #expect(try problems(#"[]"#).count == 1)
    }
}
