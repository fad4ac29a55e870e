import Foundation

/// The real `ocop` binary run as a child process, for what only a process can
/// show: SIGKILL durability, SIGTERM draining, configuration errors.
final class ServerProcess {
    let process = Process()
    private let stderr = Pipe()
    /// Standard output when it is to be a pipe that nobody reads (`unreadStandardOutput`).
    private let stdout: Pipe?
    private(set) var port = 0

    /// The `ocop` executable next to the test bundle in the build directory.
    static var binary: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test runner is `<build>/ocop-hubPackageTests.xctest`; walk up until `ocop` is beside us.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("ocop")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/ocop")
    }

    /// `openFiles`: started with these soft and hard limits on open files, as a shell's
    /// `ulimit -S -n` and `ulimit -H -n` would leave them.
    /// `unreadStandardOutput`: the access log is on and goes to a pipe this object holds open and
    /// never reads, as a careless parent process would leave it.
    /// `addressSpaceKiB`: started under `ulimit -v` (each thread reserves its stack from it).
    /// `closedStandardOutput`: started with descriptor 1 closed (`ocop serve >&-`) and the access log on.
    init(arguments: [String], environment: [String: String] = [:], openFiles: (soft: Int, hard: Int)? = nil,
         unreadStandardOutput: Bool = false, closedStandardOutput: Bool = false, addressSpaceKiB: Int? = nil) throws {
        if let addressSpaceKiB {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -v \(addressSpaceKiB) && exec \"$0\" \"$@\"", Self.binary.path] + arguments
        } else if closedStandardOutput {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec \"$0\" \"$@\" >&-", Self.binary.path] + arguments
        } else if let openFiles {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -S -n \(openFiles.soft) && ulimit -H -n \(openFiles.hard) && exec \"$0\" \"$@\"",
                                 Self.binary.path] + arguments
        } else {
            process.executableURL = Self.binary
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["OCOP_ACCESS_LOG"] = unreadStandardOutput || closedStandardOutput ? "true" : "false"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardError = stderr
        stdout = unreadStandardOutput ? Pipe() : nil
        process.standardOutput = stdout ?? FileHandle.nullDevice
        try process.run()
    }

    /// What the server wrote to stderr up to its "listening" line.
    private(set) var startupLog = ""

    /// Waits for the "listening on host:port" line and remembers the port.
    func waitUntilListening(timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var seen = ""
        while Date() < deadline {
            let data = stderr.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
            startupLog = seen
            if let range = seen.range(of: #"listening on [^ ]+:(\d+)"#, options: .regularExpression) {
                let match = seen[range]
                if let colon = match.lastIndex(of: ":"), let p = Int(match[match.index(after: colon)...]) {
                    port = p
                    return
                }
            }
        }
        throw TestClientError.closed("server did not start: \(seen)")
    }

    /// Everything the process wrote to stderr after it exited.
    func waitForExit() -> (status: Int32, stderr: String) {
        let rest = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: rest, as: UTF8.self))
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// SIGTERM, then waits for the exit, for a test done with this server.
    func stop() {
        signal(SIGTERM)
        _ = waitForExit()
    }

    /// Runs `ocop` with `arguments` to its end: exit status and everything it printed.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// A test that throws half-way must not leave its server running after the run.
    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
