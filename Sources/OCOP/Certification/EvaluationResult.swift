/// A product's evaluation in one round: the members' scores and what the server made of them.
public struct EvaluationResult: Sendable, Equatable {
    public let id: Int64
    public let roundID: Int64
    public let productID: Int64
    public let memberScores: [MemberScore]
    public let mandatoryCriteriaMet: Bool
    /// The average truncated to hundredths (display only; stars come from the unrounded average).
    public let averageScore: Points
    public let starsEarned: StarRating
    public var starsAwarded: StarRating
    public var proposedToNextLevel: Bool
    public var outcome: EvaluationOutcome
    /// The certificate the outcome compares with (the product's current one unless revoked).
    public var previousCertificateID: Int64?
    /// Set once the result is decided and the certificate issued.
    public var certificateID: Int64?
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64
}

/// What a client sends to record an evaluation.
public struct EvaluationInput: Sendable, Equatable {
    public var productID: Int64
    public var memberScores: [MemberScore]
    public var mandatoryCriteriaMet: Bool

    public init(productID: Int64, memberScores: [MemberScore], mandatoryCriteriaMet: Bool) {
        self.productID = productID
        self.memberScores = memberScores
        self.mandatoryCriteriaMet = mandatoryCriteriaMet
    }
}

/// Filters and paging for a round's results (by id).
public struct EvaluationResultQuery: Sendable {
    public var productID: Int64?
    public var outcome: EvaluationOutcome?
    public var starsAwarded: StarRating?
    /// true: only results with a certificate; false: only those still undecided.
    public var decided: Bool?
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}
