/// Where a certificate stands on a given day (DOMAIN.md "Certificate lifecycle").
/// Never stored as the truth: it is computed from dates whenever it is read, so it
/// is right the morning after midnight without any job having run.
public enum CertificateStatus: String, CaseIterable, Sendable {
    case active
    /// At most `noticeDays` left: the issuing body must have notified the producer.
    case expiring
    /// Past `expires_on` and not re-evaluated in time: the stars and the OCOP mark lapse.
    case expired
    /// Superseded by a newer certificate linked to this one.
    case renewed
    /// Withdrawn before its time, with a reason.
    case revoked

    /// Days before expiry from which a certificate counts as expiring (`CertificateTerms`).
    public static let noticeDays = CertificateTerms.standard.noticeDays

    /// The status on `today` (the calendar day in Asia/Ho_Chi_Minh). `expiresOn` is the last
    /// valid day: a period counted in months ends on the corresponding day (Civil Code 2015, art. 147–148).
    public static func on(_ today: CivilDate, expiresOn: CivilDate, renewed: Bool, revoked: Bool) -> CertificateStatus {
        if revoked { return .revoked }
        if renewed { return .renewed }
        let daysLeft = today.days(until: expiresOn)
        if daysLeft < 0 { return .expired }
        if daysLeft <= noticeDays { return .expiring }
        return .active
    }

    /// Whether the product may carry its stars and the OCOP mark.
    public var isValid: Bool { self == .active || self == .expiring }
}

/// Why a certificate was revoked.
public enum RevocationReason: String, CaseIterable, Sendable {
    case notReapplied = "not_reapplied"
    case failedMandatoryCriteria = "failed_mandatory_criteria"
    case violation
}
