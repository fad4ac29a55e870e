/// What a token may do (API.md "Authentication and roles").
public enum Role: String, CaseIterable, Sendable {
    /// Everything, including tokens.
    case admin
    /// The provincial OCOP office: all domain writes.
    case officer
    /// A point-of-sale terminal: its own inventory and sales only.
    case pos
    /// A booth at a fair or product week: its own takings only (issue #5: "sales entries … that
    /// booths or officers record during the fair").
    case booth
}

/// An authenticated caller. Anonymous callers have no principal at all.
public struct Principal: Sendable, Equatable {
    public let tokenID: Int64
    public let role: Role
    /// Set exactly when `role == .pos`.
    public let pointOfSaleID: Int64?
    /// Set exactly when `role == .booth`.
    public let fairBoothID: Int64?
    /// The token's secret was made by the server (256 random bits), not chosen by an operator:
    /// it cannot have been guessed (`Schema.recordTokenSecretOrigin`).
    public let hasGeneratedSecret: Bool

    public init(tokenID: Int64, role: Role, pointOfSaleID: Int64?, fairBoothID: Int64? = nil,
                hasGeneratedSecret: Bool = false) {
        self.tokenID = tokenID
        self.role = role
        self.pointOfSaleID = pointOfSaleID
        self.fairBoothID = fairBoothID
        self.hasGeneratedSecret = hasGeneratedSecret
    }

    /// Officers and admins write domain data.
    public var canWriteDomain: Bool { role == .admin || role == .officer }
}
