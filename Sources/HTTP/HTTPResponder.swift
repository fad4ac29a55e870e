import Synchronization

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
/// anything slow (SQLite, big JSON) is handed to a `BlockingPool`. `reply` must
/// be called exactly once, from any thread; the server writes the response on
/// the connection's own loop and in request order.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, connection: ConnectionInfo, reply: Reply)

    /// Called on the event loop when the head of a request with a body has arrived and the body has
    /// not (all) arrived yet — and for a chunked body, whose length is known only at its end, once
    /// more when what has arrived grows beyond the free share: whether to read the body, or an answer that
    /// stands whatever the body says (no such route, a method the route does not take, credentials
    /// the route needs and the head lacks, a body where the route takes none). Must not block:
    /// when the decision needs a slow look (a token in the database), return `.decideLater` and
    /// tell `later` from any thread; the server reads nothing more of the connection meanwhile.
    ///
    /// `beyondFreeShare`: the body announced (or what has come of a chunked one) is larger than
    /// `BodyBudget.freeBytes`, what every request may hold for free; reading it draws on a
    /// server-wide budget that a client the responder would refuse anyway could otherwise fill.
    ///
    /// After an answer the body is never read: the server sends it instead of `100 Continue` and
    /// closes the connection behind it (RFC 9110 §10.1.1, RFC 9112 §9.6).
    func admitBody(of head: HTTPRequest, beyondFreeShare: Bool, connection: ConnectionInfo,
                   later: BodyDecision) -> BodyAdmission
}

extension HTTPResponder {
    public func admitBody(of head: HTTPRequest, beyondFreeShare: Bool, connection: ConnectionInfo,
                          later: BodyDecision) -> BodyAdmission { .readBody }
}

/// What becomes of a request whose head arrived before its body (`HTTPResponder.admitBody`).
public enum BodyAdmission: Sendable {
    /// Read the body, then `respond` as usual.
    case readBody
    /// This answers the request; its body is never read.
    case answer(HTTPResponse)
    /// The responder tells its `BodyDecision` once it knows; the connection waits, unread.
    case decideLater
}

/// The way back for a decision `admitBody` deferred. Exactly one of its calls, once, from any
/// thread. Its result says whether the decision was taken, or came after the server gave up on
/// the request (its handler timeout, too many waiting, a closed connection), so logs and
/// metrics count what the client actually got.
public struct BodyDecision: Sendable {
    private let deliver: @Sendable (HTTPResponse?) -> Delivery

    public init(_ deliver: @escaping @Sendable (HTTPResponse?) -> Delivery) {
        self.deliver = deliver
    }

    /// Read the body, then `respond` as usual.
    @discardableResult
    public func readBody() -> Delivery { deliver(nil) }

    /// This answers the request; its body is never read.
    @discardableResult
    public func answer(_ response: HTTPResponse) -> Delivery { deliver(response) }
}

/// What became of a response handed to `Reply`.
public enum Delivery: Sendable, Equatable {
    /// Taken for writing on its connection, in request order.
    case sent
    /// Too late: the server had already answered the request itself, with a 503 (its handler
    /// timeout; for a deferred body decision also too many waiting).
    case timedOut
    /// Too late: the connection was closed first (the client left, or a shutdown's drain deadline).
    case connectionClosed
}

/// The way back for one request's response. Its result says whether the response reached the
/// connection, so logs and metrics can count what the client actually got.
public struct Reply: Sendable {
    private let deliver: @Sendable (HTTPResponse) -> Delivery

    public init(_ deliver: @escaping @Sendable (HTTPResponse) -> Delivery) {
        self.deliver = deliver
    }

    @discardableResult
    public func callAsFunction(_ response: HTTPResponse) -> Delivery { deliver(response) }
}

/// Decides, once, between the responder's answer and the server giving up on the request
/// (timeout, closed connection): whichever comes first wins, from any thread, so the server
/// never sends a 503 for a request whose response it then also takes, and the responder learns
/// which happened.
final class ReplySlot: Sendable {
    private static let waiting: UInt8 = 0, answered: UInt8 = 1, timedOut: UInt8 = 2, closed: UInt8 = 3
    private let state = Atomic<UInt8>(ReplySlot.waiting)

    /// Responder side: takes the slot for its response, or learns why it is too late.
    func answer() -> Delivery {
        let (won, found) = state.compareExchange(expected: Self.waiting, desired: Self.answered, ordering: .acquiringAndReleasing)
        if won { return .sent }
        return found == Self.timedOut ? .timedOut : .connectionClosed
    }

    /// Server side: gives up on the response unless it was already given; true when it gave up.
    func abandon(_ why: Delivery) -> Bool {
        let desired = why == .timedOut ? Self.timedOut : Self.closed
        return state.compareExchange(expected: Self.waiting, desired: desired, ordering: .acquiringAndReleasing).exchanged
    }
}
