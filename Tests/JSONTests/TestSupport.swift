@testable import JSON

/// The error `JSONValue.parse` throws for `bytes`, or nil when it parses.
func parseError(_ bytes: [UInt8]) -> JSONParseError? {
    do {
        _ = try JSONValue.parse(bytes)
        return nil
    } catch {
        return error
    }
}

/// The error `JSONValue.parse` throws for `text`, or nil when it parses.
func parseError(_ text: String) -> JSONParseError? {
    parseError(Array(text.utf8))
}

/// Compact JSON text written by `body`.
func written(_ body: (inout JSONWriter) -> Void) -> String {
    var writer = JSONWriter(capacity: 16)
    body(&writer)
    return String(decoding: writer.bytes, as: UTF8.self)
}
