import SQLite

extension Schema {
    /// Whether a token's secret was made by the server (`ocop_` and 256 random bits) or chosen by
    /// an operator (the `OCOP_ADMIN_TOKEN` bootstrap, `TokenStore.insert`).
    ///
    /// A client address past its allowance of failed authentications (`AuthFailureLimiter`) is
    /// still served for a made secret: nobody can have guessed one, so answering it tells a
    /// guesser nothing, and one guesser behind an address many clients share (a proxy, a fair's
    /// NAT) no longer locks out every terminal and officer there. A chosen secret may be weak and
    /// stays refused like any guess. Rows stored before this migration count as made only when
    /// they cannot be the bootstrap: another name, and a hint of the made shape.
    static func recordTokenSecretOrigin(_ db: Connection) throws {
        try db.execute("""
        ALTER TABLE tokens ADD COLUMN secret_generated INTEGER NOT NULL DEFAULT 0 CHECK (secret_generated IN (0, 1));
        UPDATE tokens SET secret_generated = 1
            WHERE substr(hint, 1, 5) = 'ocop_' AND name <> 'bootstrap admin (OCOP_ADMIN_TOKEN)';
        """)
    }
}
