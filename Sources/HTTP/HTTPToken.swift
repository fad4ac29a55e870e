/// The `token` of RFC 9110 §5.6.2, for code above the engine that reads a field's grammar
/// (a `Content-Type`'s type, subtype and parameter names): the same table the parser uses.
public enum HTTPToken {
    /// Whether `byte` is a tchar: "!#$%&'*+-.^_`|~", DIGIT or ALPHA.
    @inline(__always)
    public static func isCharacter(_ byte: UInt8) -> Bool { ByteClass.isToken(byte) }
}
