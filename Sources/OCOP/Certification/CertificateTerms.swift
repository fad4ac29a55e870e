/// How long a certificate lasts and when the producer must be told it is ending, as data.
public struct CertificateTerms: Sendable, Equatable {
    /// A 3–5-star certificate is valid this many months from the recognition decision.
    public let validityMonths: Int
    /// The issuing body notifies the producer at least this many days before expiry.
    public let noticeDays: Int
    public let legalBasis: String

    public init(validityMonths: Int, noticeDays: Int, legalBasis: String) {
        self.validityMonths = validityMonths
        self.noticeDays = noticeDays
        self.legalBasis = legalBasis
    }

    /// Decision 148/QĐ-TTg (2023): 36 months; notice at least 30 days ahead (DOMAIN.md).
    public static let standard = CertificateTerms(
        validityMonths: 36, noticeDays: 30,
        legalBasis: "Quyết định 148/QĐ-TTg ngày 24/02/2023 (thời hạn 36 tháng)")

    /// The last valid day of a certificate decided on `decidedOn`: the same day of the month
    /// `validityMonths` later, 29 February → 28 February (Civil Code 2015, art. 147–148).
    public func expiresOn(decidedOn: CivilDate) -> CivilDate {
        decidedOn.adding(months: validityMonths)
    }
}
