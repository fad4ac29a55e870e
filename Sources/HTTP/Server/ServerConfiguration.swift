import Glibc

/// How an `HTTPServer` listens, how many loops it runs, and the limits and
/// timeouts it enforces on every connection.
public struct ServerConfiguration: Sendable {
    /// IPv4 or IPv6 literal, or "localhost"; "0.0.0.0" / "::" listen on every interface.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 asks the kernel for a free one (tests).
    public var port: Int = 8080
    /// Threads running epoll loops, one listener each.
    public var eventLoops: Int = ServerConfiguration.onlineCores
    /// Parser limits (request line, header section, body).
    public var limits: HTTPLimits = HTTPLimits()
    /// Open connections allowed; beyond it a connection gets 503 and is closed.
    public var maxConnections: Int = 10_000
    /// From the first byte of a request to the end of its head; then 408 and close.
    public var headerReadTimeout: Duration = .seconds(10)
    /// From the end of a head to the end of its body; then 408 and close.
    public var bodyReadTimeout: Duration = .seconds(30)
    /// A keep-alive connection with no request in progress is closed silently after this.
    public var idleTimeout: Duration = .seconds(60)
    /// A responder to a safe request (GET, HEAD…) that has not called `done` by then gets 503 sent
    /// for it; its late `done` is ignored. A request that may change something is waited for:
    /// a 503 sent while its change still goes ahead would invite a retry that repeats it, so
    /// the responder bounds such work itself and answers with what really happened.
    public var handlerTimeout: Duration = .seconds(30)
    /// A peer that reads none of our response for this long is disconnected.
    public var writeTimeout: Duration = .seconds(30)
    /// Renders an error the server produces itself (parse errors, timeouts, too many connections).
    /// Default: text/plain. The application passes a problem+json renderer.
    ///
    /// The third argument is the head of the request the error answers, when one was read whole
    /// and well-formed (a body over the limit, a body or handler past its timeout, a body the
    /// server had no room for): the application may decorate the answer as it does its own, e.g.
    /// with CORS, without which a browser shows its script a network error instead of the 413.
    /// Nil for a malformed head, a head not complete, or a connection refused before any request.
    public var errorRenderer: @Sendable (HTTPStatus, String, HTTPRequest?) -> HTTPResponse = { status, reason, _ in
        .text(status, reason + "\n")
    }

    /// The defaults above.
    public init() {}

    /// Processors online, at least one.
    static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// After an error response, how long input is drained before the close
    /// (lingering close, as nginx does, so the response is not lost to a reset).
    var lingerTimeout: Duration { min(.seconds(2), writeTimeout) }

    /// The per-phase timeouts for the connection state machine.
    var connectionTimeouts: ConnectionStateMachine.Timeouts {
        ConnectionStateMachine.Timeouts(header: headerReadTimeout, body: bodyReadTimeout, idle: idleTimeout,
                                        handler: handlerTimeout, write: writeTimeout, linger: lingerTimeout)
    }

    /// How often each loop scans its connections' deadlines: a quarter of the
    /// shortest timeout, between 10 ms and 250 ms, so a timeout fires at most
    /// that late while an idle loop wakes only a few times a second.
    var tickInterval: Duration {
        let shortest = [headerReadTimeout, bodyReadTimeout, idleTimeout, handlerTimeout, writeTimeout, lingerTimeout].min()
            ?? .milliseconds(250)
        return max(.milliseconds(10), min(.milliseconds(250), shortest / 4))
    }

    /// Whether `host` is something the server can listen on: an IPv4 or IPv6 address (bare or
    /// in brackets) or `localhost`. Host names are not resolved, so a typo fails at start-up.
    public static func isListenableHost(_ host: String) -> Bool {
        (try? SocketAddress(host: host, port: 0)) != nil
    }
}
