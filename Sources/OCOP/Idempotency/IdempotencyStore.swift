import JSON
import SQLite

/// A response kept so that a retried request gets the same answer.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let headers: [Header]
    public let body: [UInt8]

    public struct Header: Sendable, Equatable {
        public let name: String
        public let value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(status: Int, headers: [Header], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Idempotency keys (API.md "Writes"): the first response to a POST with a key
/// is stored in the same transaction as its effect, so a retry after a crash
/// either finds both or neither.
public enum IdempotencyStore {
    /// How long keys are kept. API.md promises at least 24 hours; we keep two days.
    public static let retentionMilliseconds: Int64 = 48 * 3600 * 1000

    public struct Entry: Sendable {
        public let requestHash: [UInt8]
        public let response: StoredResponse
    }

    public static func lookup(_ db: Connection, scope: String, key: String) throws -> Entry? {
        try db.first("""
            SELECT request_hash, status, headers, body FROM idempotency_keys WHERE scope = ? AND key = ?
            """, [.text(scope), .text(key)]) { row in
            var headers: [StoredResponse.Header] = []
            if case .array(let pairs)? = try? JSONValue.parse(row.string(2)) {
                for pair in pairs {
                    if case .array(let nv) = pair, nv.count == 2, let n = nv[0].stringValue, let v = nv[1].stringValue {
                        headers.append(.init(name: n, value: v))
                    }
                }
            }
            return Entry(requestHash: row.blob(0),
                         response: StoredResponse(status: row.int(1), headers: headers, body: row.blob(3)))
        }
    }

    public static func save(_ db: Connection, scope: String, key: String, requestHash: [UInt8],
                            response: StoredResponse, now: Timestamp) throws {
        var writer = JSONWriter(capacity: 128)
        writer.beginArray()
        for header in response.headers {
            writer.beginArray()
            writer.string(header.name)
            writer.string(header.value)
            writer.endArray()
        }
        writer.endArray()
        try db.run("""
            INSERT INTO idempotency_keys (scope, key, request_hash, status, headers, body, created_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(scope), .text(key), .blob(requestHash), .integer(Int64(response.status)),
                  .text(String(decoding: writer.bytes, as: UTF8.self)), .blob(response.body),
                  .integer(now.millisecondsSinceEpoch)])
    }

    /// Deletes keys past retention; returns how many.
    @discardableResult
    public static func purge(_ db: Connection, now: Timestamp) throws -> Int {
        try db.run("DELETE FROM idempotency_keys WHERE created_at_ms < ?",
                   [.integer(now.millisecondsSinceEpoch - retentionMilliseconds)])
        return db.changes
    }
}
