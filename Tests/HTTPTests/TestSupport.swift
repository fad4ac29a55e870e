import Dispatch
import Glibc
import Synchronization
@testable import HTTP

/// Why a test client operation failed.
enum TestClientError: Error, Equatable {
    case timedOut
    case closedEarly
    case malformed(String)
    case syscall(String, Int32)
}

/// A response as the test client read it off the wire.
struct TestResponse {
    var status: Int
    var reason: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of a header, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// How many times a header occurs.
    func count(_ name: String) -> Int {
        headers.filter { $0.name.lowercased() == name.lowercased() }.count
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A tiny blocking HTTP/1.1 client on a raw socket. Every read and write has
/// a kernel timeout (SO_RCVTIMEO/SO_SNDTIMEO), so a test can never hang.
final class TestClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeout: Duration = .seconds(5)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestClientError.syscall("socket", errno) }
        let (seconds, attoseconds) = timeout.components
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            // No close here: the throw runs `deinit`, which closes it (closing it twice could
            // close another test's socket opened under the same number in between).
            throw TestClientError.syscall("connect", errno)
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw errno == EAGAIN ? TestClientError.timedOut : TestClientError.syscall("send", errno)
            }
            offset += n
        }
    }

    /// Reads more bytes into the buffer; false at end of input.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw TestClientError.timedOut }
            if errno == ECONNRESET { return false }
            throw TestClientError.syscall("recv", errno)
        }
    }

    private func takeLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<i])
                buffer.removeFirst(i + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else { throw TestClientError.closedEarly }
        }
    }

    /// Reads one response; a response to HEAD (`head: true`), 1xx, 204 or 304 has no body.
    func readResponse(head: Bool = false) throws -> TestResponse {
        let statusLine = try takeLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
            throw TestClientError.malformed(statusLine)
        }
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try takeLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw TestClientError.malformed(line) }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            headers.append((String(line[..<colon]), String(value)))
        }
        var response = TestResponse(status: status, reason: parts.count > 2 ? String(parts[2]) : "",
                                    headers: headers, body: [])
        if head || status < 200 || status == 204 || status == 304 { return response }
        guard let length = response.header("Content-Length").flatMap({ Int($0) }) else {
            throw TestClientError.malformed("no Content-Length")
        }
        while buffer.count < length {
            guard try fill() else { throw TestClientError.closedEarly }
        }
        response.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return response
    }

    /// True when the server closes (EOF or reset) before `timeout`, with no bytes left unread.
    func isClosedByPeer() -> Bool {
        do { return try !fill() && buffer.isEmpty } catch { return false }
    }

    /// Bytes received and not yet consumed.
    var unread: Int { buffer.count }

    func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Closes with SO_LINGER 0, so the kernel sends a reset instead of a FIN.
    func reset() {
        var lingering = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &lingering, socklen_t(MemoryLayout<linger>.size))
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }
}

/// A responder made of a closure.
struct ClosureResponder: HTTPResponder {
    let body: @Sendable (HTTPRequest, ConnectionInfo, Reply) -> Void

    init(_ body: @escaping @Sendable (HTTPRequest, ConnectionInfo, Reply) -> Void) {
        self.body = body
    }

    func respond(to request: HTTPRequest, connection: ConnectionInfo, reply: Reply) {
        body(request, connection, reply)
    }

    /// Answers `<METHOD> <target> <body>` as text at once.
    static let echo = ClosureResponder { request, _, done in
        done(.text(.ok, "\(request.method) \(request.target) \(String(decoding: request.body, as: UTF8.self))"))
    }
}

/// A server on 127.0.0.1 with an ephemeral port, shut down when `body` ends.
func withServer(_ responder: some HTTPResponder, loops: Int = 2,
                configure: (inout ServerConfiguration) -> Void = { _ in },
                _ body: (HTTPServer, Int) throws -> Void) throws {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.eventLoops = loops
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, responder: responder)
    let port = try server.start()
    defer { server.shutdown(drainTimeout: .milliseconds(200)) }
    try body(server, port)
}

/// Runs `body` after `delay` on a fresh serial queue: Dispatch's global
/// queues are capped at the core count, and other tests may be blocking them.
func runLater(_ delay: Duration, _ body: @escaping @Sendable () -> Void) {
    let (seconds, attoseconds) = delay.components
    let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    DispatchQueue(label: "test-later").asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: body)
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func eventually(_ timeout: Duration = .seconds(2), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        sleepFor(.milliseconds(10))
    }
    return true
}

/// Sleeps the calling (test) thread.
func sleepFor(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}

/// A value set once from any thread (test bookkeeping).
final class TestBox<T: Sendable>: Sendable {
    private let value: Mutex<T>
    init(_ value: T) { self.value = Mutex(value) }
    func set(_ v: T) { value.withLock { $0 = v } }
    func get() -> T { value.withLock { $0 } }
    func update(_ f: (inout T) -> Void) { value.withLock { f(&$0) } }
}
