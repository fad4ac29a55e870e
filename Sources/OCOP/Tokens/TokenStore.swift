import JSON
import SQLite

/// A token as listed: never its secret, only a hint of its first characters.
public struct TokenRecord: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let role: Role
    public let pointOfSaleID: Int64?
    public let fairBoothID: Int64?
    public let hint: String
    public let createdAt: Timestamp
    public let updatedAt: Timestamp
    public let revokedAt: Timestamp?
    public let version: Int64
}

/// Bearer tokens: random secrets shown once, stored only as SHA-256 hashes.
public enum TokenStore {
    /// Secrets look like `ocop_<43 base64url chars>`: 256 random bits, recognisable in logs and secret scanners.
    public static let secretPrefix = "ocop_"
    /// The shortest secret accepted for a token (one an operator chose: ours are 48 characters).
    public static let minimumSecretLength = 16
    /// The longest secret a `Bearer` header is read for; longer ones are refused unhashed.
    public static let maximumSecretLength = 256
    /// The name the `OCOP_ADMIN_TOKEN` bootstrap gives its token.
    public static let bootstrapName = "bootstrap admin (OCOP_ADMIN_TOKEN)"

    /// Whether `secret` has the shape of one `create` makes: the prefix and the base64url
    /// characters of `SecureRandom.tokenBytes`. Only the shape: whether it was made here is
    /// `Principal.hasGeneratedSecret`.
    public static func hasGeneratedShape(_ secret: some StringProtocol) -> Bool {
        let utf8 = secret.utf8
        guard utf8.count == secretPrefix.utf8.count + Base64URL.encodedLength(SecureRandom.tokenBytes),
              utf8.starts(with: secretPrefix.utf8) else { return false }
        return utf8.dropFirst(secretPrefix.utf8.count).allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                return true
            default:
                return false
            }
        }
    }

    static let columns = "id, name, role, point_of_sale_id, hint, created_at, updated_at, revoked_at, version, fair_booth_id"

    /// Creates a token with a fresh random secret; returns the record and the secret (shown once).
    public static func create(_ db: Connection, name: String, role: Role, pointOfSaleID: Int64?, fairBoothID: Int64? = nil,
                              actor: Actor, now: Timestamp) throws -> (TokenRecord, secret: String) {
        let secret = SecureRandom.token(prefix: secretPrefix)
        let record = try store(db, secret: secret, generated: true, name: name, role: role, pointOfSaleID: pointOfSaleID,
                               fairBoothID: fairBoothID, actor: actor, now: now)
        return (record, secret)
    }

    /// Stores a secret chosen by the operator (the `OCOP_ADMIN_TOKEN` bootstrap).
    public static func insert(_ db: Connection, secret: String, name: String, role: Role, pointOfSaleID: Int64?,
                              fairBoothID: Int64? = nil, actor: Actor, now: Timestamp) throws -> TokenRecord {
        try store(db, secret: secret, generated: false, name: name, role: role, pointOfSaleID: pointOfSaleID,
                  fairBoothID: fairBoothID, actor: actor, now: now)
    }

    private static func store(_ db: Connection, secret: String, generated: Bool, name: String, role: Role,
                              pointOfSaleID: Int64?, fairBoothID: Int64?, actor: Actor, now: Timestamp) throws -> TokenRecord {
        var errors: [FieldError] = []
        let trimmedName = name.trimmingWhitespace()
        if trimmedName.isEmpty || name.hasMoreCharacters(than: 100) { errors.append(FieldError("name", "must be 1 to 100 characters")) }
        // A pos token is bound to a registered point of sale (migration 0008), a booth token to a
        // booth: one bound to nothing could never be used, and would silently gain what is made
        // later. Ids of both are never reused (migration 0014), so a token of a deleted one grants nothing.
        errors += try bindingErrors("point_of_sale_id", pointOfSaleID, of: .pos, role: role, missing: "names no registered point of sale") {
            try PointOfSaleStore.exists(db, id: $0)
        }
        errors += try bindingErrors("fair_booth_id", fairBoothID, of: .booth, role: role, missing: "names no booth") {
            try BoothStore.exists(db, id: $0)
        }
        if secret.utf8.count < minimumSecretLength {
            errors.append(FieldError("token", "must be at least \(minimumSecretLength) characters"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        let hint = String(secret.prefix(secret.hasPrefix(secretPrefix) ? secretPrefix.count + 4 : 4)) + "…"
        do {
            try db.run("""
                INSERT INTO tokens (name, role, point_of_sale_id, fair_booth_id, secret_hash, hint, created_at, updated_at,
                                    secret_generated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(name), .text(role.rawValue), SQLiteValue(pointOfSaleID), SQLiteValue(fairBoothID),
                      .blob(SHA256.hash(secret)),
                      .text(hint), .text(now.description), .text(now.description), .integer(generated ? 1 : 0)])
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw DomainError.conflict("that token secret is already in use")
        }
        let id = db.lastInsertRowID
        let record = TokenRecord(id: id, name: name, role: role, pointOfSaleID: pointOfSaleID, fairBoothID: fairBoothID,
                                 hint: hint, createdAt: now, updatedAt: now, revokedAt: nil, version: 1)
        var changes = JSONObject([("name", .string(name)), ("role", .string(role.rawValue))])
        changes["point_of_sale_id"] = pointOfSaleID.map { .number(JSONNumber($0)) } ?? .null
        changes["fair_booth_id"] = fairBoothID.map { .number(JSONNumber($0)) } ?? .null
        try AuditLog.record(db, actor: actor, entity: .token, entityID: id, action: "create", changes: changes, at: now)
        return record
    }

    /// The rules of a token's binding `field` (`id`) that role `bound` requires and no other role takes.
    private static func bindingErrors(_ field: String, _ id: Int64?, of bound: Role, role: Role, missing: String,
                                      exists: (Int64) throws -> Bool) rethrows -> [FieldError] {
        switch (id, role == bound) {
        case (nil, true): return [FieldError(field, "is required for role \(bound.rawValue)")]
        case (nil, false): return []
        case (let id?, let isBound):
            var errors: [FieldError] = []
            if !isBound { errors.append(FieldError(field, "is only allowed for role \(bound.rawValue)")) }
            if id <= 0 { errors.append(FieldError(field, "must be a positive id")) }
            if id > 0, isBound, try !exists(id) { errors.append(FieldError(field, "\(missing) (\(id))")) }
            return errors
        }
    }

    /// The principal a presented secret stands for, or nil if unknown or revoked.
    public static func authenticate(_ db: Connection, secret: String) throws -> Principal? {
        try authenticate(db, secretHash: SHA256.hash(secret))
    }

    /// `authenticate` for a secret already hashed (`SHA256.hash(secret)`).
    public static func authenticate(_ db: Connection, secretHash hash: [UInt8]) throws -> Principal? {
        // The lookup is by hash, so timing reveals nothing about the secret; the
        // constant-time compare is belt and braces against an index returning a near miss.
        return try db.first("""
            SELECT id, role, point_of_sale_id, secret_hash, fair_booth_id, secret_generated FROM tokens
            WHERE secret_hash = ? AND revoked_at IS NULL
            """, [.blob(hash)]) { row -> Principal? in
            guard constantTimeEquals(row.blob(3), hash), let role = Role(rawValue: row.string(1)) else { return nil }
            return Principal(tokenID: row.int64(0), role: role, pointOfSaleID: row.optionalInt64(2),
                             fairBoothID: row.optionalInt64(4), hasGeneratedSecret: row.int64(5) == 1)
        } ?? nil
    }

    public static func get(_ db: Connection, id: Int64) throws -> TokenRecord? {
        try db.first("SELECT \(columns) FROM tokens WHERE id = ?", [.integer(id)], decode)
    }

    /// Tokens by id; revoked ones are included (they stay for the audit trail).
    public static func list(_ db: Connection, limit: PageSize, after: Int64?) throws -> Page<TokenRecord> {
        let items = try db.all("SELECT \(columns) FROM tokens WHERE id > ? ORDER BY id LIMIT ?",
                               [.integer(after ?? 0), .integer(limit.rowsToFetch)], decode)
        return Page(fetched: items, limit: limit) { Cursor(sort: "id", values: [String($0.id)]).encoded }
    }

    /// Revokes a token; revoking twice is harmless. The row stays so audit entries keep their author.
    /// `ifVersion` is the client's precondition, as for any DELETE.
    public static func revoke(_ db: Connection, id: Int64, ifVersion: VersionMatch? = nil, actor: Actor, now: Timestamp) throws {
        guard let record = try get(db, id: id) else { throw DomainError.notFound(entity: "token", id: String(id)) }
        try VersionMatch.require(ifVersion, current: record.version)
        guard record.revokedAt == nil else { return }
        // Revoking the last admin token would leave nobody able to make or revoke tokens through
        // the API (a contract tester revoking token 1 locked itself out of a whole run), and
        // OCOP_ADMIN_TOKEN cannot bring a revoked secret back: rotate by making the new one first.
        if record.role == .admin, try activeAdmins(db) <= 1 {
            throw DomainError.conflict("""
                token \(id) is the last admin token: revoked, it would leave nobody to manage tokens through the \
                API. Create another admin token first (POST /api/v1/tokens), then revoke this one
                """)
        }
        try db.run("UPDATE tokens SET revoked_at = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                   [.text(now.description), .text(now.description), .integer(id)])
        try AuditLog.record(db, actor: actor, entity: .token, entityID: id, action: "revoke",
                            changes: JSONObject([("revoked_at", .string(now.description))]), at: now)
    }

    public static func hasActiveAdmin(_ db: Connection) throws -> Bool {
        try activeAdmins(db) > 0
    }

    static func activeAdmins(_ db: Connection) throws -> Int64 {
        try db.scalarInt("SELECT count(*) FROM tokens WHERE role = 'admin' AND revoked_at IS NULL") ?? 0
    }

    static func decode(_ row: Row) throws -> TokenRecord {
        guard let role = Role(rawValue: row.string(2)), let created = row.timestamp(5),
              let updated = row.timestamp(6) else {
            throw DomainError.conflict("token \(row.int64(0)) has corrupt stored fields")
        }
        return TokenRecord(id: row.int64(0), name: row.string(1), role: role, pointOfSaleID: row.optionalInt64(3),
                           fairBoothID: row.optionalInt64(9), hint: row.string(4), createdAt: created, updatedAt: updated,
                           revokedAt: row.optionalString(7).flatMap { Timestamp(rfc3339: $0) }, version: row.int64(8))
    }
}
