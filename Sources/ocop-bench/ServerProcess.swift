#if canImport(Glibc)
import Glibc
#endif
// CLinux includes <sys/socket.h>; the socket constants are visible through it.
import CLinux

/// The server under test, run as a child process with its output in a log file.
/// The suite owns it: started once, stopped with SIGTERM (then SIGKILL if it hangs).
final class ServerProcess {
    /// The child's process id.
    let pid: pid_t
    /// Where the child's stdout and stderr go.
    let logPath: String
    private var exited = false

    /// Spawns `executable` with `arguments`, the current environment plus `environment`,
    /// stdin from /dev/null and stdout+stderr to `logPath`.
    init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws(BenchError) {
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var env: [String] = []
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let entry = cursor?.pointee {
            let text = String(cString: entry)
            let name = text.prefix { $0 != "=" }
            if environment[String(name)] == nil { env.append(text) }
            cursor = cursor?.advanced(by: 1)
        }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { env.append("\(name)=\(value)") }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        // The child must not inherit our blocked shutdown signals (it would ignore
        // SIGTERM) nor our ignored SIGPIPE: it starts with the defaults.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child = pid_t()
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    deinit { stop() }

    /// Whether the child is still alive (reaps it if it exited).
    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        if rc == pid || (rc < 0 && errno == ECHILD) { exited = true }
        return !exited
    }

    /// Polls GET `url` until it answers 200, the child dies, or `timeout` passes.
    func waitUntilReady(url: String, timeout: Double, interrupt: Interrupt? = nil) throws(BenchError) {
        let endpoint = try Endpoint(url: url)
        let request = try RequestTemplate(method: "GET", target: endpoint.target, host: endpoint.hostHeader,
                                          headers: [], body: nil)
        let start = MonotonicClock.now()
        while Double(MonotonicClock.now() &- start) / 1e9 < timeout {
            if interrupt?.raised == true { throw BenchError("interrupted while waiting for the server") }
            guard isRunning else {
                throw BenchError("the server exited during start-up; its log ends with:\n\(logTail())")
            }
            // A one-request "load" reuses the generator's HTTP client, timeouts included.
            let probe = LoadGenerator.run(LoadConfig(endpoint: endpoint, requests: [request], connections: 1,
                                                     threads: 1, duration: 1, requestLimit: 1, timeout: 1))
            if probe.stats.statusCounts[200] == 1 { return }
            usleep(100_000)
        }
        throw BenchError("\(url) did not answer 200 within \(Int(timeout)) s; server log ends with:\n\(logTail())")
    }

    /// Sends SIGTERM and waits up to `grace` seconds, then SIGKILL. Idempotent.
    func stop(grace: Double = 10) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let start = MonotonicClock.now()
        while Double(MonotonicClock.now() &- start) / 1e9 < grace {
            if !isRunning { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        exited = true
    }

    /// The last lines of the server's log, for error messages.
    func logTail(lines: Int = 20) -> String {
        guard let text = try? Files.readText(logPath) else { return "(no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// A TCP port that was free a moment ago: bind port 0 on loopback, read it, close.
    /// (Racy in principle; harmless on a bench machine.)
    static func freePort() throws(BenchError) -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(Files.errnoText())") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw BenchError("bind: \(Files.errnoText())") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw BenchError("getsockname: \(Files.errnoText())") }
        return UInt16(bigEndian: address.sin_port)
    }
}
