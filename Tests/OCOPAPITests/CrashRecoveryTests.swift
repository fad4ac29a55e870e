import Dispatch
import Foundation
import JSON
import OCOP
import SQLite
import Synchronization
import Testing
import TestSupport

/// Issue #4's crash test, short enough for CI (the long one is `ocop-bench crash`): terminals send
/// batches and sales to the real `ocop` binary while it is killed with SIGKILL and restarted on
/// the same file. Afterwards every acknowledged batch is in the feed exactly once, no batch is
/// half-applied, levels equal the level rule over what is present, and `ocop verify` agrees.
@Suite(.serialized) struct CrashRecoveryTests {
    let directory: String
    var database: String { directory + "/ocop.sqlite" }
    let admin = bearer(TestServer.adminToken)

    init() throws {
        directory = Scratch.path("ocop-crash")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func serve() throws -> ServerProcess {
        let server = try ServerProcess(arguments: ["serve", "--port", "0", "--db", database],
                                       environment: ["OCOP_ADMIN_TOKEN": TestServer.adminToken])
        try server.waitUntilListening()
        return server
    }

    @Test func nothingAcknowledgedIsLostAndNothingIsHalfApplied() throws {
        // Every server is stopped (or killed) before this runs; the file and its logs go with the test.
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var server = try serve()
        let port = Mutex(server.port)
        let setup = try TestClient(port: server.port)
        let fleet = try CrashFleet(setup, admin: admin, terminals: 3, products: 4)

        let stop = Atomic<Bool>(false)
        let group = DispatchGroup()
        let logs = Mutex<[CrashTerminalLog]>([])
        for terminal in fleet.terminals {
            DispatchQueue.global().async(group: group) {
                let log = terminal.drive(port: { port.withLock { $0 } }, until: { stop.load(ordering: .relaxed) })
                logs.withLock { $0.append(log) }
            }
        }
        for _ in 0..<3 {
            Thread.sleep(forTimeInterval: Double.random(in: 1.0...2.0))
            server.signal(SIGKILL)
            _ = server.waitForExit()
            server = try serve()
            let next = server.port
            port.withLock { $0 = next }
        }
        Thread.sleep(forTimeInterval: 1)
        stop.store(true, ordering: .relaxed)
        group.wait()

        let all = logs.withLock { $0 }
        let client = try TestClient(port: server.port)
        var oracle = CrashRecoveryOracle(client: client, admin: admin, fleet: fleet, logs: all)
        try oracle.check()
        #expect(oracle.violations == [], "\(oracle.violations.prefix(10))")
        #expect(all.flatMap(\.refusals) == [])
        let batches = all.flatMap(\.batches)
        #expect(batches.filter(\.acknowledged).count > 50, "too little load to prove anything")
        // The check is sharp: a batch the server never saw, claimed as acknowledged, is reported.
        var doubter = oracle
        let phantom = fleet.terminals[0].batch(size: 3)
        doubter.judge(acknowledged: [phantom], unacknowledged: [])
        #expect(doubter.violations.count == 1)

        server.signal(SIGTERM)
        #expect(server.waitForExit().status == 0)
        // The file at rest: the materialized levels equal the ledger, by the domain and by `ocop verify`.
        let file = try Database(path: database)
        #expect(try file.read { try InventoryStore.verifyLevels($0) } == [])
        let verified = try runVerify()
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("levels agree with the ledger"))
        // Count a unit twice behind the server's back (the level moves, the ledger does not): `ocop verify` notices.
        let victim = try #require(batches.first { $0.acknowledged }?.batch)
        try file.write { db in
            try db.run("UPDATE inventory_levels SET level = level + 1 WHERE point_of_sale_id = ? AND product_id = ?",
                       [.integer(victim.pointOfSale), .integer(victim.changes[0].productID)])
        }
        file.close()
        let broken = try runVerify()
        #expect(broken.status == 1 && broken.output.contains("disagree"), "\(broken.output)")
    }

    func runVerify() throws -> (status: Int32, output: String) {
        try ServerProcess.run(["verify", "--db", database])
    }
}
