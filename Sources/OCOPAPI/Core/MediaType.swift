import HTTP

/// A `Content-Type` value read by its grammar (RFC 9110 §8.3.1, §5.6.6):
/// `type "/" subtype *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )`.
/// Read once, the same way for every body the server takes, so `charset=latin1` cannot hide as
/// a second parameter, behind spaces around `=`, or in a parameter merely containing "charset".
/// Spaces around `=` are read as if absent (`charset = utf-8`), as clients write them, though
/// the grammar has none there.
struct MediaType {
    /// `type/subtype`, lower-cased (both are case-insensitive).
    let essence: String
    /// Parameters in order, names lower-cased, quoted values unquoted.
    let parameters: [(name: String, value: String)]

    /// Nil when the text does not follow the grammar.
    init?(_ text: String) {
        var rest = Substring(text).trimmingOWS()
        let end = rest.firstIndex(of: ";") ?? rest.endIndex
        let essence = rest[..<end].trimmingOWS().lowercased()
        let halves = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, halves.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isTokenCharacter) }) else { return nil }
        self.essence = essence
        rest = rest[end...]
        var parameters: [(String, String)] = []
        while let semicolon = rest.first, semicolon == ";" {
            rest = rest.dropFirst().trimmingLeadingOWS()
            if rest.isEmpty || rest.first == ";" { continue }   // an empty parameter is allowed
            let name = rest.prefix(while: Self.isTokenCharacter)
            rest = rest.dropFirst(name.count).trimmingLeadingOWS()
            guard !name.isEmpty, rest.first == "=" else { return nil }
            rest = rest.dropFirst().trimmingLeadingOWS()
            let value: String
            if rest.first == "\"" {
                guard let (unquoted, after) = Self.quotedString(rest) else { return nil }
                value = unquoted
                rest = after
            } else {
                let token = rest.prefix(while: Self.isTokenCharacter)
                guard !token.isEmpty else { return nil }
                value = String(token)
                rest = rest.dropFirst(token.count)
            }
            parameters.append((name.lowercased(), value))
            rest = rest.trimmingLeadingOWS()
        }
        guard rest.isEmpty else { return nil }
        self.parameters = parameters
    }

    /// Whether every `charset` parameter names UTF-8 (none means the body's own rule: UTF-8 for JSON).
    var isUTF8: Bool {
        parameters.allSatisfy { $0.name != "charset" || $0.value.lowercased() == "utf-8" }
    }

    /// tchar (RFC 9110 §5.6.2), by the engine's own table.
    private static func isTokenCharacter(_ c: Character) -> Bool {
        c.asciiValue.map(HTTPToken.isCharacter) ?? false
    }

    /// A quoted-string at the start of `text` (RFC 9110 §5.6.4): its value and what follows.
    private static func quotedString(_ text: Substring) -> (String, Substring)? {
        var value = ""
        var rest = text.dropFirst()
        while let c = rest.first {
            rest = rest.dropFirst()
            switch c {
            case "\"": return (value, rest)
            case "\\":
                guard let escaped = rest.first else { return nil }
                value.append(escaped)
                rest = rest.dropFirst()
            default:
                guard c != "\r", c != "\n" else { return nil }
                value.append(c)
            }
        }
        return nil
    }
}

private extension Substring {
    func trimmingLeadingOWS() -> Substring { drop { $0 == " " || $0 == "\t" } }
    func trimmingOWS() -> Substring {
        var s = trimmingLeadingOWS()
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}

extension RequestContext {
    /// Refuses (415) a body whose `Content-Type` is not one of `accepted` (lower-case essences),
    /// is malformed, or names a charset other than UTF-8.
    static func requireMediaType(_ accepted: [String], _ header: String?, headers: HTTPHeaders = [:]) throws(Problem) {
        let got = header.map { MediaType($0) }
        guard let mediaType = got ?? nil else {
            let detail = header == nil ? "no Content-Type" : "a malformed Content-Type"
            throw Problem.unsupportedMediaType("send the body as \(accepted.joined(separator: " or ")); got \(detail)", headers: headers)
        }
        guard accepted.contains(mediaType.essence) else {
            throw Problem.unsupportedMediaType("send the body as \(accepted.joined(separator: " or ")); got \(mediaType.essence)", headers: headers)
        }
        guard mediaType.isUTF8 else { throw Problem.unsupportedMediaType("only charset=utf-8 is accepted", headers: headers) }
    }
}
