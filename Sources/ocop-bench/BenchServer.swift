/// A freshly started `ocop serve` on an empty database in its own temporary directory,
/// with a random admin token: what every suite measures against (the overview suite also
/// starts one with `--demo`). `stop()` (or deinit) stops the server and removes the directory.
final class BenchServer {
    /// The child process.
    let process: ServerProcess
    /// Where the load goes.
    let endpoint: Endpoint
    /// The admin token the server was started with.
    let token: String
    /// The server's directory (database, WAL, log).
    let directory: String
    private var stopped = false

    /// Starts `executable` (default: `ocop` beside this binary) and waits for /readyz. With
    /// `demo`, the demo data is written before the server listens, so start-up gets a minute.
    init(executable: String?, demo: Bool = false, interrupt: Interrupt?) throws(BenchError) {
        let path = executable ?? Suite.defaultServerPath()
        guard Files.isExecutable(path) else {
            throw BenchError("no server executable at \(path) (build it with `swift build -c release`, or pass --server)")
        }
        directory = try Files.makeTemporaryDirectory(prefix: "ocop-bench")
        token = Suite.randomToken()
        do throws(BenchError) {
            let port = try ServerProcess.freePort()
            process = try ServerProcess(
                executable: path,
                arguments: ["serve", "--db", "\(directory)/bench.sqlite", "--port", String(port)] + (demo ? ["--demo"] : []),
                environment: ["OCOP_ADMIN_TOKEN": token],
                logPath: "\(directory)/server.log")
            let base = "http://127.0.0.1:\(port)"
            endpoint = try Endpoint(url: base)
            let started = MonotonicClock.now()
            do throws(BenchError) {
                try process.waitUntilReady(url: base + "/readyz", timeout: demo ? 60 : 30, interrupt: interrupt)
            } catch {
                process.stop()
                throw error
            }
            print("server \(path)\(demo ? " --demo" : "") (pid \(process.pid)) ready on port \(port) "
                + "in \(Report.fixed(Suite.seconds(since: started), 2)) s")
        } catch {
            Files.removeDirectory(directory)
            throw error
        }
    }

    deinit { stop() }

    /// Stops the server (SIGTERM, then SIGKILL) and removes its directory unless asked to keep it. Idempotent.
    func stop(keepDirectory: Bool = false) {
        guard !stopped else { return }
        stopped = true
        process.stop()
        if keepDirectory {
            print("kept the database: \(directory)/bench.sqlite (server log: \(directory)/server.log)")
        } else {
            Files.removeDirectory(directory)
        }
    }
}
