/// Limits the parser and connections enforce. Every one has a safe default;
/// the application overrides them from configuration.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line in bytes, CRLF excluded (over it: 414).
    public var maxRequestLineBytes: Int = 8 * 1024
    /// Most bytes of header section, request line excluded (over it: 431).
    public var maxHeaderBytes: Int = 32 * 1024
    /// Most header fields (over it: 431).
    public var maxHeaderCount: Int = 100
    /// Largest body after de-chunking (over it: 413).
    public var maxBodyBytes: Int = 1024 * 1024

    public init() {}

    public init(maxRequestLineBytes: Int, maxHeaderBytes: Int, maxHeaderCount: Int, maxBodyBytes: Int) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}
