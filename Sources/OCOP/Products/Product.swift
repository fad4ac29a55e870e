/// Where a product stands in the OCOP programme, derived on read (never stored).
public enum ProductStatus: String, CaseIterable, Sendable {
    /// Its current certificate is valid today (active or expiring): it carries stars and the OCOP mark.
    case certified
    /// Its current certificate ran out and no newer one was issued.
    case expired
    /// Its current certificate was withdrawn.
    case revoked
    /// It never held a certificate (or its latest one is not in force for another reason).
    case notCertified = "not_certified"
    /// A failed food-safety inspection is waiting for an officer's decision; this outranks the rest.
    case underReview = "under_review"
}

/// A registered product, with its derived certification state.
public struct Product: Sendable, Equatable {
    /// Server-assigned id.
    public let id: Int64
    /// What clients write.
    public var fields: ProductFields
    /// Set by a failed food-safety inspection until an officer decides (quality monitoring).
    public var underReview: Bool
    /// The latest certificate issued to it (`products.current_certificate_id`), whatever its status.
    public var certificate: ProductCertificate?
    /// When it was registered.
    public let createdAt: Timestamp
    /// When its stored fields last changed.
    public var updatedAt: Timestamp
    /// Grows by one on every change; the ETag.
    public var version: Int64

    /// A product as stored.
    public init(id: Int64, fields: ProductFields, underReview: Bool = false, certificate: ProductCertificate? = nil,
                createdAt: Timestamp, updatedAt: Timestamp, version: Int64) {
        self.id = id
        self.fields = fields
        self.underReview = underReview
        self.certificate = certificate
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The derived status on `today` (Asia/Ho_Chi_Minh calendar day).
    public func status(on today: CivilDate) -> ProductStatus {
        if underReview { return .underReview }
        guard let certificate else { return .notCertified }
        switch certificate.status(on: today) {
        case .active, .expiring: return .certified
        case .expired: return .expired
        case .revoked: return .revoked
        case .renewed: return .notCertified   // a current certificate is never renewed; be safe if one is
        }
    }

    /// The stars the product may show today: its current certificate's while valid, else none
    /// (stars lapse on expiry or revocation). Under review keeps them: nothing is decided yet.
    public func stars(on today: CivilDate) -> StarRating? {
        guard let certificate, certificate.status(on: today).isValid else { return nil }
        return certificate.stars
    }

    /// Whether the representation may have changed since `updatedAt` without a new version:
    /// the certificate row changed later, or a calendar transition (active → expiring → expired)
    /// fell on a later day. A conditional GET must then not answer 304 for the old version —
    /// status is "always right when read", including for caches that revalidate.
    public func derivedStateChangedSinceUpdate(today: CivilDate) -> Bool {
        guard let certificate else { return false }
        if certificate.updatedAt > updatedAt { return true }
        guard !certificate.revoked, !certificate.renewed else { return false }
        let writtenOn = CivilDate.today(at: updatedAt)
        // A transition takes effect at the start of its day; a write made that day already saw it.
        for transition in certificate.transitionDays where writtenOn < transition && transition <= today {
            return true
        }
        return false
    }
}

/// The summary of a product's current certificate shown on the product.
public struct ProductCertificate: Sendable, Equatable {
    /// The certificate's id.
    public let id: Int64
    /// The certificate number (decision reference).
    public let number: String
    /// Stars awarded, 3 to 5.
    public let stars: StarRating
    /// The decision date.
    public let decidedOn: CivilDate
    /// The last valid day.
    public let expiresOn: CivilDate
    /// A newer certificate superseded it.
    public let renewed: Bool
    /// It was withdrawn.
    public let revoked: Bool
    /// When the certificate row last changed.
    public let updatedAt: Timestamp

    /// A certificate summary as stored.
    public init(id: Int64, number: String, stars: StarRating, decidedOn: CivilDate, expiresOn: CivilDate,
                renewed: Bool, revoked: Bool, updatedAt: Timestamp) {
        self.id = id
        self.number = number
        self.stars = stars
        self.decidedOn = decidedOn
        self.expiresOn = expiresOn
        self.renewed = renewed
        self.revoked = revoked
        self.updatedAt = updatedAt
    }

    /// Computed from dates on every read (CertificateStatus.on), never stored.
    public func status(on today: CivilDate) -> CertificateStatus {
        CertificateStatus.on(today, expiresOn: expiresOn, renewed: renewed, revoked: revoked)
    }

    /// The first days of `expiring` and of `expired`.
    var transitionDays: [CivilDate] {
        [expiresOn.adding(days: -CertificateStatus.noticeDays), expiresOn.adding(days: 1)]
    }
}
