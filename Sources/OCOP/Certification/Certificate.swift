/// An OCOP star certificate: the recognition decision for one product, valid 36 months.
public struct Certificate: Sendable, Equatable {
    public let id: Int64
    /// The decision number and the product code, e.g. "1234/QĐ-UBND/QN-2024-0012"; unique with the
    /// product and `decidedOn` (decision numbers restart every year).
    public let number: String
    public let productID: Int64
    /// The evaluation result it was issued for (nil for certificates recorded from paper).
    public let resultID: Int64?
    public let stars: StarRating
    public let councilLevel: CouncilLevel
    public let legalBasis: String
    /// The producer's place when the certificate was issued (DOMAIN.md: "Certificates issued
    /// before keep the address as issued"): a producer that moves, or whose commune is merged in
    /// the 2025 reform, does not move the certificates it already holds.
    public let place: IssuedPlace
    public let decidedOn: CivilDate
    /// The last valid day.
    public let expiresOn: CivilDate
    /// The certificate this one renews, if any.
    public let previousID: Int64?
    /// The certificate that renewed this one, if any.
    public let renewedByID: Int64?
    public let revocation: Revocation?
    /// The status last written to the audit log (by a request or by the sweeper). Not the truth.
    public let statusRecorded: CertificateStatus
    public let createdAt: Timestamp
    public let updatedAt: Timestamp
    /// The stored version; see `version(on:)` for the one clients see.
    public let storedVersion: Int64

    /// The truth: where the certificate stands on `today` (Asia/Ho_Chi_Minh), from its dates.
    public func status(on today: CivilDate) -> CertificateStatus {
        CertificateStatus.on(today, expiresOn: expiresOn, renewed: renewedByID != nil, revoked: revocation != nil)
    }

    /// Its stars if it was still in force on `day` (its expiry day is the last one), else nil:
    /// what a later evaluation may not take away (`EvaluationRules.isForTheNextLevel`).
    /// Revoked certificates never reach an evaluation (`EvaluationRules.isComparable`).
    public func stars(heldOn day: CivilDate) -> StarRating? {
        day <= expiresOn ? stars : nil
    }

    /// The version clients see (and the ETag carries). When the calendar has moved the status on
    /// but the sweeper has not recorded it yet, this is already the version the sweeper will store
    /// (it adds one), so a cached copy from before midnight is never answered with 304.
    public func version(on today: CivilDate) -> Int64 {
        storedVersion + (status(on: today) == statusRecorded ? 0 : 1)
    }
}

/// The district and commune a certificate was issued to (either may be unknown).
public struct IssuedPlace: Sendable, Equatable {
    public let district: String?
    public let commune: String?

    public init(district: String?, commune: String?) {
        self.district = district
        self.commune = commune
    }
}

/// Why and when a certificate was withdrawn.
public struct Revocation: Sendable, Equatable {
    public let on: CivilDate
    public let reason: RevocationReason
    public let note: String?

    public init(on: CivilDate, reason: RevocationReason, note: String?) {
        self.on = on
        self.reason = reason
        self.note = note
    }
}

/// How a certificate list is ordered.
public enum CertificateSort: String, CaseIterable, Sendable {
    case id = "id"
    case idDescending = "-id"
    case expiresOn = "expires_on"
    case expiresOnDescending = "-expires_on"
    case decidedOn = "decided_on"
    case decidedOnDescending = "-decided_on"

    var keyset: Keyset {
        switch self {
        case .id: Keyset(sort: rawValue, column: nil, descending: false)
        case .idDescending: Keyset(sort: rawValue, column: nil, descending: true)
        case .expiresOn: Keyset(sort: rawValue, column: .date("expires_on"), descending: false)
        case .expiresOnDescending: Keyset(sort: rawValue, column: .date("expires_on"), descending: true)
        case .decidedOn: Keyset(sort: rawValue, column: .date("decided_on"), descending: false)
        case .decidedOnDescending: Keyset(sort: rawValue, column: .date("decided_on"), descending: true)
        }
    }

    func key(_ c: Certificate) -> (value: Keyset.Value?, id: Int64) {
        switch self {
        case .id, .idDescending: (nil, c.id)
        case .expiresOn, .expiresOnDescending: (.date(c.expiresOn), c.id)
        case .decidedOn, .decidedOnDescending: (.date(c.decidedOn), c.id)
        }
    }
}

/// Filters and paging for `GET /api/v1/certificates` and a product's certificate history.
public struct CertificateQuery: Sendable {
    /// Status on `today`, filtered in SQL from the dates (never from a stored status).
    public var status: CertificateStatus?
    public var productID: Int64?
    public var stars: StarRating?
    /// `expires_on` strictly before this day.
    public var expiresBefore: CivilDate?
    /// `expires_on` strictly after this day.
    public var expiresAfter: CivilDate?
    public var sort: CertificateSort = .id
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}
