/// Body states of the parser: a Content-Length body, and chunked framing (RFC 9112 §7.1).
extension RequestParser {
    /// Reads up to `remaining` bytes of a Content-Length body (RFC 9112 §6.2).
    mutating func readFixedBody(_ b: UnsafeRawBufferPointer, _ index: inout Int,
                                _ request: HTTPRequest, _ remaining: Int) -> Step {
        let taken = appendBody(b, &index, upTo: remaining)
        if taken == remaining { return .request(complete(request)) }
        state = .fixedBody(request, remaining: remaining - taken)
        return .needMore
    }

    /// Reads `chunk-size [ chunk-ext ] CRLF`; a size of zero is the last-chunk.
    mutating func readChunkSize(_ b: UnsafeRawBufferPointer, _ index: inout Int,
                                _ request: HTTPRequest) throws(HTTPParseError) -> Step {
        guard let end = try findLine(b, from: index, limit: Self.maxChunkExtensionBytes, .chunkSize) else {
            return .needMore
        }
        let line = try ChunkSizeLine.parse(b, index, end)
        index = end + 2
        extensionBytes += line.extensionBytes
        if extensionBytes > Self.maxChunkExtensionBytes { throw .badRequest("chunk extensions too long") }
        if line.size == 0 {
            state = .trailers(request)
            return .proceed
        }
        // Refused on the declared size, before its data is read: the decoded body may
        // not exceed the limit (RFC 9110 §15.5.14).
        if line.size > limits.maxBodyBytes - body.count {
            throw .contentTooLarge("chunked body exceeds the body limit")
        }
        state = .chunkData(request, remaining: line.size)
        return .proceed
    }

    /// Reads the data of the current chunk.
    mutating func readChunkData(_ b: UnsafeRawBufferPointer, _ index: inout Int,
                                _ request: HTTPRequest, _ remaining: Int) -> Step {
        let taken = appendBody(b, &index, upTo: remaining)
        if taken == remaining {
            state = .chunkDataEnd(request)
            return .proceed
        }
        state = .chunkData(request, remaining: remaining - taken)
        return .needMore
    }

    /// RFC 9112 §7.1: chunk-data is followed by exactly CRLF. Anything else means the
    /// sender framed the chunk differently from its size, so the stream cannot be trusted.
    mutating func readChunkDataEnd(_ b: UnsafeRawBufferPointer, _ index: inout Int,
                                   _ request: HTTPRequest) throws(HTTPParseError) -> Step {
        let available = b.count - index
        if available == 0 { return .needMore }
        guard b[index] == ByteClass.cr else { throw .badRequest("chunk data not followed by CRLF") }
        if available == 1 { return .needMore }
        guard b[index + 1] == ByteClass.lf else { throw .badRequest("chunk data not followed by CRLF") }
        index += 2
        state = .chunkSize(request)
        return .proceed
    }

    /// Reads one trailer line, or the empty line that ends the message (RFC 9112 §7.1.2).
    /// Trailers are validated like header fields and count against the same limits,
    /// then discarded: nothing here needs them, and merging them into the headers
    /// would let a trailer override a field that was checked in the head.
    mutating func readTrailer(_ b: UnsafeRawBufferPointer, _ index: inout Int,
                              _ request: HTTPRequest) throws(HTTPParseError) -> Step {
        guard let end = try findLine(b, from: index, limit: headerBudget, .field) else { return .needMore }
        let start = index
        index = end + 2
        headerBytes += end - start + 2
        if start == end { return .request(complete(request)) }
        try parseField(b, start, end, version: request.version, keep: false)
        return .proceed
    }

    /// Appends up to `limit` available bytes from `index` to the body; returns how many.
    private mutating func appendBody(_ b: UnsafeRawBufferPointer, _ index: inout Int, upTo limit: Int) -> Int {
        let taken = min(limit, b.count - index)
        guard taken > 0 else { return 0 }
        body.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[index..<index + taken]))
        index += taken
        return taken
    }
}
