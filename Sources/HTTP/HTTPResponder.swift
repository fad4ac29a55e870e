/// What the server knows about the connection a request came on.
public struct ConnectionInfo: Sendable {
    /// A process-unique number for the connection (for logs).
    public let id: UInt64
    /// The peer's address as text, e.g. `127.0.0.1:53122` or `[::1]:53122`.
    public let remoteAddress: String

    public init(id: UInt64, remoteAddress: String) {
        self.id = id
        self.remoteAddress = remoteAddress
    }
}

/// The one seam between transport and application. The server calls
/// `respond` on an event-loop thread, so an implementation must not block:
/// anything slow (SQLite, big JSON) is handed to a `BlockingPool`. `done` must
/// be called exactly once, from any thread; the server writes the response on
/// the connection's own loop and in request order.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, connection: ConnectionInfo,
                 done: @escaping @Sendable (HTTPResponse) -> Void)
}
