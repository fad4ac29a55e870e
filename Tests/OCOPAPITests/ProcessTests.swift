import Foundation
import JSON
import OCOP
import SQLite
import Testing
import TestSupport

/// The executable as an operator runs it.
@Suite(.serialized) struct ProcessTests {
    let directory: String

    init() throws {
        directory = Scratch.path("ocop-process")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func serve(_ extra: [String] = []) throws -> ServerProcess {
        let server = try ServerProcess(arguments: ["serve", "--port", "0", "--db", directory + "/ocop.sqlite"] + extra,
                                       environment: ["OCOP_ADMIN_TOKEN": TestServer.adminToken])
        try server.waitUntilListening()
        return server
    }

    /// Every write answered 2xx survives SIGKILL the instant after.
    @Test func acknowledgedWritesSurviveSIGKILL() throws {
        let first = try serve()
        let client = try TestClient(port: first.port)
        var acknowledged: [Int64] = []
        for i in 0..<50 {
            let response = try client.request("POST", "/api/v1/producers", headers: [bearer(TestServer.adminToken)],
                                              body: #"{"name":"Cơ sở \#(i)","kind":"household"}"#)
            #expect(response.status == 201)
            if let id = try response.json["id"]?.int64Value { acknowledged.append(id) }
        }
        first.signal(SIGKILL)
        _ = first.waitForExit()

        let second = try serve()
        let after = try TestClient(port: second.port)
        for id in acknowledged {
            #expect(try after.request("GET", "/api/v1/producers/\(id)").status == 200)
        }
        second.signal(SIGTERM)
        #expect(second.waitForExit().status == 0)
    }

    /// Served through a symbolic link to the database file (a volume mounted elsewhere), every
    /// write is still flushed before its answer: SQLite keeps the WAL beside the file itself,
    /// where the server looks for it now. By the link's name it found no WAL and flushed nothing.
    @Test func aDatabaseServedThroughASymbolicLinkHasItsWALFlushed() throws {
        try FileManager.default.createDirectory(atPath: directory + "/volume", withIntermediateDirectories: true)
        let link = directory + "/linked.sqlite"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory + "/volume/ocop.sqlite")
        let server = try ServerProcess(arguments: ["serve", "--port", "0", "--db", link],
                                       environment: ["OCOP_ADMIN_TOKEN": TestServer.adminToken])
        try server.waitUntilListening()
        let client = try TestClient(port: server.port)
        for i in 0..<5 {
            let response = try client.request("POST", "/api/v1/producers", headers: [bearer(TestServer.adminToken)],
                                              body: #"{"name":"Cơ sở \#(i)","kind":"household"}"#)
            #expect(response.status == 201)
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/volume/ocop.sqlite-wal"))
        let metrics = try client.request("GET", "/metrics").text
        let flushes = metrics.split(separator: "\n").first { $0.hasPrefix("ocop_db_wal_flushes_total ") }
        let count = flushes.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(count >= 1)
        server.signal(SIGTERM)
        #expect(server.waitForExit().status == 0)
    }

    @Test func sigtermDrainsAndExitsZero() throws {
        let server = try serve()
        let client = try TestClient(port: server.port)
        #expect(try client.request("GET", "/healthz").status == 200)
        // An nginx habit (USR1: reopen the logs) must not end the server without a drain.
        server.signal(SIGUSR1)
        server.signal(SIGUSR2)
        usleep(100_000)   // delivered: a default disposition would have ended the process by now
        #expect(try client.request("GET", "/healthz").status == 200)
        server.signal(SIGTERM)
        let (status, log) = server.waitForExit()
        #expect(status == 0)
        #expect(log.contains("stopped"))
        #expect((try? TestClient(port: server.port)) == nil)   // the port no longer accepts
    }

    /// A parent that pipes the server's standard output and never reads it (a harness, a
    /// misconfigured supervisor) costs access-log lines, never service: past the pipe's 64 KiB
    /// and the log's 4 MiB the lines are dropped, requests keep being answered, and SIGTERM
    /// still exits 0. Before, every request stopped once the log could not be written.
    @Test func anUnreadStandardOutputNeverStopsTheServer() throws {
        let server = try ServerProcess(arguments: ["serve", "--port", "0", "--db", directory + "/ocop.sqlite"],
                                       unreadStandardOutput: true)
        try server.waitUntilListening()
        let client = try TestClient(port: server.port)
        // 3,000 lines of about 4 KiB each (the target is logged): 12 MiB, three times what the log
        // holds. Pipelined in rounds of 100 so it takes a moment, not minutes.
        let target = "/no-such-page/" + String(repeating: "a", count: 4000)
        for _ in 0..<30 {
            client.send(String(repeating: "GET \(target) HTTP/1.1\r\nHost: t\r\n\r\n", count: 100))
            for _ in 0..<100 { #expect(try client.readResponse().status == 404) }
        }
        #expect(try client.request("GET", "/healthz").status == 200)
        let metrics = try client.request("GET", "/metrics").text
        let dropped = metrics.split(separator: "\n").first { $0.hasPrefix("ocop_log_lines_dropped_total ") }
        #expect((dropped?.split(separator: " ").last).flatMap { Double($0) } ?? 0 > 0)
        server.signal(SIGTERM)
        let (status, log) = server.waitForExit()
        #expect(status == 0)
        #expect(log.contains("stopped"))
    }

    /// Started without a standard output, the server puts /dev/null there before it opens
    /// anything: the access log wrote into the first file it opened (the serving lock), and
    /// would have written into a client's connection had that come first.
    @Test func aClosedStandardOutputIsNotReusedForAFileOrSocket() throws {
        let database = directory + "/closed.sqlite"
        let server = try ServerProcess(arguments: ["serve", "--port", "0", "--db", database], closedStandardOutput: true)
        try server.waitUntilListening()
        let client = try TestClient(port: server.port)
        for _ in 0..<3 { #expect(try client.request("GET", "/healthz").status == 200) }
        let standardOutput = try FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/\(server.process.processIdentifier)/fd/1")
        #expect(standardOutput == "/dev/null")
        server.signal(SIGTERM)
        #expect(server.waitForExit().status == 0)
        let lock = (try? String(contentsOfFile: database + ".serve-lock", encoding: .utf8)) ?? ""
        #expect(!lock.contains("request_id"))
    }

    /// More threads than the system allows (here 1,024 handler threads under a 2 GB address
    /// space, each reserving an 8 MB stack; in a container, its pids limit) ends start-up with
    /// a message naming the limits, not a crash (it was a fatalError: SIGILL, exit 132).
    @Test func tooFewThreadsForTheConfigurationStopsStartUpWithAMessage() throws {
        let server = try ServerProcess(arguments: ["serve", "--port", "0", "--db", directory + "/threads.sqlite",
                                                   "--blocking-threads", "1024"],
                                       addressSpaceKiB: 2_000_000)
        let (status, log) = server.waitForExit()
        #expect(status == 1)
        #expect(log.contains("cannot start thread ocop-write-"))
        #expect(log.contains("ulimit"))
    }

    /// A second name for the database file (a hard link) gets past the serving lock, which is
    /// named after the path: serving both names corrupted the file. Refused at start instead.
    @Test func aDatabaseFileWithTwoNamesIsNotServed() throws {
        let first = try serve()
        first.signal(SIGTERM)
        #expect(first.waitForExit().status == 0)
        #expect(link(directory + "/ocop.sqlite", directory + "/alias.sqlite") == 0)
        let aliased = try ServerProcess(arguments: ["serve", "--port", "0", "--db", directory + "/alias.sqlite"])
        let (status, log) = aliased.waitForExit()
        #expect(status == 1)
        #expect(log.contains("has 2 names (hard links)"), "\(log)")
    }

    /// One server per database file and per port: a second one exits instead of sharing them.
    @Test func aSecondServerOnTheSameDatabaseOrPortRefusesToStart() throws {
        let first = try serve()
        let sameFile = try ServerProcess(arguments: ["serve", "--port", "0", "--db", directory + "/ocop.sqlite"])
        let (fileStatus, fileLog) = sameFile.waitForExit()
        #expect(fileStatus == 1)
        #expect(fileLog.contains("is already being served by process"), "\(fileLog)")

        let samePort = try ServerProcess(arguments: ["serve", "--port", String(first.port), "--db", directory + "/other.sqlite"])
        let (portStatus, portLog) = samePort.waitForExit()
        #expect(portStatus == 1)
        #expect(portLog.contains("EADDRINUSE") || portLog.contains("in use"), "\(portLog)")
        #expect(portLog.contains("cannot listen on 127.0.0.1:"), "the address is named: \(portLog)")
        // It failed before touching the new file: no database, WAL or lock left behind.
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasPrefix("other.sqlite") }
        #expect(leftovers == [])

        // The first server was not disturbed, and once it stops the file can be served again.
        #expect(try TestClient(port: first.port).request("GET", "/readyz").status == 200)
        first.signal(SIGTERM)
        #expect(first.waitForExit().status == 0)
        let again = try serve()
        again.signal(SIGTERM)
        #expect(again.waitForExit().status == 0)
    }

    /// An upgrade may rebuild tables for tens of seconds before the server listens: it says which
    /// migrations it applies and how long they took. A new database and a current one say nothing.
    @Test func anUpgradeSaysWhatItMigrates() throws {
        let fresh = try serve()
        #expect(!fresh.startupLog.contains("migrat"), "\(fresh.startupLog)")
        fresh.stop()
        let current = try serve()
        #expect(!current.startupLog.contains("migrat"), "\(current.startupLog)")
        current.stop()

        let path = directory + "/older.sqlite"
        let older = try Database(path: path)
        try older.migrate(try #require(Schema.migrator.prefix(through: "0022_shorter_name_keys")))
        older.close()
        let upgraded = try ServerProcess(arguments: ["serve", "--port", "0", "--db", path],
                                         environment: ["OCOP_ADMIN_TOKEN": TestServer.adminToken])
        try upgraded.waitUntilListening()
        let pending = Schema.migrator.names.drop { $0 != "0022_shorter_name_keys" }.dropFirst()
        #expect(upgraded.startupLog.contains("ocop: migrating \(path): \(pending.joined(separator: ", "))"),
                "\(upgraded.startupLog)")
        #expect(upgraded.startupLog.contains("ocop: migrated in "), "\(upgraded.startupLog)")
        upgraded.stop()
    }

    /// `verify` on a file of another version says so and what it could not check, instead of
    /// failing on a missing column or passing in silence; it never migrates the file.
    @Test func verifyOnAnotherVersionsFileSaysWhatItDidNotCheck() throws {
        let path = directory + "/older.sqlite"
        let through = try #require(Schema.migrator.prefix(through: "0012_cheaper_writes"))
        let older = try Database(path: path)
        try older.migrate(through)
        older.close()
        let (status, output) = try ServerProcess.run(["verify", "--db", path])
        #expect(status == 1, "\(output)")
        #expect(output.contains("sqlite quick_check: ok") && output.contains("0013_") && output.contains("not applied yet")
                && output.contains("inventory and idempotency not checked"), "\(output)")
        let count = { () throws -> Int in
            let database = try Database(path: path)
            defer { database.close() }
            return try database.read { try Migrator.appliedMigrations($0).count }
        }
        #expect(try count() == through.names.count)   // verify migrated nothing

        #expect(try ServerProcess.run(["migrate", "--db", path]).status == 0)
        let current = try ServerProcess.run(["verify", "--db", path])
        #expect(current.status == 0 && current.output.contains("schema: \(Schema.migrator.names.count) migrations"),
                "\(current.output)")

        let newer = try Database(path: path)
        try newer.write { try $0.run("INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_later', 'x')") }
        newer.close()
        let (newerStatus, newerOutput) = try ServerProcess.run(["verify", "--db", path])
        #expect(newerStatus == 1 && newerOutput.contains("9999_later") && newerOutput.contains("newer ocop"), "\(newerOutput)")
        // Nor do the commands that write: `migrate` said the database was current and exited 0,
        // `token create` wrote a token into a schema it does not know (a black-box probe).
        for command in [["migrate"], ["token", "create", "--role", "officer", "--name", "Văn phòng"]] {
            let (status, output) = try ServerProcess.run(command + ["--db", path])
            #expect(status == 1 && output.contains("9999_later") && output.contains("newer"), "\(command): \(output)")
        }
        let database = try Database(path: path)
        defer { database.close() }
        #expect(try database.read { try $0.scalarInt("SELECT count(*) FROM tokens") } == 0)
    }

    @Test func demoDataLoadsOnce() throws {
        let server = try serve(["--demo"])
        #expect(server.startupLog.contains("(demo data loaded)"), "\(server.startupLog)")
        let client = try TestClient(port: server.port)
        let page = try client.request("GET", "/api/v1/producers?limit=500").json
        let kinds = try #require(page["items"]?.arrayValue).compactMap { $0["kind"]?.stringValue }
        #expect(kinds.filter { $0 == "enterprise" }.count == 53)
        #expect(kinds.filter { $0 == "cooperative" }.count == 89)
        #expect(kinds.filter { $0 == "household" }.count == 74)
        server.stop()
        let again = try serve(["--demo"])
        #expect(again.startupLog.contains("demo data not loaded: the database already has producers"), "\(again.startupLog)")
        let count = try TestClient(port: again.port).request("GET", "/api/v1/producers?limit=500").json["items"]?.arrayValue?.count
        #expect(count == 228)
        again.stop()
    }

    /// What cannot take effect is said at start-up: a misspelt variable, a new admin token for a
    /// database that has one. The same token at a restart, the usual case, says nothing.
    @Test func startUpNamesWhatItIgnores() throws {
        let first = try serve(["--demo=false"])
        #expect(!first.startupLog.contains("demo data"), "\(first.startupLog)")
        #expect(!first.startupLog.contains("OCOP_ADMIN_TOKEN"), "\(first.startupLog)")
        let count = try TestClient(port: first.port).request("GET", "/api/v1/producers").json["items"]?.arrayValue?.count
        #expect(count == 0, "--demo=false loads nothing")
        first.stop()
        let restart = try serve()
        #expect(!restart.startupLog.contains("OCOP_ADMIN_TOKEN"), "\(restart.startupLog)")
        restart.stop()

        let other = try ServerProcess(arguments: ["serve", "--port", "0", "--db", directory + "/ocop.sqlite"],
                                      environment: ["OCOP_ADMIN_TOKEN": "another-admin-secret-0123456789", "OCOP_DB": "/elsewhere.sqlite"])
        try other.waitUntilListening()
        #expect(other.startupLog.contains("OCOP_ADMIN_TOKEN is ignored"), "\(other.startupLog)")
        #expect(other.startupLog.contains("environment OCOP_DB is not a setting"), "\(other.startupLog)")
        let client = try TestClient(port: other.port)
        #expect(try client.request("GET", "/api/v1/tokens", headers: [bearer("another-admin-secret-0123456789")]).status == 401)
        other.signal(SIGTERM)
        #expect(other.waitForExit().status == 0)
    }

    @Test func badConfigurationStopsStartWithTheKeyName() throws {
        let server = try ServerProcess(arguments: ["serve", "--db", directory + "/x.sqlite"], environment: ["OCOP_PORT": "seventy"])
        let (status, log) = server.waitForExit()
        #expect(status == 78)
        #expect(log.contains("OCOP_PORT"))
        let flag = try ServerProcess(arguments: ["serve", "--max-body-bytes", "-5", "--db", directory + "/x.sqlite"])
        let (flagStatus, flagLog) = flag.waitForExit()
        #expect(flagStatus == 78)
        #expect(flagLog.contains("max-body-bytes"))
        let host = try ServerProcess(arguments: ["serve", "--host", "999.1.1.1", "--db", directory + "/x.sqlite"])
        let (hostStatus, hostLog) = host.waitForExit()
        #expect(hostStatus == 78)
        #expect(hostLog.contains("--host"), "\(hostLog)")
        // A word the command does not take is a usage error, not silently ignored.
        let notABool = try ServerProcess(arguments: ["serve", "--demo=maybe", "--db", directory + "/x.sqlite"])
        let (notABoolStatus, notABoolLog) = notABool.waitForExit()
        #expect(notABoolStatus == 78 && notABoolLog.contains("--demo"), "\(notABoolLog)")
        let stray = try ServerProcess(arguments: ["serve", "--demo", "maybe", "--db", directory + "/x.sqlite"])
        let (strayStatus, strayLog) = stray.waitForExit()
        #expect(strayStatus == 2)
        #expect(strayLog.contains("unexpected argument maybe"), "\(strayLog)")
    }

    /// A config path that names a device or a FIFO by mistake: refused at once (exit 78), not
    /// read without end (`/dev/zero` aborted on allocation) or waited on forever (a FIFO).
    @Test func aConfigThatIsNotARegularFileIsRefused() throws {
        let fifo = directory + "/config.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        for path in ["/dev/zero", fifo, directory] {
            let server = try ServerProcess(arguments: ["serve", "--config", path, "--db", directory + "/x.sqlite"])
            let (status, log) = server.waitForExit()
            #expect(status == 78, "\(path)")
            #expect(log.contains("cannot read config file \(path): not a regular file"), "\(log)")
        }
        let missing = try ServerProcess(arguments: ["serve", "--config", directory + "/none.json", "--db", directory + "/x.sqlite"])
        let (status, log) = missing.waitForExit()
        #expect(status == 78)
        #expect(log.contains("no such file"), "\(log)")
    }

    /// The bootstrap admin revoked: the same OCOP_ADMIN_TOKEN at the next start does not bring it
    /// back, and does not stop the server either. The API revokes it only once another admin
    /// token exists (the last one stays); a database left with no admin at all, as builds before
    /// the rule could leave one, is made here by revoking that other token in the file.
    @Test func aRevokedBootstrapTokenStaysRevokedAndTheServerStillStarts() throws {
        let first = try serve()
        let client = try TestClient(port: first.port)
        let bootstrap = bearer(TestServer.adminToken)
        #expect(try client.request("DELETE", "/api/v1/tokens/1", headers: [bootstrap]).status == 409, "the last admin token")
        let made = try client.request("POST", "/api/v1/tokens", headers: [bootstrap], body: #"{"name":"Quản trị 2","role":"admin"}"#)
        let other = try #require(try made.json["id"]?.int64Value)
        let otherSecret = bearer(try #require(try made.json["token"]?.stringValue))
        #expect(try client.request("DELETE", "/api/v1/tokens/1", headers: [otherSecret]).status == 204)
        first.signal(SIGTERM)
        #expect(first.waitForExit().status == 0)
        let file = try Database(path: directory + "/ocop.sqlite")
        try file.write { try $0.run("UPDATE tokens SET revoked_at = updated_at WHERE id = ?", [.integer(other)]) }
        file.close()

        let second = try serve()
        #expect(second.startupLog.contains("OCOP_ADMIN_TOKEN names a token that was revoked"), "\(second.startupLog)")
        let after = try TestClient(port: second.port)
        #expect(try after.request("GET", "/api/v1/tokens", headers: [bearer(TestServer.adminToken)]).status == 401)
        #expect(try after.request("GET", "/api/v1/producers").status == 200, "the public side serves")
        second.signal(SIGTERM)
        #expect(second.waitForExit().status == 0)

        let short = try ServerProcess(arguments: ["serve", "--port", "0", "--db", directory + "/short.sqlite"],
                                      environment: ["OCOP_ADMIN_TOKEN": "admin123"])
        let (status, log) = short.waitForExit()
        #expect(status == 78)
        #expect(log.contains("OCOP_ADMIN_TOKEN must be at least 16 characters"), "\(log)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/short.sqlite"), "a refused start-up makes no database")

        // One no client could send is refused too: stored, it would have made every later
        // OCOP_ADMIN_TOKEN be ignored (an admin exists).
        for unusable in [String(repeating: " ", count: 33), "admin token with spaces in it", String(repeating: "x", count: 257)] {
            let refused = try ServerProcess(arguments: ["serve", "--port", "0", "--db", directory + "/blank.sqlite"],
                                            environment: ["OCOP_ADMIN_TOKEN": unusable])
            let (status, log) = refused.waitForExit()
            #expect(status == 78)
            #expect(log.contains("OCOP_ADMIN_TOKEN must be at most 256 visible ASCII characters"), "\(log)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/blank.sqlite"))
    }

    /// An upgrade replaces the binary before the service restarts: a command of the new binary
    /// must not migrate (rebuild tables) under the old server still serving the file. With nothing
    /// pending it works beside a running server, as before.
    @Test func commandsDoNotMigrateADatabaseAnOlderServerServes() throws {
        let path = directory + "/older.sqlite"
        let older = try Database(path: path)
        try older.migrate(try #require(Schema.migrator.prefix(through: "0015_listings_deleted")))
        older.close()
        let count = { () throws -> Int in
            let database = try Database(path: path)
            defer { database.close() }
            return try database.read { try Migrator.appliedMigrations($0).count }
        }
        let before = try count()
        var serving: ServingLock? = try ServingLock(databasePath: path)   // the older server
        for command in [["token", "create", "--role", "officer", "--name", "Cán bộ", "--db", path], ["migrate", "--db", path]] {
            let (status, output) = try ServerProcess.run(command)
            #expect(status == 1, "\(command): \(output)")
            #expect(output.contains("is already being served by process") && output.contains("0016_booth_tokens"), "\(output)")
        }
        #expect(try count() == before)
        serving?.release()
        serving = nil
        let (status, output) = try ServerProcess.run(["token", "create", "--role", "officer", "--name", "Cán bộ", "--db", path])
        #expect(status == 0, "\(output)")
        #expect(try count() == Schema.migrator.names.count)
        // Migrated: beside a server of the same version the command works.
        let sameVersion = try ServingLock(databasePath: path)
        defer { sameVersion.release() }
        #expect(try ServerProcess.run(["token", "create", "--role", "officer", "--name", "Thêm", "--db", path]).status == 0)
    }

    /// Many systems start a process with 1,024 open files, far short of max_connections: the
    /// server raises its soft limit as far as the hard one allows, and says when that is too low.
    @Test func theOpenFileLimitMakesRoomForMaxConnections() throws {
        func soft(_ server: ServerProcess) throws -> Int? {
            let limits = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/limits", encoding: .utf8)
            let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }
            return line?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) }
        }
        let hardLimit = Int(try String(contentsOfFile: "/proc/self/limits", encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("Max open files") }?.split(separator: " ").dropFirst(4).first ?? "0") ?? 0
        if hardLimit >= 3_000 {
            let roomy = try ServerProcess(arguments: ["serve", "--db", directory + "/files.sqlite", "--port", "0",
                                                      "--max-connections", "2000"], openFiles: (300, hardLimit))
            try roomy.waitUntilListening()
            #expect(try soft(roomy) == 2_256)
            #expect(!roomy.startupLog.contains("warning"))
            roomy.stop()
        }
        let tight = try ServerProcess(arguments: ["serve", "--db", directory + "/files.sqlite", "--port", "0"],
                                      openFiles: (300, 1_000))
        try tight.waitUntilListening()
        #expect(try soft(tight) == 1_000)
        // Room is what the limit leaves beside the descriptors open once serving, less 16 spare:
        // some 30-60 here, so about 930-960 clients.
        let room = tight.startupLog.firstMatch(of: /open-file limit 1000 \(hard 1000\) leaves room for about (\d+) of max_connections 10000/)
        #expect(room.flatMap { Int($0.1) }.map { (900...984).contains($0) } == true, "\(tight.startupLog)")
        tight.signal(SIGTERM)
        #expect(tight.waitForExit().status == 0)
    }

    /// Out of descriptors long before max_connections (ulimit -n 64): idle keep-alive clients give
    /// theirs back to newcomers, as at max_connections. They kept every descriptor until their
    /// idle timeout while new clients, /healthz too, waited unanswered in the accept backlog.
    @Test func runningOutOfDescriptorsReclaimsIdleConnections() throws {
        let server = try ServerProcess(arguments: ["serve", "--db", directory + "/fds.sqlite", "--port", "0"],
                                       openFiles: (64, 64))
        try server.waitUntilListening()
        var idle: [TestClient] = []
        for _ in 0..<80 {
            let client = try TestClient(port: server.port)
            #expect(try client.request("GET", "/healthz").status == 200)
            idle.append(client)   // kept open, idle
        }
        let newcomer = try TestClient(port: server.port)
        #expect(try newcomer.request("GET", "/healthz").status == 200)
        // The earliest idle ones were let go to make that room.
        #expect(idle.prefix(10).contains { $0.isClosedByPeer() })
        server.signal(SIGTERM)
        #expect(server.waitForExit().status == 0)
    }

    @Test func tokenCreateAndBackupCommands() throws {
        let db = directory + "/cli.sqlite"
        let token = try ServerProcess(arguments: ["token", "create", "--role", "officer", "--name", "Cán bộ", "--db", db])
        let (status, log) = token.waitForExit()
        #expect(status == 0, "\(log)")
        #expect(log.contains("created token"))
        // A rule the token breaks reads as the rule, not as a Swift value.
        let bad = try ServerProcess(arguments: ["token", "create", "--role", "pos", "--name", "Quầy", "--db", db])
        let (badStatus, badLog) = bad.waitForExit()
        #expect(badStatus == 1)
        #expect(badLog.contains("ocop: point_of_sale_id: is required for role pos"), "\(badLog)")
        let boothless = try ServerProcess(arguments: ["token", "create", "--role", "booth", "--name", "Gian hàng",
                                                      "--fair-booth", "12", "--db", db])
        let (boothlessStatus, boothlessLog) = boothless.waitForExit()
        #expect(boothlessStatus == 1)
        #expect(boothlessLog.contains("ocop: fair_booth_id: names no booth (12)"), "\(boothlessLog)")

        let server = try serve(["--db", db])
        let client = try TestClient(port: server.port)
        #expect(try client.request("POST", "/api/v1/producers", headers: [bearer(TestServer.adminToken)],
                                   body: #"{"name":"Sao lưu","kind":"household"}"#).status == 201)
        let backupPath = directory + "/backup.sqlite"
        let backup = try ServerProcess(arguments: ["backup", "--to", backupPath, "--db", db])
        #expect(backup.waitForExit().status == 0)
        server.stop()

        let restored = try serve(["--db", backupPath])
        let items = try TestClient(port: restored.port).request("GET", "/api/v1/producers").json["items"]?.arrayValue
        #expect(items?.first?["name"]?.stringValue == "Sao lưu")
        restored.stop()
    }

    /// The subcommands an operator starts with: help names every one, version answers,
    /// migrate creates and migrates a database file without serving, and a second run is a no-op.
    @Test func helpVersionAndMigrate() throws {
        let help = try ServerProcess.run(["--help"])
        #expect(help.status == 0)
        for command in ["ocop serve", "ocop migrate", "ocop token create", "ocop backup", "ocop verify", "ocop version"] {
            #expect(help.output.contains(command), "\(command) missing from --help")
        }
        // `serve --help` lists every setting with its flag, variable and valid values.
        let serveHelp = try ServerProcess.run(["serve", "--help"])
        #expect(serveHelp.status == 0)
        for line in ["--max-body-bytes", "OCOP_MAX_BODY_BYTES", "an integer from 1024 to 1073741824",
                     "--cors-origins", "OCOP_DATABASE_SYNCHRONOUS", "one of full, normal, off"] {
            #expect(serveHelp.output.contains(line), "\(line) missing from serve --help")
        }
        let missingValue = try ServerProcess.run(["serve", "--port", "--db", directory + "/never.sqlite"])
        #expect(missingValue.status == 2 && missingValue.output.contains("option --port needs a value"), "\(missingValue.output)")
        // An option no command takes is the same slip after `serve` as after any other command.
        for command in [["serve"], ["migrate"], ["verify"], ["token", "create", "--role", "officer", "--name", "Cán bộ"]] {
            let unknown = try ServerProcess.run(command + ["--prot", "9090", "--db", directory + "/never.sqlite"])
            #expect(unknown.status == 2 && unknown.output.contains("unknown option --prot"), "\(command): \(unknown.output)")
        }
        let badValue = try ServerProcess.run(["serve", "--port", "http", "--db", directory + "/never.sqlite"])
        #expect(badValue.status == 78 && badValue.output.contains("--port"), "\(badValue.output)")
        let version = try ServerProcess.run(["version"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("ocop "))
        // Slips are named with exit 2, never answered with help or a version and 0.
        for (arguments, message) in [(["version", "extra"], "version takes no arguments"),
                                     (["version", "--prot", "9090"], "version takes no arguments"),
                                     (["bogus", "--help"], "unknown command bogus"),
                                     ([], "missing command")] {
            let slip = try ServerProcess.run(arguments)
            #expect(slip.status == 2 && slip.output.contains(message), "\(arguments): \(slip.output)")
        }

        let db = directory + "/fresh/ocop.sqlite"
        let first = try ServerProcess.run(["migrate", "--db", db])
        #expect(first.status == 0 && first.output.contains("applied " + Schema.migrator.names.joined(separator: ", ")),
                "\(first.output)")
        let second = try ServerProcess.run(["migrate", "--db", db])
        #expect(second.status == 0 && !second.output.contains("applied"), "\(second.output)")
        let file = try Database(path: db)
        defer { file.close() }
        let applied = try file.read { try Migrator.appliedMigrations($0) }
        #expect(applied == Schema.migrator.names)

        // The commands that read a database do not make one at a mistyped path; `migrate`, above,
        // may, and `token create` (a first admin token before the first start) says that it did.
        let typo = directory + "/typo/ocop.sqlit"
        for command in [["verify"], ["backup", "--to", directory + "/typo-backup.sqlite"]] {
            let (status, output) = try ServerProcess.run(command + ["--db", typo])
            #expect(status == 2 && output.contains("no database at \(typo)"), "\(command): \(output)")
            #expect(!output.contains("USAGE"), "a refusal is one line, not the usage: \(output)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/typo"))
        let created = try ServerProcess.run(["token", "create", "--role", "admin", "--name", "Vận hành", "--db", typo])
        #expect(created.status == 0 && created.output.contains("there was no database at \(typo): this command created it"),
                "\(created.output)")
        let again = try ServerProcess.run(["token", "create", "--role", "officer", "--name", "Văn phòng", "--db", typo])
        #expect(again.status == 0 && !again.output.contains("there was no database"), "\(again.output)")
    }
}
