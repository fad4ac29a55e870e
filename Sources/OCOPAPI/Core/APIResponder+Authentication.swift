import HTTP
import OCOP

/// Who is calling: the bearer token read from `Authorization`, the token cache before the
/// database, the failed-authentication limit per client address, and the role check.
extension APIResponder {
    /// The caller named by the bearer token; nil for anonymous. Every failure is counted
    /// against the client address, and an address over its allowance is refused first —
    /// except for a token whose secret the server made (`generatedOverLimit`).
    func authenticate(_ request: HTTPRequest, connection: ConnectionInfo) throws -> Principal? {
        guard let header = Self.bearerCredentials(request) else { return nil }
        if authFailures.isCounting, let seconds = authFailures.retryAfter(client(request, connection)) {
            if let principal = generatedOverLimit(authorization: header) { return principal }
            throw Problem(.tooManyRequests, type: "too-many-requests", title: "Too many requests",
                          detail: "too many failed authentications from this address; retry in \(seconds) s",
                          headers: ["Retry-After": String(seconds)])
        }
        do {
            return try principal(authorization: header)
        } catch let problem as Problem where problem.status == .unauthorized {
            authFailures.recordFailure(client(request, connection))
            throw problem
        }
    }

    /// The caller, for an address over its allowance, when the token's secret is one the server
    /// made: 256 random bits cannot have been guessed, so serving it tells a guesser nothing, and a
    /// guesser sharing the address (a proxy, a NAT) cannot lock out the terminals behind it. Any
    /// other secret — a wrong one, or one an operator chose, which may be weak — is nil, refused
    /// unread as before: a guesser learns nothing from a 429 either way.
    private func generatedOverLimit(authorization header: String) -> Principal? {
        guard let secret = try? Self.bearerSecret(authorization: header), TokenStore.hasGeneratedShape(secret),
              let principal = try? principal(secretHash: SHA256.hash(secret)), principal.hasGeneratedSecret else { return nil }
        return principal
    }

    private func principal(authorization header: String) throws -> Principal {
        try principal(secretHash: Self.secretHash(authorization: header))
    }

    /// The token cache's principal for a secret's hash, else the database's (then cached).
    private func principal(secretHash hash: [UInt8]) throws -> Principal {
        if let cached = services.tokens.principal(forSecretHash: hash) { return cached }
        let epoch = services.tokens.epoch
        guard let principal = try services.database.read({ try TokenStore.authenticate($0, secretHash: hash) }) else {
            throw Problem.invalidToken("the token is unknown or revoked")
        }
        services.tokens.store(principal, forSecretHash: hash, epoch: epoch)
        return principal
    }

    /// Who is calling, when that is known without blocking or refusing anything.
    struct KnownCaller {
        /// Nil: anonymous.
        let principal: Principal?
    }

    /// The caller, when known without a read: anonymous, or a token the token cache holds while
    /// no failed-authentication limit is running. Nil otherwise (a handler thread authenticates).
    func knownCaller(_ request: HTTPRequest) -> KnownCaller? {
        guard let header = Self.bearerCredentials(request) else { return KnownCaller(principal: nil) }
        guard !authFailures.isCounting, let known = knownPrincipal(authorization: header) else { return nil }
        return KnownCaller(principal: known)
    }

    /// The caller a bearer header names when the token cache holds it; nil when it does not,
    /// or the header is malformed (the handler thread then reads the database, or refuses).
    private func knownPrincipal(authorization header: String) -> Principal? {
        guard let hash = try? Self.secretHash(authorization: header) else { return nil }
        return services.tokens.principal(forSecretHash: hash)
    }

    /// The `Authorization` header when it uses the Bearer scheme (RFC 6750), else nil: the caller
    /// is anonymous. Credentials of another scheme (Basic, which a proxy guarding a dashboard with
    /// a password forwards), or an empty header, are no token at all: a public read is served to
    /// them, and a protected one asks for a bearer token. A Bearer header that names no valid token
    /// is still refused, even where anyone may read: that caller meant to authenticate.
    static func bearerCredentials(_ request: HTTPRequest) -> String? {
        guard let header = request.headers["Authorization"] else { return nil }
        let schemeEnd = header.utf8.firstIndex(of: UInt8(ascii: " ")) ?? header.endIndex
        return header[..<schemeEnd].equalsIgnoringASCIICase("Bearer") ? header : nil
    }

    /// The SHA-256 of a `Bearer` header's token, which is how tokens are stored and cached.
    private static func secretHash(authorization header: String) throws(Problem) -> [UInt8] {
        SHA256.hash(try bearerSecret(authorization: header))
    }

    /// The token of a `Bearer` header, as a slice of the header.
    private static func bearerSecret(authorization header: String) throws(Problem) -> Substring {
        // What every client sends, the scheme and one space before a token with no blank in it,
        // is the header's tail as it stands: splitting and trimming it cost as much as hashing
        // it. Any other spelling is read by splitting at the first space and trimming.
        var text = header
        let common = text.withUTF8 { bytes in
            guard bytes.count > 7, bytes.count <= 7 + TokenStore.maximumSecretLength, bytes[6] == UInt8(ascii: " ") else { return false }
            for (byte, letter) in zip(bytes[0..<6], "bearer".utf8) where byte | 0x20 != letter { return false }
            return !bytes[7...].contains { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        }
        if common { return header[header.utf8.index(header.utf8.startIndex, offsetBy: 7)...] }
        let parts = header.splitASCII(UInt8(ascii: " "), maxSplits: 1)
        guard parts.count == 2, parts[0].equalsIgnoringASCIICase("Bearer") else {
            throw Problem.unauthorized("use Authorization: Bearer <token>")
        }
        let secret = parts[1].trimmingASCIIWhitespace()
        guard !secret.isEmpty, secret.utf8.count <= TokenStore.maximumSecretLength else {
            throw Problem.invalidToken("the token is unknown or revoked")
        }
        return secret[...]
    }

    func authorize(_ access: Access, _ principal: Principal?) throws(Problem) {
        guard case .roles(let roles) = access else { return }
        guard let principal else { throw Problem.unauthorized("this resource needs a bearer token") }
        guard roles.contains(principal.role) else {
            throw Problem.forbidden("the \(principal.role.rawValue) role may not do this")
        }
    }
}
