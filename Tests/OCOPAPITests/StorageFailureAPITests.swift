import Foundation
import JSON
import OCOPAPI
import SQLite
import Synchronization
import Testing
import TestSupport

/// A database that cannot grow (SQLite's `max_page_count` plays a full disk, SQLITE_FULL as a
/// real one gives it): writes are a 507 that says nothing was written, not a 500 "bug", and the
/// server carries on and recovers once there is room.
@Suite struct StorageFailureAPITests {
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)

    init() throws {
        server = try TestServer()
        client = try server.client()
    }

    /// Caps the file at its current size on the writer connection (the only one that writes).
    private func capDatabase(extraPages: Int64) throws {
        try server.app.services.database.exclusive { db in
            let pages = try db.scalarInt("PRAGMA page_count") ?? 0
            try db.execute("PRAGMA max_page_count = \(Int64(pages) + extraPages)")
        }
    }

    private func producerCount() throws -> Int {
        try client.request("GET", "/api/v1/producers?limit=500").json["items"]?.arrayValue?.count ?? -1
    }

    @Test func aFullDiskIs507AndChangesNothing() throws {
        try capDatabase(extraPages: 0)
        let before = try producerCount()
        var full: (response: WireResponse, body: String)?
        // The first inserts may still fit in free pages; a few hundred cannot.
        for i in 0..<500 {
            let body = #"{"name":"Hợp tác xã số \#(i) \#(String(repeating: "x", count: 100))","kind":"cooperative"}"#
            let response = try client.request("POST", "/api/v1/producers", headers: [admin], body: body)
            if response.status != 201 { full = (response, body); break }
        }
        let (refused, refusedBody) = try #require(full)
        #expect(refused.status == 507)
        #expect(refused.header("Content-Type") == "application/problem+json")
        #expect(try refused.json["type"]?.stringValue?.hasSuffix("insufficient-storage") == true)
        #expect(try refused.json["detail"]?.stringValue?.contains("nothing was written") == true)
        let after = try producerCount()
        #expect(after >= before)
        // The refused one is not there: every stored producer was answered 201.
        let again = try client.request("POST", "/api/v1/producers", headers: [admin], body: refusedBody)
        #expect(again.status == 507)
        #expect(try producerCount() == after)
        // Reads carry on, and so does the rest of the server. A text search too: indexing what
        // waits is a write the disk refuses, so it answers from the index as it is (it was a 507).
        #expect(try client.request("GET", "/readyz").status == 200)
        let search = try client.request("GET", "/api/v1/producers?q=h%E1%BB%A3p%20t%C3%A1c")
        #expect(search.status == 200, "\(search.text)")
        #expect(try search.json["items"]?.arrayValue != nil)
        // Room again: writes succeed without a restart, and the search finds what waited.
        try capDatabase(extraPages: 10_000)
        #expect(try client.request("POST", "/api/v1/producers", headers: [admin],
                                   body: #"{"name":"Sau khi dọn đĩa","kind":"household"}"#).status == 201)
        #expect(try producerCount() == after + 1)
        let found = try client.request("GET", "/api/v1/producers?q=so%200%20xxx")
        #expect(try found.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.contains { $0.hasPrefix("Hợp tác xã số 0 ") } == true)
    }

    /// Many writers at once on a full disk share group commits: the writes that share a batch with
    /// the one SQLite refused were not committed either, for the same reason, so they are 507s
    /// too, never a 500 "bug" (a 20-minute soak on a disk filled to the last block gave 27).
    @Test func concurrentWritesOnAFullDiskAreAll507() throws {
        try capDatabase(extraPages: 2)
        let port = server.port
        let statuses = Mutex<[Int: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            guard let client = try? TestClient(port: port) else { return }
            for i in 0..<60 {
                let body = #"{"name":"Hợp tác xã \#(worker)-\#(i) \#(String(repeating: "y", count: 150))","kind":"cooperative"}"#
                let status = (try? client.request("POST", "/api/v1/producers", headers: [bearer(TestServer.adminToken)],
                                                  body: body).status) ?? -1
                statuses.withLock { $0[status, default: 0] += 1 }
            }
        }
        let seen = statuses.withLock { $0 }
        #expect(seen[507, default: 0] > 0, "\(seen)")
        #expect(Set(seen.keys).isSubset(of: [201, 507]), "\(seen)")
    }

    /// A damaged file (here the producers table's root page zeroed, as a bad disk or a stray
    /// write would): reads of it are a 503, and from the first damage seen writes are refused
    /// too and readiness says why, instead of `/readyz` answering ready while writes went on
    /// into a broken b-tree (a black-box probe: 6,162 of them).
    @Test func aDamagedFileStopsWritesAndReadinessSaysWhy() throws {
        let path = Scratch.path("ocop-damaged") + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let first = try TestServer()
            let client = try first.client()
            for i in 0..<200 {
                let body = #"{"name":"Hợp tác xã \#(i)","kind":"cooperative","address":"\#(String(repeating: "Thôn Đồn Đạc ", count: 20))"}"#
                #expect(try client.request("POST", "/api/v1/producers", headers: [admin], body: body).status == 201)
            }
            first.app.shutdown()   // the last connection to close copies the WAL into the file
            try FileManager.default.copyItem(atPath: first.databasePath, toPath: path)
        }
        let (root, pageSize) = try {
            let file = try Database(path: path)
            defer { file.close() }
            return try file.read { db in
                (try db.scalarInt("SELECT rootpage FROM sqlite_schema WHERE name = 'producers'") ?? 0,
                 try db.scalarInt("PRAGMA page_size") ?? 0)
            }
        }()
        #expect(root > 1 && pageSize > 0)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        try handle.write(contentsOf: Data(count: Int(pageSize)))
        try handle.close()

        let damaged = try TestServer(configure: { $0.database = path })
        let client = try damaged.client()
        #expect(try client.request("GET", "/readyz").status == 200, "nothing has met the damage yet")
        let read = try client.request("GET", "/api/v1/producers")
        #expect(read.status == 503, "\(read.text)")
        #expect(try read.json["type"]?.stringValue?.hasSuffix("storage-unavailable") == true)
        let ready = try client.request("GET", "/readyz")
        #expect(ready.status == 503)
        #expect(try ready.json["detail"]?.stringValue?.contains("the database file is damaged") == true, "\(ready.text)")
        let write = try client.request("POST", "/api/v1/producers", headers: [admin],
                                       body: #"{"name":"Sau khi hỏng","kind":"household"}"#)
        #expect(write.status == 503, "\(write.text)")
        // Every write, not only those that meet the damaged table.
        let elsewhere = try client.request("POST", "/api/v1/tokens", headers: [admin],
                                           body: #"{"name":"Văn phòng","role":"officer"}"#)
        #expect(elsewhere.status == 503, "\(elsewhere.text)")
        #expect(try client.request("GET", "/healthz").status == 200)
    }

    /// A cleanup script deleting `*-wal` while the server runs: the next write is undone and
    /// refused (it could only have gone to a file a crash would lose), and readiness says so.
    @Test func aDeletedWALStopsWritesInsteadOfLosingThem() throws {
        #expect(try client.request("POST", "/api/v1/producers", headers: [admin],
                                   body: #"{"name":"Trước khi xoá","kind":"household"}"#).status == 201)
        try FileManager.default.removeItem(atPath: server.databasePath + "-wal")
        let refused = try client.request("POST", "/api/v1/producers", headers: [admin],
                                         body: #"{"name":"Sau khi xoá","kind":"household"}"#)
        #expect(refused.status == 503)
        #expect(try refused.json["type"]?.stringValue?.hasSuffix("storage-unavailable") == true)
        #expect(try client.request("GET", "/readyz").status == 503)
        #expect(try client.request("GET", "/healthz").status == 200)
        let names = try client.request("GET", "/api/v1/producers?limit=500").json["items"]?.arrayValue?
            .compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("Trước khi xoá"))
        #expect(!names.contains("Sau khi xoá"))
    }
}
