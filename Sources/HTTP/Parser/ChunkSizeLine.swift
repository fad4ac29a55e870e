/// A parsed chunk-size line: `chunk-size [ chunk-ext ]` (RFC 9112 §7.1), CRLF excluded.
struct ChunkSizeLine {
    let size: Int
    /// Bytes after the size digits (extensions), counted against a per-request cap.
    let extensionBytes: Int

    /// Parses `[start, end)` of `b`.
    static func parse(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) -> ChunkSizeLine {
        // chunk-size = 1*HEXDIG. Overflow is refused, never wrapped: a wrapped size
        // would frame the body differently from any other parser on the path.
        var i = start
        var size = 0
        while i < end, let digit = ByteClass.hexValue(b[i]) {
            let (times16, o1) = size.multipliedReportingOverflow(by: 16)
            let (sum, o2) = times16.addingReportingOverflow(digit)
            if o1 || o2 { throw .badRequest("chunk size overflows") }
            size = sum
            i += 1
        }
        guard i > start else { throw .badRequest("invalid chunk size") }
        try validateExtensions(b, i, end)
        return ChunkSizeLine(size: size, extensionBytes: end - i)
    }

    /// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (RFC 9112 §7.1.1).
    /// Extensions are checked, then ignored (we define none).
    private static func validateExtensions(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) {
        var i = start
        while i < end {
            i = skipWhitespace(b, i, end)
            guard i < end, b[i] == ByteClass.semicolon else { throw .badRequest("invalid chunk extension") }
            i = skipWhitespace(b, i + 1, end)
            let nameStart = i
            i = skipToken(b, i, end)
            guard i > nameStart else { throw .badRequest("invalid chunk extension") }
            let afterName = skipWhitespace(b, i, end)
            guard afterName < end, b[afterName] == ByteClass.equals else { continue }
            i = skipWhitespace(b, afterName + 1, end)
            // chunk-ext-val = token / quoted-string
            if i < end, b[i] == ByteClass.quote {
                i = try skipQuotedString(b, i, end)
            } else {
                let valueStart = i
                i = skipToken(b, i, end)
                guard i > valueStart else { throw .badRequest("invalid chunk extension") }
            }
        }
    }

    /// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4); returns the index after it.
    private static func skipQuotedString(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) -> Int {
        var i = start + 1
        while i < end {
            let byte = b[i]
            if byte == ByteClass.quote { return i + 1 }
            if byte == ByteClass.backslash {
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                guard i + 1 < end, ByteClass.isFieldValue(b[i + 1]) else { break }
                i += 2
                continue
            }
            // qdtext: field-value bytes other than DQUOTE and "\" (handled above)
            guard ByteClass.isFieldValue(byte) else { break }
            i += 1
        }
        throw .badRequest("invalid quoted chunk extension")
    }

    @inline(__always)
    private static func skipWhitespace(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int {
        var i = start
        while i < end, ByteClass.isWhitespace(b[i]) { i += 1 }
        return i
    }

    @inline(__always)
    private static func skipToken(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int {
        var i = start
        while i < end, ByteClass.isToken(b[i]) { i += 1 }
        return i
    }
}
