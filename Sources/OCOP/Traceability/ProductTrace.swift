/// How a resolver URI names a product: by GTIN (`/01/{gtin}…`) or by its human code (`/t/{code}`).
public enum ProductKey: Sendable, Equatable {
    case gtin(GTIN)
    case code(String)

    /// The key of a `/t/{code}` URI (percent-decoded): a text that breaks the product code rule
    /// can name no product, so it is a malformed URI rather than an unknown one.
    public static func code(parsing text: String) throws(MalformedLink) -> ProductKey {
        guard ProductFields.isCode(text) else {
            throw MalformedLink("code", "must be 1 to 40 characters: letters A–Z, digits and - _ . / (e.g. QN-TP-0001)")
        }
        return .code(text)
    }
}

/// What a traceability resolver can point to for one product: the public records that exist
/// for it today, by id, with the names a link title shows. No lots or events are modelled yet,
/// so this is product-level; a lot in the URI narrows nothing.
public struct ProductTrace: Sendable, Equatable {
    /// A record the resolver links to: its id and what people call it.
    public struct Entry: Sendable, Equatable {
        public let id: Int64
        public let name: String

        public init(id: Int64, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// The product's current certificate (`products.current_certificate_id`), whatever its status.
    public struct Certificate: Sendable, Equatable {
        public let id: Int64
        public let number: String
        public let stars: StarRating
        public let expiresOn: CivilDate
        public let renewed: Bool
        public let revoked: Bool

        /// Where it stands on `today`, by the same rule as `OCOP.Certificate.status(on:)`.
        public func status(on today: CivilDate) -> CertificateStatus {
            CertificateStatus.on(today, expiresOn: expiresOn, renewed: renewed, revoked: revoked)
        }
    }

    public let productID: Int64
    public let code: String
    public let name: String
    public let gtin: GTIN?
    public let producer: Entry
    /// Any certificate was ever issued to it (so its certificate history is worth a link).
    public let hasCertificates: Bool
    public let currentCertificate: Certificate?
    /// Its raw-material areas in the product's order; the name is the area's name, else its code.
    public let rawMaterialAreas: [Entry]
    /// It has at least one listing whose status is `active` on an e-commerce platform.
    public let hasActiveListings: Bool
    /// Points of sale holding it in stock now (level above zero), by id; at most
    /// `TraceabilityStore.maximumPointsOfSale` of them.
    public let pointsOfSale: [Entry]
}
