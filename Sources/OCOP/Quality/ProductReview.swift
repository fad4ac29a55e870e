import JSON

/// Why an officer revokes a certificate after a review: the two reasons an inspection can give
/// (`not_reapplied` belongs to expiry, never to a review, so it cannot be expressed here).
public enum ReviewRevocationReason: String, CaseIterable, Sendable {
    case violation
    case failedMandatoryCriteria = "failed_mandatory_criteria"

    /// The certificate's revocation reason.
    public var revocationReason: RevocationReason {
        switch self {
        case .violation: .violation
        case .failedMandatoryCriteria: .failedMandatoryCriteria
        }
    }
}

/// What an officer decides about a product under review. A revocation always carries its reason;
/// clearing never does.
public enum ReviewDecision: Sendable, Equatable {
    /// The product keeps its certificate; the flag is lifted.
    case cleared
    /// The product's current certificate is revoked and the flag is lifted.
    case revokeCertificate(ReviewRevocationReason)

    /// The decision's API name.
    public var name: String {
        switch self {
        case .cleared: "cleared"
        case .revokeCertificate: "revoke_certificate"
        }
    }
}

/// The officer's decision with an optional note for the record.
public struct ProductReview: Sendable, Equatable {
    public var decision: ReviewDecision
    public var note: String?

    public init(decision: ReviewDecision, note: String? = nil) {
        self.decision = decision
        self.note = note
    }

    /// Rules beyond types.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        FieldError.checkText("note", note, max: 2000, into: &errors)
        return errors
    }
}

/// A certificate as it stands after a review revoked it.
public struct RevokedCertificate: Sendable, Equatable {
    public let id: Int64
    public let number: String
    public let stars: Int
    public let decidedOn: CivilDate
    public let expiresOn: CivilDate
    public let revokedOn: CivilDate
    public let reason: RevocationReason
}

/// What a review did: the product's flag is down and, for a revocation, which certificate went.
public struct ReviewOutcome: Sendable, Equatable {
    public let productID: Int64
    public let review: ProductReview
    /// The calendar day in Asia/Ho_Chi_Minh the decision was taken (and any revocation dated).
    public let decidedOn: CivilDate
    /// The product's version after the review (its ETag is W/"version").
    public let productVersion: Int64
    public let revoked: RevokedCertificate?
}
