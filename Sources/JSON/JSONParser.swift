/// A strict RFC 8259 parser that reads straight from a byte buffer with an index.
///
/// Nesting is handled by recursion bounded by `maxDepth`, so hostile input cannot overflow the stack.
/// Strings and the UTF-8 checks live in `JSONParser+Strings.swift`.
struct JSONParser {
    /// Deepest nesting of arrays and objects accepted; a public API has no use for more.
    static let maxDepth = 64
    /// Objects with more members than this switch duplicate detection from a scan to a hash set,
    /// so a body with 100 000 keys costs O(n), not O(n²).
    static let linearDuplicateScanLimit = 16

    /// The whole input; the parser never reads outside it.
    let p: UnsafeBufferPointer<UInt8>
    /// Index of the next byte to read.
    var i = 0

    /// Parses one complete document from `bytes`.
    static func parseDocument(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(p: bytes)
        do {
            return .success(try parser.document())
        } catch {
            return .failure(error)
        }
    }

    /// document = [BOM] ws value ws (RFC 8259 §2, plus the BOM skip §8.1 permits).
    mutating func document() throws(JSONParseError) -> JSONValue {
        // RFC 8259 §8.1: parsers MAY ignore a leading byte order mark; we skip it rather than reject,
        // because some Windows tools add one to every UTF-8 file they save.
        if p.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }
        skipWhitespace()
        guard i < p.count else { throw fail(i, "empty document") }
        let value = try value(depth: 0)
        skipWhitespace()
        guard i == p.count else { throw unexpected(i, after: " after the end of the JSON value") }
        return value
    }

    /// value = false / null / true / object / array / number / string (RFC 8259 §3).
    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard i < p.count else { throw fail(i, "unexpected end of input, expected a value") }
        switch p[i] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw unexpected(i, after: ", expected a value")
        }
    }

    /// array = "[" [ value *( "," value ) ] "]" (RFC 8259 §5); a trailing comma is an error.
    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw fail(i, "nesting deeper than \(Self.maxDepth)") }
        i += 1
        skipWhitespace()
        var elements: [JSONValue] = []
        if i < p.count && p[i] == UInt8(ascii: "]") {
            i += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth))
            skipWhitespace()
            guard i < p.count else { throw fail(i, "unexpected end of input, expected ',' or ']'") }
            switch p[i] {
            case UInt8(ascii: ","):
                i += 1
                skipWhitespace()
                if i < p.count && p[i] == UInt8(ascii: "]") { throw fail(i, "trailing comma before ']'") }
            case UInt8(ascii: "]"):
                i += 1
                return .array(elements)
            default:
                throw unexpected(i, after: ", expected ',' or ']'")
            }
        }
    }

    /// object = "{" [ member *( "," member ) ] "}", member = string ":" value (RFC 8259 §4).
    ///
    /// §4 says names SHOULD be unique and leaves duplicates' meaning to the implementation; we reject them
    /// because two parsers (a proxy and us) could otherwise pick different values from one body.
    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw fail(i, "nesting deeper than \(Self.maxDepth)") }
        i += 1
        skipWhitespace()
        var members: [(key: String, value: JSONValue)] = []
        if i < p.count && p[i] == UInt8(ascii: "}") {
            i += 1
            return .object(JSONObject(members))
        }
        var seen = Set<UTF8Key>()  // used only past the linear-scan limit; an empty Set does not allocate
        while true {
            guard i < p.count else { throw fail(i, "unexpected end of input, expected a string key") }
            guard p[i] == UInt8(ascii: "\"") else { throw unexpected(i, after: ", expected a string key") }
            let keyOffset = i
            let key = try string()
            if isDuplicate(key, in: members, seen: &seen) {
                throw fail(keyOffset, "duplicate key \(Self.quoted(key))")
            }
            skipWhitespace()
            guard i < p.count else { throw fail(i, "unexpected end of input, expected ':'") }
            guard p[i] == UInt8(ascii: ":") else { throw unexpected(i, after: ", expected ':' after the key") }
            i += 1
            skipWhitespace()
            members.append((key: key, value: try value(depth: depth)))
            skipWhitespace()
            guard i < p.count else { throw fail(i, "unexpected end of input, expected ',' or '}'") }
            switch p[i] {
            case UInt8(ascii: ","):
                i += 1
                skipWhitespace()
                if i < p.count && p[i] == UInt8(ascii: "}") { throw fail(i, "trailing comma before '}'") }
            case UInt8(ascii: "}"):
                i += 1
                return .object(JSONObject(members))
            default:
                throw unexpected(i, after: ", expected ',' or '}'")
            }
        }
    }

    /// True when `key` is already among `members` (byte comparison), recording it otherwise.
    private func isDuplicate(
        _ key: String, in members: [(key: String, value: JSONValue)], seen: inout Set<UTF8Key>
    ) -> Bool {
        if members.count < Self.linearDuplicateScanLimit {
            for m in members where utf8Equal(m.key, key) { return true }
            return false
        }
        if seen.isEmpty {
            seen.reserveCapacity(members.count * 2)
            for m in members { seen.insert(UTF8Key(string: m.key)) }
        }
        return !seen.insert(UTF8Key(string: key)).inserted
    }

    /// A number per RFC 8259 §6, kept as its literal text.
    mutating func number() throws(JSONParseError) -> JSONNumber {
        let start = i
        switch NumberGrammar.scan(p, from: start) {
        case .valid(let end):
            i = end
            return JSONNumber(validated: String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self))
        case .invalid(let offset, let reason):
            throw fail(offset, offset < p.count ? reason : "unexpected end of input in a number")
        }
    }

    /// Matches one of the literal names `true`, `false`, `null` (RFC 8259 §3: lowercase only).
    mutating func literal(_ name: StaticString) throws(JSONParseError) {
        let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        for b in expected {
            guard i < p.count else { throw fail(i, "unexpected end of input in '\(name)'") }
            guard p[i] == b else { throw unexpected(i, after: " in what looks like '\(name)'") }
            i += 1
        }
    }

    /// ws = *( %x20 / %x09 / %x0A / %x0D ) (RFC 8259 §2); nothing else counts as whitespace.
    @inline(__always)
    mutating func skipWhitespace() {
        while i < p.count {
            switch p[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    // MARK: - Errors

    /// An error at `offset` whose message gets the line and column appended.
    func fail(_ offset: Int, _ what: String) -> JSONParseError {
        .at(offset, in: p, what)
    }

    /// "unexpected character 'x'" (or control character / invalid UTF-8) plus context.
    func unexpected(_ offset: Int, after context: String) -> JSONParseError {
        let b = p[offset]
        if b >= 0x80 && (try? utf8SequenceEnd(at: offset)) == nil {
            return fail(offset, "invalid UTF-8")
        }
        return fail(offset, "unexpected \(describeCharacter(at: offset))\(context)")
    }

    /// Names the character at `offset` for a person: 'x', a control character's code point, or 'ồ'.
    func describeCharacter(at offset: Int) -> String {
        let b = p[offset]
        if b < 0x20 || b == 0x7F { return "control character \(Self.codePoint(UInt32(b)))" }
        if b < 0x80 { return "character '\(Character(Unicode.Scalar(b)))'" }
        let end = (try? utf8SequenceEnd(at: offset)) ?? offset + 1
        let text = String(decoding: UnsafeBufferPointer(rebasing: p[offset..<end]), as: UTF8.self)
        return "character '\(text)'"
    }

    /// "U+000A" style code point names.
    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A key quoted and escaped as JSON, cut to 60 scalars so a huge key cannot bloat an error response.
    static func quoted(_ key: String) -> String {
        let limit = 60
        let scalars = key.unicodeScalars
        var shown = key
        if scalars.count > limit {
            var cut = String.UnicodeScalarView()
            cut.append(contentsOf: scalars.prefix(limit))
            shown = String(cut) + "…"
        }
        var writer = JSONWriter(capacity: shown.utf8.count + 8)
        writer.string(shown)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
