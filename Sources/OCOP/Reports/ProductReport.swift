/// The dashboard's figures for the OCOP products programme on one day. Every number is
/// computed from recorded certificates, evaluations and registries when asked; none is stored.
public struct ProductReport: Sendable, Equatable {
    public let query: ProductReportQuery
    /// Products holding a valid 3–5-star certificate on `query.asOf`.
    public let certified: CertifiedProducts
    /// Certificates valid on `asOf` whose last valid day is within `query.withinDays`, soonest first.
    public let expiring: [ExpiringCertificate]
    /// Certificates that expired in `query.from … query.to` and how many of those re-entered evaluation.
    public let expired: ExpiredCertificates
    /// Certified raw-material areas by scheme, and the registries' sizes.
    public let rawMaterials: RawMaterialTotals
}

/// Certified products counted several ways. A product counts once, under its certificate's stars
/// and its producer's kind and place.
public struct CertifiedProducts: Sendable, Equatable {
    public let total: Int
    /// 3, 4 and 5 stars in that order, zeros included.
    public let byStars: [StarsCount]
    /// Every product group in the taxonomy's order, zeros included.
    public let byGroup: [GroupCount]
    /// Districts in Vietnamese order, each certificate counted at its place as issued (`IssuedPlace`);
    /// certificates of producers that gave no district last.
    public let byDistrict: [DistrictCount]
    /// (district, commune) pairs in Vietnamese order: commune names repeat across districts.
    public let byCommune: [CommuneCount]
    /// Every producer kind, zeros included: certified products, and producers holding at least one.
    public let byProducerKind: [ProducerKindCount]

    /// Producers holding at least one certified product (each producer has one kind).
    public var producers: Int { byProducerKind.reduce(0) { $0 + $1.producers } }
}

/// Certified products with one star rating.
public struct StarsCount: Sendable, Equatable {
    public let stars: StarRating
    public let products: Int

    public init(stars: StarRating, products: Int) {
        self.stars = stars
        self.products = products
    }
}

/// Certified products of one product group.
public struct GroupCount: Sendable, Equatable {
    /// The group code (`product_groups.code`).
    public let group: String
    public let name: String
    public let products: Int

    public init(group: String, name: String, products: Int) {
        self.group = group
        self.name = name
        self.products = products
    }
}

/// Certified products whose certificates were issued to producers in one district (nil: none given).
public struct DistrictCount: Sendable, Equatable {
    public let district: String?
    public let products: Int

    public init(district: String?, products: Int) {
        self.district = district
        self.products = products
    }
}

/// Certified products whose certificates were issued to producers in one commune of one district.
public struct CommuneCount: Sendable, Equatable {
    public let district: String?
    public let commune: String?
    public let products: Int

    public init(district: String?, commune: String?, products: Int) {
        self.district = district
        self.commune = commune
        self.products = products
    }
}

/// Certified products of producers of one kind, and how many such producers hold them.
public struct ProducerKindCount: Sendable, Equatable {
    public let kind: ProducerKind
    public let products: Int
    public let producers: Int

    public init(kind: ProducerKind, products: Int, producers: Int) {
        self.kind = kind
        self.products = products
        self.producers = producers
    }
}

/// A certificate that runs out soon, with what an officer needs to call the producer.
public struct ExpiringCertificate: Sendable, Equatable {
    public let certificateID: Int64
    public let number: String
    public let productID: Int64
    public let productCode: String
    public let productName: String
    public let stars: StarRating
    /// The last valid day.
    public let expiresOn: CivilDate
    /// Days from the report's `asOf` to `expiresOn` (0: its last valid day is `asOf`).
    public let daysLeft: Int
}

/// Certificates that expired in a period, and how many of those came back to a council.
///
/// A certificate expired on the day after its last valid day (`expires_on + 1`, when its status
/// turns `expired`) if by then it was neither revoked nor renewed by a certificate already decided.
/// It re-entered evaluation when its product has an evaluation result in a round held from the
/// day the certificate started expiring (`expires_on − 30 days`, the notice period, when the
/// office reviews products ahead of time) up to `asOf`, whatever that evaluation's outcome.
public struct ExpiredCertificates: Sendable, Equatable {
    public let from: CivilDate
    public let to: CivilDate
    public let expired: Int
    public let reentered: Int

    public init(from: CivilDate, to: CivilDate, expired: Int, reentered: Int) {
        self.from = from
        self.to = to
        self.expired = expired
        self.reentered = reentered
    }
}

/// Raw-material areas with a certification valid on `asOf`, by scheme; plus registry sizes.
public struct RawMaterialTotals: Sendable, Equatable {
    /// Every scheme, zeros included, in `CertificationScheme` order.
    public let byScheme: [SchemeTotal]
    /// Growing-area codes registered now (the registry keeps no history of deletions).
    public let registeredAreas: Int
    /// Packing facilities registered now.
    public let packingFacilities: Int
}

/// Areas certified under one scheme on `asOf`. An area with two valid certificates of the scheme
/// counts once; establishments are distinct producers, an area without a producer counting as one.
public struct SchemeTotal: Sendable, Equatable {
    public let scheme: CertificationScheme
    public let areas: Int
    public let areaM2: Int64
    public let establishments: Int
    /// The same figures per kind of area (cultivation, aquaculture …), only kinds that have some.
    public let byKind: [SchemeKindTotal]

    public init(scheme: CertificationScheme, areas: Int, areaM2: Int64, establishments: Int, byKind: [SchemeKindTotal]) {
        self.scheme = scheme
        self.areas = areas
        self.areaM2 = areaM2
        self.establishments = establishments
        self.byKind = byKind
    }
}

/// Areas of one kind certified under one scheme on `asOf`.
public struct SchemeKindTotal: Sendable, Equatable {
    public let kind: AreaKind
    public let areas: Int
    public let areaM2: Int64
    public let establishments: Int

    public init(kind: AreaKind, areas: Int, areaM2: Int64, establishments: Int) {
        self.kind = kind
        self.areas = areas
        self.areaM2 = areaM2
        self.establishments = establishments
    }
}
