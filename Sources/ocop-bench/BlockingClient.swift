#if canImport(Glibc)
import Glibc
#endif
// CLinux includes <sys/socket.h> and <netinet/tcp.h>; the socket constants come through it.
import CLinux

/// A whole response as the seeding client sees it.
struct ClientResponse {
    /// The status code.
    let status: Int
    /// The body bytes (the server always frames with Content-Length, never chunked).
    let body: [UInt8]

    /// The body as text, for error messages.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// One blocking keep-alive HTTP/1.1 connection for seeding: one request at a time, the
/// response kept whole (the load generator never stores bodies; seeding needs the ids in them).
/// Not used under load, so plain blocking calls with a receive timeout are the simplest correct thing.
final class BlockingClient {
    private let endpoint: Endpoint
    /// Seconds a single request may take (a 5,000-row import is one request).
    private let timeout: Int
    private var fd: Int32 = -1
    /// Whether the open socket has already carried a response (a stale keep-alive candidate).
    private var reused = false

    /// A client for `endpoint`; nothing connects until the first request.
    init(endpoint: Endpoint, timeout: Int = 120) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    deinit { disconnect() }

    /// Sends one request and reads its whole response.
    ///
    /// A reused connection the server closed while idle (its keep-alive timeout ran out between
    /// seeding steps) ends before any response byte; the request is then sent once more on a
    /// fresh connection. Nothing else is retried, so a POST is never applied twice by us.
    func send(_ method: String, _ target: String, headers: [(String, String)] = [],
              body: [UInt8] = []) throws(BenchError) -> ClientResponse {
        var request = Array("\(method) \(target) HTTP/1.1\r\nHost: \(endpoint.hostHeader)\r\n".utf8)
        for (name, value) in headers { request += Array("\(name): \(value)\r\n".utf8) }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            request += Array("Content-Length: \(body.count)\r\n".utf8)
        }
        request += [0x0D, 0x0A]
        request += body
        do {
            return try exchange(request, headRequest: method == "HEAD")
        } catch .staleConnection {
            disconnect()
            do { return try exchange(request, headRequest: method == "HEAD") } catch {
                throw BenchError("\(method) \(target): \(error.description)")
            }
        } catch {
            throw BenchError("\(method) \(target): \(error.description)")
        }
    }

    private enum Failure: Error {
        /// A reused connection closed before the first response byte.
        case staleConnection
        case failed(String)

        var description: String {
            switch self {
            case .staleConnection: "the server closed the connection before answering"
            case .failed(let text): text
            }
        }
    }

    private func exchange(_ request: [UInt8], headRequest: Bool) throws(Failure) -> ClientResponse {
        if fd < 0 { try connectSocket() }
        let wasReused = reused
        var offset = 0
        while offset < request.count {
            let n = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let code = errno
                let reason = Files.errnoText()
                disconnect()
                if wasReused && (code == EPIPE || code == ECONNRESET) { throw .staleConnection }
                throw .failed("send: \(reason)")
            }
            offset += n
        }
        var reader = HTTPResponseReader()
        reader.reset(headRequest: headRequest)
        var raw: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let code = errno
                let reason = code == EAGAIN || code == EWOULDBLOCK ? "no response within \(timeout) s" : Files.errnoText()
                disconnect()
                if raw.isEmpty && wasReused && code == ECONNRESET { throw .staleConnection }
                throw .failed("recv: \(reason)")
            }
            if n == 0 {
                disconnect()
                if raw.isEmpty && wasReused { throw .staleConnection }
                guard reader.finishAtEOF() else { throw .failed("the server closed the connection mid-response") }
                return try Self.split(raw, status: reader.status)
            }
            raw += chunk[0..<n]
            let progress = chunk.withUnsafeBufferPointer { reader.feed(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            switch progress {
            case .needMore:
                continue
            case .failed(let error):
                disconnect()
                throw .failed("malformed response: \(error)")
            case .complete:
                reused = true
                if !reader.keepAlive { disconnect() }
                return try Self.split(raw, status: reader.status)
            }
        }
    }

    /// Separates the body from the head (RFC 9112 §2.1: the head ends at the first empty line).
    private static func split(_ raw: [UInt8], status: Int) throws(Failure) -> ClientResponse {
        var i = 0
        while i + 3 < raw.count {
            if raw[i] == 0x0D && raw[i + 1] == 0x0A && raw[i + 2] == 0x0D && raw[i + 3] == 0x0A {
                return ClientResponse(status: status, body: Array(raw[(i + 4)...]))
            }
            i += 1
        }
        throw .failed("response without an end of head")
    }

    private func connectSocket() throws(Failure) {
        let s = socket(endpoint.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw .failed("socket: \(Files.errnoText())") }
        // Small JSON requests back to back: no Nagle delay waiting for an ACK.
        _ = clinux_setsockopt_int(s, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        // A receive timeout turns a hung server into an error instead of a hung bench.
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        _ = setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let rc = endpoint.address.withUnsafeBytes { raw in
            connect(s, raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        guard rc == 0 else {
            let reason = Files.errnoText()
            close(s)
            throw .failed("connect: \(reason)")
        }
        fd = s
        reused = false
    }

    /// Closes the socket, if open.
    func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        reused = false
    }
}
