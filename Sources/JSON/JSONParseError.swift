/// Why a document was rejected, and where: meant to be shown to the client in a 400 problem detail.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset of the problem in the input (the input's length for an unexpected end).
    public let offset: Int
    /// Human-readable explanation that names the line and column, e.g. "unexpected character '}' at line 1, column 14".
    public let message: String

    /// Creates an error; the parser builds the message with the location already in it.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// The message, so string interpolation and logs read naturally.
    public var description: String { message }
}

extension JSONParseError {
    /// Builds an error whose message ends with the 1-based line and column of `offset` in `bytes`.
    ///
    /// The location is computed only when an error happens, so the parser's hot loop never tracks lines.
    /// Columns count Unicode scalars, not bytes, so "Đồng" is 4 columns wide as a person sees it.
    static func at(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>, _ what: String) -> JSONParseError {
        var line = 1
        var column = 1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                // Continuation bytes (10xxxxxx) belong to the scalar already counted.
                column += 1
            }
            i += 1
        }
        return JSONParseError(offset: offset, message: "\(what) at line \(line), column \(column)")
    }
}
