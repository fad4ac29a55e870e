import CLinux
import Glibc
import Synchronization

/// An HTTP/1.1 server on raw non-blocking sockets: `eventLoops` epoll loops,
/// each on its own thread with its own SO_REUSEPORT listener, serving
/// connections with keep-alive, pipelining and the configured limits.
public final class HTTPServer: Sendable {
    private enum State: Sendable {
        case idle
        case running(workers: [ServerWorker], port: Int)
        case stopping(port: Int)
        case stopped
    }

    private let configuration: ServerConfiguration
    private let responder: any HTTPResponder
    private let counters = ServerCounters()
    private let state = Mutex<State>(.idle)

    /// A server that will answer every request with `responder` once started.
    public init(configuration: ServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
    }

    /// Binds, listens and starts the loops; returns the bound port (useful with port 0). Throws SocketError naming the call and errno.
    /// Throws as `start` would when something already listens on `host:port` (port 0 never
    /// conflicts), so a process can find out before it does anything else (opening a database).
    /// `start` checks again: the port may be taken in between.
    public static func checkPortUnused(host: String, port: Int) throws {
        guard port != 0 else { return }
        try Socket.checkUnused(try SocketAddress(host: host, port: port))
    }

    public func start() throws -> Int {
        try state.withLock { state throws(SocketError) -> Int in
            guard case .idle = state else { throw SocketError(call: "HTTPServer.start", errno: EALREADY) }
            let (workers, port) = try launch()
            state = .running(workers: workers, port: port)
            return port
        }
    }

    /// Graceful: stop accepting, close idle connections, let in-flight requests finish and their responses be written (with `Connection: close`), then close the rest when `drainTimeout` passes. Returns when all loops stopped. Idempotent. Must not be called on one of the server's own loop threads.
    public func shutdown(drainTimeout: Duration) {
        let workers: [ServerWorker] = state.withLock { state in
            switch state {
            case .idle:
                state = .stopped
                return []
            case .running(let workers, let port):
                state = .stopping(port: port)
                return workers
            case .stopping, .stopped:
                return []
            }
        }
        guard !workers.isEmpty else { return }
        let deadline = MonotonicInstant.now + drainTimeout
        for worker in workers {
            worker.loop.execute { worker.beginDrain(until: deadline) }
        }
        for worker in workers { worker.loop.join() }
        state.withLock { $0 = .stopped }
    }

    /// Connections currently open (for /metrics).
    public var openConnections: Int { counters.open.load(ordering: .relaxed) }
    /// Body bytes counted in the budget for large bodies being read (`BodyBudget`).
    public var largeBodyBytesHeld: Int { counters.largeBodies.load(ordering: .relaxed) }

    /// The bound port while running, nil before start and after shutdown.
    public var port: Int? {
        state.withLock { state in
            switch state {
            case .running(_, let port), .stopping(let port): return port
            case .idle, .stopped: return nil
            }
        }
    }

    /// Opens one listener per loop on the same port, then starts the loops.
    /// On any failure everything opened so far is closed again.
    private func launch() throws(SocketError) -> ([ServerWorker], Int) {
        // A peer that vanishes mid-write must yield EPIPE, not kill the process.
        clinux_ignore_sigpipe()
        let address = try SocketAddress(host: configuration.host, port: configuration.port)
        let loopCount = min(max(1, configuration.eventLoops), 256)
        var listeners: [Int32] = []
        var workers: [ServerWorker] = []
        do throws(SocketError) {
            if configuration.port != 0 { try Socket.checkUnused(address) }
            let first = try Socket.listen(on: address, backlog: 4096)
            listeners.append(first)
            // With port 0 the first bind picks the port; the others share it.
            let port = try Socket.boundPort(first)
            let shared = address.with(port: port)
            for _ in 1..<loopCount { listeners.append(try Socket.listen(on: shared, backlog: 4096)) }
            for (index, listener) in listeners.enumerated() {
                let loop = try EventLoop(name: "http-loop-\(index)")
                workers.append(try ServerWorker(index: index, listener: listener, loop: loop,
                                                configuration: configuration, responder: responder,
                                                counters: counters))
            }
            let ring = workers.map { ServerWorker.Sibling(worker: $0) }
            for worker in workers { worker.ring = ring }
            var started: [ServerWorker] = []
            do throws(SocketError) {
                for worker in workers {
                    try worker.loop.start(delegate: worker, tickInterval: configuration.tickInterval)
                    started.append(worker)
                }
            } catch {
                for worker in started {
                    worker.loop.execute { worker.beginDrain(until: .now) }
                    worker.loop.join()
                }
                throw error
            }
            return (workers, port)
        } catch {
            // Workers own (and close) their listeners; close only the ones no worker took.
            for listener in listeners.dropFirst(workers.count) { Syscall.close(listener) }
            throw error
        }
    }
}
