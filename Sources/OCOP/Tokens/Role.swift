/// What a token may do (API.md "Authentication and roles").
public enum Role: String, CaseIterable, Sendable {
    /// Everything, including tokens.
    case admin
    /// The provincial OCOP office: all domain writes.
    case officer
    /// A point-of-sale terminal: its own inventory and sales only.
    case pos
}

/// An authenticated caller. Anonymous callers have no principal at all.
public struct Principal: Sendable, Equatable {
    public let tokenID: Int64
    public let role: Role
    /// Set exactly when `role == .pos`.
    public let pointOfSaleID: Int64?

    public init(tokenID: Int64, role: Role, pointOfSaleID: Int64?) {
        self.tokenID = tokenID
        self.role = role
        self.pointOfSaleID = pointOfSaleID
    }

    /// Officers and admins write domain data.
    public var canWriteDomain: Bool { role == .admin || role == .officer }
}
